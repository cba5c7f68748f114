import { Money } from '../../../money/src/index.js';
import { convert } from '../exchange-rate/exchange-rate.lookup.js';
import { assertNever } from '../shared/assert-never.js';
import { addDaysToCalendarDate, compareCalendarDates, requireCalendarDate, requireInstant } from '../shared/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../shared/decider.js';
import { DomainError, translatingMoneyErrors } from '../shared/domain-error.js';
import {
  requireAmountWithinBound,
  requireCurrency,
  requireIdentifier,
  requireIntegerInRange,
  requireOneOf,
  requirePositiveAmount,
  requireText,
  validationFailed,
} from '../shared/validation.js';
import {
  paymentMethodTypes,
  type AddInvoiceLine,
  type ApplyCreditToInvoice,
  type ApplyPaymentToInvoice,
  type CreateInvoice,
  type InvoiceCommand,
  type InvoiceCommandContext,
  type InvoiceSettingsContext,
  type IssueInvoice,
  type PaymentMethodType,
  type RecordInvoicePayment,
  type RefundInvoicePayment,
  type RegisterCreditNote,
  type ReleaseCreditNote,
  type RemoveInvoiceLine,
  type VoidInvoice,
  type WriteOffInvoice,
} from './invoice.commands.js';
import { invoiceCreditSources, type InvoiceEvent, type InvoiceIssued, type InvoiceLine, type InvoiceTaxCalculated } from './invoice.events.js';
import { invoiceLimits } from './invoice.limits.js';
import { priceLine } from './invoice.line-input.js';
import {
  defaultPaymentTermsDays,
  evolveInvoice,
  initialInvoiceState,
  invoiceBalanceOf,
  type InvoiceLifecycleStatus,
  type InvoiceState,
} from './invoice.state.js';
import { lineTaxFiguresOf, priceInvoiceLines, pricedInvoiceTotals, sameTaxFigures, taxBreakdownOf, unknownCustomer } from './invoice.tax.js';

export { invoiceLimits } from './invoice.limits.js';


/**
 * Order of checks in every command: the metadata, then whether the settings allow the command at all (a feature
 * turned off), then whether the invoice exists and is in a state that accepts the command, then the command's own
 * data, then rules that relate the data to the state and the settings.
 *
 * Settings and customer data arrive inside the commands (InvoiceSettingsContext); a command without them is decided
 * as before settings existed. Commands that change the lines (create, add, remove) and IssueInvoice re-price the
 * lines with the settings they carry and emit InvoiceTaxCalculated when the tax figures change.
 */
export function decideInvoice(command: InvoiceCommand, state: InvoiceState): InvoiceEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'CreateInvoice':
        return createInvoice(command, state);
      case 'AddInvoiceLine':
        return addInvoiceLine(command, state);
      case 'RemoveInvoiceLine':
        return removeInvoiceLine(command, state);
      case 'IssueInvoice':
        return issueInvoice(command, state);
      case 'RecordInvoicePayment':
        return recordInvoicePayment(command, state);
      case 'VoidInvoice':
        return voidInvoice(command, state);
      case 'ApplyPaymentToInvoice':
        return applyPaymentToInvoice(command, state);
      case 'ApplyCreditToInvoice':
        return applyCreditToInvoice(command, state);
      case 'RefundInvoicePayment':
        return refundInvoicePayment(command, state);
      case 'WriteOffInvoice':
        return writeOffInvoice(command, state);
      case 'RegisterCreditNote':
        return registerCreditNote(command, state);
      case 'ReleaseCreditNote':
        return releaseCreditNote(command, state);
      default:
        return assertNever(command, 'invoice command');
    }
  });
}

export const invoiceDecider: Decider<InvoiceCommand, InvoiceEvent, InvoiceState> = {
  decide: decideInvoice,
  evolve: evolveInvoice,
  initialState: initialInvoiceState,
};

function createInvoice({ data, metadata }: CreateInvoice, state: InvoiceState): InvoiceEvent[] {
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

function addInvoiceLine({ data, metadata }: AddInvoiceLine, state: InvoiceState): InvoiceEvent[] {
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

function removeInvoiceLine({ data, metadata }: RemoveInvoiceLine, state: InvoiceState): InvoiceEvent[] {
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

function issueInvoice({ data, metadata }: IssueInvoice, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'invoicing');
  const draft = requireDraft(state, data.invoiceId, 'be issued');
  const number = requireText(data.number, 'number', invoiceLimits.numberLengthMax);
  const issueDate = requireCalendarDate(data.issueDate, 'issueDate');
  if (draft.lines.length === 0) {
    throw validationFailed(`Invoice ${draft.invoiceId} has no lines: add at least one line before issuing it`, {
      field: 'lines',
    });
  }
  let dueDate: string;
  if (draft.dueDate !== null) {
    if (compareCalendarDates(draft.dueDate, issueDate) < 0) {
      throw validationFailed(`dueDate ${draft.dueDate} is before issueDate ${issueDate}: an invoice cannot fall due before it is issued`, {
        field: 'dueDate',
        dueDate: draft.dueDate,
        issueDate,
      });
    }
    dueDate = draft.dueDate;
  } else {
    dueDate = addDaysToCalendarDate(issueDate, draft.paymentTermsDays, 'dueDate');
  }
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
          }),
    },
  };
  return [...taxEvents, issued];
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

function recordInvoicePayment({ data, metadata }: RecordInvoicePayment, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'payments');
  const invoice = requireExisting(state, data.invoiceId);
  // A re-delivered command (same payment) is acknowledged without a second record, even once the invoice is paid.
  if (state.paymentIds.includes(data.paymentId)) return [];
  switch (invoice.status) {
    case 'draft':
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is a draft: issue it before recording payments`, {
        invoiceId: invoice.invoiceId,
        status: invoice.status,
      });
    case 'void':
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is void: it takes no payments`, {
        invoiceId: invoice.invoiceId,
        status: invoice.status,
      });
    case 'paid':
      throw new DomainError(
        'INVOICE_NOT_OPEN',
        `Invoice ${invoice.invoiceId} is paid: nothing is due on it; record the extra payment to the customer's account instead`,
        { invoiceId: invoice.invoiceId, status: invoice.status },
      );
    case 'written_off':
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is written off: it takes no payments`, {
        invoiceId: invoice.invoiceId,
        status: invoice.status,
      });
    case 'open':
    case 'partially_paid':
      break;
    default:
      return assertNever(invoice.status, 'invoice status');
  }
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const method = requireOneOf(data.method, 'method', paymentMethodTypes);
  requireEnabledPaymentMethod(method, data.settings);
  const reference = requireText(data.reference, 'reference', invoiceLimits.paymentReferenceLengthMax);
  const currency = requireCurrency(data.currency, 'currency');
  if (currency !== invoice.currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `Payment ${paymentId} is in ${currency} but invoice ${invoice.invoiceId} is in ${invoice.currency}`,
      { invoiceId: invoice.invoiceId, paymentId, paymentCurrency: currency, invoiceCurrency: invoice.currency },
    );
  }
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const balanceDue = Money.of(invoice.balanceDue, currency);
  const applied = Money.min(amount, balanceDue);
  return [
    {
      type: 'InvoicePaymentRecorded',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        paymentId,
        method,
        reference,
        currency,
        amount: amount.toString(),
        appliedAmount: applied.toString(),
        excessAmount: amount.minus(applied).toString(),
        balanceDueAfter: balanceDue.minus(applied).toString(),
        recordedAt: metadata.now,
      },
    },
  ];
}

/**
 * Void is allowed while nothing has been paid: from draft, from open, and from a zero-total invoice that became
 * paid at issue without any payment (nothing was paid or credited, DOMAIN.md). Anything paid must be credited.
 */
function voidInvoice({ data, metadata }: VoidInvoice, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'invoicing');
  const invoice = requireExisting(state, data.invoiceId);
  if (invoice.status === 'void') {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is already void`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
    });
  }
  if (invoice.status === 'written_off') {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is written off: it cannot be voided`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
    });
  }
  if (invoice.paymentApplications.length > 0) {
    throw new DomainError(
      'INVOICE_HAS_PAYMENTS',
      `Invoice ${invoice.invoiceId} has ${invoice.paymentApplications.length} payment(s) applied: it cannot be voided; issue a credit note instead`,
      { invoiceId: invoice.invoiceId, paymentIds: invoice.paymentIds },
    );
  }
  if (invoice.creditApplications.length > 0 || invoice.creditNotes.length > 0) {
    throw new DomainError(
      'INVOICE_HAS_PAYMENTS',
      `Invoice ${invoice.invoiceId} has been credited (${invoice.creditApplications.length} credit application(s), ${invoice.creditNotes.length} credit note(s)): it cannot be voided`,
      {
        invoiceId: invoice.invoiceId,
        applicationIds: invoice.creditApplications.map((application) => application.applicationId),
        creditNoteIds: invoice.creditNotes.map((note) => note.creditNoteId),
      },
    );
  }
  const reason = requireText(data.reason, 'reason', invoiceLimits.voidReasonLengthMax);
  return [{ type: 'InvoiceVoided', data: { invoiceId: invoice.invoiceId, reason, voidedAt: metadata.now } }];
}

/**
 * Applies part of a succeeded payment (the payment allocator's split). One application per payment: the same
 * payment and amount again is a redelivery (acknowledged, even once the invoice is paid); another amount is refused.
 * The payment's method, reference and whole amount travel along so that the invoice lists the payment (its
 * excess, paymentAmount - amount, is what went to other invoices or to the customer's credit).
 */
function applyPaymentToInvoice({ data, metadata }: ApplyPaymentToInvoice, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireExisting(state, data?.invoiceId);
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const currency = requireMatchingCurrency(invoice, data.currency, `Payment ${paymentId}`);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const method = requireOneOf(data.method, 'method', paymentMethodTypes);
  const reference = requireText(data.reference, 'reference', invoiceLimits.paymentReferenceLengthMax);
  const paymentAmount = Money.parse(data.paymentAmount, currency, 'paymentAmount');
  if (paymentAmount.lessThan(amount)) {
    throw validationFailed(`paymentAmount ${paymentAmount.toString()} is less than the ${amount.toString()} applied from it`, { field: 'paymentAmount' });
  }
  const earlier = invoice.paymentApplications.find((application) => application.paymentId === paymentId);
  if (earlier !== undefined) {
    if (earlier.appliedAmount === amount.toString()) return [];
    throw new DomainError(
      'ALREADY_EXISTS',
      `Payment ${paymentId} was already applied to invoice ${invoice.invoiceId} with ${earlier.appliedAmount} ${currency}, not ${amount.toString()}`,
      { invoiceId: invoice.invoiceId, paymentId, appliedAmount: earlier.appliedAmount, amount: amount.toString() },
    );
  }
  requireOpenForMoney(invoice, 'take payments');
  const balanceDue = requireWithinBalance(invoice, amount, `Payment ${paymentId}`);
  return [
    {
      type: 'InvoicePaymentApplied',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        paymentId,
        method,
        reference,
        currency,
        amount: amount.toString(),
        paymentAmount: paymentAmount.toString(),
        balanceDueAfter: balanceDue.minus(amount).toString(),
        appliedAt: metadata.now,
      },
    },
  ];
}

/** Applies credit from a credit note or the customer's credit balance; never more than the balance due. */
function applyCreditToInvoice({ data, metadata }: ApplyCreditToInvoice, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireExisting(state, data?.invoiceId);
  const applicationId = requireIdentifier(data.applicationId, 'applicationId');
  const source = requireOneOf(data.source, 'source', invoiceCreditSources);
  const sourceId = requireIdentifier(data.sourceId, 'sourceId');
  const currency = requireMatchingCurrency(invoice, data.currency, `Credit application ${applicationId}`);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const earlier = invoice.creditApplications.find((application) => application.applicationId === applicationId);
  if (earlier !== undefined) {
    if (earlier.amount === amount.toString() && earlier.source === source && earlier.sourceId === sourceId) return [];
    throw new DomainError(
      'ALREADY_EXISTS',
      `Credit application ${applicationId} was already made on invoice ${invoice.invoiceId} with ${earlier.amount} ${currency} from ${earlier.source} ${earlier.sourceId}`,
      { invoiceId: invoice.invoiceId, applicationId, appliedAmount: earlier.amount, amount: amount.toString() },
    );
  }
  requireOpenForMoney(invoice, 'take credit');
  const balanceDue = requireWithinBalance(invoice, amount, `Credit application ${applicationId}`);
  return [
    {
      type: 'InvoiceCreditApplied',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        applicationId,
        source,
        sourceId,
        currency,
        amount: amount.toString(),
        balanceDueAfter: balanceDue.minus(amount).toString(),
        appliedAt: metadata.now,
      },
    },
  ];
}

/**
 * A refund of a payment applied here reopens the balance by its part (DOMAIN.md), whatever the invoice's status once
 * issued: a paid or written-off invoice owes that part again. Never more than the payment applied here less what
 * earlier refunds reopened.
 */
function refundInvoicePayment({ data, metadata }: RefundInvoicePayment, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireExisting(state, data?.invoiceId);
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const refundId = requireIdentifier(data.refundId, 'refundId');
  const currency = requireMatchingCurrency(invoice, data.currency, `Refund ${refundId}`);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const earlier = invoice.refunds.find((refund) => refund.refundId === refundId);
  if (earlier !== undefined) {
    if (earlier.amount === amount.toString() && earlier.paymentId === paymentId) return [];
    throw new DomainError(
      'ALREADY_EXISTS',
      `Refund ${refundId} already reopened ${earlier.amount} ${currency} of payment ${earlier.paymentId} on invoice ${invoice.invoiceId}`,
      { invoiceId: invoice.invoiceId, refundId, paymentId: earlier.paymentId, reopenedAmount: earlier.amount, amount: amount.toString() },
    );
  }
  requireIssued(invoice, 'no payment was applied to it, so none can be refunded');
  const refundable = refundableOnInvoice(invoice, paymentId);
  if (amount.greaterThan(refundable)) {
    throw new DomainError(
      'AMOUNT_EXCEEDS_REFUNDABLE',
      `Refund ${refundId} would reopen ${amount.toString()} ${currency} of payment ${paymentId} on invoice ${invoice.invoiceId}, but only ${refundable.toString()} ${currency} of it is applied there and not yet refunded`,
      { invoiceId: invoice.invoiceId, paymentId, refundId, amount: amount.toString(), refundable: refundable.toString() },
    );
  }
  return [
    {
      type: 'InvoicePaymentRefunded',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        paymentId,
        refundId,
        currency,
        amount: amount.toString(),
        balanceDueAfter: invoiceBalanceOf(invoice).plus(amount).toString(),
        refundedAt: metadata.now,
      },
    },
  ];
}

/** What a refund of `paymentId` may still reopen here: what it applied less what earlier refunds reopened. */
function refundableOnInvoice(invoice: ExistingInvoice, paymentId: string): Money {
  const money = (amount: string): Money => Money.of(amount, invoice.currency);
  return Money.sum(
    invoice.paymentApplications
      .filter((application) => application.paymentId === paymentId)
      .map((application) => money(application.appliedAmount).minus(money(application.reopenedAmount))),
    invoice.currency,
  );
}

/** Writes off the whole balance due of an issued invoice that still has one. */
function writeOffInvoice({ data, metadata }: WriteOffInvoice, state: InvoiceState): InvoiceEvent[] {
  requireFeature(data?.settings, 'invoicing');
  const invoice = requireExisting(state, data.invoiceId);
  if (invoice.status === 'draft' || invoice.status === 'void' || invoice.status === 'written_off') {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is ${invoice.status === 'written_off' ? 'already written off' : invoice.status}: only an issued invoice with a balance due can be written off`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
    });
  }
  const reason = requireText(data.reason, 'reason', invoiceLimits.voidReasonLengthMax);
  const balanceDue = invoiceBalanceOf(invoice);
  if (!balanceDue.isPositive()) {
    throw new DomainError('INVOICE_NOT_WRITABLE_OFF', `Invoice ${invoice.invoiceId} is ${invoice.status} with nothing due: there is nothing to write off`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
      balanceDue: balanceDue.toString(),
    });
  }
  return [
    {
      type: 'InvoiceWrittenOff',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        currency: invoice.currency,
        amount: balanceDue.toString(),
        reason,
        writtenOffAt: metadata.now,
      },
    },
  ];
}

/**
 * A credit note naming this invoice as its source is being issued: it takes its total from what is still creditable
 * (total less earlier notes, plus what voided notes released), so notes never together credit more than the invoice.
 */
function registerCreditNote({ data, metadata }: RegisterCreditNote, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireExisting(state, data?.invoiceId);
  const creditNoteId = requireIdentifier(data.creditNoteId, 'creditNoteId');
  const currency = requireMatchingCurrency(invoice, data.currency, `Credit note ${creditNoteId}`);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const earlier = invoice.creditNotes.find((note) => note.creditNoteId === creditNoteId);
  if (earlier !== undefined) {
    if (earlier.amount === amount.toString()) return [];
    throw new DomainError(
      'ALREADY_EXISTS',
      `Credit note ${creditNoteId} was already registered on invoice ${invoice.invoiceId} for ${earlier.amount} ${currency}, not ${amount.toString()}`,
      { invoiceId: invoice.invoiceId, creditNoteId, registeredAmount: earlier.amount, amount: amount.toString() },
    );
  }
  requireIssued(invoice, 'only an issued invoice can be credited');
  const creditable = Money.of(invoice.creditableAmount, currency);
  if (amount.greaterThan(creditable)) {
    throw new DomainError(
      'AMOUNT_EXCEEDS_CREDITABLE',
      `Credit note ${creditNoteId} of ${amount.toString()} ${currency} exceeds the ${creditable.toString()} ${currency} still creditable on invoice ${invoice.invoiceId}`,
      { invoiceId: invoice.invoiceId, creditNoteId, amount: amount.toString(), creditable: creditable.toString() },
    );
  }
  return [
    {
      type: 'InvoiceCreditNoteRegistered',
      data: {
        invoiceId: invoice.invoiceId,
        creditNoteId,
        currency,
        amount: amount.toString(),
        creditableAfter: creditable.minus(amount).toString(),
        registeredAt: metadata.now,
      },
    },
  ];
}

/** An issued note on this invoice was voided: its unapplied part (at most its registered total) is creditable again. */
function releaseCreditNote({ data, metadata }: ReleaseCreditNote, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireExisting(state, data?.invoiceId);
  const creditNoteId = requireIdentifier(data.creditNoteId, 'creditNoteId');
  const currency = requireMatchingCurrency(invoice, data.currency, `Credit note ${creditNoteId}`);
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const note = invoice.creditNotes.find((candidate) => candidate.creditNoteId === creditNoteId);
  if (note === undefined) {
    throw new DomainError('NOT_FOUND', `Credit note ${creditNoteId} was never registered on invoice ${invoice.invoiceId}`, {
      invoiceId: invoice.invoiceId,
      creditNoteId,
    });
  }
  if (note.releasedAmount !== null) {
    if (note.releasedAmount === amount.toString()) return [];
    throw new DomainError(
      'ALREADY_EXISTS',
      `Credit note ${creditNoteId} was already released on invoice ${invoice.invoiceId} for ${note.releasedAmount} ${currency}, not ${amount.toString()}`,
      { invoiceId: invoice.invoiceId, creditNoteId, releasedAmount: note.releasedAmount, amount: amount.toString() },
    );
  }
  if (amount.greaterThan(Money.of(note.amount, currency))) {
    throw validationFailed(`amount ${amount.toString()} is more than the ${note.amount} ${currency} credit note ${creditNoteId} took from invoice ${invoice.invoiceId}`, {
      field: 'amount',
      creditNoteId,
      registeredAmount: note.amount,
    });
  }
  return [
    {
      type: 'InvoiceCreditNoteReleased',
      data: {
        invoiceId: invoice.invoiceId,
        creditNoteId,
        currency,
        amount: amount.toString(),
        creditableAfter: Money.of(invoice.creditableAmount, currency).plus(amount).toString(),
        releasedAt: metadata.now,
      },
    },
  ];
}

/** INVOICE_NOT_OPEN for a draft or a void invoice, saying `why` it must have been issued (and not voided). */
function requireIssued(invoice: ExistingInvoice, why: string): void {
  if (invoice.status === 'draft' || invoice.status === 'void') {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is ${invoice.status}: ${why}`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
    });
  }
}

/** Payments and credit reduce the balance of an open or partially paid invoice only. */
function requireOpenForMoney(invoice: ExistingInvoice, action: string): void {
  switch (invoice.status) {
    case 'open':
    case 'partially_paid':
      return;
    case 'draft':
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is a draft: issue it before it can ${action}`, {
        invoiceId: invoice.invoiceId,
        status: invoice.status,
      });
    case 'void':
    case 'paid':
    case 'written_off':
      throw new DomainError(
        'INVOICE_NOT_OPEN',
        `Invoice ${invoice.invoiceId} is ${invoice.status.replace('_', ' ')}: nothing is due on it, so it cannot ${action}`,
        { invoiceId: invoice.invoiceId, status: invoice.status },
      );
    default:
      return assertNever(invoice.status, 'invoice status');
  }
}

function requireMatchingCurrency(invoice: ExistingInvoice, value: unknown, what: string): string {
  const currency = requireCurrency(value, 'currency');
  if (currency !== invoice.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `${what} is in ${currency} but invoice ${invoice.invoiceId} is in ${invoice.currency}`, {
      invoiceId: invoice.invoiceId,
      currency,
      invoiceCurrency: invoice.currency,
    });
  }
  return currency;
}

/** AMOUNT_EXCEEDS_BALANCE above the balance due; returns the balance due. */
function requireWithinBalance(invoice: ExistingInvoice, amount: Money, what: string): Money {
  const balanceDue = invoiceBalanceOf(invoice);
  if (amount.greaterThan(balanceDue)) {
    throw new DomainError(
      'AMOUNT_EXCEEDS_BALANCE',
      `${what} of ${amount.toString()} ${invoice.currency} exceeds the ${balanceDue.toString()} ${invoice.currency} due on invoice ${invoice.invoiceId}`,
      { invoiceId: invoice.invoiceId, amount: amount.toString(), balanceDue: balanceDue.toString() },
    );
  }
  return balanceDue;
}

const featureNames = { invoicing: 'Invoicing', payments: 'Payments' } as const;

/** FEATURE_DISABLED when the settings turn the feature off; a command without settings is not restricted. */
function requireFeature(settings: InvoiceSettingsContext | undefined, feature: keyof typeof featureNames): void {
  if (settings === undefined) return;
  const enabled = feature === 'invoicing' ? settings.invoicingEnabled : settings.paymentsEnabled;
  if (enabled !== true) {
    throw new DomainError('FEATURE_DISABLED', `${featureNames[feature]} is turned off in this tenant's billing settings (features.${feature})`, { feature });
  }
}

function requireSupportedCurrency(currency: string, settings: InvoiceSettingsContext | undefined): void {
  if (settings === undefined || settings.supportedCurrencies.includes(currency)) return;
  throw new DomainError(
    'CURRENCY_NOT_SUPPORTED',
    `${currency} is not among this tenant's supported currencies (${settings.supportedCurrencies.join(', ')}): add it to payment.supportedCurrencies first`,
    { currency, supportedCurrencies: settings.supportedCurrencies.join(',') },
  );
}

function requireEnabledPaymentMethod(method: PaymentMethodType, settings: InvoiceSettingsContext | undefined): void {
  if (settings === undefined || settings.enabledPaymentMethods.includes(method)) return;
  throw new DomainError(
    'PAYMENT_METHOD_DISABLED',
    `Payment method ${method} is not enabled for this tenant (payment.enabledMethods: ${settings.enabledPaymentMethods.join(', ') || 'none'})`,
    { method },
  );
}

function defaultTermsDays(settings: InvoiceSettingsContext | undefined): number {
  if (settings === undefined) return defaultPaymentTermsDays;
  return requireIntegerInRange(settings.defaultDueDays, 'settings.defaultDueDays', 0, invoiceLimits.paymentTermsDaysMax);
}

/**
 * `events` followed, when the command carries settings and the lines' tax figures under them differ from the figures
 * the invoice has after `events`, by one InvoiceTaxCalculated with the new figures of every line.
 */
function withTaxCalculation(events: InvoiceEvent[], state: InvoiceState, context: InvoiceCommandContext, now: string): InvoiceEvent[] {
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

type ExistingInvoice = InvoiceState & {
  status: Exclude<InvoiceLifecycleStatus, 'none'>;
  invoiceId: string;
  customerId: string;
  currency: string;
};

function requireExisting(state: InvoiceState, invoiceId: unknown): ExistingInvoice {
  if (state.status === 'none' || state.invoiceId === null || state.customerId === null || state.currency === null) {
    throw new DomainError('NOT_FOUND', `Invoice ${JSON.stringify(invoiceId)} does not exist`, { invoiceId });
  }
  assertDecidedOnOwnStream('invoice', invoiceId, state.invoiceId);
  return state as ExistingInvoice;
}

function requireDraft(state: InvoiceState, invoiceId: unknown, action: string): ExistingInvoice {
  const invoice = requireExisting(state, invoiceId);
  if (invoice.status !== 'draft') {
    throw new DomainError(
      'INVOICE_NOT_DRAFT',
      `Invoice ${invoice.invoiceId} is ${invoice.status}: only a draft invoice can ${action}`,
      { invoiceId: invoice.invoiceId, status: invoice.status },
    );
  }
  return invoice;
}

/**
 * `events`, unless the invoice's total after them leaves the ledger's bound on figures (AMOUNT_OUT_OF_RANGE): a line
 * that would push the total over it is refused, so every total, and with it every balance of the invoice, fits.
 * Subtotal and tax total are never above the total (no figure of an invoice is negative).
 */
function withTotalWithinBound(events: InvoiceEvent[], state: InvoiceState): InvoiceEvent[] {
  const after = events.reduce(evolveInvoice, state);
  if (after.currency !== null) requireTotalWithinBound(after.total, after.currency);
  return events;
}

function requireTotalWithinBound(total: string, currency: string): void {
  requireAmountWithinBound(Money.parseComputed(total, currency), 'total', 'the invoice total');
}

function requireNewLineId(lineId: string, lines: readonly InvoiceLine[], field: string): void {
  if (lines.some((line) => line.lineId === lineId)) {
    throw validationFailed(`${field}: lineId ${JSON.stringify(lineId)} is already used by another line of this invoice`, {
      field,
      lineId,
    });
  }
}
