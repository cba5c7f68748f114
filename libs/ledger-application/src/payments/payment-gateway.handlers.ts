import { retryPolicyOf } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { MarkPaymentSucceededCommandInput, PaymentIdInput, PaymentWithReasonInput } from './payment.inputs.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { allocatedOutcome, paymentOutcome, type PaymentOutcome } from './payment-outcome.js';

/**
 * What the payment gateway reports, one handler each (pending -> processing -> succeeded | failed, retries, cancel).
 * Notifications delivered again are acknowledged by the decider without a new event.
 */

/** The gateway took the payment: pending -> processing. */
export async function markPaymentProcessing(services: ApplicationServices, context: CommandContext, input: PaymentIdInput): Promise<PaymentOutcome> {
  return executeCommand(services.store, context, aggregates.payment.on(input.paymentId, { command: () => ({ type: 'StartPaymentProcessing', data: { paymentId: input.paymentId } }), result: paymentOutcome }));
}

/** The gateway confirmed the charge; the payment is allocated right away, so the answer shows the split. */
export async function markPaymentSucceeded(services: ApplicationServices, context: CommandContext, input: MarkPaymentSucceededCommandInput): Promise<PaymentOutcome> {
  const outcome = await executeCommand(services.store, context, aggregates.payment.on(input.paymentId, {
    command: () => ({ type: 'MarkPaymentSucceeded', data: { paymentId: input.paymentId, gatewayReference: input.gatewayReference ?? null } }),
    result: paymentOutcome,
  }));
  return allocatedOutcome(services, context, outcome);
}

/**
 * The attempt in flight failed. The retry policy is the settings' at the moment of the failure (payment.retryFailedPayments,
 * maxRetryAttempts, retryIntervalHours; by default 3 retries 24 hours apart): the payment shows its attempt and
 * when the next retry is due.
 */
export async function markPaymentFailed(services: ApplicationServices, context: CommandContext, input: PaymentWithReasonInput): Promise<PaymentOutcome> {
  return executeCommand(services.store, context, aggregates.payment.on(input.paymentId, {
    read: () => loadBillingSettings(services, context.tenantId),
    command: (_state, settings) => ({ type: 'MarkPaymentFailed', data: { paymentId: input.paymentId, reason: input.reason, retryPolicy: retryPolicyOf(settings.payment) } }),
    result: paymentOutcome,
  }));
}

/** Starts the next attempt of a failed payment once it is due (RETRY_NOT_DUE before, RETRIES_EXHAUSTED with none left). */
export async function retryPayment(services: ApplicationServices, context: CommandContext, input: PaymentIdInput): Promise<PaymentOutcome> {
  return executeCommand(services.store, context, aggregates.payment.on(input.paymentId, { command: () => ({ type: 'RetryPayment', data: { paymentId: input.paymentId } }), result: paymentOutcome }));
}

/** Abandons a payment that has not succeeded (pending, processing or failed); stops any retries. */
export async function cancelPayment(services: ApplicationServices, context: CommandContext, input: PaymentWithReasonInput): Promise<PaymentOutcome> {
  return executeCommand(services.store, context, aggregates.payment.on(input.paymentId, { command: () => ({ type: 'CancelPayment', data: { paymentId: input.paymentId, reason: input.reason } }), result: paymentOutcome }));
}
