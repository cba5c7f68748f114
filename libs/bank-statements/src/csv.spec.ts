import { describe, expect, it } from '@jest/globals';
import type { CsvMapping } from './csv-mapping.js';
import { splitCsv } from './csv.reader.js';
import { parseStatement } from './parse-statement.js';
import { StatementIssues } from './statement-parse-error.js';
import type { ParseStatementInput } from './statement.types.js';
import { marchCsvMapping, marchFixtures, readFixture, refusal, replaceOnce } from './statement.test-helper.js';

const simpleMapping: CsvMapping = {
  delimiter: ',',
  hasHeader: true,
  dateFormat: 'YYYY-MM-DD',
  decimalSeparator: '.',
  columns: { bookingDate: 'date', amount: 'amount', reference: 'ref', counterparty: 'name', balance: 'balance' },
};
const input = (content: string, overrides: Partial<ParseStatementInput> = {}): ParseStatementInput => ({ format: 'csv', content, currency: 'EUR', csvMapping: simpleMapping, ...overrides });
const parse = (content: string, overrides: Partial<ParseStatementInput> = {}) => parseStatement(input(content, overrides));
const refused = (content: string, overrides: Partial<ParseStatementInput> = {}) => refusal(input(content, overrides));

describe('splitCsv', () => {
  const split = (content: string, delimiter = ',') => splitCsv(content, delimiter, new StatementIssues());

  it('reads quoted fields with delimiters, doubled quotes and line breaks, and numbers each record by its first line', () => {
    expect(split('a,"b,c","say ""hi"""\r\n"multi\r\nline",x,y\n\n,,\nlast,1,2\r\n\r\n')).toEqual([
      { fields: ['a', 'b,c', 'say "hi"'], line: 1 },
      { fields: ['multi\r\nline', 'x', 'y'], line: 2 },
      { fields: ['last', '1', '2'], line: 6 },
    ]);
  });

  it('reads CR-only line ends and a last record without a line end', () => {
    expect(split('a;b\rc;d', ';')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', 'd'], line: 2 },
    ]);
  });

  it('refuses a quote that is never closed, naming the line where it opened', () => {
    expect(refused('date,amount,ref,name,balance\n2026-03-01,1.00,"open,x,1.00\n2026-03-02,1.00,a,b,2.00\n')).toEqual([
      { line: 2, reason: 'a quoted field opened on this line is never closed' },
    ]);
  });

  it('refuses text after a closing quote', () => {
    expect(refused('date,amount,ref,name,balance\n2026-03-01,1.00,"a"b,x,1.00\n')[0]).toEqual({ line: 2, reason: 'unexpected text after a closing quote: "b,x,1.00\\n"' });
  });
});

describe('CSV statements', () => {
  const header = 'date,amount,ref,name,balance';

  it('ignores a byte order mark, CRLF line ends and blank trailing lines', () => {
    const statement = parse(`\ufeff${header}\r\n2026-03-01,10.00,A,X,110.00\r\n2026-03-02,-5.00,B,Y,105.00\r\n\r\n\r\n`);
    expect(statement).toMatchObject({ openingBalance: '100.00', closingBalance: '105.00', fromDate: '2026-03-01', toDate: '2026-03-02' });
    expect(statement.lines.map((line) => [line.amount, line.sourceLine])).toEqual([
      ['10.00', 2],
      ['-5.00', 3],
    ]);
  });

  it('reads a newest-first file from its balance column the other way round', () => {
    const statement = parse(`${header}\n2026-03-02,-5.00,B,Y,105.00\n2026-03-01,10.00,A,X,110.00\n`);
    expect(statement).toMatchObject({ openingBalance: '100.00', closingBalance: '105.00' });
  });

  it('takes the balances the caller gives (and needs no balance column then)', () => {
    const { balance: _balance, ...columns } = simpleMapping.columns;
    const statement = parse('date,amount,ref,name\n2026-03-01,10.00,A,X\n', { csvMapping: { ...simpleMapping, columns }, openingBalance: '0', closingBalance: '10.00' });
    expect(statement).toMatchObject({ openingBalance: '0.00', closingBalance: '10.00' });
  });

  it('refuses a file with neither balances nor a balance column', () => {
    const { balance: _balance, ...columns } = simpleMapping.columns;
    expect(refused('date,amount,ref,name\n2026-03-01,10.00,A,X\n', { csvMapping: { ...simpleMapping, columns } })).toEqual([
      { line: null, reason: 'CSV needs openingBalance and closingBalance or a balance column' },
    ]);
  });

  it('reads debit and credit columns: a debit is money out', () => {
    const mapping: CsvMapping = { ...simpleMapping, columns: { bookingDate: 'date', debit: 'out', credit: 'in' } };
    const statement = parse('date,out,in\n2026-03-01,,10.00\n2026-03-02,4.00,\n2026-03-03,0.00,1.00\n', { csvMapping: mapping, openingBalance: '0.00', closingBalance: '7.00' });
    expect(statement.lines.map((line) => line.amount)).toEqual(['10.00', '-4.00', '1.00']);
  });

  it('refuses a row with both a debit and a credit, or with neither', () => {
    const mapping: CsvMapping = { ...simpleMapping, columns: { bookingDate: 'date', debit: 'out', credit: 'in' } };
    expect(refused('date,out,in\n2026-03-01,1.00,2.00\n2026-03-02,,\n', { csvMapping: mapping, openingBalance: '0', closingBalance: '0' })).toEqual([
      { line: 2, reason: 'the row has both a debit (1.00) and a credit (2.00)' },
      { line: 3, reason: 'the row has no amount: both the debit and the credit column are empty' },
    ]);
  });

  it('reads files without a header by column number', () => {
    const mapping: CsvMapping = { delimiter: '|', hasHeader: false, dateFormat: 'YYYYMMDD', decimalSeparator: '.', columns: { bookingDate: '2', amount: '1', reference: '3' } };
    const statement = parse('1,234.50|20260301|R-1\n-0.50|20260302|\n', { csvMapping: mapping, openingBalance: '0.00', closingBalance: '1234.00' });
    expect(statement.lines.map((line) => [line.bookingDate, line.amount, line.reference])).toEqual([
      ['2026-03-01', '1234.50', 'R-1'],
      ['2026-03-02', '-0.50', null],
    ]);
  });

  it.each([
    ['YYYY-MM-DD', '2026-03-07'],
    ['DD/MM/YYYY', '07/03/2026'],
    ['MM/DD/YYYY', '03/07/2026'],
    ['DD.MM.YYYY', '7.3.2026'],
    ['YYYYMMDD', '20260307'],
  ] as const)('reads %s dates (%s is 2026-03-07)', (dateFormat, written) => {
    const statement = parse(`${header}\n${written},1.00,A,X,1.00\n`, { csvMapping: { ...simpleMapping, dateFormat } });
    expect(statement.lines[0]?.bookingDate).toBe('2026-03-07');
  });

  it.each([
    ['.', '1,234,567.89', '1234567.89'],
    ['.', '+12.5', '12.50'],
    ['.', '-0.01', '-0.01'],
    [',', '1.234.567,89', '1234567.89'],
    [',', '-12,5', '-12.50'],
    [',', '7', '7.00'],
  ] as const)('with decimal separator %j reads %s as %s', (decimalSeparator, written, expected) => {
    const mapping: CsvMapping = { ...simpleMapping, delimiter: ';', decimalSeparator };
    const statement = parse(`date;amount;ref;name;balance\n2026-03-01;${written};A;X;${written}\n`, { csvMapping: mapping });
    expect(statement.lines[0]?.amount).toBe(expected);
  });

  it.each([
    ['.', '1.234,50'],
    ['.', '12,5'],
    [',', '1.5'],
    [',', '12.50'],
    ['.', '1,23.00'],
    ['.', '12 EUR'],
    ['.', '€12.00'],
    ['.', '(12.00)'],
  ] as const)('with decimal separator %j refuses %s', (decimalSeparator, written) => {
    const mapping: CsvMapping = { ...simpleMapping, delimiter: ';', decimalSeparator };
    const issues = refused(`date;amount;ref;name;balance\n2026-03-01;${written};A;X;1.00\n`, { csvMapping: mapping, openingBalance: '0', closingBalance: '1' });
    expect(issues).toEqual([{ line: 2, reason: `amount ${JSON.stringify(written)} is not an amount written with "${decimalSeparator}" as the decimal separator` }]);
  });

  it('takes an empty value date as the booking date', () => {
    const mapping: CsvMapping = { ...simpleMapping, columns: { ...simpleMapping.columns, valueDate: 'valuta' } };
    const statement = parse('date,valuta,amount,ref,name,balance\n2026-03-01,,1.00,A,X,1.00\n2026-03-01,2026-03-03,1.00,A,X,2.00\n', { csvMapping: mapping });
    expect(statement.lines.map((line) => line.valueDate)).toEqual(['2026-03-01', '2026-03-03']);
  });

  it('keeps spreadsheet formulas as plain text (not an error, nothing evaluated)', () => {
    const statement = parse(`${header}\n2026-03-01,1.00,=cmd|' /C calc'!A0,"@SUM(A1:A2)",1.00\n`);
    expect(statement.lines[0]).toMatchObject({ reference: "=cmd|' /C calc'!A0", counterparty: '@SUM(A1:A2)' });
  });

  it('cleans bank text: control characters and runs of spaces become one space, blank is null', () => {
    const statement = parse(`${header}\n2026-03-01,1.00,"  A\t\u0007 B\u202e ",   ,1.00\n`);
    expect(statement.lines[0]).toMatchObject({ reference: 'A B', counterparty: null });
  });

  it('finds header names case-insensitively when there is no exact match', () => {
    expect(parse(`DATE,Amount,REF,Name,Balance\n2026-03-01,1.00,A,X,1.00\n`).lines).toHaveLength(1);
  });
});

describe('CSV refusals', () => {
  const header = 'date,amount,ref,name,balance';

  it('refuses a row with the wrong number of columns, with its line number', () => {
    expect(refused(`${header}\n2026-03-01,1.00,A,X,1.00\n2026-03-02,1.00,A,X\n2026-03-03,1.00,A,X,3.00,extra\n`)).toEqual([
      { line: 3, reason: 'the row has 4 columns; the header has 5' },
      { line: 4, reason: 'the row has 6 columns; the header has 5' },
    ]);
  });

  it('refuses mapped columns missing from the header, naming the header line and what it has', () => {
    const mapping: CsvMapping = { ...simpleMapping, columns: { ...simpleMapping.columns, amount: 'Betrag', description: 'memo' } };
    expect(refused(`${header}\n2026-03-01,1.00,A,X,1.00\n`, { csvMapping: mapping })).toEqual([
      { line: 1, reason: `the mapping's amount column "Betrag" is not in the header ("date", "amount", "ref", "name", "balance")` },
      { line: 1, reason: `the mapping's description column "memo" is not in the header ("date", "amount", "ref", "name", "balance")` },
    ]);
  });

  it('refuses a column named twice in the header', () => {
    expect(refused('date,amount,ref,ref,name,balance\n2026-03-01,1.00,A,B,X,1.00\n')).toEqual([{ line: 1, reason: `the mapping's reference column "ref" appears 2 times in the header` }]);
  });

  it('refuses column names that are not numbers, or beyond the row, when the file has no header', () => {
    const mapping: CsvMapping = { ...simpleMapping, hasHeader: false, columns: { bookingDate: 'date', amount: '9' } };
    expect(refused('2026-03-01,1.00\n', { csvMapping: mapping, openingBalance: '0', closingBalance: '1' })).toEqual([
      { line: null, reason: `the mapping's bookingDate column "date" must be a column number ("1" is the first) because the file has no header` },
      { line: null, reason: "the mapping's amount column 9 does not exist: the rows have 2 columns" },
    ]);
  });

  it('refuses a missing or invalid mapping, listing the schema problems', () => {
    expect(refused(`${header}\n`, { csvMapping: undefined })).toEqual([{ line: null, reason: "a CSV statement needs the bank account's CSV mapping" }]);
    const invalid = { ...simpleMapping, delimiter: ':', columns: { bookingDate: 'date', amount: 'amount', debit: 'out', credit: 'in' } } as unknown as CsvMapping;
    expect(refused(`${header}\n`, { csvMapping: invalid }).map((issue) => issue.reason)).toEqual([
      expect.stringMatching(/^csvMapping\.delimiter: /),
      'csvMapping.columns.amount: give either an amount column or debit and credit columns, not both',
    ]);
  });

  it('refuses a file with a header and no rows', () => {
    expect(refused(`${header}\r\n\r\n`)).toEqual([{ line: null, reason: 'the CSV file has no statement rows' }]);
  });

  it('refuses dates in another format than the mapping’s, and impossible dates', () => {
    expect(refused(`${header}\n01.03.2026,1.00,A,X,1.00\n2026-02-30,1.00,A,X,2.00\n`)).toEqual([
      { line: 2, reason: 'booking date "01.03.2026" does not have the mapping\'s format YYYY-MM-DD' },
      { line: 3, reason: 'booking date "2026-02-30" is not a valid calendar date' },
    ]);
  });

  it('refuses the March fixture when one balance is off, saying by how much', () => {
    const content = replaceOnce(readFixture(marchFixtures.csv), '21.510,82', '21.500,82');
    expect(refusal({ format: 'csv', content, currency: 'EUR', csvMapping: marchCsvMapping })).toEqual([
      { line: 9, reason: 'the balances do not add up: opening balance 5000.00 + lines 16510.82 = 21510.82, but the closing balance is 21500.82 (off by -10.00 EUR)' },
    ]);
  });
});

describe('CSV balance column', () => {
  const header = 'date,amount,ref,name,balance';

  it('needs a balance only on the rows that give the statement balances', () => {
    expect(parse(`${header}\n2026-03-01,1.00,A,X,101.00\n2026-03-02,1.00,A,X,\n2026-03-03,1.00,A,X,103.00\n`).openingBalance).toBe('100.00');
  });

  it('refuses an empty balance on the first or last row', () => {
    expect(refused(`${header}\n2026-03-01,1.00,A,X,\n2026-03-02,1.00,A,X,102.00\n`)).toEqual([
      { line: 2, reason: 'the balance column is empty on the first row, which gives a statement balance' },
    ]);
    expect(refused(`${header}\n2026-03-01,1.00,A,X,101.00\n2026-03-02,1.00,A,X,\n`)).toEqual([
      { line: 3, reason: 'the balance column is empty on the last row, which gives a statement balance' },
    ]);
  });
});
