import { uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { AddInvoiceLineInput, InvoicePayloadType } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

export function addInvoiceLine(services: LedgerServices, context: CommandContext, input: AddInvoiceLineInput): Promise<InvoicePayloadType> {
  const { line } = input;
  return executeInvoiceCommand(services, context, input.invoiceId, {
    type: 'AddInvoiceLine',
    data: { invoiceId: input.invoiceId, line: { lineId: uuidV5(`${context.commandId}:line`), description: line.description, quantity: line.quantity, unitPrice: line.unitPrice, taxRate: line.taxRate ?? null } },
    metadata: { now: context.now },
  });
}
