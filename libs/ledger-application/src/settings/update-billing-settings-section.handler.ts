import type { BillingSettings, BillingSettingsSection, BillingSettingsSectionInput, UpdateBillingSettingsSection } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { BillingSettingsOutcome } from './settings-outcome.js';

/**
 * One section of the settings: `valuesFor` gives the values to store from the settings as they are now (the resolver
 * merges its input's fields into the section there, so the handler knows no input type), validated as a whole by the
 * domain (every violation listed in one VALIDATION_FAILED). The same values again append nothing.
 */
export function updateBillingSettingsSection<Section extends BillingSettingsSection>(
  services: ApplicationServices,
  context: CommandContext,
  section: Section,
  valuesFor: (current: BillingSettings) => BillingSettingsSectionInput<Section>,
): Promise<BillingSettingsOutcome> {
  return executeCommand(services.store, context, aggregates.billingSettings.on(context.tenantId, {
    command: (state) => ({ type: 'UpdateBillingSettingsSection', data: { section, values: valuesFor(state.settings) } as UpdateBillingSettingsSection['data'] }),
  }));
}
