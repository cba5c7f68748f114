import { requireAcceptablePayment, requirePaymentAllowed, type RecordPayment } from '../../../billing/src/index.js';
import { load, aggregates, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadInvoices } from './allocate-payment.js';
import type { CreatePaymentCommandInput } from './payment.inputs.js';
import { allocatedOutcome, type PaymentOutcome } from './payment-outcome.js';
import { recordNewPayment } from './record-new-payment.js';
import { resolvePaymentBankAccount } from './payment-bank-account.js';

/**
 * Records a payment: ONE append of the reference's stream (ReservePaymentReference, so a gateway notification
 * delivered twice meets the first) and the payment's stream (RecordPayment). The same reference and amount again is
 * acknowledged with the payment already recorded (`duplicate: true`, nothing appended); the same reference with
 * another amount is PAYMENT_REFERENCE_CONFLICT. Before that, the settings must allow the payment
 * (requirePaymentAllowed), and the method on file and the invoices it names must be able to take it
 * (requireAcceptablePayment). An offline payment succeeds at once and is allocated right after.
 */
export async function createPayment(services: ApplicationServices, context: CommandContext, input: CreatePaymentCommandInput): Promise<PaymentOutcome> {
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
    before: async (settings) => {
      requirePaymentAllowed(settings, input.method, input.currency);
      // The bank account it was deposited to: the one named (NOT_FOUND, or VALIDATION_FAILED in another currency) or the currency's default.
      const bankAccountId = await resolvePaymentBankAccount(services, context.tenantId, input.bankAccountId, input.currency);
      return { ...record, data: { ...record.data, bankAccountId } };
    },
    complete: async (step) => {
      const { paymentMethodId, allocationRequest } = step.payment;
      const [paymentMethod, invoices] = await Promise.all([
        paymentMethodId === null ? null : load(services.store, aggregates.paymentMethod, context.tenantId, paymentMethodId).then((method) => method.state),
        loadInvoices(services.store, context.tenantId, allocationRequest?.kind === 'explicit' ? allocationRequest.invoices.map((invoice) => invoice.invoiceId) : []),
      ]);
      requireAcceptablePayment({ payment: step.payment, paymentMethod, invoices });
      return step;
    },
  });
  return recorded.duplicate ? recorded : allocatedOutcome(services, context, recorded);
}
