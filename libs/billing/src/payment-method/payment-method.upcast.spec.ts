import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { paymentMethodEventSchemas } from './payment-method.events.js';
import { legacyGatewayTokenReference, parseLegacyGatewayTokenReference, upcastPaymentMethodEvent } from './payment-method.upcast.js';

/** PaymentMethodAdded of version 1 carried the gateway token; read today, it names it by a legacy reference. */

const eventId = '6a0c2d9e-1f3b-5c4d-8e7f-0a1b2c3d4e5f';
const v1Added = {
  paymentMethodId: 'pm-legacy',
  customerId: 'cus-1',
  type: 'card',
  brand: 'visa',
  last4: '4242',
  expiryMonth: 12,
  expiryYear: 2030,
  gatewayToken: 'tok_legacy_visa_0001',
  holderName: 'Ada Lovelace',
  status: 'active',
  verificationStatus: null,
  addedAt: '2025-01-01T00:00:00.000Z',
};

describe('upcastPaymentMethodEvent', () => {
  it('turns a version-1 token into a legacy reference to that event, which the current schema reads', () => {
    const data = upcastPaymentMethodEvent({ eventId, type: 'PaymentMethodAdded', schemaVersion: 1, data: v1Added });
    const { gatewayToken: _token, ...rest } = v1Added;
    expect(data).toEqual({ ...rest, gatewayTokenRef: `legacy:payment-method:${eventId}:pm-legacy` });
    expect(JSON.stringify(data)).not.toContain('tok_legacy');
    expect(paymentMethodEventSchemas.PaymentMethodAdded.data.parse(data)).toEqual(data);
  });

  it.each<[string, { type: string; schemaVersion: number | undefined; data: unknown }]>([
    ['a version-2 event', { type: 'PaymentMethodAdded', schemaVersion: 2, data: { ...v1Added, gatewayToken: undefined, gatewayTokenRef: 'sec_1' } }],
    ['data already in the current shape', { type: 'PaymentMethodAdded', schemaVersion: 1, data: { ...v1Added, gatewayTokenRef: 'sec_1' } }],
    ['another event type', { type: 'PaymentMethodVerified', schemaVersion: 1, data: { paymentMethodId: 'pm-1', verifiedAt: '2025-01-02T00:00:00.000Z' } }],
  ])('leaves %s as it is (the same object)', (_case, event) => {
    expect(upcastPaymentMethodEvent({ eventId, ...event })).toBe(event.data);
  });

  it('legacy references read back as what they name, for any payment method id', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,60}$/), (id, paymentMethodId) => {
        expect(parseLegacyGatewayTokenReference(legacyGatewayTokenReference(id, paymentMethodId))).toEqual({ eventId: id, paymentMethodId });
      }),
    );
    expect(parseLegacyGatewayTokenReference('legacy:settings:x:values:y')).toBeUndefined();
    expect(parseLegacyGatewayTokenReference('sec_1')).toBeUndefined();
  });
});
