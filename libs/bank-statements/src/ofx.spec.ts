import { describe, expect, it } from '@jest/globals';
import { readOfxDate } from './ofx.reader.js';
import { parseStatement } from './parse-statement.js';
import { StatementIssues } from './statement-parse-error.js';
import { marchFixtures, readFixture, refusal, replaceOnce } from './statement.test-helper.js';

const sgml = readFixture(marchFixtures.ofx1);
const xml = readFixture(marchFixtures.ofx2);
const parse = (content: string, extra: { openingBalance?: string; closingBalance?: string } = {}) => parseStatement({ format: 'ofx', content, currency: 'EUR', ...extra });
const refused = (content: string) => refusal({ format: 'ofx', content, currency: 'EUR' });
const lineOf = (content: string, text: string): number => content.split(/\r?\n/).findIndex((line) => line.includes(text)) + 1;

/** A minimal OFX 1 statement around the given STMTTRN bodies (SGML, leaves unclosed). */
function ofx1(transactions: readonly string[], ledgerBalance = '0.00', currency = 'EUR'): string {
  return [
    'OFXHEADER:100',
    'DATA:OFXSGML',
    'VERSION:102',
    '',
    '<OFX>',
    '<BANKMSGSRSV1><STMTTRNRS><TRNUID>1',
    '<STMTRS>',
    `<CURDEF>${currency}`,
    '<BANKACCTFROM><BANKID>1<ACCTID>ACC-1<ACCTTYPE>CHECKING</BANKACCTFROM>',
    '<BANKTRANLIST>',
    '<DTSTART>20260301',
    '<DTEND>20260331',
    ...transactions.map((body) => `<STMTTRN>\n${body}\n</STMTTRN>`),
    '</BANKTRANLIST>',
    `<LEDGERBAL><BALAMT>${ledgerBalance}<DTASOF>20260331</LEDGERBAL>`,
    '</STMTRS>',
    '</STMTTRNRS></BANKMSGSRSV1>',
    '</OFX>',
  ].join('\n');
}

describe('OFX dates', () => {
  it.each([
    ['20260302', '2026-03-02'],
    ['202603021230', '2026-03-02'],
    ['20260302123045', '2026-03-02'],
    ['20260302123045.123', '2026-03-02'],
    ['20260302233000[-5:EST]', '2026-03-02'],
    ['20260302003000.000[+5.30:IST]', '2026-03-02'],
    ['20260302[0:GMT]', '2026-03-02'],
    ['20240229', '2024-02-29'],
  ])('%s is the calendar date %s as written', (text, expected) => {
    expect(readOfxDate(text, 'DTPOSTED', new StatementIssues(), 1)).toBe(expected);
  });

  it.each(['2026-03-02', '20260230', '20261301', '2026030', '20260302250000', '20260302T1200', 'yesterday', ''])('%j is refused', (text) => {
    const issues = new StatementIssues();
    expect(readOfxDate(text, 'DTPOSTED', issues, 7)).toBeNull();
    expect(issues.count).toBe(1);
  });
});

describe('OFX statements', () => {
  it('derives the opening balance as the closing balance less the lines', () => {
    const statement = parse(ofx1(['<TRNAMT>-3.50<DTPOSTED>20260302<FITID>1', '<TRNAMT>+10.00<DTPOSTED>20260303<FITID>2'], '106.50'));
    expect(statement).toMatchObject({ openingBalance: '100.00', closingBalance: '106.50', fromDate: '2026-03-01', toDate: '2026-03-31', accountRef: 'ACC-1' });
    expect(statement.lines.map((line) => line.amount)).toEqual(['-3.50', '10.00']);
  });

  it('checks an opening balance the caller gives against the derived one', () => {
    expect(parse(ofx1(['<TRNAMT>5.00<DTPOSTED>20260302'], '105.00'), { openingBalance: '100.00' }).openingBalance).toBe('100.00');
    expect(refusal({ format: 'ofx', content: ofx1(['<TRNAMT>5.00<DTPOSTED>20260302'], '105.00'), currency: 'EUR', openingBalance: '90.00' })).toEqual([
      { line: null, reason: 'openingBalance 90.00 was given, but the file says 100.00' },
    ]);
  });

  it('accepts a comma as the decimal point (the OFX spec allows it)', () => {
    expect(parse(ofx1(['<TRNAMT>-3,50<DTPOSTED>20260302'], '-3.50')).lines[0]?.amount).toBe('-3.50');
  });

  it('takes the posted date as the value date without DTAVAIL, CHECKNUM when there is no REFNUM, and PAYEE/NAME', () => {
    const line = parse(ofx1(['<TRNAMT>1.00<DTPOSTED>20260302<CHECKNUM>1042<PAYEE><NAME>Payee Inc</PAYEE>'], '1.00')).lines[0];
    expect(line).toMatchObject({ bookingDate: '2026-03-02', valueDate: '2026-03-02', reference: '1042', counterparty: 'Payee Inc', bankTransactionId: null, description: null });
  });

  it('decodes &amp; &lt; &gt; and character references in SGML text', () => {
    expect(parse(ofx1(['<TRNAMT>1.00<DTPOSTED>20260302<NAME>A &amp; B &lt;C&gt; &#233;'], '1.00')).lines[0]?.counterparty).toBe('A & B <C> é');
  });

  it('reads the SGML and XML fixtures to the same tree (same lines, same source lines of their STMTTRN)', () => {
    const fromSgml = parse(sgml);
    expect(fromSgml.lines[0]?.sourceLine).toBe(lineOf(sgml, '<STMTTRN>'));
    const fromXml = parse(xml);
    expect(fromXml.lines[0]?.sourceLine).toBe(lineOf(xml, '<STMTTRN>'));
  });

  it('ignores comments in the body', () => {
    expect(parse(replaceOnce(xml, '<BANKTRANLIST>', '<!-- exported by bank --><BANKTRANLIST>')).lines).toHaveLength(8);
  });
});

describe('OFX refusals', () => {
  it('refuses a statement in another currency (CURDEF), naming its line', () => {
    const content = ofx1([], '0.00', 'USD');
    expect(refused(content)).toEqual([{ line: lineOf(content, '<CURDEF>'), reason: 'the statement is in "USD" (CURDEF); the bank account\'s currency is EUR' }]);
  });

  it('refuses a transaction in another currency', () => {
    const content = ofx1(['<TRNAMT>1.00<DTPOSTED>20260302<CURRENCY><CURRATE>1.1<CURSYM>USD</CURRENCY>'], '1.00');
    expect(refused(content)).toEqual([{ line: lineOf(content, '<STMTTRN>'), reason: "the transaction is in USD (CURRENCY/CURSYM); the bank account's currency is EUR" }]);
  });

  it('refuses several statements in one file', () => {
    const content = replaceOnce(xml, '</STMTTRNRS>', '</STMTTRNRS><STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF></STMTRS></STMTTRNRS>');
    expect(refused(content)[0]?.reason).toBe('the file holds 2 statements (<STMTRS>); import one statement per file');
  });

  it('says so when the file is a credit card statement', () => {
    const content = ['OFXHEADER:100', '', '<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>EUR</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>'].join('\n');
    expect(refused(content)[0]?.reason).toContain('credit card statement');
  });

  it('refuses a closing tag that does not match, naming both lines', () => {
    const content = replaceOnce(xml, '</BANKACCTFROM>', '</BANKACCTFRM>');
    expect(refused(content)).toEqual([
      { line: lineOf(content, '</BANKACCTFRM>'), reason: `closing tag </BANKACCTFRM> does not match the open <BANKACCTFROM> (line ${lineOf(content, '<BANKACCTFROM>')})` },
    ]);
  });

  it('refuses an SGML leaf without a value (it would swallow its neighbours)', () => {
    const content = ofx1(['<TRNAMT>1.00<DTPOSTED>20260302<MEMO>\n<NAME>x'], '1.00');
    expect(refused(content)[0]?.reason).toMatch(/^closing tag <\/STMTTRN> does not match the open <MEMO>/);
  });

  it('refuses an element that is never closed, and text outside <OFX>', () => {
    expect(refused(xml.replace('</OFX>', ''))).toEqual([{ line: lineOf(xml, '<OFX>'), reason: '<OFX> is never closed' }]);
    expect(refused(`${xml}\ntrailing text`)[0]?.reason).toBe('text "trailing text" outside the <OFX> element');
  });

  it('refuses a file without a closing balance', () => {
    const content = ofx1(['<TRNAMT>1.00<DTPOSTED>20260302']).replace('<LEDGERBAL><BALAMT>0.00<DTASOF>20260331</LEDGERBAL>', '');
    expect(refused(content)).toEqual([{ line: null, reason: 'the file states no closing balance' }]);
  });

  it('refuses duplicate FITIDs, naming both lines (they are the lines’ dedupe keys)', () => {
    const content = ofx1(['<TRNAMT>1.00<DTPOSTED>20260302<FITID>A', '<TRNAMT>2.00<DTPOSTED>20260303<FITID>A'], '3.00');
    const [first, second] = content.split('\n').flatMap((text, index) => (text === '<STMTTRN>' ? [index + 1] : []));
    expect(refused(content)).toEqual([{ line: second, reason: `bank transaction id "A" was already used on line ${first}: ids must be unique in a statement` }]);
  });

  it('refuses a missing TRNAMT and DTPOSTED, each with the transaction line', () => {
    const content = ofx1(['<FITID>1'], '0.00');
    const line = lineOf(content, '<STMTTRN>');
    expect(refused(content)).toEqual([
      { line, reason: 'TRNAMT is missing' },
      { line, reason: 'DTPOSTED is missing' },
    ]);
  });
});
