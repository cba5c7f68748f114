import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CsvMapping } from './csv-mapping.js';
import { parseStatement } from './parse-statement.js';
import { StatementParseError, type StatementIssue } from './statement-parse-error.js';
import type { ParseStatementInput, ParsedLine } from './statement.types.js';

const fixtureDirectory = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** The March 2026 statement: the same 8 transactions as camt.053, OFX 1.x SGML, OFX 2.x XML and CSV. */
export const marchFixtures = {
  camt053: 'march-2026.camt053.xml',
  ofx1: 'march-2026.ofx1.ofx',
  ofx2: 'march-2026.ofx2.ofx',
  csv: 'march-2026.csv',
} as const;

export function readFixture(name: string): string {
  return readFileSync(join(fixtureDirectory, name), 'utf8');
}

/** The mapping of march-2026.csv (a German bank's export: ';', DD.MM.YYYY, decimal ',' with '.' thousands). */
export const marchCsvMapping: CsvMapping = {
  delimiter: ';',
  hasHeader: true,
  dateFormat: 'DD.MM.YYYY',
  decimalSeparator: ',',
  columns: {
    bookingDate: 'Buchungstag',
    valueDate: 'Valuta',
    amount: 'Betrag',
    reference: 'Verwendungszweck',
    counterparty: 'Auftraggeber',
    description: 'Buchungstext',
    transactionId: 'Transaktion',
    balance: 'Saldo',
  },
};

/** The lines every March 2026 fixture must give (sourceLine aside, which differs by format). */
export const marchLines: readonly Omit<ParsedLine, 'sourceLine'>[] = [
  { bookingDate: '2026-03-02', valueDate: '2026-03-02', amount: '1250.00', reference: 'INV-2026-0001', counterparty: 'Acme GmbH', description: 'Invoice payment', bankTransactionId: 'TX0001' },
  { bookingDate: '2026-03-03', valueDate: '2026-03-04', amount: '-45.90', reference: null, counterparty: 'Office Supplies Ltd', description: 'Card payment', bankTransactionId: 'TX0002' },
  { bookingDate: '2026-03-05', valueDate: '2026-03-05', amount: '980.40', reference: 'INV-2026-0002', counterparty: 'Bäcker & Söhne KG', description: 'SEPA credit transfer', bankTransactionId: 'TX0003' },
  { bookingDate: '2026-03-09', valueDate: '2026-03-09', amount: '-3.50', reference: null, counterparty: 'Coffee Corner', description: 'Coffee', bankTransactionId: 'TX0004' },
  { bookingDate: '2026-03-09', valueDate: '2026-03-09', amount: '-3.50', reference: null, counterparty: 'Coffee Corner', description: 'Coffee', bankTransactionId: 'TX0005' },
  { bookingDate: '2026-03-12', valueDate: '2026-03-13', amount: '2000.00', reference: 'RF18539007547034', counterparty: 'Globex Corporation', description: 'Payout', bankTransactionId: 'TX0006' },
  { bookingDate: '2026-03-16', valueDate: '2026-03-16', amount: '-12.35', reference: 'FEE-MAR', counterparty: null, description: 'Account maintenance fee', bankTransactionId: 'TX0007' },
  { bookingDate: '2026-03-20', valueDate: '2026-03-20', amount: '12345.67', reference: 'INV-2026-0003', counterparty: 'Initech, Inc.', description: 'Wire', bankTransactionId: 'TX0008' },
];

/** Replaces exactly one occurrence of `from`, so a test never passes because its edit silently missed. */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at === -1) throw new Error(`replaceOnce: ${JSON.stringify(from)} not found`);
  if (text.indexOf(from, at + 1) !== -1) throw new Error(`replaceOnce: ${JSON.stringify(from)} occurs more than once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The issues of a refused file; fails the test when the file is accepted. */
export function refusal(input: ParseStatementInput): readonly StatementIssue[] {
  try {
    parseStatement(input);
  } catch (error) {
    if (error instanceof StatementParseError) return error.issues;
    throw error;
  }
  throw new Error('expected the statement to be refused, but it was accepted');
}

export function withoutSourceLines(lines: readonly ParsedLine[]): Omit<ParsedLine, 'sourceLine'>[] {
  return lines.map(({ sourceLine: _sourceLine, ...rest }) => rest);
}
