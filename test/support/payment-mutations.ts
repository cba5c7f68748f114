import type { CommandContext } from '../../libs/application/src/index.js';
import * as handlers from '../../libs/ledger-application/src/index.js';
import { paymentPayload } from '../../apps/api/src/payments/payment.payload.js';
import type { LedgerServices } from '../../apps/api/src/ledger-services.js';
import type { CreatePaymentInput, RefundPaymentInput } from '../../apps/api/src/payments/payment.types.js';

/** The payment mutations as a resolver runs them: the handler, then the payload the API answers with. */
export async function createPayment(services: LedgerServices, context: CommandContext, input: CreatePaymentInput) {
  return paymentPayload(await handlers.createPayment(services, context, input));
}

export async function refundPayment(services: LedgerServices, context: CommandContext, input: RefundPaymentInput) {
  return paymentPayload(await handlers.refundPayment(services, context, input));
}
