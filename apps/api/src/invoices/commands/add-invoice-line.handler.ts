import { invoiceSettingsContextOf } from '../../../../../libs/billing/src/index.js';
import { uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import { loadInvoiceCustomerContext } from '../../../../../libs/ledger-application/src/shared/customer-context.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { AddInvoiceLineInput, InvoicePayloadType } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/** Adds a line to a draft; the draft's taxes are re-calculated with the current settings and customer. */
export function addInvoiceLine(services: LedgerServices, context: CommandContext, input: AddInvoiceLineInput): Promise<InvoicePayloadType> {
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
