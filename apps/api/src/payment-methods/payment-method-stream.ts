import { paymentMethodDecider, paymentMethodEventSchemas, type PaymentMethodEvent } from '../../../../libs/billing/src/index.js';
import { loadStream, streams, recordedEventParser } from '../../../../libs/application/src/index.js';
import type { LedgerServices } from '../ledger-services.js';

/** Parses one stored payment-method event through its zod contract; anything else on the stream is a broken invariant. */
export const parsePaymentMethodEvent = recordedEventParser<PaymentMethodEvent>(paymentMethodEventSchemas, 'payment method');

export function loadPaymentMethod(services: Pick<LedgerServices, 'store'>, tenantId: string, paymentMethodId: string, commandId?: string) {
  return loadStream(services.store, streams.paymentMethod(tenantId, paymentMethodId), paymentMethodDecider, parsePaymentMethodEvent, commandId);
}
