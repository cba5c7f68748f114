import { sql, type Kysely } from 'kysely';
import { Money, parseComputedDecimal } from '../../libs/money/src/index.js';
import type { InvoiceCreditSource, InvoiceTaxBreakdownEntry, LineTax, LockedExchangeRate } from '../../libs/billing/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';
import { connectionOf, decodeCursor, encodeCursor, isParsableTime } from '../common/opaque-cursor.js';

export type EffectiveInvoiceStatus = 'draft' | 'open' | 'partially_paid' | 'paid' | 'void' | 'written_off' | 'overdue';

/**
 * The status shown: an open or partly paid invoice with a balance left is overdue once its due date has passed on
 * `today` (the calendar date in the tenant's time zone, by its clock). The scheduler records InvoiceBecameOverdue at
 * the start of that same day (`becameOverdueAt`, for e-mails and webhooks), so the two agree; the date decides, so
 * that the status shown, the list filters and their indexes follow one rule, also in the moments before the mark is
 * recorded, and after a sandbox tenant leaves its test clock for an earlier real time (docs/overdue.md).
 */
export function effectiveInvoiceStatus(status: string, dueDate: string | null, balanceDue: string, today: string): EffectiveInvoiceStatus {
  if ((status === 'open' || status === 'partially_paid') && dueDate !== null && dueDate < today && parseComputedDecimal(balanceDue).gt(0)) return 'overdue';
  return status as EffectiveInvoiceStatus;
}

/** A decimal without trailing zeros and never in exponent form: "12.50" -> "12.5". */
export function plainDecimal(value: string): string {
  return parseComputedDecimal(value, 'value').toFixed();
}

export interface InvoiceRecord {
  readonly id: string;
  readonly number: string | null;
  readonly customerId: string;
  readonly status: EffectiveInvoiceStatus;
  readonly currency: string;
  readonly lines: {
    id: string;
    description: string;
    quantity: string;
    unitPrice: string;
    taxRate: string | null;
    amount: string;
    netAmount: string;
    taxAmount: string;
    taxes: LineTax[];
  }[];
  readonly taxBreakdown: InvoiceTaxBreakdownEntry[];
  readonly subtotal: string;
  readonly taxTotal: string;
  readonly total: string;
  readonly amountPaid: string;
  readonly amountCredited: string;
  readonly amountRefunded: string;
  readonly amountWrittenOff: string;
  readonly creditableAmount: string;
  readonly balanceDue: string;
  /** Payments recorded on the invoice itself (the legacy recordPayment path before the Payment aggregate). */
  readonly payments: { paymentId: string; method: string; reference: string; amount: string; appliedAmount: string; excessAmount: string; recordedAt: string }[];
  /** Every payment applied (recorded or through the Payment aggregate), with what refunds of it reopened. */
  readonly paymentApplications: { paymentId: string; appliedAmount: string; reopenedAmount: string; appliedAt: string }[];
  /** Credit applied: credit notes and the customer's credit balance. */
  readonly creditApplications: { applicationId: string; source: InvoiceCreditSource; sourceId: string; amount: string; appliedAt: string }[];
  readonly paymentTermsDays: number;
  readonly issueDate: string | null;
  readonly issuedAt: string | null;
  readonly dueDate: string | null;
  readonly voidedAt: string | null;
  readonly voidReason: string | null;
  readonly writtenOffAt: string | null;
  readonly writeOffReason: string | null;
  /** When InvoiceBecameOverdue was recorded (null while it was not, even if the status already shows overdue). */
  readonly becameOverdueAt: string | null;
  /** The payment reminders that fell due, in order. */
  readonly paymentReminders: { daysBeforeDue: number; dueAt: string }[];
  /** The reporting currency and locked rate recorded at issue (null before issue, or for invoices issued without settings). */
  readonly reportingCurrency: string | null;
  readonly exchangeRate: LockedExchangeRate | null;
  /** The total in the currency asked for (see reportingTotalIn); null when it cannot be converted at a locked rate. */
  readonly reportingTotal: { amount: string; currency: string } | null;
}

/**
 * An invoice's total in `reportingCurrency` (or, when none is asked for, in the reporting currency it locked at
 * issue): the total itself when the invoice is in that currency; the total converted at the rate locked at issue when
 * that rate is to this currency; otherwise null. A rate is never looked up at read time: a document is reported at
 * the rate it used.
 */
export function reportingTotalIn(
  invoice: { currency: string; total: string; reportingCurrency: string | null; lockedReportingTotal: string | null },
  reportingCurrency: string | null,
): { amount: string; currency: string } | null {
  const target = reportingCurrency ?? invoice.reportingCurrency;
  if (target === null) return null;
  if (invoice.currency === target) return { amount: invoice.total, currency: target };
  if (invoice.reportingCurrency === target && invoice.lockedReportingTotal !== null) return { amount: invoice.lockedReportingTotal, currency: target };
  return null;
}

/** Issued invoices summed in one currency at each one's locked rate (see InvoiceQueries.invoiceTotals). */
export interface InvoiceTotalsRecord {
  readonly reportingCurrency: string;
  /** Sum of the converted totals. */
  readonly total: string;
  readonly invoiceCount: number;
  readonly convertedCount: number;
  /** Invoices in another currency without a rate locked to this one: left out of `total`. */
  readonly unconverted: number;
  /** Their totals, in their own currencies. */
  readonly unconvertedTotals: { amount: string; currency: string }[];
}

export interface InvoiceListFilter {
  readonly status?: EffectiveInvoiceStatus | null;
  readonly customerId?: string | null;
  readonly issuedFrom?: string | null;
  readonly issuedTo?: string | null;
}

export const INVOICE_PAGE_SIZE_MAX = 100;

export class InvoiceQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async getInvoice(tenantId: string, invoiceId: string, today: string, reportingCurrency: string | null = null): Promise<InvoiceRecord | undefined> {
    const rows = await this.invoiceRows(tenantId, { invoiceIds: [invoiceId] });
    const row = rows[0];
    return row ? (await this.assemble(tenantId, [row], today, reportingCurrency))[0] : undefined;
  }

  /** Newest first (by draft time, then id), keyset-paginated with an opaque cursor. */
  async listInvoices(tenantId: string, filter: InvoiceListFilter, first: number, after: string | null | undefined, today: string, reportingCurrency: string | null = null) {
    const cursor = after ? decodeCursor(after, 2, ([time]) => isParsableTime(time)) : undefined;
    let query = this.filtered(tenantId, filter, today)
      .selectAll()
      .select(sql<string>`to_char(drafted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_time'));
    if (cursor) query = query.where(sql<boolean>`(drafted_at, invoice_id) < (${cursor[0]}::timestamptz, ${cursor[1]})`);
    const rows = await query.orderBy('drafted_at', 'desc').orderBy('invoice_id', 'desc').limit(first + 1).execute();
    const page = rows.slice(0, first);
    const records = await this.assemble(tenantId, page, today, reportingCurrency);
    const edges = records.map((node, index) => ({ cursor: encodeCursor([(page[index] as { cursor_time: string }).cursor_time, node.id]), node }));
    return connectionOf(edges, rows.length > first);
  }

  /**
   * Issued invoices matching `filter` (voided ones only when the filter asks for them; drafts never: they are no
   * documents yet) summed in `reportingCurrency`, each at the rate it locked at issue (see reportingTotalIn). Those
   * that cannot be converted are counted as unconverted, with their totals per currency.
   */
  async invoiceTotals(tenantId: string, filter: InvoiceListFilter, reportingCurrency: string, today: string): Promise<InvoiceTotalsRecord> {
    let query = this.filtered(tenantId, filter, today).where('number', 'is not', null);
    if (!filter.status) query = query.where('status', '<>', 'void');
    const converted = sql<boolean>`(currency = ${reportingCurrency} or (reporting_currency = ${reportingCurrency} and reporting_total is not null))`;
    const rows = (await query
      .select([
        sql<string>`case when ${converted} then ${reportingCurrency} else currency end`.as('group_currency'),
        sql<boolean>`${converted}`.as('converted'),
        sql<string>`count(*)`.as('invoice_count'),
        sql<string>`sum(case when currency = ${reportingCurrency} then total else reporting_total end)`.as('converted_total'),
        sql<string>`sum(total)`.as('own_total'),
      ])
      .groupBy(['group_currency', 'converted'])
      .orderBy('group_currency')
      .execute()) as { group_currency: string; converted: boolean; invoice_count: string; converted_total: string | null; own_total: string }[];
    let total = Money.zero(reportingCurrency);
    let convertedCount = 0;
    let unconverted = 0;
    const unconvertedTotals: { amount: string; currency: string }[] = [];
    for (const row of rows) {
      const count = Number(row.invoice_count);
      if (row.converted) {
        convertedCount += count;
        total = total.plus(Money.of(row.converted_total ?? '0', reportingCurrency));
      } else {
        unconverted += count;
        unconvertedTotals.push({ amount: Money.of(row.own_total, row.group_currency).toString(), currency: row.group_currency });
      }
    }
    return { reportingCurrency, total: total.toString(), invoiceCount: convertedCount + unconverted, convertedCount, unconverted, unconvertedTotals };
  }

  /** The tenant's invoices narrowed by `filter`; overdue is judged on `today`, the tenant's calendar date. */
  private filtered(tenantId: string, filter: InvoiceListFilter, today: string) {
    let query = this.db.withSchema(this.schema).selectFrom('invoices').where('tenant_id', '=', tenantId);
    if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
    if (filter.issuedFrom) query = query.where('issue_date', '>=', filter.issuedFrom);
    if (filter.issuedTo) query = query.where('issue_date', '<=', filter.issuedTo);
    // The due date decides, as in effectiveInvoiceStatus: the filters keep the plain shape the list indexes serve
    // (test/performance/list-query-plans.int.spec.ts).
    if (filter.status === 'overdue') {
      query = query.where('status', 'in', ['open', 'partially_paid']).where('due_date', '<', today).where('balance_due', '>', '0');
    } else if (filter.status === 'open' || filter.status === 'partially_paid') {
      query = query.where('status', '=', filter.status).where((eb) => eb.or([eb('due_date', '>=', today), eb('due_date', 'is', null), eb('balance_due', '=', '0')]));
    } else if (filter.status) {
      query = query.where('status', '=', filter.status);
    }
    return query;
  }

  async customerCredit(tenantId: string, customerId: string): Promise<{ amount: string; currency: string }[]> {
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('customer_balances')
      .select(['currency', 'credit_balance'])
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .orderBy('currency')
      .execute();
    return rows.map((row: { currency: string; credit_balance: string }) => ({ amount: Money.of(row.credit_balance, row.currency).toString(), currency: row.currency }));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async invoiceRows(tenantId: string, where: { invoiceIds: string[] }): Promise<any[]> {
    return this.db
      .withSchema(this.schema)
      .selectFrom('invoices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('invoice_id', 'in', where.invoiceIds)
      .execute();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async assemble(tenantId: string, rows: any[], today: string, reportingCurrency: string | null): Promise<InvoiceRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.invoice_id as string);
    const [lines, payments, paymentApplications, creditApplications] = (await Promise.all([
      this.db.withSchema(this.schema).selectFrom('invoice_lines').selectAll().where('tenant_id', '=', tenantId).where('invoice_id', 'in', ids).orderBy('sort_order').execute(),
      this.db.withSchema(this.schema).selectFrom('invoice_payments').selectAll().where('tenant_id', '=', tenantId).where('invoice_id', 'in', ids).orderBy('recorded_at').orderBy('payment_id').execute(),
      this.db.withSchema(this.schema).selectFrom('invoice_payment_applications').selectAll().where('tenant_id', '=', tenantId).where('invoice_id', 'in', ids).orderBy('sort_order').execute(),
      this.db.withSchema(this.schema).selectFrom('invoice_credit_applications').selectAll().where('tenant_id', '=', tenantId).where('invoice_id', 'in', ids).orderBy('sort_order').execute(),
    ])) as [Record<string, unknown>[], Record<string, unknown>[], Record<string, unknown>[], Record<string, unknown>[]];
    return rows.map((row) => {
      const currency = row.currency as string;
      const amount = (value: string) => Money.of(value, currency).toString();
      const balanceDue = amount(row.balance_due);
      const dueDate = row.status === 'draft' ? row.requested_due_date : row.due_date;
      return {
        id: row.invoice_id,
        number: row.number,
        customerId: row.customer_id,
        status: effectiveInvoiceStatus(row.status, row.status === 'draft' ? null : row.due_date, balanceDue, today),
        currency,
        lines: lines
          .filter((line) => line.invoice_id === row.invoice_id)
          .map((line) => ({
            id: line.line_id as string,
            description: line.description as string,
            quantity: plainDecimal(line.quantity as string),
            unitPrice: plainDecimal(line.unit_price as string),
            taxRate: line.tax_rate === null ? null : plainDecimal(line.tax_rate as string),
            amount: amount(line.amount as string),
            netAmount: amount(line.net_amount as string),
            taxAmount: amount(line.tax_amount as string),
            taxes: line.taxes as LineTax[],
          })),
        taxBreakdown: row.tax_breakdown as InvoiceTaxBreakdownEntry[],
        subtotal: amount(row.subtotal),
        taxTotal: amount(row.tax_total),
        total: amount(row.total),
        amountPaid: amount(row.amount_paid),
        amountCredited: amount(row.amount_credited),
        amountRefunded: amount(row.amount_refunded),
        amountWrittenOff: amount(row.amount_written_off),
        creditableAmount: amount(row.creditable_amount),
        balanceDue,
        payments: payments
          .filter((payment) => payment.invoice_id === row.invoice_id)
          .map((payment) => ({
            paymentId: payment.payment_id as string,
            method: payment.method as string,
            reference: payment.reference as string,
            amount: amount(payment.amount as string),
            appliedAmount: amount(payment.applied_amount as string),
            excessAmount: amount(payment.excess_amount as string),
            recordedAt: (payment.recorded_at as Date).toISOString(),
          })),
        paymentApplications: paymentApplications
          .filter((application) => application.invoice_id === row.invoice_id)
          .map((application) => ({
            paymentId: application.payment_id as string,
            appliedAmount: amount(application.applied_amount as string),
            reopenedAmount: amount(application.reopened_amount as string),
            appliedAt: (application.applied_at as Date).toISOString(),
          })),
        creditApplications: creditApplications
          .filter((application) => application.invoice_id === row.invoice_id)
          .map((application) => ({
            applicationId: application.application_id as string,
            source: application.source as InvoiceCreditSource,
            sourceId: application.source_id as string,
            amount: amount(application.amount as string),
            appliedAt: (application.applied_at as Date).toISOString(),
          })),
        paymentTermsDays: row.payment_terms_days,
        issueDate: row.issue_date,
        issuedAt: row.issued_at ? (row.issued_at as Date).toISOString() : null,
        dueDate,
        voidedAt: row.voided_at ? (row.voided_at as Date).toISOString() : null,
        voidReason: row.void_reason,
        writtenOffAt: row.written_off_at ? (row.written_off_at as Date).toISOString() : null,
        writeOffReason: row.write_off_reason,
        becameOverdueAt: row.became_overdue_at ? (row.became_overdue_at as Date).toISOString() : null,
        paymentReminders: (row.payment_reminders as { daysBeforeDue: number; dueAt: string }[]).map((reminder) => ({ daysBeforeDue: reminder.daysBeforeDue, dueAt: reminder.dueAt })),
        reportingCurrency: row.reporting_currency,
        exchangeRate: row.exchange_rate as LockedExchangeRate | null,
        reportingTotal: reportingTotalIn(
          {
            currency,
            total: amount(row.total),
            reportingCurrency: row.reporting_currency,
            lockedReportingTotal: row.reporting_total === null || row.reporting_currency === null ? null : Money.of(row.reporting_total, row.reporting_currency).toString(),
          },
          reportingCurrency,
        ),
      };
    });
  }
}
