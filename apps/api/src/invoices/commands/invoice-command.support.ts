import {
  decideInvoice,
  evolveInvoice,
  type BillingSettings,
  type InvoiceCommand,
  type InvoiceState,
} from '../../../../../libs/billing/src/index.js';
import { load, aggregates, storedAppend, executeWithRetry, streams, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION, type Position } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettings, tenantTodayIn } from '../../../../../libs/ledger-application/src/shared/billing-settings.js';
import { invoiceViewFromState } from '../invoice.view.js';
import type { InvoicePayloadType } from '../invoice.types.js';

/** The mutation's answer: the invoice as just decided, with "overdue" judged on today in the tenant's time zone. */
export function invoicePayload(services: LedgerServices, settings: BillingSettings, state: InvoiceState, position: Position | undefined): InvoicePayloadType {
  return { invoice: invoiceViewFromState(state, tenantTodayIn(services, settings)), position: encodePosition(position ?? START_POSITION) };
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
    const [loaded, settings] = await Promise.all([load(services.store, aggregates.invoice, context.tenantId, invoiceId, context.commandId), loadBillingSettings(services, context.tenantId)]);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => invoicePayload(services, settings, loaded.state, loaded.alreadyAppliedAt) };
    const events = decideInvoice(await command(loaded.state, settings), loaded.state);
    const next = events.reduce(evolveInvoice, loaded.state);
    return {
      appends: [storedAppend(context, streams.invoice(context.tenantId, invoiceId), loaded.expectedRevision, events)],
      result: (position) => invoicePayload(services, settings, next, position ?? loaded.lastPosition),
    };
  });
}
