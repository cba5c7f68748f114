import type { TaxRateOutcome } from '../../../../libs/ledger-application/src/index.js';
import type { TaxRatePayloadType } from './billing-settings.types.js';
import { billingSettingsPayload, taxRateView } from './billing-settings.view.js';

/** The tax rate a command created or changed, with the settings after it. */
export function taxRatePayload({ taxRateId, state, position }: TaxRateOutcome): TaxRatePayloadType {
  const rate = state.settings.tax.rates.find((candidate) => candidate.id === taxRateId);
  // The command succeeded, so the rate exists: anything else is a broken invariant, not an operating error.
  if (rate === undefined) throw new Error(`tax rate ${taxRateId} is missing from the settings after its command`);
  return { taxRate: taxRateView(rate), ...billingSettingsPayload(state, position) };
}
