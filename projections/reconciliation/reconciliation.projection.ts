import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { keyOf, loadRows, upsertRows, type Row, type RowKey } from '../common/batch-rows.js';
import { loadRowsKeepingInstants } from '../common/batch-fold.js';
import { createReconciliationIndexes, createReconciliationTables } from './reconciliation.tables.js';

/** The stored event types each stream of the reconciliation read model contributes. */
const sources = {
  bankAccount: aggregates.bankAccount,
  bankAccountDefaults: aggregates.bankAccountDefaults,
  matchingRules: aggregates.matchingRules,
  bankReconciliation: aggregates.bankReconciliation,
  reconciliationSession: aggregates.reconciliationSession,
  payment: aggregates.payment,
} as const;

/** The payment events the read model follows: what is received (recorded, succeeded), lost (failed, cancelled), and where it went (allocated: invoice ids). */
const PAYMENT_EVENT_TYPES = ['PaymentRecorded', 'PaymentSucceeded', 'PaymentFailed', 'PaymentCancelled', 'PaymentAllocated'] as const;

const parserOfType = new Map<string, (recorded: RecordedEvent) => { type: string; data: unknown }>();
for (const source of Object.values(sources)) {
  for (const type of Object.keys(source.schemas)) {
    if (source === sources.payment && !(PAYMENT_EVENT_TYPES as readonly string[]).includes(type)) continue;
    parserOfType.set(type, source.parse as (recorded: RecordedEvent) => { type: string; data: unknown });
  }
}

/**
 * The `reconciliation` read model (docs/reconciliation.md): bank accounts, statements and their lines with match
 * status, match decisions, the payments each account received with their match status, matching rules and
 * reconciliation sessions. Every value comes from the events (times too), never the clock, so a rebuild gives
 * identical rows. A batch is folded in memory and costs one load and one upsert per table it touches.
 */
export const reconciliationProjection: Projection = {
  name: 'reconciliation',
  version: 2,
  eventTypes: [...parserOfType.keys()],
  tables: ['bank_accounts', 'bank_statements', 'statement_lines', 'reconciliation_matches', 'reconciliation_payments', 'matching_rules', 'reconciliation_sessions'],
  createTables: createReconciliationTables,
  createIndexes: createReconciliationIndexes,
  applyBatch: applyReconciliationBatch,
};

/** A reconciliation event as stored (parsed by its aggregate's registry parser). */
export function parseReconciliationEvent(recorded: RecordedEvent): ReconciliationSourceEvent {
  const parse = parserOfType.get(recorded.type);
  if (parse === undefined) throw new Error(`reconciliation: not a reconciliation event: ${recorded.type}`);
  return parse(recorded) as ReconciliationSourceEvent;
}

type Data = Record<string, unknown>;
/** Loosely typed on purpose: the cases below read the fields the contracts (zod schemas) guarantee. */
export interface ReconciliationSourceEvent {
  readonly type: string;
  readonly data: Data;
}

/** One table's rows as the batch leaves them: loaded once, changed in log order, written once. */
class TableRows {
  readonly rows = new Map<string, Row>();
  readonly touched = new Set<string>();

  constructor(
    readonly table: string,
    readonly key: readonly string[],
    readonly instants: readonly string[],
  ) {}

  keyOfRow(row: Row): string {
    return keyOf(...this.key.map((column) => String(row[column])));
  }

  async load(context: ProjectionContext, keys: readonly RowKey[]): Promise<void> {
    const rows = this.instants.length === 0 ? await loadRows(context, this.table, this.key, keys) : await loadRowsKeepingInstants(context, this.table, this.key, keys, this.instants);
    for (const row of rows) this.rows.set(this.keyOfRow(row), row);
  }

  get(...key: string[]): Row | undefined {
    return this.rows.get(keyOf(...key));
  }

  set(row: Row): void {
    const key = this.keyOfRow(row);
    this.rows.set(key, row);
    this.touched.add(key);
  }

  async write(context: ProjectionContext): Promise<void> {
    await upsertRows(context, this.table, this.key, [...this.touched].map((key) => this.rows.get(key) as Row));
  }
}

const text = (value: unknown): string => value as string;
const nullableText = (value: unknown): string | null => (value === undefined || value === null ? null : (value as string));

/**
 * The batch folded in memory: the rows its events name are loaded first (one statement per table), the events
 * applied in log order, and every touched row written back whole (one upsert per table).
 */
async function applyReconciliationBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parseReconciliationEvent(recorded) }));
  const accounts = new TableRows('bank_accounts', ['tenant_id', 'bank_account_id'], ['registered_at', 'updated_at']);
  const statements = new TableRows('bank_statements', ['tenant_id', 'bank_account_id', 'statement_id'], ['imported_at']);
  const lines = new TableRows('statement_lines', ['tenant_id', 'bank_account_id', 'line_id'], []);
  const matches = new TableRows('reconciliation_matches', ['tenant_id', 'bank_account_id', 'match_id'], ['matched_at', 'unmatched_at']);
  const payments = new TableRows('reconciliation_payments', ['tenant_id', 'payment_id'], ['received_at']);
  const rules = new TableRows('matching_rules', ['tenant_id', 'rule_id'], ['defined_at', 'retired_at']);
  const sessions = new TableRows('reconciliation_sessions', ['tenant_id', 'session_id'], ['started_at', 'completed_at', 'approved_at']);

  const keys = { accounts: [] as RowKey[], currencies: [] as RowKey[], lines: [] as RowKey[], matches: [] as RowKey[], payments: [] as RowKey[], rules: [] as RowKey[], sessions: [] as RowKey[] };
  for (const { tenantId, event } of parsed) {
    const { data } = event;
    switch (event.type) {
      case 'BankAccountRegistered':
      case 'BankAccountVerificationChanged':
      case 'BankAccountCsvMappingSaved':
        keys.accounts.push([tenantId, text(data.bankAccountId)]);
        break;
      case 'DefaultBankAccountSet':
        keys.currencies.push([tenantId, text(data.currency)]);
        break;
      case 'StatementLinesMatched':
      case 'StatementLinesUnmatched':
        keys.matches.push([tenantId, text(data.bankAccountId), text(data.matchId)]);
        keys.lines.push(...(data.lineIds as string[]).map((lineId) => [tenantId, text(data.bankAccountId), lineId]));
        keys.payments.push(...paymentIdsOf(data).map((paymentId) => [tenantId, paymentId]));
        break;
      case 'StatementLineResolved':
        keys.lines.push([tenantId, text(data.bankAccountId), text(data.lineId)]);
        break;
      case 'MatchDifferenceReclassified':
        keys.matches.push([tenantId, text(data.bankAccountId), text(data.matchId)]);
        break;
      case 'PaymentDiscrepancyResolved':
        keys.payments.push([tenantId, text(data.paymentId)]);
        break;
      case 'MatchingRuleDefined':
      case 'MatchingRuleRetired':
        keys.rules.push([tenantId, text(data.ruleId)]);
        break;
      case 'ReconciliationStarted':
      case 'ReconciliationCompleted':
      case 'ReconciliationApproved':
      case 'ReconciliationReopened':
        keys.sessions.push([tenantId, text(data.sessionId)]);
        break;
      default:
        if ((PAYMENT_EVENT_TYPES as readonly string[]).includes(event.type)) keys.payments.push([tenantId, text(data.paymentId)]);
    }
  }
  await accounts.load(context, keys.accounts);
  // The accounts of a currency whose default changes: the previous default loses the flag.
  for (const row of await loadRowsKeepingInstants(context, 'bank_accounts', ['tenant_id', 'currency'], keys.currencies, accounts.instants)) {
    if (!accounts.rows.has(accounts.keyOfRow(row))) accounts.rows.set(accounts.keyOfRow(row), row);
  }
  await Promise.all([lines.load(context, keys.lines), matches.load(context, keys.matches), payments.load(context, keys.payments), rules.load(context, keys.rules), sessions.load(context, keys.sessions)]);

  for (const { tenantId, event } of parsed) {
    applyEvent({ tenantId, event, accounts, statements, lines, matches, payments, rules, sessions });
  }
  for (const table of [accounts, statements, lines, matches, payments, rules, sessions]) await table.write(context);
}

function paymentIdsOf(data: Data): string[] {
  if (Array.isArray(data.paymentIds)) return data.paymentIds as string[];
  return ((data.payments as { paymentId: string }[] | undefined) ?? []).map((payment) => payment.paymentId);
}

interface Fold {
  readonly tenantId: string;
  readonly event: ReconciliationSourceEvent;
  readonly accounts: TableRows;
  readonly statements: TableRows;
  readonly lines: TableRows;
  readonly matches: TableRows;
  readonly payments: TableRows;
  readonly rules: TableRows;
  readonly sessions: TableRows;
}

/** One event applied to the rows it changes. An event about a row the read model never saw changes nothing. */
function applyEvent(fold: Fold): void {
  const { tenantId, event } = fold;
  const { data } = event;
  switch (event.type) {
    case 'BankAccountRegistered':
      fold.accounts.set({
        tenant_id: tenantId,
        bank_account_id: data.bankAccountId,
        name: data.name,
        type: data.type,
        currency: data.currency,
        bank_name: data.bankName,
        number_last4: data.numberLast4,
        opening_balance: data.openingBalance,
        opening_balance_date: data.openingBalanceDate,
        verification_status: 'pending',
        verification_reason: null,
        csv_mapping: null,
        is_default: false,
        registered_at: data.registeredAt,
        updated_at: data.registeredAt,
      });
      return;
    case 'BankAccountVerificationChanged':
      return update(fold.accounts, [tenantId, text(data.bankAccountId)], { verification_status: data.status, verification_reason: nullableText(data.reason), updated_at: data.changedAt });
    case 'BankAccountCsvMappingSaved':
      return update(fold.accounts, [tenantId, text(data.bankAccountId)], { csv_mapping: data.mapping, updated_at: data.savedAt });
    case 'DefaultBankAccountSet':
      for (const row of [...fold.accounts.rows.values()]) {
        if (row.tenant_id !== tenantId || String(row.currency).trim() !== data.currency) continue;
        const isDefault = row.bank_account_id === data.bankAccountId;
        if (row.is_default !== isDefault) fold.accounts.set({ ...row, is_default: isDefault });
      }
      return;
    case 'BankStatementImported':
      return applyStatement(fold, data);
    case 'StatementLinesMatched':
      return applyMatch(fold, data);
    case 'StatementLinesUnmatched': {
      const bankAccountId = text(data.bankAccountId);
      update(fold.matches, [tenantId, bankAccountId, text(data.matchId)], { status: 'UNMATCHED', unmatched_at: data.unmatchedAt, unmatch_reason: data.reason });
      for (const lineId of data.lineIds as string[]) update(fold.lines, [tenantId, bankAccountId, lineId], { status: 'UNMATCHED', match_id: null });
      // A payment resolved (in transit) before it was matched is resolved again once the match is undone, as in the aggregate.
      for (const paymentId of paymentIdsOf(data)) {
        const row = fold.payments.get(tenantId, paymentId);
        if (row !== undefined) fold.payments.set({ ...row, match_status: row.resolution === null ? 'UNMATCHED' : 'RESOLVED', match_id: null });
      }
      return;
    }
    case 'StatementLineResolved':
      return update(fold.lines, [tenantId, text(data.bankAccountId), text(data.lineId)], { status: 'RESOLVED', resolution_account: data.account, resolution_reason: data.reason });
    case 'PaymentDiscrepancyResolved':
      return update(fold.payments, [tenantId, text(data.paymentId)], { match_status: 'RESOLVED', resolution: data.resolution, bank_account_id: data.bankAccountId });
    case 'MatchDifferenceReclassified':
      return update(fold.matches, [tenantId, text(data.bankAccountId), text(data.matchId)], { reclassified: true, difference_account: data.to });
    case 'MatchingRuleDefined':
      fold.rules.set({
        tenant_id: tenantId,
        rule_id: data.ruleId,
        version: data.version,
        name: data.name,
        priority: data.priority,
        bank_account_id: nullableText(data.bankAccountId),
        criteria: data.criteria,
        status: 'active',
        defined_at: data.definedAt,
        retired_at: null,
      });
      return;
    case 'MatchingRuleRetired':
      return update(fold.rules, [tenantId, text(data.ruleId)], { status: 'retired', retired_at: data.retiredAt });
    case 'ReconciliationStarted':
      fold.sessions.set({
        tenant_id: tenantId,
        session_id: data.sessionId,
        bank_account_id: data.bankAccountId,
        period: data.period,
        from_date: data.fromDate,
        to_date: data.toDate,
        status: 'in_progress',
        started_by_key_id: data.startedByKeyId,
        started_at: data.startedAt,
        completed_by_key_id: null,
        completed_at: null,
        statement_closing_balance: null,
        ledger_balance: null,
        difference: null,
        approved_by_key_id: null,
        approved_at: null,
        reopen_count: 0,
        last_reopen_reason: null,
      });
      return;
    case 'ReconciliationCompleted':
      return update(fold.sessions, [tenantId, text(data.sessionId)], {
        status: 'completed',
        completed_by_key_id: data.completedByKeyId,
        completed_at: data.completedAt,
        statement_closing_balance: data.statementClosingBalance,
        ledger_balance: data.ledgerBalance,
        difference: data.difference,
      });
    case 'ReconciliationApproved':
      return update(fold.sessions, [tenantId, text(data.sessionId)], { status: 'approved', approved_by_key_id: data.approvedByKeyId, approved_at: data.approvedAt });
    case 'ReconciliationReopened': {
      const row = fold.sessions.get(tenantId, text(data.sessionId));
      if (row === undefined) return;
      fold.sessions.set({ ...row, status: 'in_progress', completed_by_key_id: null, completed_at: null, reopen_count: Number(row.reopen_count) + 1, last_reopen_reason: data.reason });
      return;
    }
    default:
      return applyPaymentEvent(fold);
  }
}

function update(table: TableRows, key: string[], changes: Row): void {
  const row = table.get(...key);
  if (row !== undefined) table.set({ ...row, ...changes });
}

function applyStatement(fold: Fold, data: Data): void {
  const { tenantId } = fold;
  const statementLines = data.lines as Data[];
  fold.statements.set({
    tenant_id: tenantId,
    bank_account_id: data.bankAccountId,
    statement_id: data.statementId,
    format: data.format,
    file_sha256: data.fileSha256,
    statement_ref: nullableText(data.statementRef),
    file_name: nullableText(data.fileName),
    currency: data.currency,
    opening_balance: data.openingBalance,
    closing_balance: data.closingBalance,
    from_date: data.fromDate,
    to_date: data.toDate,
    line_count: statementLines.length,
    duplicate_line_count: data.duplicateLineCount,
    imported_at: data.importedAt,
  });
  statementLines.forEach((line, index) => {
    fold.lines.set({
      tenant_id: tenantId,
      bank_account_id: data.bankAccountId,
      line_id: line.lineId,
      statement_id: data.statementId,
      line_number: index + 1,
      line_key: line.lineKey,
      currency: data.currency,
      booking_date: line.bookingDate,
      value_date: line.valueDate,
      amount: line.amount,
      reference: nullableText(line.reference),
      counterparty: nullableText(line.counterparty),
      description: nullableText(line.description),
      bank_transaction_id: nullableText(line.bankTransactionId),
      status: 'UNMATCHED',
      match_id: null,
      resolution_account: null,
      resolution_reason: null,
    });
  });
}

function applyMatch(fold: Fold, data: Data): void {
  const { tenantId } = fold;
  const bankAccountId = text(data.bankAccountId);
  const matchId = text(data.matchId);
  const lineIds = data.lineIds as string[];
  const decision = data.decision as { kind: 'rule'; ruleId: string; ruleVersion: number } | { kind: 'manual'; actorKeyId: string; reason: string };
  const bookingDates = lineIds.map((lineId) => fold.lines.get(tenantId, bankAccountId, lineId)?.booking_date as string | undefined).filter((date): date is string => date !== undefined);
  fold.matches.set({
    tenant_id: tenantId,
    bank_account_id: bankAccountId,
    match_id: matchId,
    currency: data.currency,
    line_ids: lineIds,
    payments: data.payments,
    line_total: data.lineTotal,
    payment_total: data.paymentTotal,
    difference: data.difference,
    difference_account: nullableText(data.differenceAccount),
    date_gap_days: data.dateGapDays,
    decision_kind: decision.kind,
    rule_id: decision.kind === 'rule' ? decision.ruleId : null,
    rule_version: decision.kind === 'rule' ? decision.ruleVersion : null,
    actor_key_id: decision.kind === 'manual' ? decision.actorKeyId : null,
    reason: decision.kind === 'manual' ? decision.reason : null,
    booking_date: bookingDates.sort().at(-1) ?? null,
    status: 'MATCHED',
    reclassified: false,
    matched_at: data.matchedAt,
    unmatched_at: null,
    unmatch_reason: null,
  });
  for (const lineId of lineIds) update(fold.lines, [tenantId, bankAccountId, lineId], { status: 'MATCHED', match_id: matchId });
  for (const paymentId of paymentIdsOf(data)) update(fold.payments, [tenantId, paymentId], { match_status: 'MATCHED', match_id: matchId, bank_account_id: bankAccountId });
}

/**
 * The payments side: a recorded payment is a row (bank account as recorded: null = the currency's default); its
 * status follows the payment (a pending one becomes received when it succeeds, then is the time matched against);
 * the invoices it settled come from its allocation (shown, and matched by invoice number).
 */
function applyPaymentEvent(fold: Fold): void {
  const { tenantId, event } = fold;
  const { data } = event;
  const paymentId = text(data.paymentId);
  switch (event.type) {
    case 'PaymentRecorded': {
      const allocation = data.allocation as { kind: string; invoices?: { invoiceId: string }[] };
      fold.payments.set({
        tenant_id: tenantId,
        payment_id: paymentId,
        bank_account_id: nullableText(data.bankAccountId),
        customer_id: data.customerId,
        currency: data.currency,
        amount: data.amount,
        reference: data.reference,
        method: data.method,
        invoice_ids: (allocation.invoices ?? []).map((invoice) => invoice.invoiceId),
        payment_status: data.status,
        received_at: data.recordedAt,
        match_status: 'UNMATCHED',
        match_id: null,
        resolution: null,
      });
      return;
    }
    case 'PaymentSucceeded':
      return update(fold.payments, [tenantId, paymentId], { payment_status: 'succeeded', received_at: data.succeededAt });
    case 'PaymentFailed':
      return update(fold.payments, [tenantId, paymentId], { payment_status: 'failed' });
    case 'PaymentCancelled':
      return update(fold.payments, [tenantId, paymentId], { payment_status: 'cancelled' });
    case 'PaymentAllocated': {
      const allocations = (data.allocations as { invoiceId: string }[] | undefined) ?? [];
      return update(fold.payments, [tenantId, paymentId], { invoice_ids: allocations.map((allocation) => allocation.invoiceId) });
    }
    default:
      throw new Error(`reconciliation: unhandled event ${event.type}`);
  }
}
