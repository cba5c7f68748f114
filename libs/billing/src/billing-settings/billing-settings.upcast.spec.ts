import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { defaultBillingSettings } from './billing-settings.js';
import { billingSettingsEventSchemas } from './billing-settings.events.js';
import { legacyWebhookSecretReference, parseLegacyWebhookSecretReference, upcastBillingSettingsEvent } from './billing-settings.upcast.js';

/** Settings events of version 1 carried the plaintext `secret`; read today, they name it by a legacy reference. */

const eventId = '0b6f8f0e-4e52-5b8e-9a55-3f3c7a0d1e22';
const signing = 'whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3Bx';
const token = 'tok_abcdefghijklmnop1234';
const v1Endpoint = (id: string, authType: string, secret: string | null) => ({ id, url: `https://${id}.example.com/hooks`, events: ['invoice.paid'], authType, secret, enabled: true });
const v1Notifications = {
  email: defaultBillingSettings.notifications.email,
  webhooks: [v1Endpoint('signed', 'signature', signing), v1Endpoint('bearer', 'bearer_token', token), v1Endpoint('open', 'none', 'ignored-secret-123456')],
};
const v1Update = {
  section: 'notifications',
  values: v1Notifications,
  previous: { email: defaultBillingSettings.notifications.email, webhooks: [v1Endpoint('signed', 'signature', 'old-signing-secret-1234')] },
  updatedAt: '2025-06-01T08:00:00.000Z',
};

describe('upcastBillingSettingsEvent', () => {
  it('turns each version-1 secret into a legacy reference to the event that holds it (values and previous apart)', () => {
    const data = upcastBillingSettingsEvent({ eventId, type: 'BillingSettingsSectionUpdated', schemaVersion: 1, data: v1Update }) as typeof v1Update;
    expect(data.values.webhooks).toEqual([
      {
        id: 'signed',
        url: 'https://signed.example.com/hooks',
        events: ['invoice.paid'],
        authType: 'signature',
        secretRef: `legacy:settings:${eventId}:values:signed`,
        secretLast4: signing.slice(-4),
        previousSecretRef: null,
        previousSecretExpiresAt: null,
        enabled: true,
      },
      expect.objectContaining({ id: 'bearer', secretRef: `legacy:settings:${eventId}:values:bearer`, secretLast4: token.slice(-4) }),
      // The auth type none ignored its secret: it has none now.
      expect.objectContaining({ id: 'open', secretRef: null, secretLast4: null }),
    ]);
    expect(data.previous.webhooks).toEqual([expect.objectContaining({ id: 'signed', secretRef: `legacy:settings:${eventId}:previous:signed` })]);
    expect(JSON.stringify(data)).not.toMatch(/whsec_|tok_|old-signing|ignored-secret/);
  });

  it('gives data that the current schema reads', () => {
    const data = upcastBillingSettingsEvent({ eventId, type: 'BillingSettingsSectionUpdated', schemaVersion: 1, data: v1Update });
    expect(billingSettingsEventSchemas.BillingSettingsSectionUpdated.data.parse(data)).toEqual(data);
    const reset = { sections: ['notifications', 'company'], previous: { notifications: v1Notifications, company: defaultBillingSettings.company }, resetAt: '2025-06-02T08:00:00.000Z' };
    const upcastReset = upcastBillingSettingsEvent({ eventId, type: 'BillingSettingsReset', schemaVersion: undefined, data: reset }) as typeof reset;
    expect(billingSettingsEventSchemas.BillingSettingsReset.data.parse(upcastReset)).toEqual(upcastReset);
    expect(upcastReset.previous.notifications.webhooks[1]).toMatchObject({ secretRef: `legacy:settings:${eventId}:previous:bearer` });
    expect(upcastReset.previous.company).toBe(defaultBillingSettings.company);
  });

  it('keeps no last four characters of a secret shorter than the minimum of today', () => {
    const short = { ...v1Update, values: { ...v1Notifications, webhooks: [v1Endpoint('short', 'api_key', 'key-12345')] } };
    const data = upcastBillingSettingsEvent({ eventId, type: 'BillingSettingsSectionUpdated', schemaVersion: 1, data: short }) as typeof v1Update;
    expect(data.values.webhooks[0]).toMatchObject({ secretRef: `legacy:settings:${eventId}:values:short`, secretLast4: null });
  });

  it.each<[string, { type: string; schemaVersion: number | undefined; data: unknown }]>([
    ['a version-2 event', { type: 'BillingSettingsSectionUpdated', schemaVersion: 2, data: v1Update }],
    ['another section', { type: 'BillingSettingsSectionUpdated', schemaVersion: 1, data: { section: 'company', values: {}, previous: {}, updatedAt: 'x' } }],
    ['a tax rate event', { type: 'TaxRateCreated', schemaVersion: 1, data: { taxRate: {}, createdAt: 'x' } }],
    ['a reset without notifications', { type: 'BillingSettingsReset', schemaVersion: 1, data: { sections: ['company'], previous: { company: {} }, resetAt: 'x' } }],
  ])('leaves %s as it is (the same object)', (_case, event) => {
    expect(upcastBillingSettingsEvent({ eventId, ...event })).toBe(event.data);
  });

  it('leaves endpoints already in the current shape alone, whatever version the event names', () => {
    const current = { id: 'a', url: 'https://a.example.com', events: ['invoice.paid'], authType: 'signature', secretRef: 'sec_1', secretLast4: 'abcd', previousSecretRef: null, previousSecretExpiresAt: null, enabled: true };
    const data = upcastBillingSettingsEvent({ eventId, type: 'BillingSettingsSectionUpdated', schemaVersion: 1, data: { ...v1Update, values: { ...v1Notifications, webhooks: [current] } } }) as typeof v1Update;
    expect(data.values.webhooks[0]).toBe(current);
  });
});

describe('legacy webhook secret references', () => {
  it('read back as what they name, for any endpoint id (colons included)', () => {
    const endpointId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,40}$/);
    fc.assert(
      fc.property(fc.uuid(), fc.constantFrom('values' as const, 'previous' as const), endpointId, (id, part, endpoint) => {
        expect(parseLegacyWebhookSecretReference(legacyWebhookSecretReference(id, part, endpoint))).toEqual({ eventId: id, part, endpointId: endpoint });
      }),
    );
  });

  it('are not confused with other references', () => {
    for (const reference of ['sec_3d1d7c1e-55a4-5f0e-9d6b-1c1f0e2a9b70', 'legacy:payment-method:x:y', `legacy:settings:${eventId}:other:a`, `legacy:settings:${eventId}:values:`]) {
      expect(parseLegacyWebhookSecretReference(reference)).toBeUndefined();
    }
  });
});
