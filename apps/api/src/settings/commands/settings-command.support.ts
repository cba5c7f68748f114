import {
  decideBillingSettings,
  evolveBillingSettings,
  initialBillingSettingsState,
  type BillingSettingsCommand,
  type BillingSettingsEvent,
  type BillingSettingsState,
} from '../../../../../libs/billing/src/index.js';
import { executeWithRetry, loadStream, streams, toEventData, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { Position } from '../../../../../libs/event-store/src/index.js';
import { parseBillingSettingsEvent } from '../../../../../projections/billing-settings/billing-settings.events.js';
import type { LedgerServices } from '../../ledger-services.js';

export const billingSettingsFolder = { evolve: evolveBillingSettings, initialState: initialBillingSettingsState };

/** The tenant's settings folded from its stream: commands decide on the settings as they are now, secrets included. */
export function loadBillingSettingsStream(services: LedgerServices, tenantId: string, commandId?: string) {
  return loadStream(services.store, streams.billingSettings(tenantId), billingSettingsFolder, parseBillingSettingsEvent, commandId);
}

/**
 * Load the settings, build the command from them (a section update merges its input into the current section),
 * decide, append at the revision read; a conflict re-reads and re-decides (bounded). `result` gets the state after
 * the command and the position of its events (or of the stream's last event when the command changed nothing).
 */
export function executeBillingSettingsCommand<Result>(
  services: LedgerServices,
  context: CommandContext,
  commandFor: (state: BillingSettingsState) => BillingSettingsCommand,
  result: (state: BillingSettingsState, position: Position | undefined) => Result,
): Promise<Result> {
  const streamId = streams.billingSettings(context.tenantId);
  return executeWithRetry(services.store, async () => {
    const loaded = await loadBillingSettingsStream(services, context.tenantId, context.commandId);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => result(loaded.state, loaded.alreadyAppliedAt) };
    const events: BillingSettingsEvent[] = decideBillingSettings(commandFor(loaded.state), loaded.state);
    const next = events.reduce(evolveBillingSettings, loaded.state);
    return {
      appends: [{ streamId, expectedRevision: loaded.expectedRevision, events: events.map((event, index) => toEventData(event, context, streamId, index)) }],
      result: (position) => result(next, position ?? loaded.lastPosition),
    };
  });
}
