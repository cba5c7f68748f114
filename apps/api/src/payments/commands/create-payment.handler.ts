import { DomainError, type PaymentState, type RecordPayment } from '../../../../../libs/billing/src/index.js';
import { uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadPaymentMethod } from '../../payment-methods/payment-method-stream.js';
import { isPayableBy, loadInvoices } from '../allocate-payment.js';
import { requirePaymentAllowed } from '../payment-settings.js';
import type { CreatePaymentInput, PaymentPayloadType } from '../payment.types.js';
import { allocatedOutcome, paymentPayload } from './payment-command.support.js';
import { recordNewPayment } from './record-new-payment.js';

/**
 * Records a payment: ONE append of the reference's stream (ReservePaymentReference, so a gateway notification
 * delivered twice meets the first) and the payment's stream (RecordPayment). The same reference and amount again is
 * acknowledged with the payment already recorded (`duplicate: true`, nothing appended); the same reference with
 * another amount is PAYMENT_REFERENCE_CONFLICT. An offline payment succeeds at once and is allocated right after.
 */
export async function createPayment(services: LedgerServices, context: CommandContext, input: CreatePaymentInput): Promise<PaymentPayloadType> {
  const paymentId = uuidV5(`${context.commandId}:payment`);
  const record: Omit<RecordPayment, 'metadata'> = {
    type: 'RecordPayment',
    data: {
      paymentId,
      customerId: input.customerId,
      amount: input.amount,
      currency: input.currency,
      method: input.method,
      reference: input.reference,
      paymentMethodId: input.paymentMethodId ?? null,
      allocation: input.allocations === null || input.allocations === undefined ? { kind: 'oldest_due_first' } : { kind: 'explicit', invoices: input.allocations },
    },
  };
  const recorded = await recordNewPayment(services, context, paymentId, {
    before: (settings) => {
      requirePaymentAllowed(settings, input.method, input.currency);
      return Promise.resolve(record);
    },
    complete: async (step) => {
      await requireChargeableMethod(services, context.tenantId, step.payment);
      await requireExplicitInvoicesPayable(services, context.tenantId, step.payment);
      return step;
    },
  });
  return paymentPayload(recorded.duplicate ? recorded : await allocatedOutcome(services, context, recorded));
}

/**
 * A method on file named by the payment must be the payer's (NOT_FOUND otherwise, as another customer's is not
 * theirs to see), of the payment's type (VALIDATION_FAILED) and active (PAYMENT_METHOD_INACTIVE).
 */
async function requireChargeableMethod(services: LedgerServices, tenantId: string, payment: PaymentState): Promise<void> {
  if (payment.paymentMethodId === null) return;
  const method = (await loadPaymentMethod(services, tenantId, payment.paymentMethodId)).state;
  const details = { field: 'paymentMethodId', paymentMethodId: payment.paymentMethodId };
  if (method.status === 'none' || method.customerId !== payment.customerId) {
    throw new DomainError('NOT_FOUND', `Customer ${String(payment.customerId)} has no payment method ${payment.paymentMethodId}`, details);
  }
  if (method.type !== payment.method) {
    throw new DomainError('VALIDATION_FAILED', `Payment method ${payment.paymentMethodId} is a ${String(method.type)}, not a ${String(payment.method)}`, details);
  }
  if (method.status !== 'active') {
    throw new DomainError('PAYMENT_METHOD_INACTIVE', `Payment method ${payment.paymentMethodId} is ${method.status}: only an active method can be charged`, { ...details, status: method.status });
  }
}

/**
 * Invoices named by an explicit allocation must exist (NOT_FOUND), be the payer's (VALIDATION_FAILED), in the
 * payment's currency (CURRENCY_MISMATCH) and open (INVOICE_NOT_OPEN) when the payment is recorded. The allocation
 * checks them again when it runs (one may be paid meanwhile: its part then goes to the customer's credit).
 */
async function requireExplicitInvoicesPayable(services: LedgerServices, tenantId: string, payment: PaymentState): Promise<void> {
  const request = payment.allocationRequest;
  if (request?.kind !== 'explicit') return;
  const invoices = await loadInvoices(services.store, tenantId, request.invoices.map((invoice) => invoice.invoiceId));
  invoices.forEach(({ invoiceId, state }, index) => {
    const field = `allocations[${index}].invoiceId`;
    if (state.status === 'none') throw new DomainError('NOT_FOUND', `Invoice ${invoiceId} does not exist`, { field, invoiceId });
    if (state.customerId !== payment.customerId) {
      throw new DomainError('VALIDATION_FAILED', `Invoice ${invoiceId} belongs to another customer than ${String(payment.customerId)}`, { field, invoiceId });
    }
    if (state.currency !== payment.currency) {
      throw new DomainError('CURRENCY_MISMATCH', `Invoice ${invoiceId} is in ${String(state.currency)} but the payment is in ${String(payment.currency)}`, {
        field,
        invoiceId,
        invoiceCurrency: state.currency,
        paymentCurrency: payment.currency,
      });
    }
    if (!isPayableBy(state, payment)) {
      throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoiceId} is ${state.status}: nothing can be paid on it`, { field, invoiceId, status: state.status });
    }
  });
}
