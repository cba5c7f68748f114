import { validateBillingSettingsSection, type BillingSettingsSection } from '../../../../../libs/billing/src/index.js';
import type { BillingSettingsQueries } from '../../../../../projections/billing-settings/billing-settings.queries.js';
import { sectionValuesFromInput } from '../billing-settings.input-merge.js';
import type { BillingSettingsSectionInputs, BillingSettingsValidationType } from '../billing-settings.types.js';

/**
 * What saving `input` into `section` would give, without writing: the same merge and the same domain validation as
 * the update command, on the settings of the read model. The read model holds no secret but names each stored one
 * by reference, which is all the validation needs: a secret left out is kept when the endpoint keeps its auth type
 * and origin, whatever the secret is; a secret given is validated as the command would (its reference is the
 * handler's to make, and the validation does not need it).
 */
export async function validateBillingSettingsChange<Section extends BillingSettingsSection>(
  queries: BillingSettingsQueries,
  tenantId: string,
  section: Section,
  input: BillingSettingsSectionInputs[Section],
): Promise<BillingSettingsValidationType> {
  const { settings: current } = await queries.current(tenantId);
  const result = validateBillingSettingsSection(current, section, sectionValuesFromInput(current, section, input));
  return {
    valid: result.errors.length === 0,
    errors: result.errors.map(({ path, code, message }) => ({ path, code, message })),
    warnings: result.warnings.map(({ path, message }) => ({ path, message })),
  };
}
