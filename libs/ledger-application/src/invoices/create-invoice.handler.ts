import { invoiceSettingsContextOf } from '../../../billing/src/index.js';
import { aggregates, executeCommand, uuidV5, type CommandContext } from '../../../application/src/index.js';
import { loadInvoiceCustomerContext } from '../common/customer-context.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { CreateInvoiceCommandInput } from './invoice.inputs.js';
import { invoiceOutcome, type InvoiceOutcome } from '../common/invoice-outcome.js';
import { loadBillingSettings } from '../common/billing-settings.js';

/**
 * Ids derive from the command id, so a retried request (same idempotency key) names the same invoice and lines.
 * The settings decide whether invoicing is on, which currencies are allowed, the currency when none is given
 * (payment.defaultCurrency), the default terms and automatic tax;
 * the customer's exemption and billing address decide which tax rates apply.
 */
export function createInvoice(services: ApplicationServices, context: CommandContext, input: CreateInvoiceCommandInput): Promise<InvoiceOutcome> {
  const invoiceId = uuidV5(`${context.commandId}:invoice`);
  return executeCommand(services.store, context, aggregates.invoice.on(invoiceId, {
    // The customer is read beside the settings and the invoice's own stream: the three reads share one statement.
    read: async () => {
      const [settings, customer] = await Promise.all([loadBillingSettings(services, context.tenantId), loadInvoiceCustomerContext(services, context.tenantId, input.customerId)]);
      return { settings, customer };
    },
    command: (_state, { settings, customer }) => ({
      type: 'CreateInvoice',
      data: {
        invoiceId,
        customerId: input.customerId,
        currency: input.currency ?? settings.payment.defaultCurrency,
        lines: input.lines.map((line, index) => ({ lineId: uuidV5(`${context.commandId}:line:${index}`), description: line.description, quantity: line.quantity, unitPrice: line.unitPrice, taxRate: line.taxRate ?? null })),
        dueDate: input.dueDate ?? null,
        ...(input.paymentTermsDays === null || input.paymentTermsDays === undefined ? {} : { paymentTermsDays: input.paymentTermsDays }),
        settings: invoiceSettingsContextOf(settings),
        customer,
      },
    }),
    result: (state, position, { settings }) => invoiceOutcome(state, position, settings),
  }));
}
