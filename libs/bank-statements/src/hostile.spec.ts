import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../billing/src/common/domain-error.js';
import { parseStatement } from './parse-statement.js';
import { StatementParseError } from './statement-parse-error.js';
import type { ParseStatementInput } from './statement.types.js';
import { marchCsvMapping, marchFixtures, readFixture, refusal, replaceOnce } from './statement.test-helper.js';

const camt = readFixture(marchFixtures.camt053);
const ofx1 = readFixture(marchFixtures.ofx1);
const ofx2 = readFixture(marchFixtures.ofx2);
const csv = readFixture(marchFixtures.csv);
const asCamt = (content: string): ParseStatementInput => ({ format: 'camt053', content, currency: 'EUR' });
const asOfx = (content: string): ParseStatementInput => ({ format: 'ofx', content, currency: 'EUR' });
const asCsv = (content: string): ParseStatementInput => ({ format: 'csv', content, currency: 'EUR', csvMapping: marchCsvMapping });
const lineOf = (content: string, text: string): number => content.split(/\r?\n/).findIndex((line) => line.includes(text)) + 1;
const reasons = (input: ParseStatementInput): string[] => refusal(input).map((issue) => issue.reason);

describe('hostile XML', () => {
  const billionLaughs = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE Document [',
    '  <!ENTITY lol "lol">',
    '  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">',
    '  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">',
    ']>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>&lol3;</Id></Stmt></BkToCstmrStmt></Document>',
  ].join('\n');

  it('refuses an entity expansion bomb before parsing, at the DOCTYPE line', () => {
    expect(refusal(asCamt(billionLaughs))).toEqual([{ line: 2, reason: 'the file contains a <!DOCTYPE> declaration; DTDs and entities are refused in statement files' }]);
  });

  it('refuses an external entity (XXE) and a bare ENTITY declaration anywhere', () => {
    const xxe = replaceOnce(camt, '<Document', '<!DOCTYPE Document SYSTEM "file:///etc/passwd">\n<Document');
    expect(refusal(asCamt(xxe))).toEqual([{ line: 2, reason: expect.stringContaining('<!DOCTYPE>') }]);
    const entity = replaceOnce(camt, '<Stmt>', '<Stmt><!ENTITY x "y">');
    expect(refusal(asCamt(entity))).toEqual([{ line: lineOf(camt, '<Stmt>'), reason: expect.stringContaining('<!ENTITY>') }]);
  });

  it('refuses a DOCTYPE in an OFX 2 file', () => {
    const content = replaceOnce(ofx2, '<OFX>', '<!DOCTYPE OFX [<!ENTITY a "b">]>\n<OFX>');
    expect(refusal(asOfx(content))).toEqual([{ line: lineOf(content, '<!DOCTYPE'), reason: expect.stringContaining('<!DOCTYPE>') }]);
  });

  it('refuses deeply nested XML without exhausting the stack (camt.053 and OFX)', () => {
    const deep = `${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`;
    expect(reasons(asCamt(replaceOnce(camt, '<Id>STMT-2026-03</Id>', `<Id>STMT-2026-03</Id>${deep}`)))).toEqual(['the XML is nested deeper than 32 elements']);
    expect(reasons(asOfx(replaceOnce(ofx2, '<BANKTRANLIST>', `<BANKTRANLIST>${deep}`)))).toEqual(['elements are nested deeper than 32']);
  });
});

describe('size bounds', () => {
  it.each([
    ['camt053', camt],
    ['ofx', ofx1],
    ['csv', csv],
  ] as const)('refuses a 10 MB %s file at once', (format, content) => {
    const huge = content + ' '.repeat(10 * 1024 * 1024);
    const started = process.hrtime.bigint();
    expect(refusal({ format, content: huge, currency: 'EUR', csvMapping: marchCsvMapping })).toEqual([{ line: null, reason: 'the file is larger than 5 MB; split the statement' }]);
    // Refused before any parsing: far below the time a parse of 10 MB would take.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });

  it('counts bytes, not characters: 3 million two-byte characters are over 5 MB', () => {
    expect(refusal(asCsv(csv + 'ä'.repeat(3_000_000)))[0]?.reason).toBe('the file is larger than 5 MB; split the statement');
  });

  it('refuses more than 50,000 statement lines', () => {
    const rows = Array.from({ length: 50_001 }, () => '02.03.2026;;1,00;;;;;').join('\n');
    expect(refusal(asCsv(`Buchungstag;Valuta;Betrag;Verwendungszweck;Auftraggeber;Buchungstext;Transaktion;Saldo\n${rows}\n`))).toEqual([
      { line: null, reason: 'the file has 50001 statement lines; at most 50000 are accepted in one import' },
    ]);
  });

  it('refuses an over-long bank text with its line', () => {
    const content = replaceOnce(ofx1, '<MEMO>Wire', `<MEMO>${'w'.repeat(1_001)}`);
    expect(refusal(asOfx(content))).toEqual([{ line: lineOf(content, '<FITID>TX0008') - 4, reason: 'MEMO is 1001 characters long; at most 1000 are accepted' }]);
  });
});

describe('hostile amounts', () => {
  it.each([
    ['non-numeric', 'abc', 'is not a plain decimal'],
    ['an exponent', '1e5', 'exponents are not accepted'],
    ['10^12', '1000000000000.00', 'is out of range: amounts must be below 10^12 in absolute value'],
    ['more decimals than EUR has', '1.005', 'has more decimals than EUR allows (2)'],
    ['NaN', 'NaN', 'NaN and Infinity are not amounts'],
    ['spaces', '1 250.00', 'remove the spaces'],
  ])('camt.053 refuses %s (%s) on the entry line', (_what, amount, reason) => {
    const content = replaceOnce(camt, '<Amt Ccy="EUR">980.40</Amt>', `<Amt Ccy="EUR">${amount}</Amt>`);
    expect(refusal(asCamt(content))).toEqual([{ line: lineOf(camt, '<Amt Ccy="EUR">980.40') - 1, reason: expect.stringContaining(reason) }]);
  });

  it.each([
    ['non-numeric', 'twelve', 'is not a plain decimal'],
    ['an exponent', '-1E2', 'exponents are not accepted'],
    ['10^12', '-1000000000000', 'is out of range'],
  ])('OFX refuses %s (%s) on the STMTTRN line', (_what, amount, reason) => {
    const content = replaceOnce(ofx1, '<TRNAMT>980.40', `<TRNAMT>${amount}`);
    expect(refusal(asOfx(content))).toEqual([{ line: lineOf(content, '<TRNAMT>' + amount) - 3, reason: expect.stringContaining(reason) }]);
  });

  it.each([
    ['non-numeric', 'zwölf', 'is not an amount written with "," as the decimal separator'],
    ['an exponent', '1e5', 'exponents are not accepted'],
    ['10^12', '1.000.000.000.000,00', 'is out of range'],
  ])('CSV refuses %s (%s) on its row', (_what, amount, reason) => {
    const content = replaceOnce(csv, ';980,40;', `;${amount};`);
    expect(refusal(asCsv(content))).toEqual([{ line: 4, reason: expect.stringContaining(reason) }]);
  });

  it('refuses a balance beyond the bound too', () => {
    const content = replaceOnce(camt, '<Amt Ccy="EUR">21510.82</Amt>', '<Amt Ccy="EUR">99999999999999.00</Amt>');
    expect(reasons(asCamt(content))).toEqual(['balance CLBD 99999999999999.00 is out of range: amounts must be below 10^12 in absolute value']);
  });

  it('uses the currency’s minor unit: JPY has none', () => {
    const content = camt.replaceAll('Ccy="EUR"', 'Ccy="JPY"').replace('<Ccy>EUR</Ccy>', '<Ccy>JPY</Ccy>');
    const refused = reasons({ format: 'camt053', content, currency: 'JPY' });
    expect(refused).toContain('entry amount 45.90 has more decimals than JPY allows (0)');
    // "5000.00" is a whole number of yen: trailing zeros are not decimals the currency lacks.
    expect(refused.some((reason) => reason.includes('5000.00'))).toBe(false);
    expect(refused).toHaveLength(7);
  });
});

describe('hostile content', () => {
  it('refuses an entry in another currency than the account’s', () => {
    const content = replaceOnce(camt, '<Amt Ccy="EUR">2000.00</Amt>', '<Amt Ccy="USD">2000.00</Amt>');
    expect(reasons(asCamt(content))).toEqual(["entry amount is in USD; the bank account's currency is EUR"]);
    expect(reasons({ ...asOfx(ofx1), currency: 'USD' })).toEqual(['the statement is in "EUR" (CURDEF); the bank account\'s currency is USD']);
  });

  it('refuses balances that do not add up, saying by how much', () => {
    const content = replaceOnce(camt, '<Amt Ccy="EUR">5000.00</Amt>', '<Amt Ccy="EUR">5000.10</Amt>');
    expect(refusal(asCamt(content))).toEqual([
      {
        line: lineOf(camt, '<Cd>CLBD</Cd>') - 1,
        reason: 'the balances do not add up: opening balance 5000.10 + lines 16510.82 = 21510.92, but the closing balance is 21510.82 (off by -0.10 EUR)',
      },
    ]);
  });

  it.each([
    ['camt.053', asCamt(replaceOnce(camt, '<BookgDt><Dt>2026-03-05</Dt>', '<BookgDt><Dt>2026-02-30</Dt>')), 'BookgDt/Dt "2026-02-30" is not a valid calendar date'],
    ['OFX', asOfx(replaceOnce(ofx1, '<DTPOSTED>20260305', '<DTPOSTED>20260230')), 'DTPOSTED is not a valid calendar date'],
    ['CSV', asCsv(replaceOnce(csv, '05.03.2026', '30.02.2026')), 'booking date "2026-02-30" is not a valid calendar date'],
  ])('refuses 30 February in %s', (_format, input, reason) => {
    const issues = refusal(input);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.reason.replace(' "2026-02-30"', '')).toBe(reason.replace(' "2026-02-30"', ''));
    expect(issues[0]?.line).not.toBeNull();
  });

  it('refuses a mapping whose required columns are missing from the file', () => {
    const mapping = { ...marchCsvMapping, columns: { ...marchCsvMapping.columns, bookingDate: 'Datum', amount: 'Umsatz' } };
    expect(refusal({ ...asCsv(csv), csvMapping: mapping }).map((issue) => [issue.line, issue.reason.split(' is not in')[0]])).toEqual([
      [1, `the mapping's bookingDate column "Datum"`],
      [1, `the mapping's amount column "Umsatz"`],
    ]);
  });

  it('keeps CSV injection text as plain text', () => {
    const content = replaceOnce(csv, 'Acme GmbH', '=HYPERLINK("http://x";"y")'.replaceAll('"', '""').replace(/^/, '"').concat('"'));
    expect(parseStatement(asCsv(content)).lines[0]?.counterparty).toBe('=HYPERLINK("http://x";"y")');
  });

  it.each([
    ['an OFX file imported as camt.053', asCamt(ofx1), 'the file looks like an OFX file, not a camt.053 file: import it with the matching format'],
    ['an OFX 2 file imported as camt.053', asCamt(ofx2), 'the file looks like an OFX file, not a camt.053 file: import it with the matching format'],
    ['a camt.053 file imported as OFX', asOfx(camt), 'the file looks like a camt.053 file, not an OFX file: import it with the matching format'],
    ['a camt.053 file imported as CSV', asCsv(camt), 'the file looks like a camt.053 file, not a CSV file: import it with the matching format'],
    ['a CSV file imported as camt.053', asCamt(csv), 'not well-formed XML'],
    ['a CSV file imported as OFX', asOfx(csv), 'not an OFX file: it has no <OFX> element'],
  ])('names %s for what it is', (_what, input, reason) => {
    expect(reasons(input)[0]).toContain(reason);
  });
});

describe('the refusal itself', () => {
  it('is a VALIDATION_FAILED DomainError listing the issues, so the API maps it without knowing this library', () => {
    const content = replaceOnce(csv, ';980,40;', ';x;');
    let caught: unknown;
    try {
      parseStatement(asCsv(content));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StatementParseError);
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ line: 4, reason: expect.any(String) }], issueCount: 1 } });
    expect((caught as Error).message).toMatch(/^The statement file was refused: line 4: amount "x"/);
  });

  it('refuses the whole file for one bad line among good ones, and lists at most 20 of many problems', () => {
    const rows = csv.split('\r\n');
    const bad = [rows[0], ...Array.from({ length: 30 }, (_, index) => `02.03.2026;;${index}x;;;;;`)].join('\n');
    let caught: unknown;
    try {
      parseStatement(asCsv(bad));
    } catch (error) {
      caught = error;
    }
    const error = caught as StatementParseError;
    expect(error.issues).toHaveLength(20);
    expect(error.issueCount).toBe(30);
    expect(error.issues.map((issue) => issue.line)).toEqual(Array.from({ length: 20 }, (_, index) => index + 2));
    expect(error.message).toMatch(/\(and 10 more problems\)$/);
  });
});

describe('the input', () => {
  it.each([
    ['an unknown currency', { ...asCamt(camt), currency: 'EURO' }, 'the bank account\'s currency "EURO" is not an ISO 4217 code'],
    ['content that is not text', { ...asCamt(camt), content: 42 as unknown as string }, 'the statement content must be text'],
    ['an unknown format', { ...asCamt(camt), format: 'mt940' as 'csv' }, 'unknown statement format "mt940": use csv, camt053 or ofx'],
  ])('refuses %s', (_what, input, reason) => {
    expect(refusal(input)).toEqual([{ line: null, reason }]);
  });

  it('does not take a CSV whose text mentions OFX or camt.053 for one of those files', () => {
    const content = replaceOnce(csv, 'Invoice payment', '"<OFX> camt.053 <BkToCstmrStmt> OFXHEADER:100"');
    expect(parseStatement(asCsv(content)).lines[0]?.description).toBe('<OFX> camt.053 <BkToCstmrStmt> OFXHEADER:100');
  });
});
