import { decideCreditNoteDraft, evolveCreditNote } from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, executeWithRetry, streams, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { CreateCreditNoteCommandInput } from './credit-note.inputs.js';
import { creditNoteOutcome, loadCreditNoteCommand, type CreditNoteOutcome } from './credit-note-command.support.js';

/**
 * A draft credit note. Ids derive from the command id, so a retried request names the same note and lines. With a
 * source invoice (same customer and currency, issued), the note's total is checked against what is still creditable
 * on it now (decideCreditNoteDraft); the check that counts is made again, atomically, when the note is issued
 * (issueCreditNote).
 */
export function createCreditNote(services: ApplicationServices, context: CommandContext, input: CreateCreditNoteCommandInput): Promise<CreditNoteOutcome> {
  const creditNoteId = uuidV5(`${context.commandId}:credit-note`);
  const streamId = streams.creditNote(context.tenantId, creditNoteId);
  const sourceInvoiceId = input.sourceInvoiceId ?? null;
  return executeWithRetry(services.store, async () => {
    const { note, settings, replay } = await loadCreditNoteCommand(services, context, creditNoteId);
    if (replay) return replay;
    const command = {
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
    };
    const sourceInvoice = sourceInvoiceId === null ? null : (await load(services.store, aggregates.invoice, context.tenantId, sourceInvoiceId, context.commandId)).state;
    const events = decideCreditNoteDraft({ settings, note: note.state, sourceInvoice, command, now: context.now });
    return {
      appends: [{ streamId, expectedRevision: note.expectedRevision, events: storedEvents(events, context, streamId) }],
      result: (position) => creditNoteOutcome(events.reduce(evolveCreditNote, note.state), position),
    };
  });
}
