import type { CommandContext } from '../../libs/application/src/index.js';
import * as handlers from '../../libs/ledger-application/src/index.js';
import { invoicePayload } from '../../apps/api/src/invoices/invoice.payload.js';
import type { LedgerServices } from '../../apps/api/src/ledger-services.js';
import type { CreateInvoiceInput, IssueInvoiceInput } from '../../apps/api/src/invoices/invoice.types.js';

/** The invoice mutations as a resolver runs them: the handler, then the payload the API answers with. */
export async function createInvoice(services: LedgerServices, context: CommandContext, input: CreateInvoiceInput) {
  return invoicePayload(context, await handlers.createInvoice(services, context, input));
}

export async function issueInvoice(services: LedgerServices, context: CommandContext, input: IssueInvoiceInput) {
  return invoicePayload(context, await handlers.issueInvoice(services, context, input));
}
