import type { Projection } from '../../projection-runtime/src/index.js';
import type { ApplicationServices } from './common/application-services.js';
import { receiptIssuer } from './receipts/receipt-issuer.process-manager.js';
import { paymentAllocator } from './payments/payment-allocator.process-manager.js';

/**
 * What every process manager needs: the event store to append commands to, the tenants' clock (a command sent on a
 * tenant's behalf takes the tenant's now: real time or its test clock), a log, and the read models' database (the
 * payment allocator reads oldest-due-first candidates from the invoices read model).
 */
export type ProcessManagerServices = Pick<ApplicationServices, 'store' | 'clock' | 'tenantClock' | 'db'> & { readonly log: (message: string) => void };

/**
 * The process managers, run by the projection runner (lease, checkpoint, `sideEffects` mode) wherever the read
 * models run: in the API process (PROJECTIONS=on) or in the projector. One list, so both run the same set. They live
 * in the application layer (libs/ledger-application), imported by both apps/api and apps/projector, because they
 * append commands, which projections/ may not do.
 */
export function processManagers(services: ProcessManagerServices): Projection[] {
  return [
    receiptIssuer({ store: services.store, clock: services.clock, tenantClock: services.tenantClock }, { log: services.log }),
    paymentAllocator({ store: services.store, clock: services.clock, tenantClock: services.tenantClock, db: services.db }, { log: services.log }),
  ];
}
