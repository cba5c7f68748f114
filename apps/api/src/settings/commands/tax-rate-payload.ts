import type { BillingSettingsState } from '../../../../../libs/billing/src/index.js';
import type { Position } from '../../../../../libs/event-store/src/index.js';
import type { TaxRatePayloadType } from '../billing-settings.types.js';
import { billingSettingsPayload, taxRateView } from '../billing-settings.view.js';

/** The tax rate a command created or changed, with the settings after it. */
export function taxRatePayload(taxRateId: string, state: BillingSettingsState, position: Position | undefined): TaxRatePayloadType {
  const rate = state.settings.tax.rates.find((candidate) => candidate.id === taxRateId);
  // The command succeeded, so the rate exists: anything else is a broken invariant, not an operating error.
  if (rate === undefined) throw new Error(`tax rate ${taxRateId} is missing from the settings after its command`);
  return { taxRate: taxRateView(rate), ...billingSettingsPayload(state, position) };
}
