import {
  decideInvoice,
  evolveInvoice,
  type BillingSettings,
  type InvoiceCommand,
  type InvoiceState,
} from '../../../billing/src/index.js';
import { load, aggregates, storedAppend, executeWithRetry, streams, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import type { InvoiceOutcome } from '../common/invoice-outcome.js';

/** The command's outcome: the invoice as just decided, with the settings read (for "today") and the position. */
export function invoiceOutcome(settings: BillingSettings, state: InvoiceState, position: Position | undefined): InvoiceOutcome {
  return { state, settings, position };
}

/**
 * Load the invoice and the tenant's settings, build the command (settings and customer data go INTO it: the domain
 * reads nothing), decide, append at the revision read; a conflict re-reads everything and re-decides (bounded).
 */
export function executeInvoiceCommand(
  services: ApplicationServices,
  context: CommandContext,
  invoiceId: string,
  command: (state: InvoiceState, settings: BillingSettings) => InvoiceCommand | Promise<InvoiceCommand>,
): Promise<InvoiceOutcome> {
  return executeWithRetry(services.store, async () => {
    const [loaded, settings] = await Promise.all([load(services.store, aggregates.invoice, context.tenantId, invoiceId, context.commandId), loadBillingSettings(services, context.tenantId)]);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => invoiceOutcome(settings, loaded.state, loaded.alreadyAppliedAt) };
    const events = decideInvoice(await command(loaded.state, settings), loaded.state);
    const next = events.reduce(evolveInvoice, loaded.state);
    return {
      appends: [storedAppend(context, streams.invoice(context.tenantId, invoiceId), loaded.expectedRevision, events)],
      result: (position) => invoiceOutcome(settings, next, position ?? loaded.lastPosition),
    };
  });
}
