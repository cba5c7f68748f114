import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aggregates, storedEvents, uuidV5, type CommandContext, type DomainEventLike } from '../../libs/application/src/index.js';
import { proposeMatches, type BankReconciliationCommand, type BankReconciliationState } from '../../libs/billing/src/index.js';
import {
  workedExampleCsvMapping,
  workedExamplePayments,
  workedExampleStatement,
  workedExampleTolerantRules,
} from '../../libs/billing/src/banking/matching/worked-example.js';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { PostgresEventStore, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { projectInBatches, readAppendedLog, seededBatchSizes } from '../../libs/testing/src/batch-split.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { reconciliationProjection } from './reconciliation.projection.js';

/**
 * The reconciliation read model folds whole batches in memory (applyBatch): its rows must not depend on how the log is
 * cut into batches, and a batch sends a bounded number of statements whatever it holds. The history is real: two
 * tenants' bank accounts, defaults, rules (versions, retirement), payments, a statement matched by the rules, manual
 * matches, an unmatch, resolutions, a reclassified difference, and a session completed, reopened and approved, each
 * command decided by its aggregate and appended as the application appends it, the tenants interleaved in the log.
 */

/** At most: two loads of accounts (by id, by currency), five loads of the other tables, seven upserts. */
const STATEMENTS_PER_BATCH_MAX = 14;
const ACCOUNT = 'ba_worked';

type Step = { readonly aggregate: keyof typeof aggregates; readonly id: string; readonly command: (state: never, now: string) => { type: string; data: unknown } };

/** One tenant's life, as commands on its aggregates (each built from the state it is decided on). */
function life(tenantId: string): Step[] {
  const steps: Step[] = [];
  const on = (aggregate: keyof typeof aggregates, id: string, command: Step['command']) => steps.push({ aggregate, id, command });
  on('bankAccount', ACCOUNT, () => ({
    type: 'RegisterBankAccount',
    data: { bankAccountId: ACCOUNT, name: 'Main', type: 'business_checking', currency: 'EUR', bankName: 'Bank', numberLast4: '3000', numberSecretRef: 'sec_x', openingBalance: '1000.00', openingBalanceDate: '2026-03-01' },
  }));
  on('bankAccountDefaults', tenantId, () => ({ type: 'SetDefaultBankAccount', data: { currency: 'EUR', bankAccountId: ACCOUNT, accountCurrency: 'EUR' } }));
  on('bankAccount', 'ba_second', () => ({
    type: 'RegisterBankAccount',
    data: { bankAccountId: 'ba_second', name: 'Second', type: 'savings', currency: 'EUR', bankName: 'Bank', numberLast4: '2051', numberSecretRef: 'sec_y', openingBalance: null, openingBalanceDate: '2026-03-01' },
  }));
  on('bankAccountDefaults', tenantId, () => ({ type: 'SetDefaultBankAccount', data: { currency: 'EUR', bankAccountId: 'ba_second', accountCurrency: 'EUR' } }));
  on('bankAccountDefaults', tenantId, () => ({ type: 'SetDefaultBankAccount', data: { currency: 'EUR', bankAccountId: ACCOUNT, accountCurrency: 'EUR' } }));
  on('bankAccount', ACCOUNT, () => ({ type: 'ChangeBankAccountVerification', data: { bankAccountId: ACCOUNT, status: 'verified', reason: null } }));
  on('bankAccount', ACCOUNT, () => ({ type: 'SaveBankAccountCsvMapping', data: { bankAccountId: ACCOUNT, mapping: workedExampleCsvMapping } }));
  for (const rule of workedExampleTolerantRules) {
    on('matchingRules', tenantId, () => ({ type: 'DefineMatchingRule', data: { ruleId: rule.ruleId, name: rule.ruleId, priority: rule.priority, bankAccountId: null, criteria: rule.criteria } }));
  }
  on('matchingRules', tenantId, () => ({ type: 'DefineMatchingRule', data: { ruleId: 'tolerant', name: 'tolerant v2', priority: 30, bankAccountId: null, criteria: workedExampleTolerantRules[1]?.criteria } }));
  on('matchingRules', tenantId, () => ({ type: 'RetireMatchingRule', data: { ruleId: 'exact' } }));
  for (const payment of workedExamplePayments) {
    on('payment', payment.paymentId, () => ({
      type: 'RecordPayment',
      data: { paymentId: payment.paymentId, customerId: 'cus_1', amount: payment.amount, currency: 'EUR', method: 'wire_transfer', reference: payment.reference, paymentMethodId: null, allocation: { kind: 'oldest_due_first' }, ...(payment.paymentId === 'pay_03' ? {} : { bankAccountId: ACCOUNT }) },
    }));
  }
  const reconcile = (command: (state: BankReconciliationState) => Omit<BankReconciliationCommand, 'metadata'>) => on('bankReconciliation', ACCOUNT, command as Step['command']);
  reconcile(() => ({
    type: 'ImportStatement',
    data: {
      bankAccountId: ACCOUNT,
      accountCurrency: 'EUR',
      statementId: 'st_worked',
      format: 'csv',
      fileSha256: 'b'.repeat(64),
      statementRef: null,
      currency: 'EUR',
      openingBalance: workedExampleStatement.openingBalance,
      closingBalance: workedExampleStatement.closingBalance,
      fromDate: workedExampleStatement.fromDate,
      toDate: workedExampleStatement.toDate,
      lines: workedExampleStatement.lines.map((line, index) => ({ lineKey: `h:${index}`, bookingDate: line.bookingDate, valueDate: line.valueDate, amount: line.amount, reference: line.reference, counterparty: line.counterparty, description: line.description, bankTransactionId: null })),
    },
  }));
  reconcile(() => ({
    type: 'RecordMatches',
    data: {
      bankAccountId: ACCOUNT,
      accountCurrency: 'EUR',
      matches: proposeMatches({ bankAccountId: ACCOUNT, lines: workedExampleStatement.lines, payments: workedExamplePayments, rules: workedExampleTolerantRules }).map((proposal, index) => ({ ...proposal, matchId: `m_rule_${index}` })),
    },
  }));
  const manual = (matchId: string, line: number, paymentId: string, amount: string, date: string) =>
    reconcile(() => ({
      type: 'MatchManually',
      data: { bankAccountId: ACCOUNT, accountCurrency: 'EUR', matchId, lineIds: [`st_worked-${line}`], payments: [{ paymentId, amount, currency: 'EUR', date }], differenceAccount: null, reason: 'by hand', actorKeyId: 'key-1' },
    }));
  manual('m_5', 5, 'pay_05', '1000.00', '2026-03-06');
  manual('m_7', 7, 'pay_07', '150.00', '2026-03-10');
  reconcile(() => ({ type: 'Unmatch', data: { bankAccountId: ACCOUNT, matchId: 'm_7', reason: 'wrong one', actorKeyId: 'key-1' } }));
  manual('m_7b', 7, 'pay_08', '150.00', '2026-03-10');
  manual('m_6', 6, 'pay_06', '60.00', '2026-03-09');
  reconcile(() => ({ type: 'ResolveLine', data: { bankAccountId: ACCOUNT, lineId: 'st_worked-8', account: 'reconciliation_suspense', reason: 'unknown', actorKeyId: 'key-1' } }));
  reconcile(() => ({ type: 'ResolveLine', data: { bankAccountId: ACCOUNT, lineId: 'st_worked-10', account: 'other_income', reason: 'interest', actorKeyId: 'key-1' } }));
  reconcile(() => ({ type: 'ResolvePaymentDiscrepancy', data: { bankAccountId: ACCOUNT, accountCurrency: 'EUR', paymentId: 'pay_10', amount: '300.00', currency: 'EUR', resolution: 'in_transit', reason: 'April', actorKeyId: 'key-1' } }));
  reconcile(() => ({ type: 'ReclassifyMatchDifference', data: { bankAccountId: ACCOUNT, matchId: 'm_rule_2', reason: 'a fee', actorKeyId: 'key-1' } }));
  const session = (command: Step['command']) => on('reconciliationSession', `${ACCOUNT}-2026-03`, command);
  const figures = { statementClosingBalance: '3162.49', ledgerBalance: '3162.49', unresolvedLineIds: [] };
  session(() => ({ type: 'StartReconciliation', data: { bankAccountId: ACCOUNT, period: '2026-03', startedByKeyId: 'key-1' } }));
  session(() => ({ type: 'CompleteReconciliation', data: { bankAccountId: ACCOUNT, period: '2026-03', completedByKeyId: 'key-1', currency: 'EUR', figures } }));
  session(() => ({ type: 'ReopenReconciliation', data: { bankAccountId: ACCOUNT, period: '2026-03', reopenedByKeyId: 'key-2', reason: 'check' } }));
  session(() => ({ type: 'CompleteReconciliation', data: { bankAccountId: ACCOUNT, period: '2026-03', completedByKeyId: 'key-2', currency: 'EUR', figures } }));
  session(() => ({ type: 'ApproveReconciliation', data: { bankAccountId: ACCOUNT, period: '2026-03', approvedByKeyId: 'key-1' } }));
  return steps;
}

/** Every tenant's life decided step by step and appended per command, the tenants interleaved; read back from $all. */
async function appendLives(store: PostgresEventStore, tenants: readonly string[]): Promise<RecordedEvent[]> {
  const states = new Map<string, unknown>();
  const revisions = new Map<string, bigint>();
  const lives = tenants.map((tenantId) => ({ tenantId, steps: life(tenantId) }));
  let appended = 0;
  let clock = Date.parse('2026-04-01T08:00:00.000Z');
  for (let round = 0; lives.some((entry) => entry.steps.length > round); round += 1) {
    for (const { tenantId, steps } of lives) {
      const step = steps[round];
      if (step === undefined) continue;
      clock += 60_000;
      const now = new Date(clock).toISOString();
      const aggregate = aggregates[step.aggregate] as unknown as { decider: { decide(command: unknown, state: unknown): DomainEventLike[]; evolve(state: unknown, event: DomainEventLike): unknown; initialState: unknown }; stream(tenantId: string, id: string): string };
      const streamId = aggregate.stream(tenantId, step.id);
      const state = states.get(streamId) ?? aggregate.decider.initialState;
      const events = aggregate.decider.decide({ ...step.command(state as never, now), metadata: { now } } as never, state);
      states.set(streamId, events.reduce((folded, event) => aggregate.decider.evolve(folded, event), state));
      if (events.length === 0) continue;
      const commandId = uuidV5(`${tenantId}:${round}`);
      const context: CommandContext = { tenantId, actor: 'spec', commandId, correlationId: commandId, causationId: commandId, now };
      const revision = revisions.get(streamId);
      await store.appendToStream(streamId, storedEvents(events, context, streamId), { expectedRevision: revision === undefined ? 'no_stream' : revision });
      revisions.set(streamId, (revision ?? -1n) + BigInt(events.length));
      appended += events.length;
    }
  }
  return readAppendedLog(store, appended);
}

describe('the reconciliation read model: any split of the log gives the same rows', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let history: RecordedEvent[];

  beforeAll(async () => {
    database = await createTestDatabase('reconciliation_split');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString, { poolSize: 2, applicationName: 'reconciliation-split' });
    history = await appendLives(store, ['north', 'south']);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await connection?.close();
    await database?.drop();
  });

  it('the history holds every event type the projection follows', () => {
    expect(new Set(history.map((event) => event.type))).toEqual(new Set(reconciliationProjection.eventTypes.filter((type) => type !== 'PaymentFailed' && type !== 'PaymentCancelled' && type !== 'PaymentAllocated')));
  });

  it('one event per batch, the whole log in one batch and seeded random splits give the same rows', async () => {
    const one = await projectInBatches(connection.db, reconciliationProjection, history, history.map(() => 1));
    for (const table of reconciliationProjection.tables) expect(one.rows[table]?.length ?? 0).toBeGreaterThan(0);
    const whole = await projectInBatches(connection.db, reconciliationProjection, history, [history.length]);
    expect(whole.rows).toEqual(one.rows);
    for (const seed of [7, 42, 2026]) {
      const sizes = seededBatchSizes(history.length, 3 + (seed % 5), seed);
      expect({ seed, rows: (await projectInBatches(connection.db, reconciliationProjection, history, sizes)).rows }).toEqual({ seed, rows: one.rows });
    }
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: history.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const points = [...new Set([0, ...cuts, history.length])].sort((a, b) => a - b);
        const sizes = points.slice(1).map((point, index) => point - (points[index] as number));
        expect((await projectInBatches(connection.db, reconciliationProjection, history, sizes)).rows).toEqual(one.rows);
      }),
      { numRuns: 6 },
    );
  }, 240_000);

  it('the statements of a batch do not grow with its events', async () => {
    const small = await projectInBatches(connection.db, reconciliationProjection, history.slice(0, 5), [5]);
    const whole = await projectInBatches(connection.db, reconciliationProjection, history, [history.length]);
    expect(small.statements[0]).toBeLessThanOrEqual(STATEMENTS_PER_BATCH_MAX);
    expect(whole.statements[0]).toBeLessThanOrEqual(STATEMENTS_PER_BATCH_MAX);
  });

  it('the rows say what the aggregates decided', async () => {
    const { rows } = await projectInBatches(connection.db, reconciliationProjection, history, [history.length]);
    const parsed = (table: string) => (rows[table] ?? []).map((text) => JSON.parse(text) as Record<string, unknown>).filter((row) => row.tenant_id === 'north');
    const accounts = parsed('bank_accounts').map((row) => [row.bank_account_id, row.is_default, row.verification_status, row.number_last4]);
    expect(accounts.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['ba_second', false, 'pending', '2051'],
      ['ba_worked', true, 'verified', '3000'],
    ]);
    const lines = parsed('statement_lines').sort((a, b) => Number(a.line_number) - Number(b.line_number));
    expect(lines.map((row) => row.status)).toEqual(['MATCHED', 'MATCHED', 'MATCHED', 'MATCHED', 'MATCHED', 'MATCHED', 'MATCHED', 'RESOLVED', 'MATCHED', 'RESOLVED']);
    const matches = Object.fromEntries(parsed('reconciliation_matches').map((row) => [row.match_id, row]));
    expect(matches.m_7).toMatchObject({ status: 'UNMATCHED', unmatch_reason: 'wrong one' });
    expect(matches.m_7b).toMatchObject({ status: 'MATCHED', decision_kind: 'manual', actor_key_id: 'key-1', reason: 'by hand' });
    expect(matches.m_rule_2).toMatchObject({ status: 'MATCHED', decision_kind: 'rule', rule_id: 'tolerant', rule_version: 1, reclassified: true, difference_account: 'bank_fees' });
    const payments = Object.fromEntries(parsed('reconciliation_payments').map((row) => [row.payment_id, row]));
    expect(payments.pay_07).toMatchObject({ match_status: 'UNMATCHED', match_id: null });
    expect(payments.pay_08).toMatchObject({ match_status: 'MATCHED', match_id: 'm_7b' });
    expect(payments.pay_10).toMatchObject({ match_status: 'RESOLVED', resolution: 'in_transit' });
    expect(payments.pay_03).toMatchObject({ bank_account_id: ACCOUNT, match_status: 'MATCHED' });
    expect(parsed('matching_rules').map((row) => [row.rule_id, row.version, row.status]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['exact', 1, 'retired'],
      ['tolerant', 2, 'active'],
    ]);
    expect(parsed('reconciliation_sessions')).toEqual([
      expect.objectContaining({ session_id: `${ACCOUNT}-2026-03`, status: 'approved', completed_by_key_id: 'key-2', approved_by_key_id: 'key-1', reopen_count: 1, last_reopen_reason: 'check', ledger_balance: '3162.49' }),
    ]);
  });
});
