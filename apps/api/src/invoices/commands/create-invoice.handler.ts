import { uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { CreateInvoiceInput, InvoicePayloadType } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/** Ids derive from the command id, so a retried request (same idempotency key) names the same invoice and lines. */
export function createInvoice(services: LedgerServices, context: CommandContext, input: CreateInvoiceInput): Promise<InvoicePayloadType> {
  const invoiceId = uuidV5(`${context.commandId}:invoice`);
  return executeInvoiceCommand(services, context, invoiceId, {
    type: 'CreateInvoice',
    data: {
      invoiceId,
      customerId: input.customerId,
      currency: input.currency,
      lines: input.lines.map((line, index) => ({ lineId: uuidV5(`${context.commandId}:line:${index}`), description: line.description, quantity: line.quantity, unitPrice: line.unitPrice, taxRate: line.taxRate ?? null })),
      dueDate: input.dueDate ?? null,
      ...(input.paymentTermsDays === null || input.paymentTermsDays === undefined ? {} : { paymentTermsDays: input.paymentTermsDays }),
    },
    metadata: { now: context.now },
  });
}
