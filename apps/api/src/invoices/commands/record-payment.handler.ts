import { invoiceSettingsContextOf } from '../../../../../libs/billing/src/index.js';
import { uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { InvoicePayloadType, RecordPaymentInput } from '../invoice.types.js';
import { executeInvoiceCommand } from './invoice-command.support.js';

/**
 * Records a payment against one invoice. Concurrent payments race on the invoice's revision: the loser re-reads
 * the balance and decides again, so the balance never goes below zero and the excess becomes customer credit.
 * The settings must have payments on and the method among the enabled ones.
 */
export function recordPayment(services: LedgerServices, context: CommandContext, input: RecordPaymentInput): Promise<InvoicePayloadType> {
  return executeInvoiceCommand(services, context, input.invoiceId, (_state, settings) => ({
    type: 'RecordInvoicePayment',
    data: {
      invoiceId: input.invoiceId,
      paymentId: uuidV5(`${context.commandId}:payment`),
      amount: input.amount,
      currency: input.currency,
      method: input.method,
      reference: input.reference,
      settings: invoiceSettingsContextOf(settings),
    },
    metadata: { now: context.now },
  }));
}
