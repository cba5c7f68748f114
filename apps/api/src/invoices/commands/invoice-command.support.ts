import {
  decideInvoice,
  evolveInvoice,
  initialInvoiceState,
  invoiceEventSchemas,
  type BillingSettings,
  type InvoiceCommand,
  type InvoiceEvent,
  type InvoiceState,
} from '../../../../../libs/billing/src/index.js';
import { executeWithRetry, loadStream, streams, toEventData, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION, type EventData, type Position } from '../../../../../libs/event-store/src/index.js';
import { parseInvoiceEvent } from '../../../../../projections/invoices/invoices.projection.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettings, tenantTodayIn } from '../../settings/billing-settings.loader.js';
import { invoiceViewFromState } from '../invoice.view.js';
import type { InvoicePayloadType } from '../invoice.types.js';

export const invoiceFolder = { evolve: evolveInvoice, initialState: initialInvoiceState };

export function loadInvoice(services: LedgerServices, context: CommandContext, invoiceId: string) {
  return loadStream(services.store, streams.invoice(context.tenantId, invoiceId), invoiceFolder, parseInvoiceEvent, context.commandId);
}

/** The mutation's answer: the invoice as just decided, with "overdue" judged on today in the tenant's time zone. */
export function invoicePayload(services: LedgerServices, settings: BillingSettings, state: InvoiceState, position: Position | undefined): InvoicePayloadType {
  return { invoice: invoiceViewFromState(state, tenantTodayIn(services, settings)), position: encodePosition(position ?? START_POSITION) };
}

/** Invoice events as stored, each with the schema version of its type (InvoiceDrafted is at 2, for example). */
export function invoiceEventData(events: readonly InvoiceEvent[], context: CommandContext, streamId: string): EventData[] {
  return events.map((event, index) => toEventData(event, context, streamId, index, invoiceEventSchemas[event.type].schemaVersion));
}

/**
 * Load the invoice and the tenant's settings, build the command (settings and customer data go INTO it: the domain
 * reads nothing), decide, append at the revision read; a conflict re-reads everything and re-decides (bounded).
 */
export function executeInvoiceCommand(
  services: LedgerServices,
  context: CommandContext,
  invoiceId: string,
  command: (state: InvoiceState, settings: BillingSettings) => InvoiceCommand | Promise<InvoiceCommand>,
): Promise<InvoicePayloadType> {
  const streamId = streams.invoice(context.tenantId, invoiceId);
  return executeWithRetry(services.store, async () => {
    const [loaded, settings] = await Promise.all([loadInvoice(services, context, invoiceId), loadBillingSettings(services, context.tenantId)]);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => invoicePayload(services, settings, loaded.state, loaded.alreadyAppliedAt) };
    const events = decideInvoice(await command(loaded.state, settings), loaded.state);
    const next = events.reduce(evolveInvoice, loaded.state);
    return {
      appends: [{ streamId, expectedRevision: loaded.expectedRevision, events: invoiceEventData(events, context, streamId) }],
      result: (position) => invoicePayload(services, settings, next, position ?? loaded.lastPosition),
    };
  });
}
