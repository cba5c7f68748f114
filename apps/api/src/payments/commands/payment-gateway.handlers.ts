import { retryPolicyOf } from '../../../../../libs/billing/src/index.js';
import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type {
  CancelPaymentInput,
  MarkPaymentFailedInput,
  MarkPaymentProcessingInput,
  MarkPaymentSucceededInput,
  PaymentPayloadType,
  RetryPaymentInput,
} from '../payment.types.js';
import { allocatedOutcome, executePaymentCommand, paymentPayload } from './payment-command.support.js';

/**
 * What the payment gateway reports, one handler each (pending -> processing -> succeeded | failed, retries, cancel).
 * Notifications delivered again are acknowledged by the decider without a new event.
 */

/** The gateway took the payment: pending -> processing. */
export async function markPaymentProcessing(services: LedgerServices, context: CommandContext, input: MarkPaymentProcessingInput): Promise<PaymentPayloadType> {
  return paymentPayload(await executePaymentCommand(services, context, input.paymentId, () => ({ type: 'StartPaymentProcessing', data: { paymentId: input.paymentId } })));
}

/** The gateway confirmed the charge; the payment is allocated right away, so the answer shows the split. */
export async function markPaymentSucceeded(services: LedgerServices, context: CommandContext, input: MarkPaymentSucceededInput): Promise<PaymentPayloadType> {
  const outcome = await executePaymentCommand(services, context, input.paymentId, () => ({
    type: 'MarkPaymentSucceeded',
    data: { paymentId: input.paymentId, gatewayReference: input.gatewayReference ?? null },
  }));
  return paymentPayload(await allocatedOutcome(services, context, outcome));
}

/**
 * The attempt in flight failed. The retry policy is the settings' at the moment of the failure (payment.retryFailedPayments,
 * maxRetryAttempts, retryIntervalHours; by default 3 retries 24 hours apart): the payment shows its attempt and
 * when the next retry is due.
 */
export async function markPaymentFailed(services: LedgerServices, context: CommandContext, input: MarkPaymentFailedInput): Promise<PaymentPayloadType> {
  return paymentPayload(
    await executePaymentCommand(services, context, input.paymentId, (_state, settings) => ({
      type: 'MarkPaymentFailed',
      data: { paymentId: input.paymentId, reason: input.reason, retryPolicy: retryPolicyOf(settings.payment) },
    })),
  );
}

/** Starts the next attempt of a failed payment once it is due (RETRY_NOT_DUE before, RETRIES_EXHAUSTED with none left). */
export async function retryPayment(services: LedgerServices, context: CommandContext, input: RetryPaymentInput): Promise<PaymentPayloadType> {
  return paymentPayload(await executePaymentCommand(services, context, input.paymentId, () => ({ type: 'RetryPayment', data: { paymentId: input.paymentId } })));
}

/** Abandons a payment that has not succeeded (pending, processing or failed); stops any retries. */
export async function cancelPayment(services: LedgerServices, context: CommandContext, input: CancelPaymentInput): Promise<PaymentPayloadType> {
  return paymentPayload(
    await executePaymentCommand(services, context, input.paymentId, () => ({ type: 'CancelPayment', data: { paymentId: input.paymentId, reason: input.reason } })),
  );
}
