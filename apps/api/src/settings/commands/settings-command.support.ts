import {
  decideBillingSettings,
  evolveBillingSettings,
  type BillingSettingsCommand,
  type BillingSettingsState,
} from '../../../../../libs/billing/src/index.js';
import { load, aggregates, executeStreamCommand, streams, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { Position } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';

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
  return executeStreamCommand(services.store, context, {
    streamId: streams.billingSettings(context.tenantId),
    load: () => load(services.store, aggregates.billingSettings, context.tenantId, context.tenantId, context.commandId),
    decide: (state) => decideBillingSettings(commandFor(state), state),
    evolve: evolveBillingSettings,
    result,
  });
}
