import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { InvoicePayloadType, RemoveInvoiceLineInput } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

export function removeInvoiceLine(services: LedgerServices, context: CommandContext, input: RemoveInvoiceLineInput): Promise<InvoicePayloadType> {
  return executeInvoiceCommand(services, context, input.invoiceId, {
    type: 'RemoveInvoiceLine',
    data: { invoiceId: input.invoiceId, lineId: input.lineId },
    metadata: { now: context.now },
  });
}
