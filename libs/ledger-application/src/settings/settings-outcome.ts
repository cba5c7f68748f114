import type { BillingSettingsState } from '../../../billing/src/index.js';
import type { StreamOutcome } from '../../../application/src/index.js';

/** The settings as a command left them (secrets included: the resolver redacts), and the position. */
export type BillingSettingsOutcome = StreamOutcome<BillingSettingsState>;

/** A tax rate command's outcome: the settings after it, and which rate it created or changed. */
export interface TaxRateOutcome extends BillingSettingsOutcome {
  readonly taxRateId: string;
}
