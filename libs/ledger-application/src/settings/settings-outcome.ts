import {
  decideBillingSettings,
  evolveBillingSettings,
  type BillingSettingsCommand,
  type BillingSettingsState,
} from '../../../billing/src/index.js';
import { load, aggregates, executeStreamCommand, streams, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/** The settings as a command left them (secrets included: the resolver redacts), and the position. */
export interface BillingSettingsOutcome {
  readonly state: BillingSettingsState;
  readonly position: Position | undefined;
}

/** A tax rate command's outcome: the settings after it, and which rate it created or changed. */
export interface TaxRateOutcome extends BillingSettingsOutcome {
  readonly taxRateId: string;
}

/**
 * Load the settings, build the command from them (a section update merges its input into the current section),
 * decide, append at the revision read; a conflict re-reads and re-decides (bounded). The outcome is the state after
 * the command and the position of its events (or of the stream's last event when the command changed nothing).
 */
export function executeBillingSettingsCommand(
  services: ApplicationServices,
  context: CommandContext,
  commandFor: (state: BillingSettingsState) => BillingSettingsCommand,
): Promise<BillingSettingsOutcome> {
  return executeStreamCommand(services.store, context, {
    streamId: streams.billingSettings(context.tenantId),
    load: () => load(services.store, aggregates.billingSettings, context.tenantId, context.tenantId, context.commandId),
    decide: (state) => decideBillingSettings(commandFor(state), state),
    evolve: evolveBillingSettings,
    result: (state, position) => ({ state, position }),
  });
}
