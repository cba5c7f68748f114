import { invoiceSettingsContextOf } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { InvoiceWithReasonInput } from './invoice.inputs.js';
import { invoiceOutcome, type InvoiceOutcome } from '../common/invoice-outcome.js';
import { loadBillingSettings } from '../common/billing-settings.js';

/** Writes the whole remaining balance of an issued invoice off as uncollectable: the balance becomes 0, status written_off. */
export function writeOffInvoice(services: ApplicationServices, context: CommandContext, input: InvoiceWithReasonInput): Promise<InvoiceOutcome> {
  return executeCommand(services.store, context, aggregates.invoice.on(input.invoiceId, {
    read: () => loadBillingSettings(services, context.tenantId),
    command: (_state, settings) => ({
      type: 'WriteOffInvoice',
      data: { invoiceId: input.invoiceId, reason: input.reason, settings: invoiceSettingsContextOf(settings) },
    }),
    result: invoiceOutcome,
  }));
}
