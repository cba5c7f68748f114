import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { BillingSettingsPayloadType, ResetBillingSettingsInput } from '../billing-settings.types.js';
import { billingSettingsPayload } from '../billing-settings.view.js';
import { executeBillingSettingsCommand } from './settings-command.support.js';

/** One section, or every section when none is named, back to the defaults; tax rates survive (the domain's rule). */
export function resetBillingSettings(services: LedgerServices, context: CommandContext, input: ResetBillingSettingsInput): Promise<BillingSettingsPayloadType> {
  return executeBillingSettingsCommand(
    services,
    context,
    () => ({ type: 'ResetBillingSettings', data: { section: input.section ?? null }, metadata: { now: context.now } }),
    billingSettingsPayload,
  );
}
