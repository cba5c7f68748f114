import { invoiceSettingsContextOf } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { InvoiceWithReasonInput } from './invoice.inputs.js';
import type { InvoiceOutcome } from '../common/invoice-outcome.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/** Writes the whole remaining balance of an issued invoice off as uncollectable: the balance becomes 0, status written_off. */
export function writeOffInvoice(services: ApplicationServices, context: CommandContext, input: InvoiceWithReasonInput): Promise<InvoiceOutcome> {
  return executeInvoiceCommand(services, context, input.invoiceId, (_state, settings) => ({
    type: 'WriteOffInvoice',
    data: { invoiceId: input.invoiceId, reason: input.reason, settings: invoiceSettingsContextOf(settings) },
    metadata: { now: context.now },
  }));
}
