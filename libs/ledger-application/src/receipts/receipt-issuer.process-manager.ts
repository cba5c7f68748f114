import { load, aggregates, storedEventData, tenantOfStream } from '../../../application/src/index.js';
import { invoiceEventSchemas, paymentEventSchemas } from '../../../billing/src/index.js';
import { Money } from '../../../money/src/index.js';
import type { RecordedEvent } from '../../../event-store/src/index.js';
import type { Projection } from '../../../projection-runtime/src/index.js';
import { isDomainRefusal, issueReceiptForPayment, type ReceiptIssuerServices, type SucceededPayment } from './issue-receipt.js';

export const RECEIPT_ISSUER_NAME = 'receipt_issuer';

/**
 * The event types that mean "a payment succeeded and we know what it paid". A receipt lists the invoices paid, which
 * are known only once the Payment is allocated, so PaymentAllocated is the trigger (the payment's method, reference,
 * amount and success instant are read from its stream). InvoicePaymentRecorded is the older form of a payment,
 * recorded on the invoice itself: the events already stored keep their receipts.
 */
export const paymentSucceededEventTypes = ['InvoicePaymentRecorded', 'PaymentAllocated'] as const;

export interface ReceiptIssuerOptions {
  /** Another name runs a second, independent pass (tests use it to show that a redelivery issues nothing). */
  readonly name?: string;
  readonly log?: (message: string) => void;
}

/**
 * The receipt process manager. It is a Projection with `sideEffects` so that the runner gives it a lease and a
 * checkpoint, calls it outside any transaction and checkpoints once per batch (at the last completed event when stopped); it writes no read-model rows. Its side effect is a COMMAND
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
      const payment = await succeededPaymentOf(services, recorded);
      if (payment === null) return;
      try {
        const { receiptId, outcome } = await issueReceiptForPayment(services, payment);
        if (outcome === 'issued') log(`receipt ${receiptId} issued for payment ${payment.paymentId} of tenant ${payment.tenantId}`);
        if (outcome === 'skipped') log(`no receipt for payment ${payment.paymentId} of tenant ${payment.tenantId}: features.receipts is off`);
      } catch (error) {
        // A receipt the domain refuses would be refused on every retry: report it loudly and go on with the next
        // payment rather than hold back every later receipt. Anything else (the store, the network) is retried.
        if (!isDomainRefusal(error)) throw error;
        log(`receipt for payment ${payment.paymentId} of tenant ${payment.tenantId} NOT issued: ${error.code}: ${error.message}`);
      }
    },
  };
}

async function succeededPaymentOf(services: ReceiptIssuerServices, recorded: RecordedEvent): Promise<SucceededPayment | null> {
  const type = recorded.type as (typeof paymentSucceededEventTypes)[number];
  const correlationId = typeof recorded.metadata.correlationId === 'string' ? recorded.metadata.correlationId : recorded.eventId;
  switch (type) {
    case 'PaymentAllocated': {
      const data = storedEventData(paymentEventSchemas.PaymentAllocated, recorded);
      const tenantId = tenantOfStream(recorded.streamId);
      const payment = (await load(services.store, aggregates.payment, tenantId, data.paymentId)).state;
      // Allocated means succeeded: the allocation is appended only to a succeeded payment's stream.
      if (payment.method === null || payment.succeededAt === null) throw new Error(`payment ${data.paymentId} was allocated but never succeeded`);
      return {
        tenantId,
        paymentId: data.paymentId,
        customerId: data.customerId,
        amount: payment.amount,
        currency: data.currency,
        method: payment.method,
        paymentMethodId: payment.paymentMethodId,
        reference: payment.reference,
        succeededAt: payment.succeededAt,
        invoicesPaid: data.allocations.map((allocation) => ({ invoiceId: allocation.invoiceId, appliedAmount: allocation.amount })),
        eventId: recorded.eventId,
        correlationId,
      };
    }
    case 'InvoicePaymentRecorded': {
      const data = storedEventData(invoiceEventSchemas.InvoicePaymentRecorded, recorded);
      return {
        tenantId: tenantOfStream(recorded.streamId),
        paymentId: data.paymentId,
        customerId: data.customerId,
        amount: data.amount,
        currency: data.currency,
        method: data.method,
        reference: data.reference,
        succeededAt: data.recordedAt,
        invoicesPaid: !Money.parseComputed(data.appliedAmount, data.currency).isZero() ? [{ invoiceId: data.invoiceId, appliedAmount: data.appliedAmount }] : [],
        paymentMethodId: null,
        eventId: recorded.eventId,
        correlationId,
      };
    }
    default: {
      const unexpected: never = type;
      throw new Error(`receipt issuer received an event it does not handle: ${String(unexpected)}`);
    }
  }
}
