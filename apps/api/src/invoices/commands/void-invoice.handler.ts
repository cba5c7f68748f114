import { invoiceSettingsContextOf } from '../../../../../libs/billing/src/index.js';
import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { InvoicePayloadType, VoidInvoiceInput } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/** Voids an invoice with nothing paid; an issued one keeps its number (the sequence is not touched). */
export function voidInvoice(services: LedgerServices, context: CommandContext, input: VoidInvoiceInput): Promise<InvoicePayloadType> {
  return executeInvoiceCommand(services, context, input.invoiceId, (_state, settings) => ({
    type: 'VoidInvoice',
    data: { invoiceId: input.invoiceId, reason: input.reason, settings: invoiceSettingsContextOf(settings) },
    metadata: { now: context.now },
  }));
}
