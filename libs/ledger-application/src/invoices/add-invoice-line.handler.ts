import { invoiceSettingsContextOf } from '../../../billing/src/index.js';
import { aggregates, executeCommand, uuidV5, type CommandContext } from '../../../application/src/index.js';
import { loadInvoiceCustomerContext } from '../common/customer-context.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { AddInvoiceLineCommandInput } from './invoice.inputs.js';
import { invoiceOutcome, type InvoiceOutcome } from '../common/invoice-outcome.js';
import { loadBillingSettings } from '../common/billing-settings.js';

/** Adds a line to a draft; the draft's taxes are re-calculated with the current settings and customer. */
export function addInvoiceLine(services: ApplicationServices, context: CommandContext, input: AddInvoiceLineCommandInput): Promise<InvoiceOutcome> {
  const { line } = input;
  return executeCommand(services.store, context, aggregates.invoice.on(input.invoiceId, {
    read: () => loadBillingSettings(services, context.tenantId),
    command: async (state, settings) => ({
      type: 'AddInvoiceLine',
      data: {
        invoiceId: input.invoiceId,
        line: { lineId: uuidV5(`${context.commandId}:line`), description: line.description, quantity: line.quantity, unitPrice: line.unitPrice, taxRate: line.taxRate ?? null },
        settings: invoiceSettingsContextOf(settings),
        ...(state.customerId === null ? {} : { customer: await loadInvoiceCustomerContext(services, context.tenantId, state.customerId) }),
      },
    }),
    result: invoiceOutcome,
  }));
}
