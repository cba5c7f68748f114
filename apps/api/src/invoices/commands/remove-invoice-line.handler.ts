import { invoiceSettingsContextOf } from '../../../../../libs/billing/src/index.js';
import type { CommandContext } from '../../../../../libs/application/src/index.js';
import { loadInvoiceCustomerContext } from '../../../../../libs/ledger-application/src/shared/customer-context.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { InvoicePayloadType, RemoveInvoiceLineInput } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/** Removes a line from a draft; the remaining lines' taxes are re-calculated (per-invoice rounding couples them). */
export function removeInvoiceLine(services: LedgerServices, context: CommandContext, input: RemoveInvoiceLineInput): Promise<InvoicePayloadType> {
  return executeInvoiceCommand(services, context, input.invoiceId, async (state, settings) => ({
    type: 'RemoveInvoiceLine',
    data: {
      invoiceId: input.invoiceId,
      lineId: input.lineId,
      settings: invoiceSettingsContextOf(settings),
      ...(state.customerId === null ? {} : { customer: await loadInvoiceCustomerContext(services, context.tenantId, state.customerId) }),
    },
    metadata: { now: context.now },
  }));
}
