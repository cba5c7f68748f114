import { storedEventData, tenantOfStream } from '../../../application/src/index.js';
import { DomainError, paymentEventSchemas } from '../../../billing/src/index.js';
import type { Projection } from '../../../projection-runtime/src/index.js';
import { allocatePayment, type PaymentAllocationServices } from './allocate-payment.js';

export const PAYMENT_ALLOCATOR_NAME = 'payment_allocator';
export const PAYMENT_ALLOCATOR_ACTOR = 'process-manager:payment-allocator';

export interface PaymentAllocatorOptions {
  /** Another name runs a second, independent pass (tests use it to show that a redelivery allocates nothing). */
  readonly name?: string;
  readonly log?: (message: string) => void;
}

/**
 * The allocation process manager: on every PaymentSucceeded it allocates the payment (allocatePayment), like the
 * receipt issuer a Projection with `sideEffects` (lease, checkpoint per batch, no transaction). The mutations that
 * make a payment succeed allocate it inline too, so that their answer shows the allocation; this one then finds it
 * done. It is what allocates when that inline step did not run (a crash after the append, a read model behind).
 * allocatePayment is idempotent and its event ids derive from the payment, so a redelivery never allocates twice.
 */
export function paymentAllocator(services: PaymentAllocationServices, options: PaymentAllocatorOptions = {}): Projection {
  const log = options.log ?? (() => undefined);
  return {
    name: options.name ?? PAYMENT_ALLOCATOR_NAME,
    version: 1,
    eventTypes: ['PaymentSucceeded'],
    tables: [],
    sideEffects: true,
    createTables: () => Promise.resolve(),
    async apply(_context, recorded) {
      const { paymentId } = storedEventData(paymentEventSchemas.PaymentSucceeded, recorded);
      const tenantId = tenantOfStream(recorded.streamId);
      const correlationId = typeof recorded.metadata.correlationId === 'string' ? recorded.metadata.correlationId : recorded.eventId;
      try {
        const { outcome } = await allocatePayment(services, tenantId, paymentId, { actor: PAYMENT_ALLOCATOR_ACTOR, correlationId, causationId: recorded.eventId });
        if (outcome === 'allocated') log(`payment ${paymentId} of tenant ${tenantId} allocated`);
        // The read model behind: retried (the runner backs off). None at all: retrying would never help, so it is
        // reported and left to the mutations, which allocate inline (or a later run with the read model).
        if (outcome === 'read_model_behind') throw new Error(`payment ${paymentId} of tenant ${tenantId}: the invoices read model has not reached the payment yet`);
        if (outcome === 'read_model_unavailable') log(`payment ${paymentId} of tenant ${tenantId} NOT allocated: oldest-due-first needs the invoices read model, which this process was not given`);
      } catch (error) {
        // A refusal of the domain would be refused again on every retry: report it and go on with the next payment.
        if (!(error instanceof DomainError)) throw error;
        log(`payment ${paymentId} of tenant ${tenantId} NOT allocated: ${error.code}: ${error.message}`);
      }
    },
  };
}
