import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import type { PaymentOutcome } from '../../../../libs/ledger-application/src/index.js';
import type { PaymentPayloadType } from './payment.types.js';
import { paymentRecordFromState, paymentView } from './payment.view.js';

/** A payment mutation's answer, from what its handler returns: the payment as the command left it, and the position. */
export function paymentPayload({ state, position, duplicate }: PaymentOutcome): PaymentPayloadType {
  return { payment: paymentView(paymentRecordFromState(state)), position: encodePosition(position ?? START_POSITION), duplicate };
}
