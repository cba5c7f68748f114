import type { BillingSettingsSection, UpdateBillingSettingsSection } from '../../../../../libs/billing/src/index.js';
import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { sectionValuesFromInput } from '../billing-settings.input-merge.js';
import type { BillingSettingsPayloadType, BillingSettingsSectionInputs } from '../billing-settings.types.js';
import { billingSettingsPayload } from '../billing-settings.view.js';
import { executeBillingSettingsCommand } from './settings-command.support.js';

/**
 * One section of the settings: the input's fields merged into the section as it is now, validated as a whole by the
 * domain (every violation listed in one VALIDATION_FAILED). The same values again append nothing.
 */
export function updateBillingSettingsSection<Section extends BillingSettingsSection>(
  services: LedgerServices,
  context: CommandContext,
  section: Section,
  input: BillingSettingsSectionInputs[Section],
): Promise<BillingSettingsPayloadType> {
  return executeBillingSettingsCommand(
    services,
    context,
    (state) => ({ type: 'UpdateBillingSettingsSection', data: { section, values: sectionValuesFromInput(state.settings, section, input) } as UpdateBillingSettingsSection['data'], metadata: { now: context.now } }),
    billingSettingsPayload,
  );
}
