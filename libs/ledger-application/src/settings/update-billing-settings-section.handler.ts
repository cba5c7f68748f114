import type { BillingSettings, BillingSettingsSection, BillingSettingsSectionInput, NotificationSettingsInput, UpdateBillingSettingsSection } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { BillingSettingsOutcome } from './settings-outcome.js';
import { notificationsWithStoredSecrets } from './webhook-secrets.js';

/**
 * One section of the settings: `valuesFor` gives the values to store from the settings as they are now (the resolver
 * merges its input's fields into the section there, so the handler knows no input type), validated as a whole by the
 * domain (every violation listed in one VALIDATION_FAILED). The same values again append nothing.
 *
 * The notifications' new webhook secrets go to the secret store, and the command names them by reference
 * (notificationsWithStoredSecrets): no event ever holds one.
 */
export function updateBillingSettingsSection<Section extends BillingSettingsSection>(
  services: ApplicationServices,
  context: CommandContext,
  section: Section,
  valuesFor: (current: BillingSettings) => BillingSettingsSectionInput<Section>,
): Promise<BillingSettingsOutcome> {
  return executeCommand(services.store, context, aggregates.billingSettings.on(context.tenantId, {
    command: async (state) => {
      const given = valuesFor(state.settings);
      const values = section === 'notifications' ? await notificationsWithStoredSecrets(services, context, state, given as NotificationSettingsInput) : given;
      return { type: 'UpdateBillingSettingsSection', data: { section, values } as UpdateBillingSettingsSection['data'] };
    },
  }));
}
