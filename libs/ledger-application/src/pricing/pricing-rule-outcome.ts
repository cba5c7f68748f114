import type { PricingRuleState } from '../../../billing/src/index.js';
import type { StreamOutcome } from '../../../application/src/index.js';

/** A pricing rule as a command left it, and the position of its events (or of the stream's last one). */
export type PricingRuleOutcome = StreamOutcome<PricingRuleState>;
