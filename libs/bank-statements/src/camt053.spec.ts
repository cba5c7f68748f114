import { describe, expect, it } from '@jest/globals';
import { parseStatement } from './parse-statement.js';
import { refusal } from './statement.test-helper.js';

interface EntryOptions {
  readonly amount?: string;
  readonly currency?: string;
  readonly direction?: string;
  readonly reversal?: boolean;
  readonly status?: string;
  readonly booking?: string;
  readonly value?: string | null;
  readonly inner?: string;
}

const entry = (options: EntryOptions = {}): string =>
  [
    '<Ntry>',
    `<Amt Ccy="${options.currency ?? 'EUR'}">${options.amount ?? '10.00'}</Amt>`,
    options.direction === '' ? '' : `<CdtDbtInd>${options.direction ?? 'CRDT'}</CdtDbtInd>`,
    options.reversal === true ? '<RvslInd>true</RvslInd>' : '',
    options.status ?? '<Sts><Cd>BOOK</Cd></Sts>',
    `<BookgDt>${options.booking ?? '<Dt>2026-03-02</Dt>'}</BookgDt>`,
    options.value === null ? '' : `<ValDt>${options.value ?? '<Dt>2026-03-02</Dt>'}</ValDt>`,
    options.inner ?? '',
    '</Ntry>',
  ].join('\n');

const balance = (code: string, amount: string, direction = 'CRDT', date = '2026-03-01'): string =>
  `<Bal>\n<Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>\n<Amt Ccy="EUR">${amount}</Amt>\n<CdtDbtInd>${direction}</CdtDbtInd>\n<Dt><Dt>${date}</Dt></Dt>\n</Bal>`;

interface CamtOptions {
  readonly namespace?: string;
  readonly account?: string;
  readonly period?: string | null;
  readonly balances?: readonly string[];
  readonly entries?: readonly string[];
  readonly statements?: number;
}

function camt(options: CamtOptions = {}): string {
  const entries = options.entries ?? [entry()];
  const statement = [
    '<Stmt>',
    '<Id>S-1</Id>',
    options.period === null ? '' : (options.period ?? '<FrToDt><FrDtTm>2026-03-01T00:00:00</FrDtTm><ToDtTm>2026-03-31T23:59:59</ToDtTm></FrToDt>'),
    `<Acct>${options.account ?? '<Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy>'}</Acct>`,
    ...(options.balances ?? [balance('OPBD', '100.00'), balance('CLBD', '110.00', 'CRDT', '2026-03-31')]),
    ...entries,
    '</Stmt>',
  ].join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="${options.namespace ?? 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08'}">`,
    '<BkToCstmrStmt>',
    '<GrpHdr><MsgId>M-1</MsgId><CreDtTm>2026-04-01T06:00:00</CreDtTm></GrpHdr>',
    ...Array.from({ length: options.statements ?? 1 }, () => statement),
    '</BkToCstmrStmt>',
    '</Document>',
  ].join('\n');
}

const parse = (content: string) => parseStatement({ format: 'camt053', content, currency: 'EUR' });
const refused = (content: string) => refusal({ format: 'camt053', content, currency: 'EUR' });

describe('camt.053 versions', () => {
  it.each(['02', '03', '04', '05', '06', '07', '08'])('reads camt.053.001.%s', (version) => {
    const statement = parse(camt({ namespace: `urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}` }));
    expect(statement.lines).toHaveLength(1);
    expect(statement.lines[0]).toMatchObject({ amount: '10.00', bookingDate: '2026-03-02' });
  });

  it.each(['urn:iso:std:iso:20022:tech:xsd:camt.053.001.01', 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.09', 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.08', ''])(
    'refuses the namespace %j',
    (namespace) => {
      expect(refused(camt({ namespace }))).toEqual([{ line: 2, reason: expect.stringContaining('not a camt.053 file of a supported version') }]);
    },
  );

  it('reads a prefixed document (<c:Document xmlns:c=...>)', () => {
    const prefixed = camt()
      .replace(/<(\/?)(\w+)/g, (_all, slash: string, name: string) => `<${slash}c:${name}`)
      .replace('xmlns=', 'xmlns:c=');
    expect(parse(prefixed).lines).toHaveLength(1);
  });
});

describe('camt.053 statement fields', () => {
  it('takes PRCD as the opening balance when there is no OPBD, and reads DBIT balances as negative', () => {
    const statement = parse(camt({ balances: [balance('PRCD', '50.00', 'DBIT'), balance('CLBD', '40.00', 'DBIT')], entries: [entry({ amount: '10.00' })] }));
    expect(statement).toMatchObject({ openingBalance: '-50.00', closingBalance: '-40.00' });
  });

  it('prefers OPBD over PRCD and ignores other balance types', () => {
    const statement = parse(camt({ balances: [balance('PRCD', '999.00'), balance('ITBD', '5.00'), balance('OPBD', '100.00'), balance('CLBD', '110.00')] }));
    expect(statement.openingBalance).toBe('100.00');
  });

  it('reads the account from Othr/Id when there is no IBAN', () => {
    expect(parse(camt({ account: '<Id><Othr><Id>0532013000</Id></Othr></Id>' })).accountRef).toBe('0532013000');
  });

  it('takes the period from the opening and closing balance dates when FrToDt is absent', () => {
    const statement = parse(camt({ period: null, balances: [balance('OPBD', '100.00', 'CRDT', '2026-03-01'), balance('CLBD', '100.00', 'CRDT', '2026-03-15')], entries: [] }));
    expect(statement).toMatchObject({ fromDate: '2026-03-01', toDate: '2026-03-15', lines: [] });
  });

  it('reads a booking DtTm as the calendar date written, whatever its offset', () => {
    const statement = parse(camt({ entries: [entry({ booking: '<DtTm>2026-03-02T23:30:00-05:00</DtTm>', value: null })] }));
    expect(statement.lines[0]).toMatchObject({ bookingDate: '2026-03-02', valueDate: '2026-03-02' });
  });

  it('signs amounts by CdtDbtInd: DBIT is money out', () => {
    const statement = parse(camt({ balances: [balance('OPBD', '100.00'), balance('CLBD', '87.50')], entries: [entry({ amount: '12.50', direction: 'DBIT' })] }));
    expect(statement.lines[0]?.amount).toBe('-12.50');
  });

  it('books a reversal by its own CdtDbtInd (ISO: a CRDT reversal undoes a debit), so the balances still add up', () => {
    // Opening 100, a 30.00 debit, then its reversal booked as a 30.00 credit: closing 100.
    const statement = parse(
      camt({
        balances: [balance('OPBD', '100.00'), balance('CLBD', '100.00')],
        entries: [entry({ amount: '30.00', direction: 'DBIT' }), entry({ amount: '30.00', direction: 'CRDT', reversal: true })],
      }),
    );
    expect(statement.lines.map((line) => line.amount)).toEqual(['-30.00', '30.00']);
  });

  it('leaves out entries that are not booked (PDNG, INFO) in both status forms, as the booked balances do', () => {
    const statement = parse(
      camt({
        entries: [entry({ status: '<Sts><Cd>PDNG</Cd></Sts>', amount: '500.00' }), entry({ status: '<Sts>INFO</Sts>', amount: '7.00' }), entry({ status: '<Sts>BOOK</Sts>' })],
      }),
    );
    expect(statement.lines.map((line) => line.amount)).toEqual(['10.00']);
  });

  it('reads reference, counterparty, description and id from the entry and its one TxDtls, decoding XML entities', () => {
    const inner = [
      '<NtryDtls><TxDtls>',
      '<Refs><EndToEndId>NOTPROVIDED</EndToEndId><TxId>TX-9</TxId></Refs>',
      '<RltdPties><Dbtr><Pty><Nm>M&#252;ller &amp; Co</Nm></Pty></Dbtr><Cdtr><Nm>Us</Nm></Cdtr></RltdPties>',
      '<RmtInf><Ustrd>INV-1</Ustrd><Ustrd>and INV-2</Ustrd></RmtInf>',
      '</TxDtls></NtryDtls>',
      '<AddtlNtryInf>Transfer &#x00E4; &lt;b&gt;</AddtlNtryInf>',
    ].join('\n');
    expect(parse(camt({ entries: [entry({ inner })] })).lines[0]).toMatchObject({
      bankTransactionId: 'TX-9',
      counterparty: 'Müller & Co',
      reference: 'INV-1 and INV-2',
      description: 'Transfer ä <b>',
    });
  });

  it('names the creditor of a debit and the structured creditor reference when there is no Ustrd', () => {
    const inner = [
      '<AcctSvcrRef>BANK-1</AcctSvcrRef>',
      '<NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs>',
      '<RltdPties><Dbtr><Nm>Us</Nm></Dbtr><Cdtr><Nm>Landlord Ltd</Nm></Cdtr></RltdPties>',
      '<RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>',
      '</TxDtls></NtryDtls>',
    ].join('\n');
    const statement = parse(camt({ balances: [balance('OPBD', '100.00'), balance('CLBD', '90.00')], entries: [entry({ direction: 'DBIT', inner })] }));
    expect(statement.lines[0]).toMatchObject({ amount: '-10.00', bankTransactionId: 'BANK-1', counterparty: 'Landlord Ltd', reference: 'RF18539007547034' });
  });

  it('takes EndToEndId before TxId, and no id at all gives null', () => {
    const withEndToEnd = '<NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId><TxId>TX-1</TxId></Refs></TxDtls></NtryDtls>';
    expect(parse(camt({ entries: [entry({ inner: withEndToEnd })] })).lines[0]?.bankTransactionId).toBe('E2E-1');
    expect(parse(camt()).lines[0]).toMatchObject({ bankTransactionId: null, reference: null, counterparty: null, description: null });
  });

  it('does not take the details of a batch entry (several TxDtls) as the line’s', () => {
    const inner = '<NtryDtls><TxDtls><Refs><TxId>A</TxId></Refs><RmtInf><Ustrd>one</Ustrd></RmtInf></TxDtls><TxDtls><Refs><TxId>B</TxId></Refs></TxDtls></NtryDtls>';
    expect(parse(camt({ entries: [entry({ inner })] })).lines[0]).toMatchObject({ bankTransactionId: null, reference: null });
  });

  it('gives each line the file line of its <Ntry>', () => {
    const content = camt({ balances: [balance('OPBD', '100.00'), balance('CLBD', '120.00')], entries: [entry(), entry()] });
    const ntryLines = content.split('\n').flatMap((text, index) => (text === '<Ntry>' ? [index + 1] : []));
    expect(parse(content).lines.map((line) => line.sourceLine)).toEqual(ntryLines);
  });
});

describe('camt.053 refusals', () => {
  it('refuses several statements in one file, naming the second', () => {
    const content = camt({ statements: 2 });
    const second = content.split('\n').flatMap((text, index) => (text === '<Stmt>' ? [index + 1] : []))[1];
    expect(refused(content)).toEqual([{ line: second, reason: 'the file holds 2 statements (<Stmt>); import one statement per file' }]);
  });

  it('refuses an account in another currency', () => {
    expect(refused(camt({ account: '<Id><IBAN>X</IBAN></Id><Ccy>USD</Ccy>' }))[0]?.reason).toBe("the statement's account is in USD, the bank account in EUR");
  });

  it('refuses an entry in another currency, naming its line', () => {
    const content = camt({ entries: [entry({ currency: 'USD' })] });
    const line = content.split('\n').indexOf('<Ntry>') + 1;
    expect(refused(content)).toEqual([{ line, reason: "entry amount is in USD; the bank account's currency is EUR" }]);
  });

  it('refuses a signed amount and a missing CdtDbtInd', () => {
    const issues = refused(camt({ entries: [entry({ amount: '-10.00' }), entry({ direction: '' })] }));
    expect(issues.map((issue) => issue.reason)).toEqual([
      'entry amount -10.00 carries a sign; camt amounts are unsigned and CdtDbtInd gives the direction',
      'entry amount: CdtDbtInd must be CRDT or DBIT (got null)',
    ]);
  });

  it('refuses a statement without a closing balance', () => {
    expect(refused(camt({ balances: [balance('OPBD', '100.00')] }))).toEqual([{ line: null, reason: 'the file states no closing balance' }]);
  });

  it('refuses a document that is not a bank-to-customer statement', () => {
    const content = '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><Other/></Document>';
    expect(refused(content)[0]?.reason).toBe('not a camt.053 file: <Document> has no <BkToCstmrStmt>');
  });

  it('refuses malformed XML with the line the validator names', () => {
    const content = camt().replace('<Id>S-1</Id>', '<Id>S-1</Idx>');
    const line = content.split('\n').indexOf('<Id>S-1</Idx>') + 1;
    expect(refused(content)).toEqual([{ line, reason: expect.stringContaining('not well-formed XML') }]);
  });
});
