import type { Kysely } from 'kysely';
import type { Projection } from '../../../libs/projection-runtime/src/index.js';
import type { EventStore } from '../../../libs/event-store/src/index.js';
import { receiptIssuer } from './receipts/receipt-issuer.process-manager.js';
import { paymentAllocator } from './payments/payment-allocator.process-manager.js';

/** What every process manager needs: the event store to append commands to, the one clock, a log. */
export interface ProcessManagerServices {
  readonly store: EventStore;
  readonly clock: () => Date;
  readonly log: (message: string) => void;
  /** The read models' database: the payment allocator reads oldest-due-first candidates from the invoices read model. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
}

/**
 * The process managers, run by the projection runner (lease, checkpoint, `sideEffects` mode) wherever the read
 * models run: in the API process (PROJECTIONS=on) or in the projector. One list, so both run the same set. They live
 * in apps/ because they append commands, which projections/ may not do.
 */
export function processManagers(services: ProcessManagerServices): Projection[] {
  return [
    receiptIssuer({ store: services.store, clock: services.clock }, { log: services.log }),
    paymentAllocator({ store: services.store, clock: services.clock, db: services.db }, { log: services.log }),
  ];
}
