import { aggregates, executeCommand, load, type CommandContext } from '../../../application/src/index.js';
import { requireIdentifier, type EmailState } from '../../../billing/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { requestedEmailId } from './email-ids.js';

export interface SendInvoiceInput {
  readonly invoiceId: string;
}

/** The email asked for: its id, its state (requested) and the position of its EmailRequested. */
export interface SendInvoiceOutcome {
  readonly emailId: string;
  readonly state: EmailState;
  readonly position: Position | undefined;
}

/**
 * `sendInvoice`: emails an issued invoice to its customer now, whatever the automatic toggles say (an explicit request).
 * It records EmailRequested on a new email stream whose id derives from the command id, so a retried request (the same
 * idempotency key) is the same email, and a request with a new key, "send again", is another email. The email process
 * manager makes the attempt at once and the retries if it fails; query `invoiceEmails` for the outcome. A draft or a
 * voided invoice is INVOICE_NOT_SENDABLE, an unknown one NOT_FOUND.
 */
export function sendInvoice(services: Pick<ApplicationServices, 'store'>, context: CommandContext, input: SendInvoiceInput): Promise<SendInvoiceOutcome> {
  const invoiceId = requireIdentifier(input.invoiceId, 'invoiceId');
  const emailId = requestedEmailId(context.commandId);
  return executeCommand(
    services.store,
    context,
    aggregates.email.on(emailId, {
      read: () => load(services.store, aggregates.invoice, context.tenantId, invoiceId),
      command: (_state, invoice) => ({
        type: 'RequestInvoiceEmail',
        data: { emailId, invoiceId, invoiceStatus: invoice.state.status, customerId: invoice.state.customerId },
      }),
      result: (state, position) => ({ emailId, state, position }),
    }),
  );
}
