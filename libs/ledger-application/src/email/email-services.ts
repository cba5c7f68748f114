import type { Kysely } from 'kysely';
import type { EventStore } from '../../../event-store/src/index.js';
import type { MailAttachment, MailTransport } from '../../../mail/src/index.js';
import type { TenantTimeSource } from '../common/tenant-time.js';

/**
 * The documents an email attaches, as PDFs (contract 5: libs/ledger-application/src/documents renders them;
 * process-managers.ts wires it in, since a feature folder imports no other feature). undefined: no such document in
 * the tenant.
 */
export interface EmailDocuments {
  invoicePdf(tenantId: string, invoiceId: string): Promise<MailAttachment | undefined>;
  receiptPdf(tenantId: string, receiptId: string): Promise<MailAttachment | undefined>;
}

/**
 * What sending an email needs: the event store (the email's stream, the documents' facts, the settings), the tenants'
 * clock (each attempt is recorded at the tenant's now), the transport and the sender address, and the PDFs.
 */
export interface EmailServices extends TenantTimeSource {
  readonly store: EventStore;
  readonly mail: MailTransport;
  /** LEDGER_MAIL_FROM: the From address (the tenant's company name is shown beside it). */
  readonly mailFrom: string;
  readonly documents: EmailDocuments;
}

/** The email process manager also keeps its starting point (the log's head when it first ran) in the read-model database. */
export interface EmailDeliveryServices extends EmailServices {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
}
