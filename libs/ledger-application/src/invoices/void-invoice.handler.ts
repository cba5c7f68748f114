import { invoiceSettingsContextOf } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { InvoiceWithReasonInput } from './invoice.inputs.js';
import type { InvoiceOutcome } from '../common/invoice-outcome.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/** Voids an invoice with nothing paid; an issued one keeps its number (the sequence is not touched). */
export function voidInvoice(services: ApplicationServices, context: CommandContext, input: InvoiceWithReasonInput): Promise<InvoiceOutcome> {
  return executeInvoiceCommand(services, context, input.invoiceId, (_state, settings) => ({
    type: 'VoidInvoice',
    data: { invoiceId: input.invoiceId, reason: input.reason, settings: invoiceSettingsContextOf(settings) },
    metadata: { now: context.now },
  }));
}
