import { Money, isCurrencyCode } from '../../../money/src/index.js';
import type { InvoiceState } from '../invoice/invoice.state.js';
import { requireCalendarDate } from '../common/calendar-date.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { requireRecordedIdentifier, validationFailed } from '../common/validation.js';

/**
 * Aging buckets by days past due, counted in calendar days from the due date to the report date:
 *   current       due today or later (days past due <= 0): nothing is late yet
 *   days_1_30     1 to 30 days past due (day 30 is in this bucket)
 *   days_31_60    31 to 60 (day 31 is the first day here)
 *   days_61_90    61 to 90
 *   days_over_90  91 days and more
 * An invoice due on 2024-01-31 is current on 2024-01-31, 1 day past due on 2024-02-01, and 30 days past due (still
 * 1-30) on 2024-03-01 in a leap year.
 */
export const arAgingBuckets = ['current', 'days_1_30', 'days_31_60', 'days_61_90', 'days_over_90'] as const;
export type ArAgingBucket = (typeof arAgingBuckets)[number];

/** An open receivable as a read model lists it. */
export interface ArOpenItem {
  invoiceId: string;
  customerId: string;
  /** 'YYYY-MM-DD'. */
  dueDate: string;
  /** Decimal string in `currency`. */
  balanceDue: string;
  currency: string;
}

export interface ArAgingItem extends ArOpenItem {
  daysPastDue: number;
  bucket: ArAgingBucket;
}

/** Amounts per bucket and their total, all in one currency. */
export interface ArAgingAmounts {
  currency: string;
  buckets: Record<ArAgingBucket, string>;
  total: string;
}

export interface ArAgingCustomerRow extends ArAgingAmounts {
  customerId: string;
}

export interface ArAgingReport {
  asOf: string;
  /** The items with a balance, in the order given, each with its age and bucket. */
  items: ArAgingItem[];
  /** One row per customer and currency, by customer id then currency. */
  customers: ArAgingCustomerRow[];
  /** One row per currency (amounts of different currencies are never added), by currency. */
  totals: ArAgingAmounts[];
}

/**
 * The open item of one invoice, from its state folded with evolveInvoice (which knows every event that moves the
 * balance: payments applied or recorded, credit applied, refunds that reopen it, write-offs). Null when nothing is
 * receivable: a draft, a void, a paid or written-off invoice, or one without a balance. A written-off invoice that a
 * refund reopened is open again, and ages from its due date like any other.
 */
export function arOpenItemOf(invoice: InvoiceState): ArOpenItem | null {
  if (invoice.status !== 'open' && invoice.status !== 'partially_paid') return null;
  if (invoice.invoiceId === null || invoice.customerId === null || invoice.currency === null || invoice.dueDate === null) {
    throw new Error(`AR aging: issued invoice ${String(invoice.invoiceId)} has no id, customer, currency or due date`);
  }
  if (!Money.of(invoice.balanceDue, invoice.currency).isPositive()) return null;
  return { invoiceId: invoice.invoiceId, customerId: invoice.customerId, dueDate: invoice.dueDate, balanceDue: invoice.balanceDue, currency: invoice.currency };
}

/** The most items one report ages: a bound on the loop. */
export const arAgingItemsMax = 100_000;

const millisecondsPerDay = 86_400_000;

export function agingBucketOf(daysPastDue: number): ArAgingBucket {
  if (!Number.isInteger(daysPastDue)) throw new Error(`agingBucketOf: days past due must be an integer (got ${daysPastDue})`);
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return 'days_1_30';
  if (daysPastDue <= 60) return 'days_31_60';
  if (daysPastDue <= 90) return 'days_61_90';
  return 'days_over_90';
}

/** Calendar days from `dueDate` to `asOf` (negative when not yet due). Exact: both are UTC midnights. */
export function agingDaysPastDue(dueDate: string, asOf: string): number {
  const due = Date.parse(`${requireCalendarDate(dueDate, 'dueDate')}T00:00:00Z`);
  const reportDate = Date.parse(`${requireCalendarDate(asOf, 'asOf')}T00:00:00Z`);
  return Math.round((reportDate - due) / millisecondsPerDay);
}

/**
 * The accounts-receivable aging at `asOf`, a calendar date in the tenant's time zone (the caller turns "now" into it,
 * like every other date of the domain). Items with nothing due are left out; a negative balance is refused (a
 * balance due is never negative: money beyond it is customer credit).
 */
export function arAging(openItems: readonly ArOpenItem[], asOf: string): ArAgingReport {
  return translatingMoneyErrors(() => {
    const reportDate = requireCalendarDate(asOf, 'asOf');
    if (!Array.isArray(openItems)) throw validationFailed('openItems must be a list', { field: 'openItems' });
    if (openItems.length > arAgingItemsMax) {
      throw validationFailed(`At most ${arAgingItemsMax} items are aged at once (got ${openItems.length})`, { field: 'openItems' });
    }
    const items: ArAgingItem[] = [];
    const byCustomer = new Map<string, { customerId: string; currency: string; amounts: Map<ArAgingBucket, Money> }>();
    const byCurrency = new Map<string, Map<ArAgingBucket, Money>>();
    openItems.forEach((item, index) => {
      const field = `openItems[${index}]`;
      const invoiceId = requireRecordedIdentifier(item?.invoiceId, `${field}.invoiceId`);
      const customerId = requireRecordedIdentifier(item.customerId, `${field}.customerId`);
      const dueDate = requireCalendarDate(item.dueDate, `${field}.dueDate`);
      if (typeof item.currency !== 'string' || !isCurrencyCode(item.currency)) {
        throw validationFailed(`${field}.currency must be a supported ISO 4217 currency code (got ${JSON.stringify(item.currency)})`, { field: `${field}.currency` });
      }
      const currency = item.currency;
      const balanceDue = Money.parseComputed(item.balanceDue, currency, `${field}.balanceDue`);
      if (balanceDue.isNegative()) throw validationFailed(`${field}.balanceDue must not be negative (got ${balanceDue.toString()})`, { field: `${field}.balanceDue` });
      if (balanceDue.isZero()) return;
      const days = agingDaysPastDue(dueDate, reportDate);
      const bucket = agingBucketOf(days);
      items.push({ invoiceId, customerId, dueDate, balanceDue: balanceDue.toString(), currency, daysPastDue: days, bucket });
      const customerKey = JSON.stringify([customerId, currency]);
      const customerRow = byCustomer.get(customerKey) ?? { customerId, currency, amounts: new Map<ArAgingBucket, Money>() };
      add(customerRow.amounts, bucket, balanceDue);
      byCustomer.set(customerKey, customerRow);
      const currencyRow = byCurrency.get(currency) ?? new Map<ArAgingBucket, Money>();
      add(currencyRow, bucket, balanceDue);
      byCurrency.set(currency, currencyRow);
    });
    const customers = [...byCustomer.values()]
      .sort((a, b) => compareText(a.customerId, b.customerId) || compareText(a.currency, b.currency))
      .map((row): ArAgingCustomerRow => ({ customerId: row.customerId, ...amountsOf(row.amounts, row.currency) }));
    const totals = [...byCurrency.entries()].sort(([a], [b]) => compareText(a, b)).map(([currency, amounts]) => amountsOf(amounts, currency));
    return { asOf: reportDate, items, customers, totals };
  });
}

function add(amounts: Map<ArAgingBucket, Money>, bucket: ArAgingBucket, amount: Money): void {
  const current = amounts.get(bucket);
  amounts.set(bucket, current === undefined ? amount : current.plus(amount));
}

function amountsOf(amounts: Map<ArAgingBucket, Money>, currency: string): ArAgingAmounts {
  const buckets = Object.fromEntries(
    arAgingBuckets.map((bucket) => [bucket, (amounts.get(bucket) ?? Money.zero(currency)).toString()]),
  ) as Record<ArAgingBucket, string>;
  const total = Money.sum([...amounts.values()], currency);
  return { currency, buckets, total: total.toString() };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
