import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import type { PaymentMethodOutcome } from '../../../../libs/ledger-application/src/index.js';
import type { PaymentMethodPayloadType } from './payment-method.types.js';
import { paymentMethodViewFromState } from './payment-method.view.js';

/** A payment-method mutation's answer, from what its handler returns. */
export function paymentMethodPayload({ state, position }: PaymentMethodOutcome): PaymentMethodPayloadType {
  return { paymentMethod: paymentMethodViewFromState(state), position: encodePosition(position ?? START_POSITION) };
}
