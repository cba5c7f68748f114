import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, isParsableTime, type Connection } from '../common/opaque-cursor.js';

export type StatementLineStatus = 'UNMATCHED' | 'MATCHED' | 'RESOLVED';

export interface BankAccountRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly currency: string;
  readonly bankName: string;
  readonly numberLast4: string;
  readonly openingBalance: string;
  readonly openingBalanceDate: string;
  readonly verificationStatus: string;
  readonly verificationReason: string | null;
  readonly csvMapping: unknown;
  readonly isDefault: boolean;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export interface BankStatementRecord {
  readonly id: string;
  readonly bankAccountId: string;
  readonly format: string;
  readonly fileSha256: string;
  readonly statementRef: string | null;
  readonly fileName: string | null;
  readonly currency: string;
  readonly openingBalance: string;
  readonly closingBalance: string;
  readonly fromDate: string;
  readonly toDate: string;
  readonly lineCount: number;
  readonly duplicateLineCount: number;
  readonly importedAt: string;
}

export interface StatementLineRecord {
  readonly id: string;
  readonly bankAccountId: string;
  readonly statementId: string;
  readonly lineNumber: number;
  readonly lineKey: string;
  readonly currency: string;
  readonly bookingDate: string;
  readonly valueDate: string;
  readonly amount: string;
  readonly reference: string | null;
  readonly counterparty: string | null;
  readonly description: string | null;
  readonly bankTransactionId: string | null;
  readonly status: StatementLineStatus;
  readonly matchId: string | null;
  readonly resolutionAccount: string | null;
  readonly resolutionReason: string | null;
}

export interface MatchRecord {
  readonly id: string;
  readonly bankAccountId: string;
  readonly currency: string;
  readonly lineIds: readonly string[];
  readonly payments: readonly { paymentId: string; amount: string }[];
  readonly lineTotal: string;
  readonly paymentTotal: string;
  readonly difference: string;
  readonly differenceAccount: string | null;
  readonly dateGapDays: number;
  readonly decisionKind: 'rule' | 'manual';
  readonly ruleId: string | null;
  readonly ruleVersion: number | null;
  readonly actorKeyId: string | null;
  readonly reason: string | null;
  readonly bookingDate: string;
  readonly status: 'MATCHED' | 'UNMATCHED';
  readonly reclassified: boolean;
  readonly matchedAt: string;
}

export interface ReconciliationPaymentRecord {
  readonly paymentId: string;
  /** null: recorded without one (the currency's default account). */
  readonly bankAccountId: string | null;
  readonly customerId: string;
  /** From the customers read model; null when it has no row yet. */
  readonly customerName: string | null;
  readonly currency: string;
  readonly amount: string;
  readonly reference: string;
  readonly method: string;
  readonly invoiceIds: readonly string[];
  /** From the invoices read model: the numbers of the invoices it settled (issued ones only). */
  readonly invoiceNumbers: readonly string[];
  readonly paymentStatus: string;
  readonly receivedAt: string;
  readonly matchStatus: StatementLineStatus;
  readonly matchId: string | null;
  readonly resolution: string | null;
}

export interface MatchingRuleRecord {
  readonly ruleId: string;
  readonly version: number;
  readonly name: string;
  readonly priority: number;
  readonly bankAccountId: string | null;
  readonly criteria: unknown;
  readonly status: 'active' | 'retired';
  readonly definedAt: string;
  readonly retiredAt: string | null;
}

export interface ReconciliationSessionRecord {
  readonly sessionId: string;
  readonly bankAccountId: string;
  readonly period: string;
  readonly fromDate: string;
  readonly toDate: string;
  readonly status: 'in_progress' | 'completed' | 'approved';
  readonly startedByKeyId: string;
  readonly startedAt: string;
  readonly completedByKeyId: string | null;
  readonly completedAt: string | null;
  readonly statementClosingBalance: string | null;
  readonly ledgerBalance: string | null;
  readonly difference: string | null;
  readonly approvedByKeyId: string | null;
  readonly approvedAt: string | null;
  readonly reopenCount: number;
}

export interface StatementLineFilter {
  readonly status?: StatementLineStatus | null;
  readonly statementId?: string | null;
  readonly fromDate?: string | null;
  readonly toDate?: string | null;
}

export const RECONCILIATION_PAGE_SIZE_MAX = 500;
/** The payments one account's matching reads at most (the oldest unmatched first); beyond it the next import sees the rest. */
export const UNMATCHED_PAYMENTS_MAX = 5_000;
/** The discrepancies one list shows at most. */
export const DISCREPANCIES_MAX = 1_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The reconciliation read model. Statements page in import order, lines by booking date then id, both keyset-
 * paginated with an opaque cursor through an index in that order. Payments are read with the customer's name and
 * the invoice numbers (the customers and invoices read models of the same schema), which matching criteria use.
 */
export class ReconciliationQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async bankAccounts(tenantId: string): Promise<BankAccountRecord[]> {
    const rows = await this.db.withSchema(this.schema).selectFrom('bank_accounts').selectAll().where('tenant_id', '=', tenantId).orderBy('bank_account_id').execute();
    return rows.map(bankAccountRecord);
  }

  async bankAccount(tenantId: string, bankAccountId: string): Promise<BankAccountRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('bank_accounts').selectAll().where('tenant_id', '=', tenantId).where('bank_account_id', '=', bankAccountId).executeTakeFirst();
    return row ? bankAccountRecord(row) : undefined;
  }

  async statements(tenantId: string, bankAccountId: string, first: number, after: string | null | undefined): Promise<Connection<BankStatementRecord>> {
    let query = this.db.withSchema(this.schema).selectFrom('bank_statements').selectAll().select((eb) => eb.cast('imported_at', 'text').as('imported_at_text')).where('tenant_id', '=', tenantId).where('bank_account_id', '=', bankAccountId);
    if (after) {
      const [, at, id] = decodeCursor(after, 3, ([tag, instant]) => tag === 'statement' && isParsableTime(instant));
      query = query.where((eb) => eb.or([eb('imported_at', '>', at), eb.and([eb('imported_at', '=', at), eb('statement_id', '>', id)])]));
    }
    const rows = await query.orderBy('imported_at').orderBy('statement_id').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(['statement', row.imported_at_text as string, row.statement_id as string]), node: statementRecord(row) }));
    return connectionOf(edges, rows.length > first);
  }

  async statement(tenantId: string, bankAccountId: string, statementId: string): Promise<BankStatementRecord | undefined> {
    const row = await this.db
      .withSchema(this.schema)
      .selectFrom('bank_statements')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('bank_account_id', '=', bankAccountId)
      .where('statement_id', '=', statementId)
      .executeTakeFirst();
    return row ? statementRecord(row) : undefined;
  }

  async statementLines(tenantId: string, bankAccountId: string, filter: StatementLineFilter, first: number, after: string | null | undefined): Promise<Connection<StatementLineRecord>> {
    let query = this.db.withSchema(this.schema).selectFrom('statement_lines').selectAll().where('tenant_id', '=', tenantId).where('bank_account_id', '=', bankAccountId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.statementId) query = query.where('statement_id', '=', filter.statementId);
    if (filter.fromDate) query = query.where('booking_date', '>=', filter.fromDate);
    if (filter.toDate) query = query.where('booking_date', '<=', filter.toDate);
    if (after) {
      const [, date, id] = decodeCursor(after, 3, ([tag, day]) => tag === 'line' && DATE.test(day));
      query = query.where((eb) => eb.or([eb('booking_date', '>', date), eb.and([eb('booking_date', '=', date), eb('line_id', '>', id)])]));
    }
    const rows = await query.orderBy('booking_date').orderBy('line_id').limit(first + 1).execute();
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(['line', row.booking_date as string, row.line_id as string]), node: lineRecord(row) }));
    return connectionOf(edges, rows.length > first);
  }

  /** Every line of the account booked from `fromDate` to `toDate` (inclusive), with the given statuses (all when empty). */
  async linesBooked(tenantId: string, bankAccountId: string, fromDate: string, toDate: string, statuses: readonly StatementLineStatus[] = []): Promise<StatementLineRecord[]> {
    let query = this.db
      .withSchema(this.schema)
      .selectFrom('statement_lines')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('bank_account_id', '=', bankAccountId)
      .where('booking_date', '>=', fromDate)
      .where('booking_date', '<=', toDate);
    if (statuses.length > 0) query = query.where('status', 'in', [...statuses]);
    const rows = await query.orderBy('booking_date').orderBy('line_id').limit(DISCREPANCIES_MAX).execute();
    return rows.map(lineRecord);
  }

  /** The account's active matches whose latest line is booked in the range. */
  async matchesBooked(tenantId: string, bankAccountId: string, fromDate: string, toDate: string): Promise<MatchRecord[]> {
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('reconciliation_matches')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('bank_account_id', '=', bankAccountId)
      .where('status', '=', 'MATCHED')
      .where('booking_date', '>=', fromDate)
      .where('booking_date', '<=', toDate)
      .orderBy('booking_date')
      .orderBy('match_id')
      .limit(DISCREPANCIES_MAX)
      .execute();
    return rows.map(matchRecord);
  }

  async match(tenantId: string, bankAccountId: string, matchId: string): Promise<MatchRecord | undefined> {
    const row = await this.db
      .withSchema(this.schema)
      .selectFrom('reconciliation_matches')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('bank_account_id', '=', bankAccountId)
      .where('match_id', '=', matchId)
      .executeTakeFirst();
    return row ? matchRecord(row) : undefined;
  }

  /**
   * The succeeded payments deposited to this account that are neither matched nor resolved, oldest first: those
   * recorded to it, and, when it is its currency's default, those recorded without an account (or before accounts
   * existed). With `includeInTransit`, those resolved as in transit too (their line may come on a later statement:
   * matching still considers them). The reconciliation aggregate re-checks each one when a match is decided.
   */
  async unmatchedPayments(
    tenantId: string,
    account: { readonly id: string; readonly currency: string; readonly isDefault: boolean },
    options: { readonly includeInTransit?: boolean } = {},
  ): Promise<ReconciliationPaymentRecord[]> {
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('reconciliation_payments as p')
      .leftJoin('customers as c', (join) => join.onRef('c.tenant_id', '=', 'p.tenant_id').onRef('c.customer_id', '=', 'p.customer_id'))
      .selectAll('p')
      .select('c.name as customer_name')
      .where('p.tenant_id', '=', tenantId)
      .where('p.currency', '=', account.currency)
      .where((eb) => (options.includeInTransit ? eb.or([eb('p.match_status', '=', 'UNMATCHED'), eb.and([eb('p.match_status', '=', 'RESOLVED'), eb('p.resolution', '=', 'in_transit')])]) : eb('p.match_status', '=', 'UNMATCHED')))
      .where('p.payment_status', '=', 'succeeded')
      .where((eb) => (account.isDefault ? eb.or([eb('p.bank_account_id', '=', account.id), eb('p.bank_account_id', 'is', null)]) : eb('p.bank_account_id', '=', account.id)))
      .orderBy('p.received_at')
      .orderBy('p.payment_id')
      .limit(UNMATCHED_PAYMENTS_MAX)
      .execute();
    return this.withInvoiceNumbers(tenantId, rows);
  }

  /** Payments by id (any status), with the customer's name and invoice numbers. */
  async payments(tenantId: string, paymentIds: readonly string[]): Promise<ReconciliationPaymentRecord[]> {
    if (paymentIds.length === 0) return [];
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('reconciliation_payments as p')
      .leftJoin('customers as c', (join) => join.onRef('c.tenant_id', '=', 'p.tenant_id').onRef('c.customer_id', '=', 'p.customer_id'))
      .selectAll('p')
      .select('c.name as customer_name')
      .where('p.tenant_id', '=', tenantId)
      .where('p.payment_id', 'in', [...paymentIds])
      .orderBy('p.payment_id')
      .execute();
    return this.withInvoiceNumbers(tenantId, rows);
  }

  async matchingRules(tenantId: string, includeRetired: boolean): Promise<MatchingRuleRecord[]> {
    let query = this.db.withSchema(this.schema).selectFrom('matching_rules').selectAll().where('tenant_id', '=', tenantId);
    if (!includeRetired) query = query.where('status', '=', 'active');
    const rows = await query.orderBy('priority').orderBy('rule_id').execute();
    return rows.map(ruleRecord);
  }

  async sessions(tenantId: string, bankAccountId: string | null): Promise<ReconciliationSessionRecord[]> {
    let query = this.db.withSchema(this.schema).selectFrom('reconciliation_sessions').selectAll().where('tenant_id', '=', tenantId);
    if (bankAccountId !== null) query = query.where('bank_account_id', '=', bankAccountId);
    const rows = await query.orderBy('bank_account_id').orderBy('period', 'desc').execute();
    return rows.map(sessionRecord);
  }

  async session(tenantId: string, sessionId: string): Promise<ReconciliationSessionRecord | undefined> {
    const row = await this.db.withSchema(this.schema).selectFrom('reconciliation_sessions').selectAll().where('tenant_id', '=', tenantId).where('session_id', '=', sessionId).executeTakeFirst();
    return row ? sessionRecord(row) : undefined;
  }

  private async withInvoiceNumbers(tenantId: string, rows: readonly Record<string, unknown>[]): Promise<ReconciliationPaymentRecord[]> {
    const invoiceIds = [...new Set(rows.flatMap((row) => row.invoice_ids as string[]))];
    const numbers = new Map<string, string>();
    if (invoiceIds.length > 0) {
      const invoices = await this.db
        .withSchema(this.schema)
        .selectFrom('invoices')
        .select(['invoice_id', 'number'])
        .where('tenant_id', '=', tenantId)
        .where('invoice_id', 'in', invoiceIds)
        .where('number', 'is not', null)
        .execute();
      for (const invoice of invoices) numbers.set(invoice.invoice_id as string, invoice.number as string);
    }
    return rows.map((row) => paymentRecord(row, numbers));
  }
}

const instant = (value: unknown): string => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());
const nullableInstant = (value: unknown): string | null => (value === null || value === undefined ? null : instant(value));
const trimmed = (value: unknown): string => String(value).trim();

function bankAccountRecord(row: Record<string, unknown>): BankAccountRecord {
  return {
    id: row.bank_account_id as string,
    name: row.name as string,
    type: row.type as string,
    currency: trimmed(row.currency),
    bankName: row.bank_name as string,
    numberLast4: row.number_last4 as string,
    openingBalance: row.opening_balance as string,
    openingBalanceDate: row.opening_balance_date as string,
    verificationStatus: row.verification_status as string,
    verificationReason: (row.verification_reason as string | null) ?? null,
    csvMapping: row.csv_mapping ?? null,
    isDefault: row.is_default as boolean,
    registeredAt: instant(row.registered_at),
    updatedAt: instant(row.updated_at),
  };
}

function statementRecord(row: Record<string, unknown>): BankStatementRecord {
  return {
    id: row.statement_id as string,
    bankAccountId: row.bank_account_id as string,
    format: row.format as string,
    fileSha256: row.file_sha256 as string,
    statementRef: (row.statement_ref as string | null) ?? null,
    fileName: (row.file_name as string | null | undefined) ?? null,
    currency: trimmed(row.currency),
    openingBalance: row.opening_balance as string,
    closingBalance: row.closing_balance as string,
    fromDate: row.from_date as string,
    toDate: row.to_date as string,
    lineCount: row.line_count as number,
    duplicateLineCount: row.duplicate_line_count as number,
    importedAt: instant(row.imported_at),
  };
}

function lineRecord(row: Record<string, unknown>): StatementLineRecord {
  return {
    id: row.line_id as string,
    bankAccountId: row.bank_account_id as string,
    statementId: row.statement_id as string,
    lineNumber: row.line_number as number,
    lineKey: row.line_key as string,
    currency: trimmed(row.currency),
    bookingDate: row.booking_date as string,
    valueDate: row.value_date as string,
    amount: row.amount as string,
    reference: (row.reference as string | null) ?? null,
    counterparty: (row.counterparty as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    bankTransactionId: (row.bank_transaction_id as string | null) ?? null,
    status: row.status as StatementLineStatus,
    matchId: (row.match_id as string | null) ?? null,
    resolutionAccount: (row.resolution_account as string | null) ?? null,
    resolutionReason: (row.resolution_reason as string | null) ?? null,
  };
}

function matchRecord(row: Record<string, unknown>): MatchRecord {
  return {
    id: row.match_id as string,
    bankAccountId: row.bank_account_id as string,
    currency: trimmed(row.currency),
    lineIds: row.line_ids as string[],
    payments: row.payments as { paymentId: string; amount: string }[],
    lineTotal: row.line_total as string,
    paymentTotal: row.payment_total as string,
    difference: row.difference as string,
    differenceAccount: (row.difference_account as string | null) ?? null,
    dateGapDays: row.date_gap_days as number,
    decisionKind: row.decision_kind as MatchRecord['decisionKind'],
    ruleId: (row.rule_id as string | null) ?? null,
    ruleVersion: (row.rule_version as number | null) ?? null,
    actorKeyId: (row.actor_key_id as string | null) ?? null,
    reason: (row.reason as string | null) ?? null,
    bookingDate: row.booking_date as string,
    status: row.status as MatchRecord['status'],
    reclassified: row.reclassified as boolean,
    matchedAt: instant(row.matched_at),
  };
}

function paymentRecord(row: Record<string, unknown>, numbers: ReadonlyMap<string, string>): ReconciliationPaymentRecord {
  const invoiceIds = row.invoice_ids as string[];
  return {
    paymentId: row.payment_id as string,
    bankAccountId: (row.bank_account_id as string | null) ?? null,
    customerId: row.customer_id as string,
    customerName: (row.customer_name as string | null) ?? null,
    currency: trimmed(row.currency),
    amount: row.amount as string,
    reference: row.reference as string,
    method: row.method as string,
    invoiceIds,
    invoiceNumbers: invoiceIds.flatMap((invoiceId) => (numbers.has(invoiceId) ? [numbers.get(invoiceId) as string] : [])),
    paymentStatus: row.payment_status as string,
    receivedAt: instant(row.received_at),
    matchStatus: row.match_status as StatementLineStatus,
    matchId: (row.match_id as string | null) ?? null,
    resolution: (row.resolution as string | null) ?? null,
  };
}

function ruleRecord(row: Record<string, unknown>): MatchingRuleRecord {
  return {
    ruleId: row.rule_id as string,
    version: row.version as number,
    name: row.name as string,
    priority: row.priority as number,
    bankAccountId: (row.bank_account_id as string | null) ?? null,
    criteria: row.criteria,
    status: row.status as MatchingRuleRecord['status'],
    definedAt: instant(row.defined_at),
    retiredAt: nullableInstant(row.retired_at),
  };
}

function sessionRecord(row: Record<string, unknown>): ReconciliationSessionRecord {
  return {
    sessionId: row.session_id as string,
    bankAccountId: row.bank_account_id as string,
    period: row.period as string,
    fromDate: row.from_date as string,
    toDate: row.to_date as string,
    status: row.status as ReconciliationSessionRecord['status'],
    startedByKeyId: row.started_by_key_id as string,
    startedAt: instant(row.started_at),
    completedByKeyId: (row.completed_by_key_id as string | null) ?? null,
    completedAt: nullableInstant(row.completed_at),
    statementClosingBalance: (row.statement_closing_balance as string | null) ?? null,
    ledgerBalance: (row.ledger_balance as string | null) ?? null,
    difference: (row.difference as string | null) ?? null,
    approvedByKeyId: (row.approved_by_key_id as string | null) ?? null,
    approvedAt: nullableInstant(row.approved_at),
    reopenCount: row.reopen_count as number,
  };
}
