import { afterAll, beforeAll, describe, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import type { BankAccountRegistered, MatchDifferenceReclassified, StatementLinesMatched, StatementLinesUnmatched } from '../../libs/billing/src/index.js';
import { inStream, ProjectionSpecification } from '../../libs/testing/src/projection-spec.js';
import { startProjectionSpecDatabase, type ProjectionSpecDatabase } from '../../test/specs/projection-spec.support.js';
import { generalLedgerProjection } from './general-ledger.projection.js';
import { GeneralLedgerQueries } from './general-ledger.queries.js';

/**
 * The general-ledger projection posts the banking events (docs/banking.md): bank lines on their account's sub-ledger
 * (gl_bank_lines), and an unmatch reversing exactly what its match posted, from a match kept in gl_bank_matches (in
 * the same batch or an earlier one), with the difference where a reclassification moved it.
 */
describe('general-ledger projection: banking', () => {
  let database: ProjectionSpecDatabase;

  beforeAll(async () => {
    database = await startProjectionSpecDatabase();
  });

  afterAll(async () => {
    await database?.stop();
  });

  const spec = () => ProjectionSpecification.for({ projection: generalLedgerProjection, db: database.db });
  const at = '2026-03-10T10:00:00.000Z';
  const zero = '0.000000000000';
  const queries = (db: Kysely<ReadModelDatabase>, schema: string) => new GeneralLedgerQueries(db, schema);

  const registered: BankAccountRegistered = {
    type: 'BankAccountRegistered',
    data: {
      bankAccountId: 'ba_1',
      name: 'Operating',
      type: 'business_checking',
      currency: 'USD',
      bankName: 'First Bank',
      numberLast4: '1234',
      numberSecretRef: 'sec_1',
      openingBalance: '1000.00',
      openingBalanceDate: '2026-03-01',
      registeredAt: at,
    },
  };
  const matched = (differenceAccount: 'bank_fees' | 'reconciliation_suspense'): StatementLinesMatched => ({
    type: 'StatementLinesMatched',
    data: {
      matchId: 'm-1',
      bankAccountId: 'ba_1',
      currency: 'USD',
      lineIds: ['st-1-2'],
      payments: [
        { paymentId: 'pay-1', amount: '100.00' },
        { paymentId: 'pay-2', amount: '100.00' },
        { paymentId: 'pay-3', amount: '100.00' },
      ],
      lineTotal: '291.30',
      paymentTotal: '300.00',
      difference: '8.70',
      differenceAccount,
      dateGapDays: 2,
      decision: { kind: 'rule', ruleId: 'payout', ruleVersion: 1 },
      matchedAt: at,
    },
  });
  const unmatched: StatementLinesUnmatched = {
    type: 'StatementLinesUnmatched',
    data: { matchId: 'm-1', bankAccountId: 'ba_1', lineIds: ['st-1-2'], paymentIds: ['pay-1', 'pay-2', 'pay-3'], actorKeyId: 'key-1', reason: 'wrong payout', unmatchedAt: at },
  };
  const reclassified: MatchDifferenceReclassified = {
    type: 'MatchDifferenceReclassified',
    data: { matchId: 'm-1', bankAccountId: 'ba_1', currency: 'USD', amount: '8.70', from: 'reconciliation_suspense', to: 'bank_fees', actorKeyId: 'key-1', reason: 'a fee', reclassifiedAt: at },
  };
  const account = 'acme:bank_account-ba_1';
  const reconciliation = 'acme:bank_reconciliation-ba_1';
  const OPENING = '11111111-1111-4111-8111-111111111111';
  const MATCH = '22222222-2222-4222-8222-222222222222';

  it('posts the opening balance and a payout less its fee, the bank lines on the account\'s sub-ledger', async () => {
    await spec()
      .given([inStream(account, registered, { eventId: OPENING }), inStream(reconciliation, matched('bank_fees'), { eventId: MATCH })])
      .then({
        journal_lines: [
          { tenant_id: 'acme', entry_id: `${OPENING}:0`, line_no: 0, account: 'bank', debit: '1000.000000000000', credit: zero, tax: null },
          { tenant_id: 'acme', entry_id: `${OPENING}:0`, line_no: 1, account: 'opening_balance_equity', debit: zero, credit: '1000.000000000000', tax: null },
          { tenant_id: 'acme', entry_id: `${MATCH}:0`, line_no: 0, account: 'bank', debit: '291.300000000000', credit: zero, tax: null },
          { tenant_id: 'acme', entry_id: `${MATCH}:0`, line_no: 1, account: 'bank_fees', debit: '8.700000000000', credit: zero, tax: null },
          { tenant_id: 'acme', entry_id: `${MATCH}:0`, line_no: 2, account: 'cash_clearing', debit: zero, credit: '300.000000000000', tax: null },
        ],
        gl_bank_lines: [
          { tenant_id: 'acme', entry_id: `${OPENING}:0`, line_no: 0, bank_account_id: 'ba_1' },
          { tenant_id: 'acme', entry_id: `${MATCH}:0`, line_no: 0, bank_account_id: 'ba_1' },
        ],
        gl_bank_matches: [
          {
            tenant_id: 'acme',
            match_id: 'm-1',
            figures: { matchId: 'm-1', bankAccountId: 'ba_1', currency: 'USD', lineTotal: '291.30', paymentTotal: '300.00', difference: '8.70', differenceAccount: 'bank_fees' },
          },
        ],
      });
  });

  it('the bank sub-ledger balance is the opening balance plus what reached the bank; the journal shows the bank account', async () => {
    await spec()
      .given([inStream(account, registered), inStream(reconciliation, matched('bank_fees'), { eventId: MATCH })])
      .thenQuery(async (db, schema) => {
        const ledger = queries(db, schema);
        const journal = await ledger.journalEntries('acme', { sourceId: 'm-1' }, 10, null);
        return {
          balance: await ledger.bankAccountBalance('acme', 'ba_1', 'USD'),
          before: await ledger.bankAccountBalance('acme', 'ba_1', 'USD', '2026-03-01T00:00:00.000Z'),
          other: await ledger.bankAccountBalance('acme', 'ba_2', 'USD'),
          lines: journal.edges.flatMap((edge) => edge.node.lines.map((line) => `${line.account}:${line.bankAccountId ?? '-'}`)),
        };
      }, { balance: '1291.30', before: '0.00', other: '0.00', lines: ['bank:ba_1', 'bank_fees:-', 'cash_clearing:-'] });
  });

  it('an unmatch in a later batch reverses the match from the kept figures: the bank is back at its opening balance', async () => {
    await spec()
      .given([inStream(account, registered), inStream(reconciliation, matched('bank_fees'))])
      .when([inStream(reconciliation, unmatched)])
      .thenQuery(async (db, schema) => {
        const ledger = queries(db, schema);
        const trial = await ledger.trialBalance('acme', '2026-12-31T00:00:00.000Z', 'USD');
        return { bank: await ledger.bankAccountBalance('acme', 'ba_1', 'USD'), nonZero: trial.rows.filter((row) => row.balance !== '0.00').map((row) => `${row.account} ${row.balance}`) };
      }, { bank: '1000.00', nonZero: ['bank 1000.00', 'opening_balance_equity -1000.00'] });
  });

  it('a difference parked in suspense, reclassified to fees, then unmatched, leaves neither suspense nor fees (one batch)', async () => {
    await spec()
      .given([inStream(account, registered), inStream(reconciliation, matched('reconciliation_suspense')), inStream(reconciliation, reclassified), inStream(reconciliation, unmatched)])
      .thenQuery(async (db, schema) => {
        const trial = await queries(db, schema).trialBalance('acme', '2026-12-31T00:00:00.000Z', 'USD');
        return trial.rows.filter((row) => row.balance !== '0.00').map((row) => `${row.account} ${row.balance}`);
      }, ['bank 1000.00', 'opening_balance_equity -1000.00']);
  });

  it('the same across batches: the reclassification updates the kept match', async () => {
    await spec()
      .given([inStream(account, registered), inStream(reconciliation, matched('reconciliation_suspense')), inStream(reconciliation, reclassified)])
      .when([inStream(reconciliation, unmatched)])
      .thenQuery(async (db, schema) => {
        const trial = await queries(db, schema).trialBalance('acme', '2026-12-31T00:00:00.000Z', 'USD');
        return trial.rows.filter((row) => row.balance !== '0.00').map((row) => `${row.account} ${row.balance}`);
      }, ['bank 1000.00', 'opening_balance_equity -1000.00']);
  });
});
