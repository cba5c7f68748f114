import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aggregates } from '../../libs/application/src/index.js';
import { marchCsvMapping, marchFixtures, readFixture } from '../../libs/bank-statements/src/statement.test-helper.js';
import { firstErrorCode } from '../support/graphql-http.client.js';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { IMPORT_STATEMENT, allLines, bankingTenant, importStatement, ok, registerAccount, type LineView } from './banking-api.js';

/**
 * Statement import through the real API (docs/reconciliation.md): the same camt.053 file imported twice adds 0 lines
 * (and appends nothing); the same transactions as OFX and as CSV give the same lines; a bad file is refused whole,
 * with the line and the reason of each problem, and nothing of it is imported; CSV needs the account's mapping.
 */

let ledger: TestLedger;
const clock = new TestClock('2026-04-01T09:00:00.000Z');
const TENANT = 'statements';
let finance: string;
let auditor: string;

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
  ({ finance, auditor } = await bankingTenant(ledger, TENANT));
  for (const [bankAccountId, accountNumber] of [
    ['ba_camt', 'DE89370400440532013000'],
    ['ba_ofx', 'DE02120300000000202051'],
    ['ba_csv', 'DE75512108001245126199'],
  ] as const) {
    await registerAccount(ledger, finance, { bankAccountId, name: bankAccountId, type: 'CHECKING', currency: 'EUR', bankName: 'Bank', accountNumber, openingBalance: '5000.00', openingBalanceDate: '2026-03-01' });
  }
});

afterAll(async () => {
  await ledger?.stop();
});

const camt = readFixture(marchFixtures.camt053);
const ofx = readFixture(marchFixtures.ofx2);
const csv = readFixture(marchFixtures.csv);
const CSV_MAPPING = {
  delimiter: 'SEMICOLON',
  hasHeader: true,
  dateFormat: 'DD_DOT_MM_DOT_YYYY',
  decimalSeparator: 'COMMA',
  columns: marchCsvMapping.columns,
};

/** What makes a line the same line, whatever the file: dates, amount, texts, the bank's id (not the statement it came in). */
const sameness = (line: LineView) => [line.bookingDate, line.valueDate, line.amount.amount, line.reference, line.counterparty, line.description, line.bankTransactionId];

async function reconciliationRevision(bankAccountId: string): Promise<bigint | 'none'> {
  const [last] = await ledger.services.store.readStream(aggregates.bankReconciliation.stream(TENANT, bankAccountId), { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
  return last === undefined ? 'none' : BigInt(last.revision);
}

describe('importing statements', () => {
  it('the same camt.053 file imported twice adds 0 lines the second time, and appends nothing', async () => {
    const first = await importStatement(ledger, finance, { bankAccountId: 'ba_camt', format: 'CAMT053', content: camt, fileName: 'march.xml' });
    expect(first).toMatchObject({ addedLineCount: 8, duplicateLineCount: 0, autoMatchedLineCount: 0, statement: { statementRef: 'STMT-2026-03', fileName: 'march.xml', openingBalance: { amount: '5000.00' }, closingBalance: { amount: '21510.82' }, fromDate: '2026-03-01', toDate: '2026-03-31' } });
    const revision = await reconciliationRevision('ba_camt');
    const head = await headOfLog(ledger);
    const second = await importStatement(ledger, finance, { bankAccountId: 'ba_camt', format: 'CAMT053', content: camt, fileName: 'march-again.xml' });
    expect(second).toMatchObject({ statement: null, addedLineCount: 0, duplicateLineCount: 8, autoMatchedLineCount: 0 });
    expect(await reconciliationRevision('ba_camt')).toBe(revision);
    expect(await headOfLog(ledger)).toBe(head);
    const lines = await allLines(ledger, finance, 'ba_camt', first.position);
    expect(lines).toHaveLength(8);
    expect(new Set(lines.map((line) => line.bankTransactionId))).toEqual(new Set(['TX0001', 'TX0002', 'TX0003', 'TX0004', 'TX0005', 'TX0006', 'TX0007', 'TX0008']));
    // An overlapping statement of the same transactions in another format adds nothing either: the lines are keyed by the bank's ids.
    expect(await importStatement(ledger, finance, { bankAccountId: 'ba_camt', format: 'OFX', content: ofx })).toMatchObject({ addedLineCount: 0, duplicateLineCount: 8 });
  });

  it('the same transactions as OFX and as CSV give the same lines', async () => {
    const fromOfx = await importStatement(ledger, finance, { bankAccountId: 'ba_ofx', format: 'OFX', content: ofx });
    await ok(ledger.graphql(`mutation ($input: SaveBankStatementCsvMappingInput!) { saveBankStatementCsvMapping(input: $input) { position } }`, { input: { bankAccountId: 'ba_csv', mapping: CSV_MAPPING } }, finance), 'save');
    const fromCsv = await importStatement(ledger, finance, { bankAccountId: 'ba_csv', format: 'CSV', content: csv });
    expect(fromOfx.addedLineCount).toBe(8);
    expect(fromCsv.addedLineCount).toBe(8);
    // CSV has no balances of its own: they come from its balance column.
    expect(fromCsv.statement).toMatchObject({ openingBalance: { amount: '5000.00' }, closingBalance: { amount: '21510.82' } });
    const ofxLines = await allLines(ledger, finance, 'ba_ofx', fromOfx.position);
    const csvLines = await allLines(ledger, finance, 'ba_csv', fromCsv.position);
    expect(csvLines.map(sameness)).toEqual(ofxLines.map(sameness));
    expect(csvLines.map((line) => line.amount.amount)).toEqual(['1250.00', '-45.90', '980.40', '-3.50', '-3.50', '2000.00', '-12.35', '12345.67']);
  });

  it('answers as of a position: the account, its statements and lines as they stood then', async () => {
    const registered = await registerAccount(ledger, finance, { bankAccountId: 'ba_asof', name: 'as of', type: 'CHECKING', currency: 'EUR', bankName: 'Bank', accountNumber: 'GB33BUKB20201555555555', openingBalance: '5000.00', openingBalanceDate: '2026-03-01' });
    const imported = await importStatement(ledger, finance, { bankAccountId: 'ba_asof', format: 'CAMT053', content: camt });
    const AS_OF = `query ($id: ID!, $asOf: String) {
      bankAccount(id: $id, asOf: $asOf) { id numberLast4 }
      bankStatements(bankAccountId: $id, asOf: $asOf) { edges { node { statementRef } } }
      statementLines(bankAccountId: $id, first: 50, asOf: $asOf) { edges { node { bankTransactionId } } }
    }`;
    type AsOfView = { bankAccount: { id: string } | null; bankStatements: { edges: unknown[] }; statementLines: { edges: unknown[] } };
    const at = async (asOf: string) => ok(ledger.graphql<AsOfView>(AS_OF, { id: 'ba_asof', asOf }, auditor), 'as of');
    const before = await at(registered.position);
    expect([before.bankAccount?.id, before.bankStatements.edges.length, before.statementLines.edges.length]).toEqual(['ba_asof', 0, 0]);
    const after = await at(imported.position);
    expect([after.bankAccount?.id, after.bankStatements.edges.length, after.statementLines.edges.length]).toEqual(['ba_asof', 1, 8]);
  });

  it('refuses a bad file whole, with the line and the reason of each problem, and imports nothing of it', async () => {
    const before = await reconciliationRevision('ba_csv');
    // Line 3 (the second data row) has an amount that is not one, line 5 a date that does not exist.
    const broken = csv.replace('-45,90', '-45,9x').replace('09.03.2026;09.03.2026;-3,50;;Coffee Corner;Coffee;TX0004', '31.02.2026;09.03.2026;-3,50;;Coffee Corner;Coffee;TX0004');
    const response = await ledger.graphql(IMPORT_STATEMENT, { input: { bankAccountId: 'ba_csv', format: 'CSV', content: broken } }, finance);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
    const issues = (response.errors?.[0]?.extensions as { issues?: { line: number | null; reason: string }[] }).issues ?? [];
    expect(issues.map((issue) => issue.line)).toEqual(expect.arrayContaining([3, 5]));
    expect(issues.every((issue) => issue.reason.length > 0)).toBe(true);
    expect(await reconciliationRevision('ba_csv')).toBe(before);

    // Balances that do not add up: the opening balance plus the lines is not the closing balance.
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => ledger.graphql(IMPORT_STATEMENT, { input: { bankAccountId: 'ba_ofx', format: 'CAMT053', content: camt.replace('<Amt Ccy="EUR">21510.82</Amt>', '<Amt Ccy="EUR">21510.83</Amt>') } }, finance));
    // Hostile XML (a DTD with entities) is refused before any entity is read.
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () =>
      ledger.graphql(IMPORT_STATEMENT, { input: { bankAccountId: 'ba_ofx', format: 'CAMT053', content: camt.replace('<Document', '<!DOCTYPE d [<!ENTITY x "y">]>\n<Document') } }, finance),
    );
    // Another currency than the account's.
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => ledger.graphql(IMPORT_STATEMENT, { input: { bankAccountId: 'ba_ofx', format: 'OFX', content: ofx.replace('<CURDEF>EUR</CURDEF>', '<CURDEF>USD</CURDEF>') } }, finance));
    // CSV on an account with no saved mapping.
    await expectRejectedWithoutEvents(ledger, 'VALIDATION_FAILED', () => ledger.graphql(IMPORT_STATEMENT, { input: { bankAccountId: 'ba_ofx', format: 'CSV', content: csv } }, finance));
    // An unknown account.
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => ledger.graphql(IMPORT_STATEMENT, { input: { bankAccountId: 'ba_none', format: 'OFX', content: ofx } }, finance));
    const lines = await allLines(ledger, finance, 'ba_csv', null);
    expect(lines).toHaveLength(8);
  });

  it('an auditor cannot import; another tenant sees no statement lines of this one', async () => {
    await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => ledger.graphql(IMPORT_STATEMENT, { input: { bankAccountId: 'ba_ofx', format: 'OFX', content: ofx } }, auditor));
    expect(await allLines(ledger, auditor, 'ba_camt', null)).toHaveLength(8);
    const { finance: outsider } = await bankingTenant(ledger, 'statements-outsider');
    expect(await allLines(ledger, outsider, 'ba_camt', null)).toEqual([]);
    expect(firstErrorCode(await ledger.graphql(IMPORT_STATEMENT, { input: { bankAccountId: 'ba_camt', format: 'CAMT053', content: camt } }, outsider))).toBe('NOT_FOUND');
  });
});
