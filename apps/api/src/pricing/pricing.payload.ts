import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import type { PricingRuleOutcome } from '../../../../libs/ledger-application/src/pricing/index.js';
import type { PricingRulePayloadType } from './pricing.types.js';
import { pricingRuleViewFromState } from './pricing.view.js';

/** A pricing-rule mutation's answer, from what its handler returns. */
export function pricingRulePayload({ state, position }: PricingRuleOutcome): PricingRulePayloadType {
  return { pricingRule: pricingRuleViewFromState(state), position: encodePosition(position ?? START_POSITION) };
}
