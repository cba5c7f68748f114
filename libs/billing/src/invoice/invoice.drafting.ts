import { requireCalendarDate } from '../common/calendar-date.js';
import { DomainError } from '../common/domain-error.js';
import { requireCurrency, requireIdentifier, requireIntegerInRange, validationFailed } from '../common/validation.js';
import type { AddInvoiceLine, CreateInvoice, InvoiceCommandContext, InvoiceSettingsContext, RemoveInvoiceLine } from './invoice.commands.js';
import type { InvoiceEvent, InvoiceLine, InvoiceTaxCalculated } from './invoice.events.js';
import { requireDraft, requireFeature, requireSupportedCurrency, withTotalWithinBound } from './invoice.guards.js';
import { invoiceLimits } from './invoice.limits.js';
import { priceLine } from './invoice.line-input.js';
import { defaultPaymentTermsDays, evolveInvoice, type InvoiceState } from './invoice.state.js';
import { lineTaxFiguresOf, priceInvoiceLines, pricedInvoiceTotals, sameTaxFigures, taxBreakdownOf, unknownCustomer } from './invoice.tax.js';

export function createInvoice({ data, metadata }: CreateInvoice, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'invoicing');
  if (state.status !== 'none') {
    throw new DomainError('ALREADY_EXISTS', `Invoice ${state.invoiceId} already exists (status ${state.status})`, {
      invoiceId: state.invoiceId,
      status: state.status,
    });
  }
  const invoiceId = requireIdentifier(data.invoiceId, 'invoiceId');
  const customerId = requireIdentifier(data.customerId, 'customerId');
  const currency = requireCurrency(data.currency, 'currency');
  requireSupportedCurrency(currency, data.settings);
  if (!Array.isArray(data.lines)) throw validationFailed('lines must be a list (it may be empty)', { field: 'lines' });
  if (data.lines.length > invoiceLimits.linesMax) {
    throw validationFailed(`An invoice has at most ${invoiceLimits.linesMax} lines (got ${data.lines.length})`, {
      field: 'lines',
      count: data.lines.length,
    });
  }
  const lines: InvoiceLine[] = [];
  data.lines.forEach((input: unknown, index) => {
    const line = priceLine(input, `lines[${index}]`, currency);
    requireNewLineId(line.lineId, lines, `lines[${index}].lineId`);
    lines.push(line);
  });
  const dueDate = data.dueDate === undefined || data.dueDate === null ? null : requireCalendarDate(data.dueDate, 'dueDate');
  // The terms are fixed when the draft is made: a later change of the settings' default leaves drafts as they are.
  const paymentTermsDays =
    data.paymentTermsDays === undefined
      ? defaultTermsDays(data.settings)
      : requireIntegerInRange(data.paymentTermsDays, 'paymentTermsDays', 0, invoiceLimits.paymentTermsDaysMax);
  const drafted: InvoiceEvent = {
    type: 'InvoiceDrafted',
    data: { invoiceId, customerId, currency, lines, dueDate, paymentTermsDays, draftedAt: metadata.now },
  };
  return withTotalWithinBound(withTaxCalculation([drafted], state, data, metadata.now), state);
}

export function addInvoiceLine({ data, metadata }: AddInvoiceLine, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'invoicing');
  const draft = requireDraft(state, data.invoiceId, 'add a line');
  if (draft.lines.length >= invoiceLimits.linesMax) {
    throw validationFailed(`Invoice ${draft.invoiceId} already has ${invoiceLimits.linesMax} lines, the most an invoice may hold`, {
      field: 'line',
      count: draft.lines.length,
    });
  }
  const line = priceLine(data.line, 'line', draft.currency);
  requireNewLineId(line.lineId, draft.lines, 'line.lineId');
  return withTotalWithinBound(
    withTaxCalculation([{ type: 'InvoiceLineAdded', data: { invoiceId: draft.invoiceId, line, addedAt: metadata.now } }], state, data, metadata.now),
    state,
  );
}

export function removeInvoiceLine({ data, metadata }: RemoveInvoiceLine, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'invoicing');
  const draft = requireDraft(state, data.invoiceId, 'remove a line');
  const lineId = requireIdentifier(data.lineId, 'lineId');
  if (!draft.lines.some((line) => line.lineId === lineId)) {
    throw new DomainError('NOT_FOUND', `Invoice ${draft.invoiceId} has no line with lineId ${JSON.stringify(lineId)}`, {
      invoiceId: draft.invoiceId,
      lineId,
    });
  }
  return withTaxCalculation([{ type: 'InvoiceLineRemoved', data: { invoiceId: draft.invoiceId, lineId, removedAt: metadata.now } }], state, data, metadata.now);
}

function requireNewLineId(lineId: string, lines: readonly InvoiceLine[], field: string): void {
  if (lines.some((line) => line.lineId === lineId)) {
    throw validationFailed(`${field}: lineId ${JSON.stringify(lineId)} is already used by another line of this invoice`, {
      field,
      lineId,
    });
  }
}

function defaultTermsDays(settings: InvoiceSettingsContext | undefined): number {
  if (settings === undefined) return defaultPaymentTermsDays;
  return requireIntegerInRange(settings.defaultDueDays, 'settings.defaultDueDays', 0, invoiceLimits.paymentTermsDaysMax);
}

/**
 * `events` followed, when the command carries settings and the lines' tax figures under them differ from the figures
 * the invoice has after `events`, by one InvoiceTaxCalculated with the new figures of every line.
 */
export function withTaxCalculation(events: InvoiceEvent[], state: InvoiceState, context: InvoiceCommandContext, now: string): InvoiceEvent[] {
  const { settings } = context;
  if (settings === undefined) return events;
  const after = events.reduce(evolveInvoice, state);
  if (after.currency === null || after.invoiceId === null) throw new Error('invoice invariant broken: tax calculation before InvoiceDrafted');
  const customer = context.customer ?? unknownCustomer;
  const priced = priceInvoiceLines(after.lines, after.currency, settings.tax, customer);
  if (sameTaxFigures(priced, after.lines)) return events;
  const calculated: InvoiceTaxCalculated = {
    type: 'InvoiceTaxCalculated',
    data: {
      invoiceId: after.invoiceId,
      pricesIncludeTax: settings.tax.pricesIncludeTax,
      rounding: settings.tax.rounding,
      taxExempt: customer.taxExempt,
      lines: priced.map(lineTaxFiguresOf),
      breakdown: taxBreakdownOf(priced, after.currency),
      ...pricedInvoiceTotals(priced, after.currency),
      calculatedAt: now,
    },
  };
  return [...events, calculated];
}
