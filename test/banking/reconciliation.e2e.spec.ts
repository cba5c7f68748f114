import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { evolveBankReconciliation, initialBankReconciliationState, statementLinesOf, type BankReconciliationEvent, type RuleVersion } from '../../libs/billing/src/index.js';
import {
  payoutExamplePayments,
  payoutExampleRule,
  payoutExampleStatement,
  statementCsv,
  workedExampleCsvMapping,
  workedExampleExpectedExactMatches,
  workedExampleExpectedTolerantMatches,
  workedExamplePayments,
  workedExampleStatement,
  workedExampleTolerantRules,
} from '../../libs/billing/src/banking/matching/worked-example.js';
import { aggregates } from '../../libs/application/src/index.js';
import { rebuildProjection, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { GeneralLedgerQueries } from '../../projections/general-ledger/general-ledger.queries.js';
import { reconciliationProjection } from '../../projections/index.js';
import { firstErrorCode } from '../support/graphql-http.client.js';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import {
  DEFINE_RULE,
  DISCREPANCIES,
  RECONCILIATION_MUTATION,
  REPORT,
  SESSION_MUTATION,
  allLines,
  bankingTenant,
  importStatement,
  ok,
  recordWire,
  registerAccount,
  registerNamedCustomer,
  type LineView,
  type MatchView,
  type MoneyView,
  type SessionView,
} from './banking-api.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';

/**
 * Reconciliation end to end through the real API (docs/reconciliation.md): the worked data set of issue 15 (10
 * recorded payments, 10 statement lines imported as CSV) matched by the exact rule, then by the exact and tolerant
 * rules; a card payout settling three payments less a fee (one-to-many, the fee posted to bank_fees); the
 * discrepancies resolved by hand; a session completed, refused to its completing key and approved by another, its
 * ledger balance equal to the general ledger's bank sub-ledger; and the read model equal to the fold of the events
 * and to its rebuild from position zero.
 */

let ledger: TestLedger;
const clock = new TestClock('2026-03-01T08:00:00.000Z');

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

const PERIOD = '2026-03';
const CSV_MAPPING = { delimiter: 'COMMA', hasHeader: true, dateFormat: 'YYYY_MM_DD', decimalSeparator: 'DOT', columns: workedExampleCsvMapping.columns };
const SAVE_MAPPING = `mutation ($input: SaveBankStatementCsvMappingInput!) { saveBankStatementCsvMapping(input: $input) { position } }`;

interface WorkedTenant {
  readonly tenantId: string;
  readonly keys: Awaited<ReturnType<typeof bankingTenant>>;
  /** The worked example's payment ids ('pay_01'...) to the ids the ledger gave them. */
  readonly paymentIds: Map<string, string>;
  readonly lastPosition: string;
}

/** The rule as the API takes it (enum names in upper case). */
function ruleInput(rule: RuleVersion): Record<string, unknown> {
  const { criteria } = rule;
  const upper = (value: string) => value.toUpperCase();
  return {
    ruleId: rule.ruleId,
    name: `Rule ${rule.ruleId}`,
    priority: rule.priority,
    bankAccountId: rule.bankAccountId,
    criteria: {
      multiplicity: upper(criteria.multiplicity),
      amountTolerance: criteria.amountTolerance === null ? null : { kind: upper(criteria.amountTolerance.kind), value: criteria.amountTolerance.value },
      valueDateWindowDays: criteria.valueDateWindowDays,
      reference: criteria.reference === null ? null : { operator: upper(criteria.reference.operator), pattern: 'pattern' in criteria.reference ? criteria.reference.pattern : null },
      counterparty: criteria.counterparty === null ? null : { operator: upper(criteria.counterparty.operator), value: 'value' in criteria.counterparty ? criteria.counterparty.value : null },
      differenceAccount: upper(criteria.differenceAccount),
    },
  };
}

/** A tenant with the worked example's EUR account, its customers and payments recorded (the read model caught up), and these rules. */
async function workedTenant(tenantId: string, rules: readonly RuleVersion[]): Promise<WorkedTenant> {
  const keys = await bankingTenant(ledger, tenantId);
  await registerAccount(ledger, keys.finance, { bankAccountId: 'ba_worked', name: 'Main EUR', type: 'BUSINESS_CHECKING', currency: 'EUR', bankName: 'Bank', accountNumber: 'DE89370400440532013000', openingBalance: '1000.00', openingBalanceDate: '2026-03-01' });
  await ok(ledger.graphql(SAVE_MAPPING, { input: { bankAccountId: 'ba_worked', mapping: CSV_MAPPING } }, keys.finance), 'saveBankStatementCsvMapping');
  const paymentIds = new Map<string, string>();
  let lastPosition = '';
  for (const [index, payment] of workedExamplePayments.entries()) {
    const customerId = `cus_${payment.customerName?.replace(/\W/g, '') ?? index}`;
    await registerNamedCustomer(ledger, keys.finance, customerId, payment.customerName as string);
    const recorded = await recordWire(ledger, keys.finance, { customerId, amount: payment.amount, currency: 'EUR', reference: payment.reference as string, date: payment.date });
    paymentIds.set(payment.paymentId, recorded.id);
    lastPosition = recorded.position;
  }
  for (const rule of rules) lastPosition = (await ok(ledger.graphql<{ defineMatchingRule: { position: string } }>(DEFINE_RULE, { input: ruleInput(rule) }, keys.finance), 'defineMatchingRule')).defineMatchingRule.position;
  // Matching on import reads the payments from the read model: let it include them (read your writes).
  await ok(ledger.graphql(`query ($p: String) { bankAccounts(minPosition: $p) { id } }`, { p: lastPosition }, keys.finance), 'bankAccounts');
  return { tenantId, keys, paymentIds, lastPosition };
}

function importWorked(tenant: WorkedTenant) {
  ledger.clock.setInstant('2026-04-01T07:00:00.000Z');
  return importStatement(ledger, tenant.keys.finance, {
    bankAccountId: 'ba_worked',
    format: 'CSV',
    content: statementCsv(workedExampleStatement),
    fileName: 'march.csv',
    openingBalance: workedExampleStatement.openingBalance,
    closingBalance: workedExampleStatement.closingBalance,
  });
}

/** The StatementLinesMatched events of a tenant's account, as [line number, the example's payment id, rule, difference]. */
async function matchesOf(tenant: WorkedTenant, statementId: string): Promise<(readonly [number, string, string, string])[]> {
  const byLedgerId = new Map([...tenant.paymentIds].map(([example, id]) => [id, example]));
  const events = await ledger.tenantEvents(tenant.tenantId);
  return events
    .filter((event) => event.type === 'StatementLinesMatched')
    .map((event) => event.data as { lineIds: string[]; payments: { paymentId: string }[]; decision: { kind: string; ruleId?: string }; difference: string })
    .map((data) => [Number((data.lineIds[0] as string).slice(statementId.length + 1)), byLedgerId.get(data.payments[0]?.paymentId as string) ?? '?', data.decision.ruleId ?? data.decision.kind, data.difference] as const)
    .sort((a, b) => a[0] - b[0]);
}

let tolerant: WorkedTenant;
let workedStatementId: string;

describe('the worked example of issue 15', () => {
  it('the exact rule matches 2 of the 10 lines', async () => {
    const exact = await workedTenant('recon-exact', workedExampleTolerantRules.slice(0, 1));
    const imported = await importWorked(exact);
    expect(imported).toMatchObject({ addedLineCount: 10, duplicateLineCount: 0, autoMatchedLineCount: workedExampleExpectedExactMatches.length });
    expect(imported.autoMatchedLineCount).toBe(2);
    const statementId = imported.statement?.id as string;
    expect(await matchesOf(exact, statementId)).toEqual(workedExampleExpectedExactMatches);
    const matched = await allLines(ledger, exact.keys.finance, 'ba_worked', imported.position, { status: 'MATCHED' });
    expect(matched.map((line) => line.id)).toEqual([`${statementId}-1`, `${statementId}-2`]);
  });

  it('the exact and the tolerant rule (1%, 3 days) match 5, each decision naming its rule and version', async () => {
    tolerant = await workedTenant('recon-tolerant', workedExampleTolerantRules);
    const imported = await importWorked(tolerant);
    workedStatementId = imported.statement?.id as string;
    expect(imported).toMatchObject({ addedLineCount: 10, autoMatchedLineCount: 5, statement: { openingBalance: { amount: '1000.00' }, closingBalance: { amount: '3162.49' } } });
    expect(await matchesOf(tolerant, workedStatementId)).toEqual(workedExampleExpectedTolerantMatches);
    const decisions = (await ledger.tenantEvents(tolerant.tenantId)).filter((event) => event.type === 'StatementLinesMatched').map((event) => (event.data as { decision: unknown }).decision);
    expect(decisions).toEqual(expect.arrayContaining([{ kind: 'rule', ruleId: 'exact', ruleVersion: 1 }, { kind: 'rule', ruleId: 'tolerant', ruleVersion: 1 }]));

    const lines = await allLines(ledger, tolerant.keys.finance, 'ba_worked', imported.position);
    const statuses = lines.map((line) => [Number(line.id.slice(workedStatementId.length + 1)), line.status] as const).sort((a, b) => a[0] - b[0]);
    expect(statuses).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => [n, [1, 2, 3, 4, 9].includes(n) ? 'MATCHED' : 'UNMATCHED']));
    const unmatched = await allLines(ledger, tolerant.keys.finance, 'ba_worked', imported.position, { status: 'UNMATCHED' });
    expect(unmatched.map((line) => line.amount.amount).sort()).toEqual(['0.84', '150.00', '42.00', '60.00', '985.00']);

    const discrepancies = (
      await ok(
        ledger.graphql<{ reconciliationDiscrepancies: { unmatchedLines: LineView[]; unmatchedPayments: { paymentId: string; customerName: string; reference: string }[]; amountMismatches: MatchView[]; dateMismatches: MatchView[] } }>(
          DISCREPANCIES,
          { bankAccountId: 'ba_worked', period: PERIOD, minPosition: imported.position },
          tolerant.keys.auditor,
        ),
        'reconciliationDiscrepancies',
      )
    ).reconciliationDiscrepancies;
    expect(discrepancies.unmatchedLines).toHaveLength(5);
    const exampleOf = new Map([...tolerant.paymentIds].map(([example, id]) => [id, example]));
    expect(discrepancies.unmatchedPayments.map((payment) => exampleOf.get(payment.paymentId)).sort()).toEqual(['pay_05', 'pay_06', 'pay_07', 'pay_08', 'pay_10']);
    expect(discrepancies.unmatchedPayments.find((payment) => exampleOf.get(payment.paymentId) === 'pay_10')).toMatchObject({ customerName: 'Helios Ltd', reference: 'INV-1010' });
    // Amount mismatches: the 0.35 and 0.50 short lines, their difference in suspense; date mismatches: lines 4 (2 days) and 9 (1 day).
    expect(discrepancies.amountMismatches.map((match) => [match.difference.amount, match.differenceAccount]).sort()).toEqual([
      ['0.35', 'RECONCILIATION_SUSPENSE'],
      ['0.50', 'RECONCILIATION_SUSPENSE'],
    ]);
    expect(discrepancies.dateMismatches.map((match) => match.dateGapDays).sort()).toEqual([1, 2]);
  });

  it('a card payout settling three payments less its fee matches one-to-many, and the fee is posted to bank_fees', async () => {
    const { finance } = tolerant.keys;
    await registerAccount(ledger, finance, { bankAccountId: 'ba_cards', name: 'Card payouts', type: 'BUSINESS_CHECKING', currency: 'EUR', bankName: 'Bank', accountNumber: 'DE02120300000000202051', openingBalance: '0.00', openingBalanceDate: '2026-03-01' });
    await ok(ledger.graphql(SAVE_MAPPING, { input: { bankAccountId: 'ba_cards', mapping: CSV_MAPPING } }, finance), 'saveBankStatementCsvMapping');
    const ids = new Map<string, string>();
    for (const payment of payoutExamplePayments) {
      const customerId = `cus_${(payment.customerName as string).replace(/\W/g, '')}`;
      await registerNamedCustomer(ledger, finance, customerId, payment.customerName as string);
      const recorded = await recordWire(ledger, finance, { customerId, amount: payment.amount, currency: 'EUR', reference: payment.reference as string, date: payment.date, bankAccountId: 'ba_cards' });
      ids.set(recorded.id, payment.paymentId);
    }
    // The rule is defined after the payments: once the read model holds it, it holds them.
    const position = (await ok(ledger.graphql<{ defineMatchingRule: { position: string } }>(DEFINE_RULE, { input: ruleInput({ ...payoutExampleRule, bankAccountId: 'ba_cards' }) }, finance), 'defineMatchingRule')).defineMatchingRule.position;
    await ok(ledger.graphql(`query ($p: String) { bankAccounts(minPosition: $p) { id } }`, { p: position }, finance), 'bankAccounts');
    ledger.clock.setInstant('2026-04-01T08:00:00.000Z');
    const imported = await importStatement(ledger, finance, {
      bankAccountId: 'ba_cards',
      format: 'CSV',
      content: statementCsv(payoutExampleStatement),
      openingBalance: '0.00',
      closingBalance: '461.41',
    });
    expect(imported).toMatchObject({ addedLineCount: 1, autoMatchedLineCount: 1 });
    const match = (await ledger.tenantEvents(tolerant.tenantId)).filter((event) => event.type === 'StatementLinesMatched' && (event.data as { bankAccountId: string }).bankAccountId === 'ba_cards');
    expect(match.map((event) => event.data)).toEqual([
      expect.objectContaining({
        lineTotal: '461.41',
        paymentTotal: '475.50',
        difference: '14.09',
        differenceAccount: 'bank_fees',
        decision: { kind: 'rule', ruleId: 'card-payouts', ruleVersion: 1 },
      }),
    ]);
    const payments = (match[0]?.data as { payments: { paymentId: string; amount: string }[] }).payments;
    expect(payments.map((payment) => [ids.get(payment.paymentId), payment.amount]).sort()).toEqual([
      ['pay_c1', '120.00'],
      ['pay_c2', '45.50'],
      ['pay_c3', '310.00'],
    ]);
    // The fee is in the general ledger: bank_fees 14.09, the payout account's bank sub-ledger 461.41.
    const head = await ledger.services.store.headPosition();
    expect(await waitForProjections(ledger.services.db, ['general_ledger'], head, 10_000)).toBe(true);
    const balance = await ok(
      ledger.graphql<{ trialBalance: { rows: { account: string; balance: MoneyView }[] } }>(`query { trialBalance(asOf: "2026-12-31T00:00:00.000Z", currency: "EUR") { rows { account balance { amount currency } } } }`, {}, finance),
      'trialBalance',
    );
    expect(balance.trialBalance.rows.map((row) => [row.account, row.balance.amount])).toContainEqual(['BANK_FEES', '14.09']);
    expect(await new GeneralLedgerQueries(ledger.services.db).bankAccountBalance(tolerant.tenantId, 'ba_cards', 'EUR')).toBe('461.41');
    // The match's journal entry, as the API shows it: the payout's cash on the account's own sub-ledger, the fee, the clearing.
    const JOURNAL = `query ($source: String) { journalEntries(filter: { sourceId: $source }, first: 10) { edges { node { lines { account bankAccountId debit { amount } credit { amount } } } } } }`;
    type Journal = { journalEntries: { edges: { node: { lines: { account: string; bankAccountId: string | null; debit: MoneyView; credit: MoneyView }[] } }[] } };
    const matchId = (match[0]?.data as { matchId: string }).matchId;
    const entries = (await ok(ledger.graphql<Journal>(JOURNAL, { source: matchId }, tolerant.keys.auditor), 'journalEntries')).journalEntries.edges;
    expect(entries.flatMap((edge) => edge.node.lines.map((line) => [line.account, line.bankAccountId, line.debit.amount, line.credit.amount])).sort()).toEqual(
      [
        ['BANK', 'ba_cards', '461.41', '0.00'],
        ['BANK_FEES', null, '14.09', '0.00'],
        ['CASH_CLEARING', null, '0.00', '475.50'],
      ].sort(),
    );
  });
});

describe('resolving the discrepancies and closing the month', () => {
  const mutate = (name: string, input: string, values: Record<string, unknown>, key: string) => ledger.graphql<Record<string, { matchId: string | null; eventCount: number; position: string }>>(RECONCILIATION_MUTATION(name, input), { input: values }, key);

  it('manual matches and resolutions (each with a reason), a reclassified difference, four eyes, and the ledger agreeing', async () => {
    const { finance, finance2, auditor } = tolerant.keys;
    const line = (n: number) => `${workedStatementId}-${n}`;
    const pay = (example: string) => tolerant.paymentIds.get(example) as string;
    const session = (name: string, key: string, extra: Record<string, unknown> = {}) =>
      ledger.graphql<Record<string, { session: SessionView; position: string }>>(SESSION_MUTATION(name, name === 'reopenReconciliation' ? 'ReopenReconciliationInput' : 'ReconciliationSessionInput'), { input: { bankAccountId: 'ba_worked', period: PERIOD, ...extra } }, key);

    await ok(session('startReconciliation', finance), 'startReconciliation');
    // Lines of March are still open: completion is refused.
    const refused = await session('completeReconciliation', finance);
    expect(firstErrorCode(refused)).toBe('RECONCILIATION_UNRESOLVED');
    // An auditor decides nothing; an empty reason is refused.
    expect(firstErrorCode(await mutate('resolveStatementLine', 'ResolveStatementLineInput', { bankAccountId: 'ba_worked', lineId: line(10), account: 'OTHER_INCOME', reason: 'Interest' }, auditor))).toBe('FORBIDDEN');
    expect(firstErrorCode(await mutate('matchStatementLines', 'MatchStatementLinesInput', { bankAccountId: 'ba_worked', lineIds: [line(7)], paymentIds: [pay('pay_07')], reason: '' }, finance))).toBe('VALIDATION_FAILED');
    // A line already matched cannot be matched again.
    expect(firstErrorCode(await mutate('matchStatementLines', 'MatchStatementLinesInput', { bankAccountId: 'ba_worked', lineIds: [line(1)], paymentIds: [pay('pay_07')], reason: 'again' }, finance))).toBe('INVALID_STATE_TRANSITION');

    const manual = [
      ok(mutate('matchStatementLines', 'MatchStatementLinesInput', { bankAccountId: 'ba_worked', lineIds: [line(5)], paymentIds: [pay('pay_05')], reason: 'Short by the sending bank; chased' }, finance), 'match 5'),
      ok(mutate('matchStatementLines', 'MatchStatementLinesInput', { bankAccountId: 'ba_worked', lineIds: [line(6)], paymentIds: [pay('pay_06')], reason: 'Late value date' }, finance), 'match 6'),
      ok(mutate('matchStatementLines', 'MatchStatementLinesInput', { bankAccountId: 'ba_worked', lineIds: [line(7)], paymentIds: [pay('pay_07')], reason: 'First Granite invoice' }, finance), 'match 7'),
    ];
    for (const decision of manual) expect(Object.values(await decision)[0]?.eventCount).toBe(1);
    // Line 7 was the one credit for one of the two Granite payments: undo it, and match it to the other one instead.
    const seventh = (await ledger.tenantEvents(tolerant.tenantId)).filter((event) => event.type === 'StatementLinesMatched' && (event.data as { lineIds: string[] }).lineIds[0] === line(7));
    const seventhMatchId = (seventh[0]?.data as { matchId: string }).matchId;
    await ok(mutate('unmatchStatementLines', 'UnmatchStatementLinesInput', { bankAccountId: 'ba_worked', matchId: seventhMatchId, reason: 'Wrong Granite invoice' }, finance), 'unmatch');
    expect(firstErrorCode(await mutate('unmatchStatementLines', 'UnmatchStatementLinesInput', { bankAccountId: 'ba_worked', matchId: seventhMatchId, reason: 'twice' }, finance))).toBe('INVALID_STATE_TRANSITION');
    await ok(mutate('matchStatementLines', 'MatchStatementLinesInput', { bankAccountId: 'ba_worked', lineIds: [line(7)], paymentIds: [pay('pay_08')], reason: 'Second Granite invoice' }, finance), 'rematch 7');
    await ok(mutate('resolveStatementLine', 'ResolveStatementLineInput', { bankAccountId: 'ba_worked', lineId: line(8), account: 'RECONCILIATION_SUSPENSE', reason: 'Unknown cash deposit' }, finance), 'resolve 8');
    await ok(mutate('resolveStatementLine', 'ResolveStatementLineInput', { bankAccountId: 'ba_worked', lineId: line(10), account: 'OTHER_INCOME', reason: 'Interest' }, finance), 'resolve 10');
    await ok(mutate('resolvePaymentDiscrepancy', 'ResolvePaymentDiscrepancyInput', { bankAccountId: 'ba_worked', paymentId: pay('pay_07'), resolution: 'IN_TRANSIT', reason: 'Expected in April' }, finance), 'in transit 7');
    await ok(mutate('resolvePaymentDiscrepancy', 'ResolvePaymentDiscrepancyInput', { bankAccountId: 'ba_worked', paymentId: pay('pay_10'), resolution: 'IN_TRANSIT', reason: 'Expected in April' }, finance), 'in transit 10');
    const third = (await ledger.tenantEvents(tolerant.tenantId)).find((event) => event.type === 'StatementLinesMatched' && (event.data as { lineIds: string[] }).lineIds[0] === line(3));
    const reclassified = await ok(mutate('reclassifyMatchDifference', 'ReclassifyMatchDifferenceInput', { bankAccountId: 'ba_worked', matchId: (third?.data as { matchId: string }).matchId, reason: 'Bank charge of the sender' }, finance), 'reclassify');
    const position = Object.values(reclassified)[0]?.position as string;

    const discrepancies = (await ok(ledger.graphql<{ reconciliationDiscrepancies: { unmatchedLines: LineView[]; fees: MatchView[]; amountMismatches: MatchView[] } }>(DISCREPANCIES, { bankAccountId: 'ba_worked', period: PERIOD, minPosition: position }, finance), 'discrepancies')).reconciliationDiscrepancies;
    expect(discrepancies.unmatchedLines).toEqual([]);
    expect(discrepancies.fees.map((match) => match.difference.amount)).toEqual(['0.35']);
    expect(discrepancies.amountMismatches.map((match) => match.difference.amount).sort()).toEqual(['0.50', '15.00']);

    const completed = (await ok(session('completeReconciliation', finance), 'completeReconciliation')).completeReconciliation as { session: SessionView };
    expect(completed.session).toMatchObject({ status: 'COMPLETED', statementClosingBalance: { amount: '3162.49' }, ledgerBalance: { amount: '3162.49' }, difference: { amount: '0.00' } });
    // The session's ledger balance is the general ledger's bank sub-ledger of the account.
    const head = await ledger.services.store.headPosition();
    expect(await waitForProjections(ledger.services.db, ['general_ledger'], head, 10_000)).toBe(true);
    expect(await new GeneralLedgerQueries(ledger.services.db).bankAccountBalance(tolerant.tenantId, 'ba_worked', 'EUR')).toBe('3162.49');

    // Four eyes: the completing key cannot approve; another finance key can.
    const sameKey = await session('approveReconciliation', finance);
    expect(firstErrorCode(sameKey)).toBe('FOUR_EYES_REQUIRED');
    const approved = (await ok(session('approveReconciliation', finance2), 'approveReconciliation')).approveReconciliation as { session: SessionView; position: string };
    expect(approved.session.status).toBe('APPROVED');
    expect(firstErrorCode(await session('reopenReconciliation', finance, { reason: 'too late' }))).toBe('INVALID_STATE_TRANSITION');

    const report = (await ok(ledger.graphql<{ reconciliationReport: { statementClosingBalance: MoneyView; ledgerBalance: MoneyView; difference: MoneyView; lineCounts: Record<string, number>; session: SessionView } }>(REPORT, { bankAccountId: 'ba_worked', period: PERIOD, minPosition: approved.position }, auditor), 'report')).reconciliationReport;
    expect(report).toMatchObject({
      statementClosingBalance: { amount: '3162.49', currency: 'EUR' },
      ledgerBalance: { amount: '3162.49' },
      difference: { amount: '0.00' },
      lineCounts: { unmatched: 0, matched: 8, resolved: 2 },
      session: { status: 'APPROVED' },
    });
    expect(report.session.approvedByKeyId).not.toBe(report.session.completedByKeyId);
  });
});

describe('sessions, rules and statements as the read model lists them', () => {
  it('a completed session is reopened with a reason, completed again and approved by the other key', async () => {
    const { finance, finance2, auditor } = tolerant.keys;
    const session = (name: string, key: string, extra: Record<string, unknown> = {}) =>
      ledger.graphql<Record<string, { session: SessionView; position: string }>>(SESSION_MUTATION(name, name === 'reopenReconciliation' ? 'ReopenReconciliationInput' : 'ReconciliationSessionInput'), { input: { bankAccountId: 'ba_cards', period: PERIOD, ...extra } }, key);
    const started = (await ok(session('startReconciliation', finance), 'start')).startReconciliation as { position: string };
    // Started already: acknowledged, nothing appended.
    const again = (await ok(session('startReconciliation', finance2), 'start again')).startReconciliation as { session: SessionView; position: string };
    expect(again).toMatchObject({ position: started.position, session: { status: 'IN_PROGRESS' } });
    expect(firstErrorCode(await session('approveReconciliation', finance2))).toBe('INVALID_STATE_TRANSITION');
    const completed = (await ok(session('completeReconciliation', finance), 'complete')).completeReconciliation as { session: SessionView };
    expect(completed.session).toMatchObject({ status: 'COMPLETED', statementClosingBalance: { amount: '461.41' }, ledgerBalance: { amount: '461.41' }, difference: { amount: '0.00' } });
    expect(firstErrorCode(await session('reopenReconciliation', finance, { reason: '' }))).toBe('VALIDATION_FAILED');
    const reopened = (await ok(session('reopenReconciliation', finance, { reason: 'Payout fee to be checked' }), 'reopen')).reopenReconciliation as { session: SessionView };
    expect(reopened.session.status).toBe('IN_PROGRESS');
    await ok(session('completeReconciliation', finance2), 'complete again');
    // The key that completed it last is finance2 now: finance may approve.
    expect(firstErrorCode(await session('approveReconciliation', finance2))).toBe('FOUR_EYES_REQUIRED');
    const approved = (await ok(session('approveReconciliation', finance), 'approve')).approveReconciliation as { position: string };

    const listed = await ok(
      ledger.graphql<{ reconciliationSessions: (SessionView & { bankAccountId: string; period: string; startedByKeyId: string })[] }>(
        `query ($p: String) { reconciliationSessions(minPosition: $p) { id bankAccountId period status completedByKeyId approvedByKeyId startedByKeyId ledgerBalance { amount currency } } }`,
        { p: approved.position },
        auditor,
      ),
      'reconciliationSessions',
    );
    expect(listed.reconciliationSessions.map((row) => [row.id, row.status, row.ledgerBalance?.amount])).toEqual([
      ['ba_cards-2026-03', 'APPROVED', '461.41'],
      ['ba_worked-2026-03', 'APPROVED', '3162.49'],
    ]);
    for (const row of listed.reconciliationSessions) expect(row.approvedByKeyId).not.toBe(row.completedByKeyId);
  });

  it('rules keep their versions: a redefinition is version 2, a retired rule is listed only when asked', async () => {
    const { finance, auditor } = tolerant.keys;
    const tolerantRule = workedExampleTolerantRules[1] as RuleVersion;
    const redefined = await ok(ledger.graphql<{ defineMatchingRule: { rule: { id: string; version: number } } }>(DEFINE_RULE, { input: { ...ruleInput(tolerantRule), priority: 30 } }, finance), 'redefine');
    expect(redefined.defineMatchingRule.rule).toEqual({ id: 'tolerant', version: 2, name: 'Rule tolerant', priority: 30, active: true });
    const retired = await ok(
      ledger.graphql<{ retireMatchingRule: { position: string; rule: { active: boolean; version: number } } }>(`mutation ($input: RetireMatchingRuleInput!) { retireMatchingRule(input: $input) { position rule { active version } } }`, { input: { ruleId: 'tolerant' } }, finance),
      'retire',
    );
    expect(retired.retireMatchingRule.rule).toEqual({ active: false, version: 2 });
    const RULES = `query ($all: Boolean, $p: String) { matchingRules(includeRetired: $all, minPosition: $p) { id version priority active criteria { multiplicity amountTolerance { kind value } valueDateWindowDays reference { operator pattern } counterparty { operator value } differenceAccount } } }`;
    const active = await ok(ledger.graphql<{ matchingRules: { id: string; version: number; active: boolean }[] }>(RULES, { all: false, p: retired.retireMatchingRule.position }, auditor), 'rules');
    expect(active.matchingRules.map((rule) => [rule.id, rule.version])).toEqual([
      ['card-payouts', 1],
      ['exact', 1],
    ]);
    const all = await ok(ledger.graphql<{ matchingRules: { id: string; version: number; active: boolean; criteria: unknown }[] }>(RULES, { all: true, p: retired.retireMatchingRule.position }, auditor), 'rules');
    expect(all.matchingRules.find((rule) => rule.id === 'tolerant')).toMatchObject({ version: 2, active: false, criteria: { multiplicity: 'ONE_TO_ONE', amountTolerance: { kind: 'PERCENT', value: '1' }, valueDateWindowDays: 3, reference: { operator: 'CONTAINS', pattern: null } } });
    // A malformed rule (a pattern reference without its pattern) is refused, and a rule for an unknown account too.
    const bad = ruleInput({ ...tolerantRule, ruleId: 'bad', criteria: { ...tolerantRule.criteria, reference: { operator: 'pattern', pattern: '' } } });
    expect(firstErrorCode(await ledger.graphql(DEFINE_RULE, { input: bad }, finance))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(DEFINE_RULE, { input: { ...ruleInput(tolerantRule), ruleId: 'elsewhere', bankAccountId: 'ba_none' } }, finance))).toBe('NOT_FOUND');
  });

  it('lists the statements of an account in import order, page by page', async () => {
    const STATEMENTS = `query ($id: ID!, $after: String) { bankStatements(bankAccountId: $id, first: 1, after: $after) { edges { node { id lineCount duplicateLineCount closingBalance { amount } } } pageInfo { hasNextPage endCursor } } }`;
    const page = await ok(ledger.graphql<{ bankStatements: { edges: { node: { id: string; lineCount: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(STATEMENTS, { id: 'ba_worked' }, tolerant.keys.auditor), 'bankStatements');
    expect(page.bankStatements.edges.map((edge) => [edge.node.id, edge.node.lineCount])).toEqual([[workedStatementId, 10]]);
    expect(page.bankStatements.pageInfo.hasNextPage).toBe(false);
    expect(firstErrorCode(await ledger.graphql(STATEMENTS, { id: 'ba_worked', after: 'not-a-cursor' }, tolerant.keys.auditor))).toBe('VALIDATION_FAILED');
  });

  it('a payment resolved as in transit is matched automatically when its line arrives on a later statement', async () => {
    const { finance } = tolerant.keys;
    const april = { ...workedExampleStatement, statementId: 'st_april', openingBalance: '3162.49', closingBalance: '3312.49', fromDate: '2026-04-01', toDate: '2026-04-01' };
    const lines = [{ lineId: 'st_april-1', bookingDate: '2026-04-01', valueDate: '2026-03-10', amount: '150.00', reference: 'INV-1007', counterparty: 'GRANITE SRL', description: 'SEPA credit transfer' }];
    ledger.clock.setInstant('2026-04-02T07:00:00.000Z');
    const imported = await importStatement(ledger, finance, { bankAccountId: 'ba_worked', format: 'CSV', content: statementCsv({ ...april, lines }), openingBalance: '3162.49', closingBalance: '3312.49' });
    expect(imported).toMatchObject({ addedLineCount: 1, autoMatchedLineCount: 1 });
    const matched = (await ledger.tenantEvents(tolerant.tenantId)).filter((event) => event.type === 'StatementLinesMatched').at(-1)?.data as { payments: { paymentId: string }[]; decision: unknown };
    expect(matched).toMatchObject({ payments: [{ paymentId: tolerant.paymentIds.get('pay_07') }], decision: { kind: 'rule', ruleId: 'exact', ruleVersion: 1 } });
  });
});

describe('running the rules on demand', () => {
  it('matches the lines whose payments were recorded after the statement; a second run adds nothing; an auditor may not run it', async () => {
    const keys = await bankingTenant(ledger, 'recon-rerun');
    await registerAccount(ledger, keys.finance, { bankAccountId: 'ba_rerun', name: 'Main EUR', type: 'BUSINESS_CHECKING', currency: 'EUR', bankName: 'Bank', accountNumber: 'DE89370400440532013000', openingBalance: '1000.00', openingBalanceDate: '2026-03-01' });
    await ok(ledger.graphql(SAVE_MAPPING, { input: { bankAccountId: 'ba_rerun', mapping: CSV_MAPPING } }, keys.finance), 'saveBankStatementCsvMapping');
    const exactRule = workedExampleTolerantRules[0] as RuleVersion;
    await ok(ledger.graphql(DEFINE_RULE, { input: ruleInput({ ...exactRule, bankAccountId: null }) }, keys.finance), 'defineMatchingRule');
    ledger.clock.setInstant('2026-04-01T07:00:00.000Z');
    const { openingBalance, closingBalance } = workedExampleStatement;
    const imported = await importStatement(ledger, keys.finance, { bankAccountId: 'ba_rerun', format: 'CSV', content: statementCsv(workedExampleStatement), openingBalance, closingBalance });
    expect(imported).toMatchObject({ addedLineCount: 10, autoMatchedLineCount: 0 });

    // The two payments the exact rule matches (lines 1 and 2), recorded only now.
    let position = imported.position;
    for (const payment of workedExamplePayments.filter((candidate) => ['pay_01', 'pay_02'].includes(candidate.paymentId))) {
      const customerId = `cus_${(payment.customerName as string).replace(/\W/g, '')}`;
      await registerNamedCustomer(ledger, keys.finance, customerId, payment.customerName as string);
      ({ position } = await recordWire(ledger, keys.finance, { customerId, amount: payment.amount, currency: 'EUR', reference: payment.reference as string, date: payment.date }));
    }
    await ok(ledger.graphql(`query ($p: String) { bankAccounts(minPosition: $p) { id } }`, { p: position }, keys.finance), 'bankAccounts');

    const RUN = `mutation ($input: RunMatchingRulesInput!) { runMatchingRules(input: $input) { matchedLineCount matchCount position } }`;
    type Run = { runMatchingRules: { matchedLineCount: number; matchCount: number; position: string } };
    await expectRejectedWithoutEvents(ledger, 'FORBIDDEN', () => ledger.graphql(RUN, { input: { bankAccountId: 'ba_rerun' } }, keys.auditor));
    const first = await ok(ledger.graphql<Run>(RUN, { input: { bankAccountId: 'ba_rerun' } }, keys.finance), 'runMatchingRules');
    expect(first.runMatchingRules).toMatchObject({ matchedLineCount: 2, matchCount: 2 });
    const decisions = (await ledger.tenantEvents('recon-rerun')).filter((event) => event.type === 'StatementLinesMatched').map((event) => (event.data as { decision: unknown }).decision);
    expect(decisions).toEqual([{ kind: 'rule', ruleId: exactRule.ruleId, ruleVersion: 1 }, { kind: 'rule', ruleId: exactRule.ruleId, ruleVersion: 1 }]);
    const matched = await allLines(ledger, keys.finance, 'ba_rerun', first.runMatchingRules.position, { status: 'MATCHED' });
    expect(matched.map((line) => line.amount.amount).sort()).toEqual([workedExampleStatement.lines[0]?.amount, workedExampleStatement.lines[1]?.amount].sort());

    const head = await headOfLog(ledger);
    const second = await ok(ledger.graphql<Run>(RUN, { input: { bankAccountId: 'ba_rerun' } }, keys.finance), 'runMatchingRules');
    expect(second.runMatchingRules).toMatchObject({ matchedLineCount: 0, matchCount: 0 });
    expect(await headOfLog(ledger)).toBe(head);
    await expectRejectedWithoutEvents(ledger, 'NOT_FOUND', () => ledger.graphql(RUN, { input: { bankAccountId: 'ba_none' } }, keys.finance));
  });
});

describe('the reconciliation read model', () => {
  it('equals the fold of the events, and a rebuild from position zero gives the same rows', async () => {
    const { store, db } = ledger.services;
    // Settled: a short head (another suite's open transaction hides the newest commits) would let the rebuild below see
    // events the live projection was not yet waited for.
    const head = await settledHead(store, 'rebuild-head-marker');
    expect(await waitForProjections(db, [reconciliationProjection.name], head, 10_000)).toBe(true);
    // The fold: each account's reconciliation stream through the domain's evolve, against the lines as the API lists them.
    for (const bankAccountId of ['ba_worked', 'ba_cards']) {
      const recorded = await store.readStream(aggregates.bankReconciliation.stream(tolerant.tenantId, bankAccountId));
      const state = recorded.map((event) => aggregates.bankReconciliation.parse(event) as BankReconciliationEvent).reduce(evolveBankReconciliation, initialBankReconciliationState);
      const folded = statementLinesOf(state).map((line) => [line.lineId, line.status.toUpperCase(), line.matchId, line.amount]);
      const listed = await allLines(ledger, tolerant.keys.auditor, bankAccountId, null);
      expect(listed.map((line) => [line.id, line.status, line.matchId, line.amount.amount])).toEqual(folded);
    }
    const schema = 'rebuilt_reconciliation';
    await rebuildProjection(store, db, reconciliationProjection, { buildSchema: schema });
    const live = await readModelSnapshot(db, 'read_models', [reconciliationProjection]);
    expect(Object.values(live).every((rows) => rows.length > 0)).toBe(true);
    expect(await readModelSnapshot(db, schema, [reconciliationProjection])).toEqual(live);
  });
});
