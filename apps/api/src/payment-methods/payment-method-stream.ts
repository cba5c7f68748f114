import { paymentMethodDecider, paymentMethodEventSchemas, type PaymentMethodEvent } from '../../../../libs/billing/src/index.js';
import { loadStream, streams } from '../../../../libs/application/src/index.js';
import type { RecordedEvent } from '../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../ledger-services.js';

/** Parses one stored payment-method event through its zod contract; anything else on the stream is a broken invariant. */
export function parsePaymentMethodEvent(recorded: RecordedEvent): PaymentMethodEvent {
  const schema = paymentMethodEventSchemas[recorded.type as keyof typeof paymentMethodEventSchemas];
  if (!schema) throw new Error(`not a payment method event: ${recorded.type}`);
  return { type: recorded.type, data: schema.data.parse(recorded.data) } as PaymentMethodEvent;
}

export function loadPaymentMethod(services: LedgerServices, tenantId: string, paymentMethodId: string, commandId?: string) {
  return loadStream(services.store, streams.paymentMethod(tenantId, paymentMethodId), paymentMethodDecider, parsePaymentMethodEvent, commandId);
}
