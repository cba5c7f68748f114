import type { Projection } from '../../projection-runtime/src/index.js';
import type { ApplicationServices } from './common/application-services.js';
import { receiptIssuer } from './receipts/receipt-issuer.process-manager.js';
import { paymentAllocator } from './payments/payment-allocator.process-manager.js';
import { emailDelivery } from './email/email-delivery.process-manager.js';
import type { EmailDeliveryServices } from './email/email-services.js';
import { renderInvoiceDocument, renderReceiptDocument, type RenderedDocument } from './documents/index.js';
import { mailTransportFor, type MailAttachment } from '../../mail/src/index.js';
import { isLedgerLog, ledgerLogFrom, type LedgerConfig } from '../../runtime/src/index.js';
import { webhookDispatcher } from './webhooks/webhook-dispatcher.process-manager.js';
import { webhookServicesOf } from './webhooks/webhook-services.js';

/**
 * What every process manager needs: the event store to append commands to, the tenants' clock (a command sent on a
 * tenant's behalf takes the tenant's now: real time or its test clock), a log, and the read models' database (the
 * payment allocator reads oldest-due-first candidates from the invoices read model).
 */
export type ProcessManagerServices = Pick<ApplicationServices, 'store' | 'clock' | 'tenantClock' | 'db' | 'secrets'> & { readonly log: (message: string) => void } & {
  /** The mail settings (libs/mail): the email process manager sends through SMTP, or the outbox under the data directory. */
  readonly config: Pick<LedgerConfig, 'mail' | 'dataDirectory'>;
};

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
    emailDelivery(emailServicesOf(services), { log: services.log }),
    // Webhooks: the dispatcher hands each event to a lane per endpoint (first attempts); retries are due work (scheduled-work.ts).
    webhookDispatcher(webhookServicesOf(services)),
  ];
}

/** The email process manager's services: one transport per process (mailTransportFor), and the PDFs from documents/. */
function emailServicesOf(services: ProcessManagerServices): EmailDeliveryServices {
  const documentServices = { store: services.store, db: services.db, log: isLedgerLog(services.log) ? services.log : ledgerLogFrom(services.log, { name: 'email' }) };
  const attachment = (document: RenderedDocument | undefined): MailAttachment | undefined =>
    document === undefined ? undefined : { fileName: document.fileName, contentType: document.contentType, content: document.bytes };
  return {
    store: services.store,
    db: services.db,
    clock: services.clock,
    tenantClock: services.tenantClock,
    mail: mailTransportFor(services.config.mail, services.config.dataDirectory),
    mailFrom: services.config.mail.from,
    documents: {
      invoicePdf: async (tenantId: string, invoiceId: string) => attachment(await renderInvoiceDocument(documentServices, tenantId, invoiceId)),
      receiptPdf: async (tenantId: string, receiptId: string) => attachment(await renderReceiptDocument(documentServices, tenantId, receiptId)),
    },
  };
}
