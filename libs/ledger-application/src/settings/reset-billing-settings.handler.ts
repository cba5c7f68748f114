import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { ResetBillingSettingsCommandInput } from './settings.inputs.js';
import type { BillingSettingsOutcome } from './settings-outcome.js';

/** One section, or every section when none is named, back to the defaults; tax rates survive (the domain's rule). */
export function resetBillingSettings(services: ApplicationServices, context: CommandContext, input: ResetBillingSettingsCommandInput): Promise<BillingSettingsOutcome> {
  return executeCommand(services.store, context, aggregates.billingSettings.on(context.tenantId, { command: () => ({ type: 'ResetBillingSettings', data: { section: input.section ?? null } }) }));
}
