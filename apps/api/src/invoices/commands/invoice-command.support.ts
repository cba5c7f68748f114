import {
  decideInvoice,
  evolveInvoice,
  invoiceEventSchemas,
  type BillingSettings,
  type InvoiceCommand,
  type InvoiceEvent,
  type InvoiceState,
} from '../../../../../libs/billing/src/index.js';
import { executeWithRetry, streams, toEventData, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION, type AppendRequest, type EventData, type ExpectedRevision, type Position } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettings, tenantTodayIn } from '../../settings/billing-settings.loader.js';
import { loadInvoiceStream } from '../invoice-stream.js';
import { invoiceViewFromState } from '../invoice.view.js';
import type { InvoicePayloadType } from '../invoice.types.js';

export function loadInvoice(services: LedgerServices, context: CommandContext, invoiceId: string) {
  return loadInvoiceStream(services.store, context.tenantId, invoiceId, context.commandId);
}

/** The mutation's answer: the invoice as just decided, with "overdue" judged on today in the tenant's time zone. */
export function invoicePayload(services: LedgerServices, settings: BillingSettings, state: InvoiceState, position: Position | undefined): InvoicePayloadType {
  return { invoice: invoiceViewFromState(state, tenantTodayIn(services, settings)), position: encodePosition(position ?? START_POSITION) };
}

/** Invoice events as stored, each with the schema version of its type (InvoiceDrafted is at 2, for example). */
export function invoiceEventData(events: readonly InvoiceEvent[], context: CommandContext, streamId: string): EventData[] {
  return events.map((event, index) => toEventData(event, context, streamId, index, invoiceEventSchemas[event.type].schemaVersion));
}

/** Invoice events appended to the invoice's stream at the revision read, as one part of a command's append. */
export function invoiceAppend(context: CommandContext, invoiceId: string, expectedRevision: ExpectedRevision, events: readonly InvoiceEvent[]): AppendRequest {
  const streamId = streams.invoice(context.tenantId, invoiceId);
  return { streamId, expectedRevision, events: invoiceEventData(events, context, streamId) };
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
  return executeWithRetry(services.store, async () => {
    const [loaded, settings] = await Promise.all([loadInvoice(services, context, invoiceId), loadBillingSettings(services, context.tenantId)]);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => invoicePayload(services, settings, loaded.state, loaded.alreadyAppliedAt) };
    const events = decideInvoice(await command(loaded.state, settings), loaded.state);
    const next = events.reduce(evolveInvoice, loaded.state);
    return {
      appends: [invoiceAppend(context, invoiceId, loaded.expectedRevision, events)],
      result: (position) => invoicePayload(services, settings, next, position ?? loaded.lastPosition),
    };
  });
}
