import { tenantOfStream } from '../../../../libs/application/src/index.js';
import { invoiceEventSchemas } from '../../../../libs/billing/src/index.js';
import { Money } from '../../../../libs/money/src/index.js';
import type { RecordedEvent } from '../../../../libs/event-store/src/index.js';
import type { Projection } from '../../../../libs/projection-runtime/src/index.js';
import { isDomainRefusal, issueReceiptForPayment, type ReceiptIssuerServices, type SucceededPayment } from './issue-receipt.handler.js';

export const RECEIPT_ISSUER_NAME = 'receipt_issuer';

/**
 * The event types that mean "a payment succeeded". Today a payment is recorded against an invoice and an offline
 * method succeeds at once, so InvoicePaymentRecorded is the success. When the Payment aggregate arrives, add
 * 'PaymentSucceeded' here and a case in succeededPaymentOf (and stop issuing on InvoicePaymentRecorded for payments
 * that also have a PaymentSucceeded, or the receipt id, derived from the payment id, makes the second one a no-op).
 */
export const paymentSucceededEventTypes = ['InvoicePaymentRecorded'] as const;

export interface ReceiptIssuerOptions {
  /** Another name runs a second, independent pass (tests use it to show that a redelivery issues nothing). */
  readonly name?: string;
  readonly log?: (message: string) => void;
}

/**
 * The receipt process manager. It is a Projection with `sideEffects` so that the runner gives it a lease and a
 * checkpoint, calls it outside any transaction and checkpoints after each event; it writes no read-model rows. Its side effect is a COMMAND
 * appended to the event store, outside that transaction: if the batch then fails, the events are redelivered, and
 * issueReceiptForPayment finds the receipt (its id derives from the payment) and neither issues nor numbers again.
 */
export function receiptIssuer(services: ReceiptIssuerServices, options: ReceiptIssuerOptions = {}): Projection {
  const log = options.log ?? (() => undefined);
  return {
    name: options.name ?? RECEIPT_ISSUER_NAME,
    version: 1,
    eventTypes: paymentSucceededEventTypes,
    tables: [],
    sideEffects: true,
    createTables: () => Promise.resolve(),
    async apply(_context, recorded) {
      const payment = succeededPaymentOf(recorded);
      try {
        const { receiptId, outcome } = await issueReceiptForPayment(services, payment);
        if (outcome === 'issued') log(`receipt ${receiptId} issued for payment ${payment.paymentId} of tenant ${payment.tenantId}`);
      } catch (error) {
        // A receipt the domain refuses would be refused on every retry: report it loudly and go on with the next
        // payment rather than hold back every later receipt. Anything else (the store, the network) is retried.
        if (!isDomainRefusal(error)) throw error;
        log(`receipt for payment ${payment.paymentId} of tenant ${payment.tenantId} NOT issued: ${error.code}: ${error.message}`);
      }
    },
  };
}

function succeededPaymentOf(recorded: RecordedEvent): SucceededPayment {
  const type = recorded.type as (typeof paymentSucceededEventTypes)[number];
  switch (type) {
    case 'InvoicePaymentRecorded': {
      const data = invoiceEventSchemas.InvoicePaymentRecorded.data.parse(recorded.data);
      return {
        tenantId: tenantOfStream(recorded.streamId),
        paymentId: data.paymentId,
        customerId: data.customerId,
        amount: data.amount,
        currency: data.currency,
        method: data.method,
        reference: data.reference,
        succeededAt: data.recordedAt,
        invoicesPaid: !Money.parse(data.appliedAmount, data.currency).isZero() ? [{ invoiceId: data.invoiceId, appliedAmount: data.appliedAmount }] : [],
        eventId: recorded.eventId,
        correlationId: typeof recorded.metadata.correlationId === 'string' ? recorded.metadata.correlationId : recorded.eventId,
      };
    }
    default: {
      const unexpected: never = type;
      throw new Error(`receipt issuer received an event it does not handle: ${String(unexpected)}`);
    }
  }
}
