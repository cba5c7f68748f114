import { Money, parseDecimal } from '../../../money/src/index.js';
import { invoiceLimits } from '../invoice/invoice.limits.js';
import { priceLine } from '../invoice/invoice.line-input.js';
import { invoiceTotals } from '../invoice/invoice.totals.js';
import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import {
  optionalIdentifier,
  requireAmountWithinBound,
  requireCurrency,
  requireIdentifier,
  requireOneOf,
  requirePositiveAmount,
  requireText,
  validationFailed,
} from '../common/validation.js';
import {
  creditApplicationTypes,
  creditReasons,
  creditTypes,
  type ApplyCreditNote,
  type CreateCreditNote,
  type CreditNoteCommand,
  type IssueCreditNote,
  type VoidCreditNote,
} from './credit-note.commands.js';
import type { CreditNoteEvent, CreditNoteLine, CreditNoteTaxBreakdownEntry } from './credit-note.events.js';
import { evolveCreditNote, initialCreditNoteState, type CreditNoteLifecycleStatus, type CreditNoteState } from './credit-note.state.js';

/**
 * Limits on one credit note. Lines are priced with the invoice's limits (same precision, same bounds), so a note can
 * credit any line an invoice can carry.
 */
export const creditNoteLimits = {
  linesMax: invoiceLimits.linesMax,
  descriptionLengthMax: invoiceLimits.descriptionLengthMax,
  numberLengthMax: invoiceLimits.numberLengthMax,
  voidReasonLengthMax: invoiceLimits.voidReasonLengthMax,
  /** Applications one note may receive: a bound on the list the state keeps (a real note has a handful). */
  applicationsMax: 1000,
} as const;

/**
 * Lifecycle (docs/domain.md, "Credit notes and customer credit"): draft -> issued -> partially_applied -> applied, and
 * draft | issued -> voided. Once any credit has been applied the note can no longer be voided
 * (CREDIT_NOTE_HAS_APPLICATIONS): an applied part is never silently undone.
 *
 * Order of checks in every command: the metadata, then whether the note exists and is in a state that accepts the
 * command (a repeated applicationId is acknowledged before the state is looked at), then the command's own data,
 * then the rules that relate the data to the state (creditable amount, remaining credit).
 */
export function decideCreditNote(command: CreditNoteCommand, state: CreditNoteState): CreditNoteEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'CreateCreditNote':
        return createCreditNote(command, state);
      case 'IssueCreditNote':
        return issueCreditNote(command, state);
      case 'ApplyCreditNote':
        return applyCreditNote(command, state);
      case 'VoidCreditNote':
        return voidCreditNote(command, state);
      default:
        return assertNever(command, 'credit note command');
    }
  });
}

export const creditNoteDecider: Decider<CreditNoteCommand, CreditNoteEvent, CreditNoteState> = {
  decide: decideCreditNote,
  evolve: evolveCreditNote,
  initialState: initialCreditNoteState,
};

function createCreditNote({ data, metadata }: CreateCreditNote, state: CreditNoteState): CreditNoteEvent[] {
  if (state.status !== 'none') {
    throw new DomainError('ALREADY_EXISTS', `Credit note ${state.creditNoteId} already exists (status ${state.status})`, {
      creditNoteId: state.creditNoteId,
      status: state.status,
    });
  }
  const creditNoteId = requireIdentifier(data?.creditNoteId, 'creditNoteId');
  const customerId = requireIdentifier(data.customerId, 'customerId');
  const currency = requireCurrency(data.currency, 'currency');
  const type = requireOneOf(data.type, 'type', creditTypes);
  const reason = requireOneOf(data.reason, 'reason', creditReasons);
  const lines = priceLines(data.lines, currency);
  const totals = invoiceTotals(lines, currency);
  // Like an invoice's, a note's total stays within the ledger's bound on figures (each line already does).
  requireAmountWithinBound(Money.parseComputed(totals.total, currency), 'total', 'the credit note total');
  if (!Money.of(totals.total, currency).isPositive()) {
    throw validationFailed(`A credit note must credit something: its total is ${totals.total} ${currency}`, { field: 'lines', total: totals.total });
  }
  const sourceInvoiceId = optionalIdentifier(data.sourceInvoiceId, 'sourceInvoiceId');
  let creditableOnSource: string | null = null;
  if (sourceInvoiceId === null) {
    if (data.creditableOnSource !== undefined && data.creditableOnSource !== null) {
      throw validationFailed('creditableOnSource is only meaningful with a sourceInvoiceId', { field: 'creditableOnSource' });
    }
  } else {
    if (data.creditableOnSource === undefined || data.creditableOnSource === null) {
      throw validationFailed(`creditableOnSource is required with sourceInvoiceId ${sourceInvoiceId}: what is still creditable on that invoice`, {
        field: 'creditableOnSource',
      });
    }
    creditableOnSource = requireWithinCreditable(totals.total, data.creditableOnSource, currency, sourceInvoiceId);
  }
  return [
    {
      type: 'CreditNoteDrafted',
      data: {
        creditNoteId,
        customerId,
        type,
        reason,
        lines,
        currency,
        ...totals,
        taxBreakdown: taxBreakdownOfCreditNote(lines, currency),
        sourceInvoiceId,
        creditableOnSource,
        draftedAt: metadata.now,
      },
    },
  ];
}

function issueCreditNote({ data, metadata }: IssueCreditNote, state: CreditNoteState): CreditNoteEvent[] {
  const note = requireExisting(state, data?.creditNoteId);
  if (note.status !== 'draft') {
    throw new DomainError('CREDIT_NOTE_NOT_DRAFT', `Credit note ${note.creditNoteId} is ${note.status}: only a draft can be issued`, {
      creditNoteId: note.creditNoteId,
      status: note.status,
    });
  }
  const number = requireText(data.number, 'number', creditNoteLimits.numberLengthMax);
  // A draft made before the bound existed may hold more: it is refused here rather than issued.
  requireAmountWithinBound(Money.parseComputed(note.total, note.currency), 'total', 'the credit note total');
  if (data.creditableOnSource !== undefined && data.creditableOnSource !== null) {
    if (note.sourceInvoiceId === null) {
      throw validationFailed('creditableOnSource is only meaningful for a credit note with a source invoice', { field: 'creditableOnSource' });
    }
    requireWithinCreditable(note.total, data.creditableOnSource, note.currency, note.sourceInvoiceId);
  }
  return [
    {
      type: 'CreditNoteIssued',
      data: {
        creditNoteId: note.creditNoteId,
        customerId: note.customerId,
        number,
        currency: note.currency,
        subtotal: note.subtotal,
        taxTotal: note.taxTotal,
        total: note.total,
        taxBreakdown: note.taxBreakdown,
        sourceInvoiceId: note.sourceInvoiceId,
        issuedAt: metadata.now,
      },
    },
  ];
}

function applyCreditNote({ data, metadata }: ApplyCreditNote, state: CreditNoteState): CreditNoteEvent[] {
  const note = requireExisting(state, data?.creditNoteId);
  // A re-delivered command (same application) is acknowledged without a second application, even once applied.
  if (note.applications.some((application) => application.applicationId === data.applicationId)) return [];
  switch (note.status) {
    case 'draft':
      throw new DomainError('CREDIT_NOTE_NOT_OPEN', `Credit note ${note.creditNoteId} is a draft: issue it before applying it`, {
        creditNoteId: note.creditNoteId,
        status: note.status,
      });
    case 'voided':
      throw new DomainError('CREDIT_NOTE_NOT_OPEN', `Credit note ${note.creditNoteId} is voided: it grants no credit`, {
        creditNoteId: note.creditNoteId,
        status: note.status,
      });
    case 'issued':
    case 'partially_applied':
    case 'applied':
      break;
    default:
      return assertNever(note.status, 'credit note status');
  }
  const applicationId = requireIdentifier(data.applicationId, 'applicationId');
  const applicationType = requireOneOf(data.applicationType, 'applicationType', creditApplicationTypes);
  const invoiceId = requireApplicationInvoice(applicationType, data.invoiceId);
  const amount = requirePositiveAmount(data.amount, note.currency, 'amount');
  const remaining = Money.of(note.remaining, note.currency);
  if (amount.greaterThan(remaining)) {
    throw new DomainError(
      'AMOUNT_EXCEEDS_REMAINING_CREDIT',
      `Credit note ${note.creditNoteId} has ${remaining.toString()} ${note.currency} of credit remaining: it cannot apply ${amount.toString()}`,
      { creditNoteId: note.creditNoteId, amount: amount.toString(), remaining: remaining.toString() },
    );
  }
  if (note.applications.length >= creditNoteLimits.applicationsMax) {
    throw validationFailed(`Credit note ${note.creditNoteId} already has ${creditNoteLimits.applicationsMax} applications, the most a note may receive`, {
      field: 'applicationId',
    });
  }
  const remainingAfter = remaining.minus(amount);
  return [
    {
      type: 'CreditNoteApplied',
      data: {
        creditNoteId: note.creditNoteId,
        customerId: note.customerId,
        applicationId,
        applicationType,
        invoiceId,
        currency: note.currency,
        amount: amount.toString(),
        remaining: remainingAfter.toString(),
        status: remainingAfter.isZero() ? 'applied' : 'partially_applied',
        appliedAt: metadata.now,
      },
    },
  ];
}

function voidCreditNote({ data, metadata }: VoidCreditNote, state: CreditNoteState): CreditNoteEvent[] {
  const note = requireExisting(state, data?.creditNoteId);
  let statusBefore: 'draft' | 'issued';
  switch (note.status) {
    case 'draft':
    case 'issued':
      statusBefore = note.status;
      break;
    case 'partially_applied':
    case 'applied':
      throw new DomainError(
        'CREDIT_NOTE_HAS_APPLICATIONS',
        `Credit note ${note.creditNoteId} has ${note.amountApplied} ${note.currency} applied: an applied credit is never undone by a void`,
        { creditNoteId: note.creditNoteId, status: note.status, applicationIds: note.applications.map((application) => application.applicationId) },
      );
    case 'voided':
      throw new DomainError('CREDIT_NOTE_NOT_OPEN', `Credit note ${note.creditNoteId} is already voided`, {
        creditNoteId: note.creditNoteId,
        status: note.status,
      });
    default:
      return assertNever(note.status, 'credit note status');
  }
  const reason = requireText(data.reason, 'reason', creditNoteLimits.voidReasonLengthMax);
  return [
    {
      type: 'CreditNoteVoided',
      data: {
        creditNoteId: note.creditNoteId,
        customerId: note.customerId,
        reason,
        statusBefore,
        currency: note.currency,
        subtotal: note.subtotal,
        taxTotal: note.taxTotal,
        total: note.total,
        taxBreakdown: note.taxBreakdown,
        voidedAt: metadata.now,
      },
    },
  ];
}

type ExistingCreditNote = CreditNoteState & {
  status: Exclude<CreditNoteLifecycleStatus, 'none'>;
  creditNoteId: string;
  customerId: string;
  currency: string;
};

function requireExisting(state: CreditNoteState, creditNoteId: unknown): ExistingCreditNote {
  if (state.status === 'none' || state.creditNoteId === null || state.customerId === null || state.currency === null) {
    throw new DomainError('NOT_FOUND', `Credit note ${JSON.stringify(creditNoteId)} does not exist`, { creditNoteId });
  }
  assertDecidedOnOwnStream('credit note', creditNoteId, state.creditNoteId);
  return state as ExistingCreditNote;
}

/** The creditable amount, fixed to the minor unit; AMOUNT_EXCEEDS_CREDITABLE when the note's total is larger. */
function requireWithinCreditable(total: string, creditableInput: unknown, currency: string, sourceInvoiceId: string): string {
  // Computed by the ledger from the source invoice, not typed by a caller: read without the input digit cap.
  const creditable = Money.parseComputed(creditableInput, currency, 'creditableOnSource');
  if (creditable.isNegative()) {
    throw validationFailed(`creditableOnSource must not be negative (got ${creditable.toString()})`, { field: 'creditableOnSource' });
  }
  const noteTotal = Money.of(total, currency);
  if (noteTotal.greaterThan(creditable)) {
    throw new DomainError(
      'AMOUNT_EXCEEDS_CREDITABLE',
      `The credit note's total ${noteTotal.toString()} ${currency} exceeds the ${creditable.toString()} still creditable on invoice ${sourceInvoiceId}`,
      { sourceInvoiceId, total: noteTotal.toString(), creditable: creditable.toString() },
    );
  }
  return creditable.toString();
}

function requireApplicationInvoice(applicationType: (typeof creditApplicationTypes)[number], invoiceId: unknown): string | null {
  switch (applicationType) {
    case 'invoice':
      return requireIdentifier(invoiceId, 'invoiceId');
    case 'customer_account':
    case 'refund':
      if (invoiceId !== undefined && invoiceId !== null) {
        throw validationFailed(`invoiceId is only for applications to an invoice, not for applicationType ${applicationType}`, { field: 'invoiceId' });
      }
      return null;
    default:
      return assertNever(applicationType, 'credit application type');
  }
}

function priceLines(input: unknown, currency: string): CreditNoteLine[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw validationFailed('lines must be a list of at least one line: a credit note credits something', { field: 'lines' });
  }
  if (input.length > creditNoteLimits.linesMax) {
    throw validationFailed(`A credit note has at most ${creditNoteLimits.linesMax} lines (got ${input.length})`, { field: 'lines', count: input.length });
  }
  const lines: CreditNoteLine[] = [];
  input.forEach((value: unknown, index) => {
    const line = priceLine(value, `lines[${index}]`, currency, 'the note itself is the credit');
    if (lines.some((other) => other.lineId === line.lineId)) {
      throw validationFailed(`lines[${index}].lineId ${JSON.stringify(line.lineId)} is already used by another line of this credit note`, {
        field: `lines[${index}].lineId`,
        lineId: line.lineId,
      });
    }
    lines.push(line);
  });
  return lines;
}

/**
 * The note's tax by rate, in the order rates first appear on the lines; "20" and "20.00" are one rate. Lines without
 * a rate are in no entry, so the entries' taxes add up to the tax total (each untaxed line has a zero tax).
 */
export function taxBreakdownOfCreditNote(lines: readonly CreditNoteLine[], currency: string): CreditNoteTaxBreakdownEntry[] {
  const groups = new Map<string, { rate: string; taxable: Money; tax: Money }>();
  for (const line of lines) {
    if (line.taxRate === null) continue;
    const rate = parseDecimal(line.taxRate, 'taxRate').toFixed();
    const group = groups.get(rate) ?? { rate, taxable: Money.zero(currency), tax: Money.zero(currency) };
    group.taxable = group.taxable.plus(Money.of(line.amount, currency));
    group.tax = group.tax.plus(Money.of(line.taxAmount, currency));
    groups.set(rate, group);
  }
  return [...groups.values()].map(({ rate, taxable, tax }) => ({ rate, name: `${rate}%`, taxableAmount: taxable.toString(), taxAmount: tax.toString() }));
}
