import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { collectSubscription, connectWebSocket, type SubscriptionCollector, type WebSocketConnection } from '../support/graphql-ws.collector.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Webhook secrets are kept in the secret store (docs/secrets.md; the settings events name them by reference) and must never leave the server:
 * not in mutation payloads (nor in stored idempotent answers), not in queries, the history or the validation
 * answer, not in the billingEvents subscription, not in the read models, not in error messages, not in the logs.
 * Each test looks for the secret strings in the raw bytes a client receives.
 */

const TENANT = 'settings-secrets';
const SIGNING_SECRET = `whsec_${randomBytes(32).toString('base64')}`; // Standard Webhooks: base64 of 24 to 64 random bytes
const BEARER_TOKEN = `tok_${randomBytes(24).toString('base64url')}`;
const SHORT_SECRET = `short_${randomBytes(6).toString('hex').slice(0, 8)}`; // 14 characters: below the minimum of 16
const SECRETS = [SIGNING_SECRET, BEARER_TOKEN, SHORT_SECRET];

const WEBHOOK_FIELDS = 'id url events authType secretSet secretLast4 enabled';
const UPDATE_NOTIFICATIONS = `mutation ($input: UpdateNotificationSettingsInput!) {
  updateNotificationSettings(input: $input) { position settings { notifications { webhooks { ${WEBHOOK_FIELDS} } } } }
}`;
const RESET = `mutation ($input: ResetBillingSettingsInput!) { resetBillingSettings(input: $input) { position settings { notifications { webhooks { ${WEBHOOK_FIELDS} } } } } }`;
const SETTINGS_QUERY = `query ($minPosition: String) { billingSettings(minPosition: $minPosition) { notifications { webhooks { ${WEBHOOK_FIELDS} } } } }`;
const HISTORY_QUERY = `query ($minPosition: String) { billingSettingsHistory(first: 100, minPosition: $minPosition) { edges { node { type sections values previous } } } }`;
const VALIDATE_QUERY = `query ($notifications: NotificationSettingsInput) {
  validateBillingSettings(section: NOTIFICATIONS, notifications: $notifications) { valid errors { path code message } warnings { path message } }
}`;
const EVENTS_SUBSCRIPTION = 'subscription ($types: [String!]) { billingEvents(types: $types) { position type streamId data } }';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  authType: string;
  secretSet: boolean;
  secretLast4: string | null;
  enabled: boolean;
}
interface NotificationsPayload {
  position: string;
  settings: { notifications: { webhooks: Webhook[] } };
}
interface EventMessage {
  position: string;
  type: string;
  streamId: string;
  data: Record<string, unknown>;
}

const signing = { id: 'ledger-signed', url: 'https://hooks.example.com/ledger', events: ['INVOICE_PAID', 'PAYMENT_SUCCEEDED'], authType: 'SIGNATURE' };
const bearer = { id: 'crm-bearer', url: 'https://crm.example.net/hooks/billing', events: ['CUSTOMER_CREDIT_UPDATED'], authType: 'BEARER_TOKEN' };

let ledger: TestLedger;
let adminKey: string;
let connection: WebSocketConnection;
let events: SubscriptionCollector<EventMessage>;
const settingsEventTypes = ['BillingSettingsSectionUpdated', 'BillingSettingsReset', 'TaxRateCreated', 'TaxRateUpdated', 'TaxRateDeactivated'];

beforeAll(async () => {
  ledger = await startTestLedger();
  adminKey = await ledger.createKey(TENANT, 'admin');
  connection = await connectWebSocket(ledger.url, adminKey);
  events = collectSubscription<EventMessage>(connection, 'billingEvents', EVENTS_SUBSCRIPTION, {});
});

afterAll(async () => {
  events?.stop();
  await connection?.close();
  await ledger?.stop();
});

function expectNoSecretIn(text: string): void {
  for (const secret of SECRETS) expect(text.includes(secret)).toBe(false);
}

async function updateNotifications(input: Record<string, unknown>): Promise<GraphQLHttpResponse<{ updateNotificationSettings: NotificationsPayload }>> {
  const response = await ledger.graphql<{ updateNotificationSettings: NotificationsPayload }>(UPDATE_NOTIFICATIONS, { input }, adminKey);
  expectNoSecretIn(response.rawBody);
  return response;
}

async function updateNotificationsOk(input: Record<string, unknown>): Promise<NotificationsPayload> {
  return requireData(await updateNotifications(input), 'updateNotificationSettings').updateNotificationSettings;
}

let saved: NotificationsPayload;

describe('a webhook secret', () => {
  it('is answered by a mutation only as secretSet and its last four characters, also when the answer is replayed', async () => {
    const input = { webhooks: [{ ...signing, secret: SIGNING_SECRET }, { ...bearer, secret: BEARER_TOKEN }], idempotencyKey: 'webhooks-1' };
    saved = await updateNotificationsOk(input);
    expect(saved.settings.notifications.webhooks).toEqual([
      { ...signing, secretSet: true, secretLast4: SIGNING_SECRET.slice(-4), enabled: true },
      { ...bearer, secretSet: true, secretLast4: BEARER_TOKEN.slice(-4), enabled: true },
    ]);
    // The same idempotency key answers the stored payload: it was stored without the secret.
    expect(await updateNotificationsOk(input)).toEqual(saved);
    const stored = await sql<{ response: string }>`select response::text as response from platform.idempotency_keys where tenant_id = ${TENANT}`.execute(ledger.services.db);
    expect(stored.rows.length).toBe(1);
    expectNoSecretIn(stored.rows.map((row) => row.response).join('\n'));
  });

  it('is not in the settings event: the event names it by a reference the secret store resolves, and an update that leaves it out keeps it', async () => {
    const lastSettingsEvent = async () => (await ledger.tenantEvents(TENANT)).filter((event) => event.type === 'BillingSettingsSectionUpdated').at(-1);
    const written = await lastSettingsEvent();
    expectNoSecretIn(JSON.stringify(written?.data));
    const references = (written?.data as { values: { webhooks: { id: string; secretRef: string }[] } }).values.webhooks.map((webhook) => webhook.secretRef);
    expect(await Promise.all(references.map((reference) => ledger.services.secrets.reveal(TENANT, reference)))).toEqual([SIGNING_SECRET, BEARER_TOKEN]);

    const disabled = await updateNotificationsOk({ webhooks: [{ ...signing, enabled: false }, bearer] });
    expect(disabled.settings.notifications.webhooks.map((webhook) => [webhook.id, webhook.secretSet, webhook.enabled])).toEqual([
      ['ledger-signed', true, false],
      ['crm-bearer', true, true],
    ]);
    const kept = await lastSettingsEvent();
    expect(kept?.eventId).not.toBe(written?.eventId);
    expectNoSecretIn(JSON.stringify(kept?.data));
    expect((kept?.data as { values: { webhooks: { secretRef: string }[] } }).values.webhooks.map((webhook) => webhook.secretRef)).toEqual(references);
    saved = disabled;
  });

  it('is not carried over to another host or another auth type: the secret must be sent again (secret_required)', async () => {
    const before = (await ledger.tenantEvents(TENANT)).length;
    const moved = await updateNotifications({ webhooks: [signing, { ...bearer, url: 'https://attacker.example.org/collect' }] });
    expect(firstErrorCode(moved)).toBe('VALIDATION_FAILED');
    expect(moved.errors?.[0]?.extensions?.violations).toEqual([expect.objectContaining({ path: 'notifications.webhooks[1].secret', code: 'secret_required' })]);
    const retyped = await updateNotifications({ webhooks: [{ ...signing, authType: 'API_KEY' }, bearer] });
    expect(retyped.errors?.[0]?.extensions?.violations).toEqual([expect.objectContaining({ path: 'notifications.webhooks[0].secret', code: 'secret_required' })]);
    expect((await ledger.tenantEvents(TENANT)).length).toBe(before);
  });

  it('is never repeated by a validation error: not a short one, not one inside a URL', async () => {
    const short = await updateNotifications({ webhooks: [{ ...signing, secret: SHORT_SECRET }] });
    expect(firstErrorCode(short)).toBe('VALIDATION_FAILED');
    expect(short.errors?.[0]?.extensions?.violations).toEqual([expect.objectContaining({ path: 'notifications.webhooks[0].secret', code: 'secret_too_short' })]);
    const inUrl = await updateNotifications({ webhooks: [{ ...bearer, url: `https://billing:${BEARER_TOKEN}@crm.example.net/hooks`, secret: BEARER_TOKEN }] });
    expect(inUrl.errors?.[0]?.extensions?.violations).toEqual([expect.objectContaining({ path: 'notifications.webhooks[0].url', code: 'url_credentials' })]);
  });

  it('is not echoed by a request GraphQL itself refuses (an unknown field, a missing one, a wrong type beside it)', async () => {
    for (const webhook of [
      { ...signing, secret: SIGNING_SECRET, colour: 'blue' },
      { id: 'no-url', events: ['INVOICE_PAID'], authType: 'SIGNATURE', secret: SIGNING_SECRET },
      { ...signing, secret: SIGNING_SECRET, enabled: 'yes' },
    ]) {
      const response = await updateNotifications({ webhooks: [webhook] });
      expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
      // What is wrong and where is still said; only the value is left out.
      expect(response.errors?.[0]?.message).toMatch(/^Variable "\$input" got an invalid value at "input\.webhooks\[0\]/);
    }
  });

  it('is never returned by billingSettings, validateBillingSettings or billingSettingsHistory (new and previous values)', async () => {
    const settings = await ledger.graphql<{ billingSettings: { notifications: { webhooks: Webhook[] } } }>(SETTINGS_QUERY, { minPosition: saved.position }, adminKey);
    expectNoSecretIn(settings.rawBody);
    expect(requireData(settings, 'billingSettings').billingSettings.notifications.webhooks).toEqual(saved.settings.notifications.webhooks);

    // The stored secrets are known to exist (no secret_required for the endpoints that keep them) without being read.
    const kept = await ledger.graphql(VALIDATE_QUERY, { notifications: { webhooks: [signing, bearer] } }, adminKey);
    expectNoSecretIn(kept.rawBody);
    expect(requireData(kept, 'validate')).toMatchObject({ validateBillingSettings: { valid: true, errors: [] } });
    // A secret sent for validation is not echoed either (auth type none ignores it: a warning).
    const echoed = await ledger.graphql(VALIDATE_QUERY, { notifications: { webhooks: [{ ...signing, authType: 'NONE', secret: SIGNING_SECRET }] } }, adminKey);
    expectNoSecretIn(echoed.rawBody);
    expect(requireData(echoed, 'validate')).toMatchObject({ validateBillingSettings: { valid: true, warnings: expect.arrayContaining([expect.objectContaining({ path: 'notifications.webhooks[0].secret' })]) } });

    const reset = requireData(await ledger.graphql<{ resetBillingSettings: NotificationsPayload }>(RESET, { input: { section: 'NOTIFICATIONS' } }, adminKey), 'reset').resetBillingSettings;
    expect(reset.settings.notifications.webhooks).toEqual([]);
    const history = await ledger.graphql<{ billingSettingsHistory: { edges: { node: { type: string; values: unknown; previous: unknown } }[] } }>(HISTORY_QUERY, { minPosition: reset.position }, adminKey);
    expectNoSecretIn(history.rawBody);
    const nodes = requireData(history, 'history').billingSettingsHistory.edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.type)).toEqual(['BillingSettingsReset', 'BillingSettingsSectionUpdated', 'BillingSettingsSectionUpdated']);
    // What the history shows instead: the secret's reference and its last four characters.
    expect(JSON.stringify(nodes[0]?.previous)).toContain(`"secretLast4":${JSON.stringify(BEARER_TOKEN.slice(-4))}`);
    expect(JSON.stringify(nodes[2]?.values)).toContain(`"secretLast4":${JSON.stringify(SIGNING_SECRET.slice(-4))}`);
    expect(JSON.stringify(nodes[2]?.values)).toMatch(/"secretRef":"sec_[0-9a-f-]{36}"/);
  });

  it('is not in the billingEvents subscription (references only), in replayed and live events alike', async () => {
    const stored = (await ledger.tenantEvents(TENANT)).filter((event) => settingsEventTypes.includes(event.type));
    expect(stored.length).toBe(3);
    const received = await events.waitFor('the settings events', (items) => items.filter((item) => settingsEventTypes.includes(item.type)).length >= stored.length);
    expectNoSecretIn(JSON.stringify(received));
    expect(JSON.stringify(received)).toContain(`"secretLast4":${JSON.stringify(SIGNING_SECRET.slice(-4))}`);

    // A live event, written while subscribed.
    saved = await updateNotificationsOk({ webhooks: [{ ...bearer, secret: BEARER_TOKEN }] });
    const live = await events.waitFor('a live settings event', (items) => items.filter((item) => settingsEventTypes.includes(item.type)).length >= stored.length + 1);
    expectNoSecretIn(JSON.stringify(live));
    expect(events.errors).toEqual([]);
  });

  it('is in no read model row and in no log line', async () => {
    requireData(await ledger.graphql(HISTORY_QUERY, { minPosition: saved.position }, adminKey), 'history');
    const settingsRows = await sql<{ row: string }>`select to_jsonb(t)::text as row from read_models.billing_settings t where tenant_id = ${TENANT}`.execute(ledger.services.db);
    const historyRows = await sql<{ row: string }>`select to_jsonb(t)::text as row from read_models.billing_settings_history t where tenant_id = ${TENANT}`.execute(ledger.services.db);
    expect(settingsRows.rows.length).toBe(1);
    expect(historyRows.rows.length).toBe(4);
    expectNoSecretIn([...settingsRows.rows, ...historyRows.rows].map((row) => row.row).join('\n'));
    expectNoSecretIn(ledger.logs.join('\n'));
  });
});
