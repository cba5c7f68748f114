import type { PaymentMethodState } from '../../../billing/src/index.js';
import type { StreamOutcome } from '../../../application/src/index.js';

/** A payment method as a command left it, and the position of its events (or of the stream's last one). */
export type PaymentMethodOutcome = StreamOutcome<PaymentMethodState>;
