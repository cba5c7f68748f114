import { sql, type Kysely } from 'kysely';
import { Money } from '../../libs/money/src/index.js';
import { arAging, ledgerAccounts, type ArAgingReport, type ArOpenItem, type JournalTaxDetail, type LedgerAccount, type TrialBalanceRow } from '../../libs/billing/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, isLogPosition } from '../common/opaque-cursor.js';

export const JOURNAL_ENTRY_PAGE_SIZE_MAX = 100;

export interface JournalEntryFilter {
  readonly account?: LedgerAccount | null;
  readonly currency?: string | null;
  readonly sourceId?: string | null;
  readonly customerId?: string | null;
  /** Instants (inclusive) bounding occurredAt. */
  readonly from?: string | null;
  readonly to?: string | null;
}

export interface JournalLineRecord {
  readonly account: LedgerAccount;
  /** Rounded to the currency's minor unit. */
  readonly debit: string;
  readonly credit: string;
  readonly tax: JournalTaxDetail | null;
  /** The bank account of a `bank` line (its sub-ledger, shown as `bank:<bankAccountId>`); null on other lines. */
  readonly bankAccountId: string | null;
}

export interface JournalEntryRecord {
  readonly entryId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly position: string;
  readonly currency: string;
  readonly description: string;
  readonly sourceEventType: string;
  readonly sourceId: string;
  readonly customerId: string;
  readonly lines: JournalLineRecord[];
}

export interface TrialBalanceRecord {
  readonly asOf: string;
  readonly currency: string;
  /** Every account of the chart, in its order, zero when nothing was posted to it. */
  readonly rows: TrialBalanceRow[];
  readonly totalDebit: string;
  readonly totalCredit: string;
}

interface EntryRow {
  entry_id: string;
  occurred_at: Date;
  recorded_at: Date;
  position: string;
  commit_position: string;
  prepare_position: string;
  currency: string;
  description: string;
  source_event_type: string;
  source_id: string;
  customer_id: string;
}

interface LineRow {
  entry_id: string;
  account: LedgerAccount;
  debit: string;
  credit: string;
  tax: JournalTaxDetail | null;
  bank_account_id: string | null;
}

/** Reads of the general_ledger read model (and, for the aging, of the invoices one); every query names its tenant. */
export class GeneralLedgerQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  /** Entries in log order (oldest first), keyset-paginated on (position, entry id) with an opaque cursor. */
  async journalEntries(tenantId: string, filter: JournalEntryFilter, first: number, after: string | null) {
    let query = this.db
      .withSchema(this.schema)
      .selectFrom('journal_entries')
      .select(['entry_id', 'occurred_at', 'recorded_at', 'position', 'commit_position', 'prepare_position', 'currency', 'description', 'source_event_type', 'source_id', 'customer_id'])
      .where('tenant_id', '=', tenantId);
    if (filter.currency) query = query.where('currency', '=', filter.currency);
    if (filter.sourceId) query = query.where('source_id', '=', filter.sourceId);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.from) query = query.where('occurred_at', '>=', filter.from);
    if (filter.to) query = query.where('occurred_at', '<=', filter.to);
    if (filter.account) {
      // Raw fragments are not reached by withSchema: the lines table is named with its schema explicitly.
      const lines = sql.table(`${this.schema}.journal_lines`);
      query = query.where(
        sql<boolean>`exists (select 1 from ${lines} l where l.tenant_id = ${tenantId} and l.entry_id = journal_entries.entry_id and l.account = ${filter.account})`,
      );
    }
    if (after !== null) {
      const [commit, prepare, entryId] = decodeCursor(after, 3, ([commit, prepare]) => isLogPosition(commit) && isLogPosition(prepare));
      query = query.where(sql<boolean>`(commit_position, prepare_position, entry_id) > (${commit}::numeric, ${prepare}::numeric, ${entryId})`);
    }
    const rows = (await query.orderBy('commit_position').orderBy('prepare_position').orderBy('entry_id').limit(first + 1).execute()) as EntryRow[];
    const page = rows.slice(0, first);
    const lines = await this.linesOf(tenantId, page.map((row) => row.entry_id));
    const edges = page.map((row) => ({
      cursor: encodeCursor([row.commit_position, row.prepare_position, row.entry_id]),
      node: {
        entryId: row.entry_id,
        occurredAt: row.occurred_at.toISOString(),
        recordedAt: row.recorded_at.toISOString(),
        position: row.position,
        currency: row.currency,
        description: row.description,
        sourceEventType: row.source_event_type,
        sourceId: row.source_id,
        customerId: row.customer_id,
        lines: (lines.get(row.entry_id) ?? []).map((line) => ({
          account: line.account,
          debit: Money.of(line.debit, row.currency).toString(),
          credit: Money.of(line.credit, row.currency).toString(),
          tax: line.tax,
          bankAccountId: line.bank_account_id,
        })),
      } satisfies JournalEntryRecord,
    }));
    return connectionOf(edges, rows.length > first);
  }

  /**
   * The trial balance of one currency at an instant, summed in SQL over the entries that occurred at or before
   * `asOf`. Every entry balances, so the balances sum to zero; if they do not, that is a bug and it crashes.
   */
  async trialBalance(tenantId: string, asOf: string, currency: string): Promise<TrialBalanceRecord> {
    const entries = sql.table(`${this.schema}.journal_entries`);
    const lines = sql.table(`${this.schema}.journal_lines`);
    const { rows } = await sql<{ account: LedgerAccount; debit: string; credit: string }>`
      select l.account, sum(l.debit)::text as debit, sum(l.credit)::text as credit
      from ${lines} l
      join ${entries} e on e.tenant_id = l.tenant_id and e.entry_id = l.entry_id
      where e.tenant_id = ${tenantId} and e.currency = ${currency} and e.occurred_at <= ${asOf}::timestamptz
      group by l.account`.execute(this.db);
    const sums = new Map(rows.map((row) => [row.account, row]));
    const zero = Money.zero(currency);
    let totalDebit = zero;
    let totalCredit = zero;
    const unknown = rows.find((row) => !(ledgerAccounts as readonly string[]).includes(row.account));
    if (unknown) throw new Error(`general ledger invariant broken: account ${unknown.account} is not in the chart of accounts`);
    const balanceRows = ledgerAccounts.map((account): TrialBalanceRow => {
      const row = sums.get(account);
      const debit = row ? Money.of(row.debit, currency) : zero;
      const credit = row ? Money.of(row.credit, currency) : zero;
      totalDebit = totalDebit.plus(debit);
      totalCredit = totalCredit.plus(credit);
      return { account, debit: debit.toString(), credit: credit.toString(), balance: debit.minus(credit).toString() };
    });
    if (!totalDebit.equals(totalCredit)) {
      throw new Error(`general ledger invariant broken: the ${currency} trial balance of tenant ${tenantId} at ${asOf} does not balance (debits ${totalDebit.toString()}, credits ${totalCredit.toString()})`);
    }
    return { asOf, currency, rows: balanceRows, totalDebit: totalDebit.toString(), totalCredit: totalCredit.toString() };
  }

  /**
   * The receivables aging at `asOf` (a calendar date), from the invoices read model's open items: each invoice's
   * balance due as it stands now, so its total equals the accounts_receivable balance of the trial balance.
   */
  async arAging(tenantId: string, asOf: string): Promise<ArAgingReport> {
    const rows = (await this.db
      .withSchema(this.schema)
      .selectFrom('invoices')
      .select(['invoice_id', 'customer_id', 'currency', 'balance_due', sql<string>`to_char(due_date, 'YYYY-MM-DD')`.as('due_date')])
      .where('tenant_id', '=', tenantId)
      // The rows of arOpenItemOf: an open or partly paid invoice with a balance left, whatever moved it there (payments,
      // credits, a refund that reopened it, even after a write-off). Drafts, voids, paid and written-off ones owe nothing.
      .where('status', 'in', ['open', 'partially_paid'])
      .where('balance_due', '>', '0')
      .where('due_date', 'is not', null)
      .orderBy('customer_id')
      .orderBy('invoice_id')
      .execute()) as { invoice_id: string; customer_id: string; currency: string; balance_due: string; due_date: string }[];
    const items: ArOpenItem[] = rows.map((row) => ({
      invoiceId: row.invoice_id,
      customerId: row.customer_id,
      currency: row.currency,
      dueDate: row.due_date,
      balanceDue: Money.of(row.balance_due, row.currency).toString(),
    }));
    return arAging(items, asOf);
  }

  /**
   * The balance (debits - credits) of one bank account's sub-ledger of `bank` (`bank:<bankAccountId>`), over the
   * entries that occurred at or before `asOf` (every entry when null): what the reconciliation compares with the
   * statement's closing balance.
   */
  async bankAccountBalance(tenantId: string, bankAccountId: string, currency: string, asOf: string | null = null): Promise<string> {
    const entries = sql.table(`${this.schema}.journal_entries`);
    const lines = sql.table(`${this.schema}.journal_lines`);
    const bankLines = sql.table(`${this.schema}.gl_bank_lines`);
    const { rows } = await sql<{ balance: string | null }>`
      select (sum(l.debit) - sum(l.credit))::text as balance
      from ${bankLines} b
      join ${lines} l on l.tenant_id = b.tenant_id and l.entry_id = b.entry_id and l.line_no = b.line_no
      join ${entries} e on e.tenant_id = b.tenant_id and e.entry_id = b.entry_id
      where b.tenant_id = ${tenantId} and b.bank_account_id = ${bankAccountId} and e.currency = ${currency}
        and (${asOf}::timestamptz is null or e.occurred_at <= ${asOf}::timestamptz)`.execute(this.db);
    return Money.of(rows[0]?.balance ?? '0', currency).toString();
  }

  private async linesOf(tenantId: string, entryIds: string[]): Promise<Map<string, LineRow[]>> {
    const byEntry = new Map<string, LineRow[]>();
    if (entryIds.length === 0) return byEntry;
    const lines = sql.table(`${this.schema}.journal_lines`);
    const bankLines = sql.table(`${this.schema}.gl_bank_lines`);
    const { rows } = await sql<LineRow>`
      select l.entry_id, l.account, l.debit, l.credit, l.tax, b.bank_account_id
      from ${lines} l
      left join ${bankLines} b on b.tenant_id = l.tenant_id and b.entry_id = l.entry_id and b.line_no = l.line_no
      where l.tenant_id = ${tenantId} and l.entry_id in (${sql.join(entryIds)})
      order by l.entry_id, l.line_no`.execute(this.db);
    for (const row of rows) byEntry.set(row.entry_id, [...(byEntry.get(row.entry_id) ?? []), row]);
    return byEntry;
  }
}
