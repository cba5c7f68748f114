import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import { defaultBillingSettings, type NotificationSettings, type WebhookEndpoint, type WebhookEndpointInput } from './billing-settings.js';
import type { BillingSettingsCommand, DisableWebhookEndpoint, UpdateBillingSettingsSection } from './billing-settings.commands.js';
import { billingSettingsDecider } from './billing-settings.decider.js';
import { billingSettingsEventSchemas, type BillingSettingsEvent } from './billing-settings.events.js';

/**
 * Webhook endpoint secrets in the settings decider: an update carries a new secret in plaintext (for validation)
 * with the reference the application stored it under; the events carry the reference only, the last four
 * characters, and the secret it replaced for the next 24 hours.
 */

const spec = DeciderSpecification.for(billingSettingsDecider);
const now = '2024-03-01T10:00:00.000Z';
const later = '2024-03-02T10:00:00.000Z';
const signing1 = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const signing2 = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const signing3 = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
const bearer = 'tok_live_0123456789abcdefGHIJ';

function hook(overrides: Partial<WebhookEndpointInput> = {}): WebhookEndpointInput {
  return { id: 'wh-1', url: 'https://hooks.example.com/ledger', events: ['invoice.paid'], authType: 'signature', enabled: true, ...overrides };
}
function notifications(...webhooks: WebhookEndpointInput[]) {
  return { email: defaultBillingSettings.notifications.email, webhooks };
}
function update(webhooks: WebhookEndpointInput[], at = now): UpdateBillingSettingsSection {
  return { type: 'UpdateBillingSettingsSection', data: { section: 'notifications', values: notifications(...webhooks) }, metadata: { now: at } };
}
function disable(endpointId = 'wh-1', reason = 'the endpoint answered 410 Gone', at = later): DisableWebhookEndpoint {
  return { type: 'DisableWebhookEndpoint', data: { endpointId, reason }, metadata: { now: at } };
}
function stored(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: 'wh-1',
    url: 'https://hooks.example.com/ledger',
    events: ['invoice.paid'],
    authType: 'signature',
    secretRef: 'sec_1',
    secretLast4: signing1.slice(-4),
    previousSecretRef: null,
    previousSecretExpiresAt: null,
    enabled: true,
    ...overrides,
  };
}
function updated(values: WebhookEndpoint[], previous: WebhookEndpoint[], at = now): BillingSettingsEvent {
  const section = (webhooks: WebhookEndpoint[]): NotificationSettings => ({ email: defaultBillingSettings.notifications.email, webhooks });
  return { type: 'BillingSettingsSectionUpdated', data: { section: 'notifications', values: section(values), previous: section(previous), updatedAt: at } };
}
function decided(events: BillingSettingsEvent[], command: BillingSettingsCommand): BillingSettingsEvent[] {
  return billingSettingsDecider.decide(command, fold(billingSettingsDecider, events));
}

/** The notifications an event stored (it must be an update of that section). */
function notificationsOf(event: BillingSettingsEvent | undefined): NotificationSettings {
  if (event?.type !== 'BillingSettingsSectionUpdated' || event.data.section !== 'notifications') throw new Error(`not a notifications update: ${JSON.stringify(event)}`);
  return event.data.values;
}

/** An endpoint signed with secret 1, stored under sec_1. */
const signed = decided([], update([hook({ secret: signing1, secretRef: 'sec_1' })]));

describe('no endpoint yet', () => {
  it('a new endpoint with a new secret records its reference and last four characters, never the secret', () => {
    spec.given([]).when(update([hook({ secret: signing1, secretRef: 'sec_1' })])).then([updated([stored()], [])]);
    expect(JSON.stringify(signed)).not.toContain(signing1);
  });

  it('an endpoint without auth stores no secret, even when one is sent (a warning, not an error)', () => {
    spec
      .given([])
      .when(update([hook({ authType: 'none', secret: bearer, secretRef: 'sec_x' })]))
      .then([updated([stored({ authType: 'none', secretRef: null, secretLast4: null })], [])]);
  });

  it.each<[string, WebhookEndpointInput, string]>([
    ['a new secret without its reference', hook({ secret: signing1 }), 'notifications.webhooks[0].secretRef'],
    ['a new secret with a blank reference', hook({ secret: signing1, secretRef: ' ' }), 'notifications.webhooks[0].secretRef'],
    ['a signing endpoint without a secret', hook(), 'notifications.webhooks[0].secret'],
    ['a signing secret in the wrong format', hook({ secret: 'x'.repeat(40), secretRef: 'sec_1' }), 'notifications.webhooks[0].secret'],
  ])('%s fails VALIDATION_FAILED naming the field, and appends nothing', (_case, endpoint, path) => {
    spec.given([]).when(update([endpoint])).thenThrows('VALIDATION_FAILED', new RegExp(path.replace(/[.[\]]/g, '\\$&')));
  });
});

describe('an endpoint with a secret', () => {
  it('an update that leaves the secret out keeps it: the same values again change nothing', () => {
    spec.given(signed).when(update([hook()], later)).thenNothing();
  });

  it('an update of other fields keeps the secret with everything known about it', () => {
    spec
      .given(signed)
      .when(update([hook({ events: ['invoice.paid', 'invoice.overdue'] })], later))
      .then([updated([stored({ events: ['invoice.paid', 'invoice.overdue'] })], [stored()], later)]);
  });

  it('the same reference again (a command decided twice) rotates nothing', () => {
    spec.given(signed).when(update([hook({ secret: signing1, secretRef: 'sec_1' })], later)).thenNothing();
  });

  it('a new secret keeps the replaced one valid for 24 hours of the command\'s time', () => {
    spec
      .given(signed)
      .when(update([hook({ secret: signing2, secretRef: 'sec_2' })], later))
      .then([updated([stored({ secretRef: 'sec_2', secretLast4: signing2.slice(-4), previousSecretRef: 'sec_1', previousSecretExpiresAt: '2024-03-03T10:00:00.000Z' })], [stored()], later)]);
  });

  it('a second rotation keeps only the secret it replaces', () => {
    const rotated = [...signed, ...decided(signed, update([hook({ secret: signing2, secretRef: 'sec_2' })], later))];
    const [event] = decided(rotated, update([hook({ secret: signing3, secretRef: 'sec_3' })], '2024-03-02T11:30:00.000Z'));
    expect(notificationsOf(event)).toMatchObject({
      webhooks: [{ secretRef: 'sec_3', secretLast4: signing3.slice(-4), previousSecretRef: 'sec_2', previousSecretExpiresAt: '2024-03-03T11:30:00.000Z' }],
    });
  });

  it.each<[string, Partial<WebhookEndpointInput>]>([
    ['another host', { url: 'https://other.example.org/ledger', secret: signing2, secretRef: 'sec_2' }],
    ['another auth type', { authType: 'bearer_token', secret: bearer, secretRef: 'sec_2' }],
  ])('a new secret for %s does not keep the replaced one (it is never offered elsewhere)', (_case, change) => {
    const [event] = decided(signed, update([hook(change)], later));
    expect(notificationsOf(event).webhooks[0]).toMatchObject({ secretRef: 'sec_2', previousSecretRef: null, previousSecretExpiresAt: null });
  });

  it.each<[string, Partial<WebhookEndpointInput>]>([
    ['another host', { url: 'https://attacker.example.org/collect' }],
    ['another auth type', { authType: 'api_key' }],
  ])('a kept secret cannot move to %s: VALIDATION_FAILED secret_required, nothing appended', (_case, change) => {
    spec.given(signed).when(update([hook(change)], later)).thenThrows('VALIDATION_FAILED', /notifications\.webhooks\[0\]\.secret is required/);
  });

  it('switching to no auth drops the secret and its predecessor', () => {
    spec
      .given(signed)
      .when(update([hook({ authType: 'none', secret: null })], later))
      .then([updated([stored({ authType: 'none', secretRef: null, secretLast4: null })], [stored()], later)]);
  });

  it('a reset of the notifications records the references it drops, never a secret', () => {
    const [event] = decided(signed, { type: 'ResetBillingSettings', data: { section: 'notifications' }, metadata: { now: later } });
    expect(event).toEqual({
      type: 'BillingSettingsReset',
      data: { sections: ['notifications'], previous: { notifications: { email: defaultBillingSettings.notifications.email, webhooks: [stored()] } }, resetAt: later },
    });
  });
});

describe('DisableWebhookEndpoint', () => {
  it('switches an enabled endpoint off, with why and when; the others stay as they are', () => {
    const two = decided([], update([hook({ secret: signing1, secretRef: 'sec_1' }), hook({ id: 'wh-2', secret: signing2, secretRef: 'sec_2' })]));
    spec.given(two).when(disable()).then([{ type: 'WebhookEndpointDisabled', data: { endpointId: 'wh-1', reason: 'the endpoint answered 410 Gone', disabledAt: later } }]);
    const state = fold(billingSettingsDecider, [...two, ...decided(two, disable())]);
    expect(state.settings.notifications.webhooks.map((webhook) => [webhook.id, webhook.enabled, webhook.secretRef])).toEqual([
      ['wh-1', false, 'sec_1'],
      ['wh-2', true, 'sec_2'],
    ]);
    expect(state.lastChangedAt).toBe(later);
  });

  it('an endpoint already disabled changes nothing', () => {
    spec.given([...signed, ...decided(signed, disable())]).when(disable('wh-1', 'again')).thenNothing();
    spec.given(decided([], update([hook({ secret: signing1, secretRef: 'sec_1', enabled: false })]))).when(disable()).thenNothing();
  });

  it('is enabled again by a notifications update, its secret kept', () => {
    const disabled = [...signed, ...decided(signed, disable())];
    spec.given(disabled).when(update([hook({ enabled: true })], later)).then([updated([stored()], [stored({ enabled: false })], later)]);
  });

  it.each<[string, DisableWebhookEndpoint, string, RegExp]>([
    ['an unknown endpoint', disable('wh-9'), 'NOT_FOUND', /Webhook endpoint "wh-9" does not exist/],
    ['a blank reason', disable('wh-1', '  '), 'VALIDATION_FAILED', /reason is required/],
    ['a reason over 500 characters', disable('wh-1', 'x'.repeat(501)), 'VALIDATION_FAILED', /reason must be at most 500/],
    ['an endpoint id with a space', disable('wh 1'), 'VALIDATION_FAILED', /endpointId must start with/],
  ])('%s fails %s', (_case, command, code, message) => {
    spec.given(signed).when(command).thenThrows(code, message);
  });
});

describe('the events', () => {
  it('match their schemas', () => {
    const rotated = decided(signed, update([hook({ secret: signing2, secretRef: 'sec_2' })], later));
    const disabled = decided(signed, disable());
    for (const event of [...signed, ...rotated, ...disabled]) {
      expect(billingSettingsEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
    }
    expect(billingSettingsEventSchemas.WebhookEndpointDisabled.schemaVersion).toBe(1);
  });
});

describe('property: a history of secret changes', () => {
  type Step = { authType: 'signature' | 'bearer_token' | 'api_key'; origin: 'a' | 'b'; secretBytes: Uint8Array | null; hours: number };
  const step = fc.record({
    authType: fc.constantFrom('signature' as const, 'bearer_token' as const, 'api_key' as const),
    origin: fc.constantFrom('a' as const, 'b' as const),
    secretBytes: fc.option(fc.uint8Array({ minLength: 24, maxLength: 48 }), { nil: null }),
    hours: fc.integer({ min: 0, max: 72 }),
  });

  it('never records a secret; a kept secret keeps its reference; a replaced one stays valid exactly 24 hours, and only on the same host and auth type', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps: Step[]) => {
        let events: BillingSettingsEvent[] = [];
        let clock = Date.parse(now);
        const secrets: string[] = [];
        steps.forEach((current, index) => {
          clock += current.hours * 3_600_000;
          const at = new Date(clock).toISOString();
          const secret = current.secretBytes === null ? undefined : `${current.authType === 'signature' ? 'whsec_' : 'tok_'}${Buffer.from(current.secretBytes).toString('base64')}`;
          if (secret !== undefined) secrets.push(secret);
          const before = fold(billingSettingsDecider, events).settings.notifications.webhooks[0];
          const endpoint = hook({ authType: current.authType, url: `https://${current.origin}.example.com/ledger`, ...(secret === undefined ? {} : { secret, secretRef: `sec_${index}` }) });
          let produced: BillingSettingsEvent[];
          try {
            produced = decided(events, update([endpoint], at));
          } catch (error) {
            // Only a secret left out where none may be kept is refused.
            expect(secret).toBeUndefined();
            expect((error as { code?: string }).code).toBe('VALIDATION_FAILED');
            return;
          }
          events = [...events, ...produced];
          const after = fold(billingSettingsDecider, events).settings.notifications.webhooks[0] as WebhookEndpoint;
          if (secret === undefined) {
            expect(after.secretRef).toBe(before?.secretRef);
          } else {
            expect(after.secretRef).toBe(`sec_${index}`);
            const sameHostAndAuth = before !== undefined && before.authType === current.authType && before.url === endpoint.url;
            expect(after.previousSecretRef).toBe(sameHostAndAuth ? before.secretRef : null);
            expect(after.previousSecretExpiresAt).toBe(sameHostAndAuth ? new Date(clock + 24 * 3_600_000).toISOString() : null);
          }
        });
        const text = JSON.stringify(events);
        for (const secret of secrets) expect(text).not.toContain(secret);
      }),
    );
  });
});
