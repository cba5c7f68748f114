import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { defaultBillingSettings, type BillingSettings, type WebhookEndpoint } from '../billing-settings/billing-settings.js';
import type { BillingSettingsEvent } from '../billing-settings/billing-settings.events.js';
import { fold } from '../common/decider.js';
import { compareLogPositions, requireLogPosition } from './log-position.js';
import { activeWebhookEndpointIds, webhookEndpointsActivatedBy } from './webhook-endpoint-activation.js';
import type { RequestWebhookReplay, StartWebhookFeed } from './webhook-endpoint-feed.commands.js';
import { webhookEndpointFeedDecider } from './webhook-endpoint-feed.decider.js';
import { webhookEndpointFeedEventSchemas, type WebhookFeedStarted, type WebhookReplayRequested } from './webhook-endpoint-feed.events.js';

const spec = DeciderSpecification.for(webhookEndpointFeedDecider);
const now = '2026-03-02T09:00:00.000Z';
const later = '2026-03-02T10:00:00.000Z';

const start = (fromPosition: string, reason: StartWebhookFeed['data']['reason'] = 'activated', at = now): StartWebhookFeed => ({
  type: 'StartWebhookFeed',
  data: { endpointId: 'wh-1', fromPosition, reason },
  metadata: { now: at },
});
const started = (fromPosition: string, round = 0, reason: WebhookFeedStarted['data']['reason'] = 'activated', at = now): WebhookFeedStarted => ({
  type: 'WebhookFeedStarted',
  data: { endpointId: 'wh-1', fromPosition, round, reason, startedAt: at },
});
const replay = (fromPosition: string): RequestWebhookReplay => ({ type: 'RequestWebhookReplay', data: { endpointId: 'wh-1', fromPosition }, metadata: { now: later } });
const replayed = (fromPosition: string, round: number): WebhookReplayRequested => ({ type: 'WebhookReplayRequested', data: { endpointId: 'wh-1', fromPosition, round, requestedAt: later } });

describe('StartWebhookFeed', () => {
  it('starts a new endpoint\'s feed where it was activated', () => {
    spec.given([]).when(start('40.40')).then([started('40.40')]);
  });

  it('first_seen starts a feed that has none, and only then', () => {
    spec.given([]).when(start('90.90', 'first_seen')).then([started('90.90', 0, 'first_seen')]);
    spec.given([started('40.40')]).when(start('90.90', 'first_seen')).thenNothing();
  });

  it('an endpoint enabled again moves its feed forward (it does not get what it missed while off)', () => {
    spec.given([started('40.40')]).when(start('70.70', 'activated', later)).then([started('70.70', 0, 'activated', later)]);
  });

  it('never moves the feed back, and the same start again decides nothing', () => {
    spec.given([started('40.40')]).when(start('30.30')).thenNothing();
    spec.given([started('40.40')]).when(start('40.40')).thenNothing();
  });

  it('keeps the round of a replayed feed', () => {
    spec.given([started('40.40'), replayed('0.0', 1)]).when(start('70.70')).then([started('70.70', 1)]);
  });

  it.each([
    ['a position that is not one', { fromPosition: 'head' }, /fromPosition must be a log position/],
    ['an unknown reason', { reason: 'because' as StartWebhookFeed['data']['reason'] }, /reason must be one of activated, first_seen/],
    ['an endpoint id with a space', { endpointId: 'wh 1' }, /endpointId must start with a letter or a digit/],
  ])('refuses %s', (_case, data, message) => {
    spec.given([]).when({ ...start('1.1'), data: { ...start('1.1').data, ...data } }).thenThrows('VALIDATION_FAILED', message);
  });
});

describe('RequestWebhookReplay', () => {
  it('goes back to the position asked and opens the next round', () => {
    spec.given([started('40.40')]).when(replay('12.12')).then([replayed('12.12', 1)]);
    spec.given([started('40.40'), replayed('12.12', 1)]).when(replay('20.20')).then([replayed('20.20', 2)]);
  });

  it('"0" replays from the start of the log', () => {
    spec.given([started('40.40')]).when(replay('0')).then([replayed('0.0', 1)]);
  });

  it('folds to the replay\'s position and round', () => {
    expect(fold(webhookEndpointFeedDecider, [started('40.40'), replayed('0.0', 1)])).toMatchObject({ fromPosition: '0.0', round: 1, lastReplay: { fromPosition: '0.0', requestedAt: later } });
  });

  it.each([['-1'], ['1.2.3'], ['99999999999999999999999.0'], ['']])('refuses the position %p', (position) => {
    spec.given([]).when(replay(position)).thenThrows('VALIDATION_FAILED', /fromPosition must be a log position/);
  });

  it('refuses a replay past the bound on rounds', () => {
    spec.given([started('1.1', 1000)]).when(replay('0')).thenThrows('VALIDATION_FAILED', /replayed 1000 times/);
  });

  it('every event matches its schema', () => {
    for (const event of [started('40.40'), replayed('0.0', 1)]) expect(webhookEndpointFeedEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
  });
});

describe('log positions', () => {
  it.each([
    ['1.1', '2.2', -1],
    ['10.1', '9.9', 1],
    ['5.5', '5.5', 0],
    ['5.4', '5.5', -1],
    ['18446744073709551615.0', '18446744073709551614.9', 1],
  ])('%s vs %s: %i', (a, b, expected) => {
    expect(Math.sign(compareLogPositions(a, b))).toBe(expected);
  });

  it('reads "0" as the start of the log', () => {
    expect(requireLogPosition('0', 'fromPosition')).toBe('0.0');
  });
});

describe('which endpoints a settings event activates', () => {
  const endpoint = (id: string, enabled = true): WebhookEndpoint => ({
    id,
    url: 'https://hooks.example.com/',
    events: ['invoice.paid'],
    authType: 'none',
    secretRef: null,
    secretLast4: null,
    previousSecretRef: null,
    previousSecretExpiresAt: null,
    enabled,
  });
  const withEndpoints = (endpoints: WebhookEndpoint[], webhooks = true): BillingSettings => ({
    ...defaultBillingSettings,
    notifications: { ...defaultBillingSettings.notifications, webhooks: endpoints },
    features: { ...defaultBillingSettings.features, webhooks },
  });
  const notifications = (previous: WebhookEndpoint[], values: WebhookEndpoint[]): BillingSettingsEvent =>
    ({
      type: 'BillingSettingsSectionUpdated',
      data: { section: 'notifications', previous: { ...defaultBillingSettings.notifications, webhooks: previous }, values: { ...defaultBillingSettings.notifications, webhooks: values }, updatedAt: now },
    }) as BillingSettingsEvent;
  const features = (before: boolean, after: boolean): BillingSettingsEvent =>
    ({
      type: 'BillingSettingsSectionUpdated',
      data: { section: 'features', previous: { ...defaultBillingSettings.features, webhooks: before }, values: { ...defaultBillingSettings.features, webhooks: after }, updatedAt: now },
    }) as BillingSettingsEvent;

  it.each([
    ['an endpoint added', notifications([], [endpoint('a')]), withEndpoints([endpoint('a')]), ['a']],
    ['an endpoint added disabled', notifications([], [endpoint('a', false)]), withEndpoints([endpoint('a', false)]), []],
    ['an endpoint enabled again', notifications([endpoint('a', false)], [endpoint('a')]), withEndpoints([endpoint('a')]), ['a']],
    ['an endpoint edited while enabled', notifications([endpoint('a')], [{ ...endpoint('a'), url: 'https://other.example.com/' }]), withEndpoints([endpoint('a')]), []],
    ['a second endpoint added beside one', notifications([endpoint('a')], [endpoint('a'), endpoint('b')]), withEndpoints([endpoint('a'), endpoint('b')]), ['b']],
    ['an endpoint added while webhooks are off', notifications([], [endpoint('a')]), withEndpoints([endpoint('a')], false), []],
    ['an endpoint added and removed since', notifications([], [endpoint('a')]), withEndpoints([]), []],
    ['webhooks turned on', features(false, true), withEndpoints([endpoint('a'), endpoint('b', false)]), ['a']],
    ['webhooks left on', features(true, true), withEndpoints([endpoint('a')]), []],
    ['webhooks turned off', features(true, false), withEndpoints([endpoint('a')], false), []],
    [
      'a reset of features that turns webhooks on',
      { type: 'BillingSettingsReset', data: { sections: ['features'], previous: { features: { ...defaultBillingSettings.features, webhooks: false } }, resetAt: now } } as BillingSettingsEvent,
      withEndpoints([endpoint('a')]),
      ['a'],
    ],
    ['a tax rate created', { type: 'TaxRateCreated', data: {} } as unknown as BillingSettingsEvent, withEndpoints([endpoint('a')]), []],
  ])('%s', (_case, event, after, expected) => {
    expect(webhookEndpointsActivatedBy(event, after)).toEqual(expected);
  });

  it('the active endpoints: enabled ones, none while webhooks are off', () => {
    expect(activeWebhookEndpointIds(withEndpoints([endpoint('a'), endpoint('b', false)]))).toEqual(['a']);
    expect(activeWebhookEndpointIds(withEndpoints([endpoint('a')], false))).toEqual([]);
  });
});
