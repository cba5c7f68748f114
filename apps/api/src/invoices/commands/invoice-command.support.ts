import { decideInvoice, evolveInvoice, initialInvoiceState, type InvoiceCommand, type InvoiceState } from '../../../../../libs/billing/src/index.js';
import { executeWithRetry, loadStream, streams, toEventData, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION, type Position } from '../../../../../libs/event-store/src/index.js';
import { parseInvoiceEvent } from '../../../../../projections/invoices/invoices.projection.js';
import { tenantToday, type LedgerServices } from '../../ledger-services.js';
import { invoiceViewFromState } from '../invoice.view.js';
import type { InvoicePayloadType } from '../invoice.types.js';

export const invoiceFolder = { evolve: evolveInvoice, initialState: initialInvoiceState };

export function loadInvoice(services: LedgerServices, context: CommandContext, invoiceId: string) {
  return loadStream(services.store, streams.invoice(context.tenantId, invoiceId), invoiceFolder, parseInvoiceEvent, context.commandId);
}

export function invoicePayload(services: LedgerServices, state: InvoiceState, position: Position | undefined): InvoicePayloadType {
  return { invoice: invoiceViewFromState(state, tenantToday(services)), position: encodePosition(position ?? START_POSITION) };
}

/** Load the invoice, decide, append at the revision read; a conflict re-reads and re-decides (bounded). */
export function executeInvoiceCommand(services: LedgerServices, context: CommandContext, invoiceId: string, command: InvoiceCommand): Promise<InvoicePayloadType> {
  const streamId = streams.invoice(context.tenantId, invoiceId);
  return executeWithRetry(services.store, async () => {
    const loaded = await loadInvoice(services, context, invoiceId);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => invoicePayload(services, loaded.state, loaded.alreadyAppliedAt) };
    const events = decideInvoice(command, loaded.state);
    const next = events.reduce(evolveInvoice, loaded.state);
    return {
      appends: [{ streamId, expectedRevision: loaded.expectedRevision, events: events.map((event, index) => toEventData(event, context, streamId, index)) }],
      result: (position) => invoicePayload(services, next, position ?? loaded.lastPosition),
    };
  });
}
