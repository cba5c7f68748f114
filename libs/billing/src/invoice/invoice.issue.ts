import { Money } from '../../../money/src/index.js';
import { convert } from '../exchange-rate/exchange-rate.lookup.js';
import { addDaysToCalendarDate, compareCalendarDates, requireCalendarDate, requireInstant } from '../common/calendar-date.js';
import { requireAmountWithinBound, requireCurrency, requireIntegerInRange, requireList, requireText, validationFailed } from '../common/validation.js';
import { billingSettingsLimits } from '../billing-settings/billing-settings.js';
import { requireTimeZone } from '../tenant-calendar/intl-identifiers.js';
import type { InvoiceSettingsContext, IssueInvoice } from './invoice.commands.js';
import { withTaxCalculation } from './invoice.drafting.js';
import type { InvoiceEvent, InvoiceIssued } from './invoice.events.js';
import { requireDraft, requireFeature, requireTotalWithinBound, type ExistingInvoice } from './invoice.guards.js';
import { invoiceLimits } from './invoice.limits.js';
import { evolveInvoice, type InvoiceState } from './invoice.state.js';
import { pricedInvoiceTotals, taxBreakdownOf } from './invoice.tax.js';

export function issueInvoice({ data, metadata }: IssueInvoice, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'invoicing');
  const draft = requireDraft(state, data.invoiceId, 'be issued');
  const number = requireText(data.number, 'number', invoiceLimits.numberLengthMax);
  const issueDate = requireCalendarDate(data.issueDate, 'issueDate');
  if (draft.lines.length === 0) {
    throw validationFailed(`Invoice ${draft.invoiceId} has no lines: add at least one line before issuing it`, {
      field: 'lines',
    });
  }
  const dueDate = dueDateAtIssue(draft, issueDate);
  // The invoice is taxed with the settings in effect at issue (they may have changed since the last edit), and
  // those figures are frozen. Totals are recomputed from the lines' figures rather than read from the state.
  const taxEvents = withTaxCalculation([], draft, data, metadata.now);
  const priced = taxEvents.reduce(evolveInvoice, draft as InvoiceState);
  const totals = pricedInvoiceTotals(priced.lines, draft.currency);
  requireTotalWithinBound(totals.total, draft.currency);
  const issued: InvoiceIssued = {
    type: 'InvoiceIssued',
    data: {
      invoiceId: draft.invoiceId,
      customerId: draft.customerId,
      number,
      currency: draft.currency,
      issueDate,
      issuedAt: metadata.now,
      dueDate,
      ...totals,
      ...(data.settings === undefined
        ? {}
        : {
            taxBreakdown: taxBreakdownOf(priced.lines, draft.currency),
            ...reportingFigures(data.settings, data.exchangeRate ?? null, draft.currency, totals.total, metadata.now),
            ...collectionCalendar(data.settings),
          }),
    },
  };
  return [...taxEvents, issued];
}

/**
 * The tenant's zone and reminder schedule, recorded on the issued invoice so that its due work (docs/overdue.md) knows
 * the instant each of its days begins without reading the settings. Each only when the settings bring it.
 */
function collectionCalendar(settings: InvoiceSettingsContext): Pick<InvoiceIssued['data'], 'timeZone' | 'reminderScheduleDays'> {
  const calendar: Pick<InvoiceIssued['data'], 'timeZone' | 'reminderScheduleDays'> = {};
  if (settings.timeZone !== undefined) calendar.timeZone = requireTimeZone(settings.timeZone, 'settings.timeZone');
  if (settings.reminderScheduleDays !== undefined) {
    const days = requireList(settings.reminderScheduleDays, 'settings.reminderScheduleDays', billingSettingsLimits.reminderScheduleLengthMax).map((day, index) =>
      requireIntegerInRange(day, `settings.reminderScheduleDays[${index}]`, 1, billingSettingsLimits.reminderDaysMax),
    );
    // Kept as a set, largest first (the order reminders fall due in): the settings refuse duplicates anyway.
    calendar.reminderScheduleDays = [...new Set(days)].sort((a, b) => b - a);
  }
  return calendar;
}

/** The draft's own due date (never before the issue date), or the issue date plus the draft's payment terms. */
function dueDateAtIssue(draft: ExistingInvoice, issueDate: string): string {
  if (draft.dueDate === null) return addDaysToCalendarDate(issueDate, draft.paymentTermsDays, 'dueDate');
  if (compareCalendarDates(draft.dueDate, issueDate) < 0) {
    throw validationFailed(`dueDate ${draft.dueDate} is before issueDate ${issueDate}: an invoice cannot fall due before it is issued`, {
      field: 'dueDate',
      dueDate: draft.dueDate,
      issueDate,
    });
  }
  return draft.dueDate;
}

/**
 * "A document locks the rate it used": the reporting currency is the settings' default currency. An invoice in it
 * needs no rate (its reporting total is its total). An invoice in another currency records the rate the command
 * brings (the one in effect at the issue instant) and its total converted at it, half-up to the reporting
 * currency's minor unit; without a recorded rate it is issued anyway, with neither (reports count it as unconverted).
 */
function reportingFigures(
  settings: InvoiceSettingsContext,
  exchangeRate: IssueInvoice['data']['exchangeRate'],
  currency: string,
  total: string,
  issuedAt: string,
): Pick<InvoiceIssued['data'], 'reportingCurrency' | 'exchangeRate' | 'reportingTotal'> {
  const reportingCurrency = requireCurrency(settings.reportingCurrency, 'settings.reportingCurrency');
  if (reportingCurrency === currency) return { reportingCurrency, exchangeRate: null, reportingTotal: total };
  if (exchangeRate === null || exchangeRate === undefined) return { reportingCurrency, exchangeRate: null, reportingTotal: null };
  if (exchangeRate.base !== currency || exchangeRate.quote !== reportingCurrency) {
    // The application looks the rate up for this pair: another pair here is a bug, not input.
    throw new Error(`issue of a ${currency} invoice reporting in ${reportingCurrency} was given a ${exchangeRate.base}/${exchangeRate.quote} rate`);
  }
  const effectiveAt = requireInstant(exchangeRate.effectiveAt, 'exchangeRate.effectiveAt');
  if (Date.parse(effectiveAt) > Date.parse(issuedAt)) {
    throw validationFailed(`exchangeRate.effectiveAt ${effectiveAt} is after the issue instant ${issuedAt}: a document uses the rate in effect when it is issued`, {
      field: 'exchangeRate.effectiveAt',
    });
  }
  const converted = convert(Money.of(total, currency), exchangeRate, reportingCurrency, 'half_up');
  // The converted total is a figure of the invoice like its total: within the same bound, or the issue is refused.
  requireAmountWithinBound(converted, 'reportingTotal', `the reporting total (${total} ${currency} at the rate ${exchangeRate.rate})`);
  const { base, quote, rate, source, inverted } = exchangeRate;
  return { reportingCurrency, exchangeRate: { base, quote, rate, effectiveAt, source, inverted }, reportingTotal: converted.toString() };
}
