import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { ResetBillingSettingsCommandInput } from './settings.inputs.js';
import { executeBillingSettingsCommand, type BillingSettingsOutcome } from './settings-command.support.js';

/** One section, or every section when none is named, back to the defaults; tax rates survive (the domain's rule). */
export function resetBillingSettings(services: ApplicationServices, context: CommandContext, input: ResetBillingSettingsCommandInput): Promise<BillingSettingsOutcome> {
  return executeBillingSettingsCommand(services, context, () => ({ type: 'ResetBillingSettings', data: { section: input.section ?? null }, metadata: { now: context.now } }));
}
