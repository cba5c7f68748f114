import { invoiceSettingsContextOf } from '../../../../../libs/billing/src/index.js';
import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { InvoicePayloadType, WriteOffInvoiceInput } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/** Writes the whole remaining balance of an issued invoice off as uncollectable: the balance becomes 0, status written_off. */
export function writeOffInvoice(services: LedgerServices, context: CommandContext, input: WriteOffInvoiceInput): Promise<InvoicePayloadType> {
  return executeInvoiceCommand(services, context, input.invoiceId, (_state, settings) => ({
    type: 'WriteOffInvoice',
    data: { invoiceId: input.invoiceId, reason: input.reason, settings: invoiceSettingsContextOf(settings) },
    metadata: { now: context.now },
  }));
}
