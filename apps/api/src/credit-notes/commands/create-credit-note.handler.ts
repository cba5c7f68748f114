import { decideCreditNote, DomainError, evolveCreditNote, type BillingSettings } from '../../../../../libs/billing/src/index.js';
import { isCurrencyCode } from '../../../../../libs/money/src/index.js';
import { executeWithRetry, streams, uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadInvoice } from '../../invoices/commands/invoice-command.support.js';
import type { CreateCreditNoteInput, CreditNotePayloadType } from '../credit-note.types.js';
import { creditableOnInvoice } from './creditable-on-invoice.js';
import { creditNoteEventData, creditNotePayload, loadCreditNoteCommand, requireInvoiceOfCustomer } from './credit-note-command.support.js';

/**
 * A draft credit note. Ids derive from the command id, so a retried request names the same note and lines. With a
 * source invoice (same customer and currency, issued), the note's total is checked against what is still creditable
 * on it now; the check that counts is made again, atomically, when the note is issued (issueCreditNote).
 */
export function createCreditNote(services: LedgerServices, context: CommandContext, input: CreateCreditNoteInput): Promise<CreditNotePayloadType> {
  const creditNoteId = uuidV5(`${context.commandId}:credit-note`);
  const streamId = streams.creditNote(context.tenantId, creditNoteId);
  return executeWithRetry(services.store, async () => {
    const { note, settings, replay } = await loadCreditNoteCommand(services, context, creditNoteId);
    if (replay) return replay;
    requireSupportedCurrency(settings, input.currency);
    const sourceInvoiceId = input.sourceInvoiceId ?? null;
    const creditableOnSource = sourceInvoiceId === null ? null : await creditableOnSourceInvoice(services, context, sourceInvoiceId, input);
    const events = decideCreditNote(
      {
        type: 'CreateCreditNote',
        data: {
          creditNoteId,
          customerId: input.customerId,
          currency: input.currency,
          type: input.type,
          reason: input.reason,
          lines: input.lines.map((line, index) => ({
            lineId: uuidV5(`${context.commandId}:credit-note-line:${index}`),
            description: line.description,
            quantity: line.quantity,
            unitPrice: line.unitPrice,
            taxRate: line.taxRate ?? null,
          })),
          sourceInvoiceId,
          creditableOnSource,
        },
        metadata: { now: context.now },
      },
      note.state,
    );
    return {
      appends: [{ streamId, expectedRevision: note.expectedRevision, events: creditNoteEventData(events, context, streamId) }],
      result: (position) => creditNotePayload(events.reduce(evolveCreditNote, note.state), position),
    };
  });
}

/** A currency the tenant does not bill in is refused like on an invoice (a malformed code is the decider's to refuse). */
function requireSupportedCurrency(settings: BillingSettings, currency: string): void {
  if (!isCurrencyCode(currency) || settings.payment.supportedCurrencies.includes(currency)) return;
  throw new DomainError(
    'CURRENCY_NOT_SUPPORTED',
    `${currency} is not among this tenant's supported currencies (${settings.payment.supportedCurrencies.join(', ')}): add it to payment.supportedCurrencies first`,
    { currency },
  );
}

async function creditableOnSourceInvoice(services: LedgerServices, context: CommandContext, sourceInvoiceId: string, input: CreateCreditNoteInput): Promise<string> {
  const invoice = (await loadInvoice(services, context, sourceInvoiceId)).state;
  requireInvoiceOfCustomer(invoice, sourceInvoiceId, input.customerId, 'sourceInvoiceId');
  if (invoice.currency !== input.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `Invoice ${sourceInvoiceId} is in ${invoice.currency}: a credit note on it must be in the same currency, not ${input.currency}`, {
      invoiceId: sourceInvoiceId,
      expected: invoice.currency,
      actual: input.currency,
    });
  }
  return creditableOnInvoice(invoice, sourceInvoiceId);
}
