import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import type { PlanOutcome, ProductOutcome } from '../../../../libs/ledger-application/src/catalog/index.js';
import type { PlanPayloadType, ProductPayloadType } from './catalog.types.js';
import { planViewFromState, productViewFromState } from './catalog.view.js';

/** A product mutation's answer, from what its handler returns. */
export function productPayload({ state, position }: ProductOutcome): ProductPayloadType {
  return { product: productViewFromState(state), position: encodePosition(position ?? START_POSITION) };
}

/** A plan mutation's answer, from what its handler returns (the plan with every version it has). */
export function planPayload({ state, position }: PlanOutcome): PlanPayloadType {
  return { plan: planViewFromState(state), position: encodePosition(position ?? START_POSITION) };
}
