import { Money } from '../../../money/src/index.js';
import { DomainError } from '../common/domain-error.js';
import { requireIdentifier, requirePositiveAmount, validationFailed } from '../common/validation.js';
import type { RegisterCreditNote, ReleaseCreditNote } from './invoice.commands.js';
import type { InvoiceEvent } from './invoice.events.js';
import { requireExisting, requireIssued, requireMatchingCurrency } from './invoice.guards.js';
import type { InvoiceState } from './invoice.state.js';

/**
 * A credit note naming this invoice as its source is being issued: it takes its total from what is still creditable
 * (total less earlier notes, plus what voided notes released), so notes never together credit more than the invoice.
 */
export function registerCreditNote({ data, metadata }: RegisterCreditNote, state: InvoiceState): InvoiceEvent[] {
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
export function releaseCreditNote({ data, metadata }: ReleaseCreditNote, state: InvoiceState): InvoiceEvent[] {
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
