import { billingSettingsLimits, validateBillingSettingsSection, type BillingSettings, type BillingSettingsSection } from '../../../../../libs/billing/src/index.js';
import type { BillingSettingsQueries } from '../../../../../projections/billing-settings/billing-settings.queries.js';
import type { RedactedBillingSettings } from '../../../../../projections/billing-settings/secret-redaction.js';
import { sectionValuesFromInput } from '../billing-settings.input-merge.js';
import type { BillingSettingsSectionInputs, BillingSettingsValidationType } from '../billing-settings.types.js';

/**
 * What saving `input` into `section` would give, without writing: the same merge and the same domain validation as
 * the update command, on the settings of the read model. The read model holds no secrets, so a stored secret is
 * stood in for by a value of the shortest accepted length. That is exact because a secret is only kept by an update
 * whose endpoint keeps its auth type (see webhookFromInput): a kept secret was valid for that auth type when saved,
 * and with the auth type "none" only whether a secret exists matters.
 */
export async function validateBillingSettingsChange<Section extends BillingSettingsSection>(
  queries: BillingSettingsQueries,
  tenantId: string,
  section: Section,
  input: BillingSettingsSectionInputs[Section],
): Promise<BillingSettingsValidationType> {
  const { settings } = await queries.current(tenantId);
  const current = withStandInSecrets(settings);
  const result = validateBillingSettingsSection(current, section, sectionValuesFromInput(current, section, input));
  return {
    valid: result.errors.length === 0,
    errors: result.errors.map(({ path, code, message }) => ({ path, code, message })),
    warnings: result.warnings.map(({ path, message }) => ({ path, message })),
  };
}

const STAND_IN_SECRET = 'x'.repeat(billingSettingsLimits.webhookSecretLengthMin);

function withStandInSecrets(settings: RedactedBillingSettings): BillingSettings {
  return {
    ...settings,
    notifications: {
      ...settings.notifications,
      webhooks: settings.notifications.webhooks.map((webhook) => ({ ...webhook, secret: webhook.secret === null ? null : STAND_IN_SECRET })),
    },
  };
}
