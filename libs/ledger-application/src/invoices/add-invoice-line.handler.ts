import { invoiceSettingsContextOf } from '../../../billing/src/index.js';
import { uuidV5, type CommandContext } from '../../../application/src/index.js';
import { loadInvoiceCustomerContext } from '../common/customer-context.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { AddInvoiceLineCommandInput } from './invoice.inputs.js';
import type { InvoiceOutcome } from '../common/invoice-outcome.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/** Adds a line to a draft; the draft's taxes are re-calculated with the current settings and customer. */
export function addInvoiceLine(services: ApplicationServices, context: CommandContext, input: AddInvoiceLineCommandInput): Promise<InvoiceOutcome> {
  const { line } = input;
  return executeInvoiceCommand(services, context, input.invoiceId, async (state, settings) => ({
    type: 'AddInvoiceLine',
    data: {
      invoiceId: input.invoiceId,
      line: { lineId: uuidV5(`${context.commandId}:line`), description: line.description, quantity: line.quantity, unitPrice: line.unitPrice, taxRate: line.taxRate ?? null },
      settings: invoiceSettingsContextOf(settings),
      ...(state.customerId === null ? {} : { customer: await loadInvoiceCustomerContext(services, context.tenantId, state.customerId) }),
    },
    metadata: { now: context.now },
  }));
}
