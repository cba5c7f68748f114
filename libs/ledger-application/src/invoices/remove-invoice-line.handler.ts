import { invoiceSettingsContextOf } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import { loadInvoiceCustomerContext } from '../common/customer-context.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { RemoveInvoiceLineCommandInput } from './invoice.inputs.js';
import { invoiceOutcome, type InvoiceOutcome } from '../common/invoice-outcome.js';
import { loadBillingSettings } from '../common/billing-settings.js';

/** Removes a line from a draft; the remaining lines' taxes are re-calculated (per-invoice rounding couples them). */
export function removeInvoiceLine(services: ApplicationServices, context: CommandContext, input: RemoveInvoiceLineCommandInput): Promise<InvoiceOutcome> {
  return executeCommand(services.store, context, aggregates.invoice.on(input.invoiceId, {
    read: () => loadBillingSettings(services, context.tenantId),
    command: async (state, settings) => ({
      type: 'RemoveInvoiceLine',
      data: {
        invoiceId: input.invoiceId,
        lineId: input.lineId,
        settings: invoiceSettingsContextOf(settings),
        ...(state.customerId === null ? {} : { customer: await loadInvoiceCustomerContext(services, context.tenantId, state.customerId) }),
      },
    }),
    result: invoiceOutcome,
  }));
}
