import { DomainError } from '../common/domain-error.js';
import { requireText } from '../common/validation.js';
import type { VoidInvoice } from './invoice.commands.js';
import type { InvoiceEvent } from './invoice.events.js';
import { requireExisting, requireFeature } from './invoice.guards.js';
import { invoiceLimits } from './invoice.limits.js';
import type { InvoiceState } from './invoice.state.js';

/**
 * Void is allowed while nothing has been paid: from draft, from open, and from a zero-total invoice that became
 * paid at issue without any payment (nothing was paid or credited). Anything paid must be credited.
 */
export function voidInvoice({ data, metadata }: VoidInvoice, state: InvoiceState): InvoiceEvent[] {
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
