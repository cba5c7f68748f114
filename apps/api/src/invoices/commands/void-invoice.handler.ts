import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { InvoicePayloadType, VoidInvoiceInput } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

export function voidInvoice(services: LedgerServices, context: CommandContext, input: VoidInvoiceInput): Promise<InvoicePayloadType> {
  return executeInvoiceCommand(services, context, input.invoiceId, {
    type: 'VoidInvoice',
    data: { invoiceId: input.invoiceId, reason: input.reason },
    metadata: { now: context.now },
  });
}
