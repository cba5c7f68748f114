import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { aggregates, load, streams, toEventData, type CommandContext } from '../../libs/application/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { PostgresSecretStore, SecretDecryptionError, SecretKeyring, SecretNotFoundError } from '../../libs/secrets/src/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { startTestLedger, waitForEarlierTransactions, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Secrets out of the event log (docs/secrets.md): webhook secrets, bearer tokens and gateway tokens go in through the
 * API and are then searched for, as text, in every stored event (the raw rows of the events table and the store's
 * readAll), every table of the read-model schema and of the platform schema (idempotent answers), and every line the
 * API logged at debug level. They must be nowhere, and still be readable through the secret store.
 */

const TENANT = 'secrets-e2e';
const LEGACY_TENANT = 'secrets-legacy';
const SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const SIGNING_ROTATED = `whsec_${randomBytes(24).toString('base64')}`;
const BEARER = `tok_${randomBytes(24).toString('base64url')}`;
const BASIC = `billing:${randomBytes(18).toString('base64url')}`;
// Letters only: a run of random digits can pass the Luhn check, and the decider refuses anything that looks like a card number.
const GATEWAY = `tok_gw_${randomBytes(16).toString('hex').replace(/[0-9]/g, (digit) => 'ghijklmnop'[Number(digit)] as string)}`;
const REFUSED = `whsec_${randomBytes(12).toString('base64')}`; // 12 bytes: below the 24 a signing secret needs
const NEW_SECRETS = [SIGNING, SIGNING_ROTATED, BEARER, BASIC, GATEWAY, REFUSED];

const WEBHOOK_FIELDS = 'id url events authType secretSet secretLast4 previousSecretExpiresAt enabled';
const SETTINGS_PAYLOAD = `position settings { updatedAt notifications { webhooks { ${WEBHOOK_FIELDS} } } }`;
const UPDATE_NOTIFICATIONS = `mutation ($input: UpdateNotificationSettingsInput!) { updateNotificationSettings(input: $input) { ${SETTINGS_PAYLOAD} } }`;
const DISABLE = `mutation ($input: DisableWebhookEndpointInput!) { disableWebhookEndpoint(input: $input) { ${SETTINGS_PAYLOAD} } }`;
const ENABLE = `mutation ($input: EnableWebhookEndpointInput!) { enableWebhookEndpoint(input: $input) { ${SETTINGS_PAYLOAD} } }`;
const SETTINGS_QUERY = `query ($minPosition: String) { billingSettings(minPosition: $minPosition) { notifications { webhooks { ${WEBHOOK_FIELDS} } } } }`;
const HISTORY_QUERY = `query ($minPosition: String) { billingSettingsHistory(first: 100, minPosition: $minPosition) { edges { node { type sections values previous } } } }`;
const VALIDATE_QUERY = `query ($notifications: NotificationSettingsInput) { validateBillingSettings(section: NOTIFICATIONS, notifications: $notifications) { valid errors { path code } } }`;
const ADD_METHOD = 'mutation ($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { position paymentMethod { id hasGatewayToken } } }';
const METHOD_QUERY = 'query ($id: ID!, $minPosition: String) { paymentMethod(id: $id, minPosition: $minPosition) { id hasGatewayToken last4 } }';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  authType: string;
  secretSet: boolean;
  secretLast4: string | null;
  previousSecretExpiresAt: string | null;
  enabled: boolean;
}
interface SettingsPayload {
  position: string;
  settings: { updatedAt: string; notifications: { webhooks: Webhook[] } };
}
interface HistoryNode {
  type: string;
  sections: string[];
  values: Record<string, unknown>;
  previous: Record<string, unknown> | null;
}

const signed = { id: 'ledger-signed', url: 'https://hooks.example.com/ledger', events: ['INVOICE_PAID'], authType: 'SIGNATURE' };
const crm = { id: 'crm-bearer', url: 'https://crm.example.net/hooks', events: ['CUSTOMER_CREDIT_UPDATED'], authType: 'BEARER_TOKEN' };
const erp = { id: 'erp-basic', url: 'https://erp.example.org/in', events: ['PAYMENT_SUCCEEDED'], authType: 'BASIC_AUTH' };

let ledger: TestLedger;
let key: string;
/** Every response body the tests received, searched at the end like the stored data. */
const bodies: string[] = [];

beforeAll(async () => {
  // Debug level: whatever the API logs at any level is captured and searched.
  ledger = await startTestLedger({ environment: { LEDGER_LOG_LEVEL: 'debug' } });
  key = await ledger.createKey(TENANT, 'admin');
});

afterAll(async () => {
  await ledger?.stop();
});

async function graphql<Data>(query: string, variables: Record<string, unknown>, apiKey = key): Promise<GraphQLHttpResponse<Data>> {
  const response = await ledger.graphql<Data>(query, variables, apiKey);
  bodies.push(response.rawBody);
  return response;
}

async function mutateSettings(document: string, name: string, input: Record<string, unknown>, apiKey = key): Promise<SettingsPayload> {
  return requireData(await graphql<Record<string, SettingsPayload>>(document, { input }, apiKey), name)[name] as SettingsPayload;
}

/** The tenant's settings as the decider folds them (through the registry, which upcasts old events). */
async function settingsOf(tenantId: string) {
  return (await load(ledger.services.store, aggregates.billingSettings, tenantId, tenantId)).state.settings;
}

function webhookOf(settings: Awaited<ReturnType<typeof settingsOf>>, id: string) {
  const webhook = settings.notifications.webhooks.find((candidate) => candidate.id === id);
  if (!webhook) throw new Error(`no webhook ${id}`);
  return webhook;
}

/** Everything stored or said: raw event rows, readAll, every read-model and platform table, every log line, every response. */
async function everythingStoredOrSaid(): Promise<string> {
  await waitForEarlierTransactions(ledger.services.db);
  const db = ledger.services.db;
  const rawEvents = await sql<{ row: string }>`select to_jsonb(e)::text as row from event_store.events e`.execute(db);
  const all: RecordedEvent[] = await ledger.services.store.readAll({ fromPosition: 'start', maxCount: 100_000 });
  const tables = await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
     where table_schema in ('read_models', 'platform') and table_type = 'BASE TABLE' and table_name <> 'secrets'`.execute(db);
  const dumps: string[] = [];
  for (const table of tables.rows) {
    const rows = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(`${table.schema}.${table.name}`)} t`.execute(db);
    dumps.push(`${table.schema}.${table.name}: ${rows.rows.map((row) => row.row).join('\n')}`);
  }
  expect(tables.rows.map((table) => table.name)).toEqual(expect.arrayContaining(['billing_settings', 'billing_settings_history', 'payment_methods', 'idempotency_keys']));
  return [...rawEvents.rows.map((row) => row.row), JSON.stringify(all, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)), ...dumps, ...ledger.logs, ...bodies].join('\n');
}

describe('secrets written through the API', () => {
  let first: SettingsPayload;
  let methodId: string;

  it('answer only whether a secret is set and its last four characters', async () => {
    const input = { webhooks: [{ ...signed, secret: SIGNING }, { ...crm, secret: BEARER }, { ...erp, secret: BASIC }], idempotencyKey: 'secrets-1' };
    first = await mutateSettings(UPDATE_NOTIFICATIONS, 'updateNotificationSettings', input);
    expect(first.settings.notifications.webhooks).toEqual([
      { ...signed, secretSet: true, secretLast4: SIGNING.slice(-4), previousSecretExpiresAt: null, enabled: true },
      { ...crm, secretSet: true, secretLast4: BEARER.slice(-4), previousSecretExpiresAt: null, enabled: true },
      { ...erp, secretSet: true, secretLast4: BASIC.slice(-4), previousSecretExpiresAt: null, enabled: true },
    ]);
    // The same idempotency key answers the stored payload (stored without any secret).
    expect(await mutateSettings(UPDATE_NOTIFICATIONS, 'updateNotificationSettings', input)).toEqual(first);

    const added = requireData(await graphql<{ addPaymentMethod: { position: string; paymentMethod: { id: string; hasGatewayToken: boolean } } }>(ADD_METHOD, {
      input: { customerId: 'cus-secrets', type: 'CARD', brand: 'Visa', last4: '4242', expiryMonth: 12, expiryYear: 2030, gatewayToken: GATEWAY, idempotencyKey: 'method-1' },
    }), 'addPaymentMethod').addPaymentMethod;
    expect(added.paymentMethod.hasGatewayToken).toBe(true);
    methodId = added.paymentMethod.id;
    const read = requireData(await graphql<{ paymentMethod: { hasGatewayToken: boolean } }>(METHOD_QUERY, { id: methodId, minPosition: added.position }), 'paymentMethod');
    expect(read.paymentMethod.hasGatewayToken).toBe(true);
  });

  it('are in the secret store, named by reference in the events, and readable there (and only with the right key)', async () => {
    const settings = await settingsOf(TENANT);
    const references = [webhookOf(settings, 'ledger-signed'), webhookOf(settings, 'crm-bearer'), webhookOf(settings, 'erp-basic')].map((webhook) => webhook.secretRef as string);
    for (const reference of references) expect(reference).toMatch(/^sec_[0-9a-f-]{36}$/);
    expect(await Promise.all(references.map((reference) => ledger.services.secrets.reveal(TENANT, reference)))).toEqual([SIGNING, BEARER, BASIC]);

    const added = (await ledger.tenantEvents(TENANT)).find((event) => event.type === 'PaymentMethodAdded');
    expect(added?.metadata.schemaVersion).toBe(2);
    const tokenRef = (added?.data as { gatewayTokenRef: string }).gatewayTokenRef;
    expect(await ledger.services.secrets.reveal(TENANT, tokenRef)).toBe(GATEWAY);

    // Another key cannot read them: AES-GCM authentication fails, and says so without the secret.
    const wrongKey = new PostgresSecretStore(ledger.services.db, { keyring: new SecretKeyring({ version: 1, key: randomBytes(32) }) });
    await expect(wrongKey.reveal(TENANT, tokenRef)).rejects.toBeInstanceOf(SecretDecryptionError);
    await expect(wrongKey.reveal(TENANT, tokenRef)).rejects.not.toThrow(GATEWAY);
    // Another tenant cannot name them.
    await expect(ledger.services.secrets.reveal('someone-else', tokenRef)).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('stay when an update leaves them out, and sending the same secret again changes nothing', async () => {
    const before = await settingsOf(TENANT);
    const count = (await ledger.tenantEvents(TENANT)).length;
    const same = await mutateSettings(UPDATE_NOTIFICATIONS, 'updateNotificationSettings', { webhooks: [{ ...signed, secret: SIGNING }, crm, erp] });
    expect(same.settings).toEqual(first.settings);
    expect((await ledger.tenantEvents(TENANT)).length).toBe(count);

    const changed = await mutateSettings(UPDATE_NOTIFICATIONS, 'updateNotificationSettings', { webhooks: [{ ...signed, events: ['INVOICE_PAID', 'INVOICE_OVERDUE'] }, crm, erp] });
    expect(changed.settings.notifications.webhooks[0]).toMatchObject({ events: ['INVOICE_PAID', 'INVOICE_OVERDUE'], secretSet: true, secretLast4: SIGNING.slice(-4) });
    expect(webhookOf(await settingsOf(TENANT), 'ledger-signed').secretRef).toBe(webhookOf(before, 'ledger-signed').secretRef);
  });

  it('rotate: a new signing secret keeps the replaced one valid for 24 hours of the tenant\'s time', async () => {
    const before = webhookOf(await settingsOf(TENANT), 'ledger-signed');
    const rotated = await mutateSettings(UPDATE_NOTIFICATIONS, 'updateNotificationSettings', { webhooks: [{ ...signed, events: ['INVOICE_PAID', 'INVOICE_OVERDUE'], secret: SIGNING_ROTATED }, crm, erp] });
    const shown = rotated.settings.notifications.webhooks[0] as Webhook;
    expect(shown.secretLast4).toBe(SIGNING_ROTATED.slice(-4));
    expect(Date.parse(shown.previousSecretExpiresAt as string) - Date.parse(rotated.settings.updatedAt)).toBe(24 * 3_600_000);
    const after = webhookOf(await settingsOf(TENANT), 'ledger-signed');
    expect(after.previousSecretRef).toBe(before.secretRef);
    expect(await ledger.services.secrets.reveal(TENANT, after.secretRef as string)).toBe(SIGNING_ROTATED);
    expect(await ledger.services.secrets.reveal(TENANT, after.previousSecretRef as string)).toBe(SIGNING);
  });

  it('are refused when malformed, without an event, a stored secret or an echo', async () => {
    const count = (await ledger.tenantEvents(TENANT)).length;
    const stored = async () => Number((await sql<{ n: string }>`select count(*) as n from platform.secrets where tenant_id = ${TENANT}`.execute(ledger.services.db)).rows[0]?.n);
    const secretsBefore = await stored();
    const refused = await graphql(UPDATE_NOTIFICATIONS, { input: { webhooks: [{ ...signed, secret: REFUSED }, crm, erp] } });
    expect(firstErrorCode(refused)).toBe('VALIDATION_FAILED');
    expect(refused.errors?.[0]?.extensions?.violations).toEqual([expect.objectContaining({ path: 'notifications.webhooks[0].secret', code: 'invalid_secret_format' })]);
    const moved = await graphql(UPDATE_NOTIFICATIONS, { input: { webhooks: [signed, { ...crm, url: 'https://attacker.example.org/collect' }, erp] } });
    expect(moved.errors?.[0]?.extensions?.violations).toEqual([expect.objectContaining({ path: 'notifications.webhooks[1].secret', code: 'secret_required' })]);
    expect((await ledger.tenantEvents(TENANT)).length).toBe(count);
    expect(await stored()).toBe(secretsBefore);
    // The validation query agrees with the command, on the read model's references.
    const validation = requireData(await graphql<{ validateBillingSettings: { valid: boolean; errors: unknown[] } }>(VALIDATE_QUERY, { notifications: { webhooks: [signed, crm, erp] } }), 'validate');
    expect(validation.validateBillingSettings).toEqual({ valid: true, errors: [] });
  });

  it('are kept when the endpoint is disabled (as on 410 Gone) and enabled again', async () => {
    const disabled = await mutateSettings(DISABLE, 'disableWebhookEndpoint', { endpointId: 'crm-bearer', reason: 'HTTP 410 Gone from the endpoint' });
    expect(disabled.settings.notifications.webhooks.find((webhook) => webhook.id === 'crm-bearer')).toMatchObject({ enabled: false, secretSet: true });
    const history = requireData(await graphql<{ billingSettingsHistory: { edges: { node: HistoryNode }[] } }>(HISTORY_QUERY, { minPosition: disabled.position }), 'history');
    expect(history.billingSettingsHistory.edges[0]?.node).toEqual({
      type: 'WebhookEndpointDisabled',
      sections: ['NOTIFICATIONS'],
      values: { endpointId: 'crm-bearer', enabled: false, reason: 'HTTP 410 Gone from the endpoint' },
      previous: { endpointId: 'crm-bearer', enabled: true },
    });
    const enabled = await mutateSettings(ENABLE, 'enableWebhookEndpoint', { endpointId: 'crm-bearer' });
    expect(enabled.settings.notifications.webhooks.find((webhook) => webhook.id === 'crm-bearer')).toMatchObject({ enabled: true, secretSet: true, secretLast4: BEARER.slice(-4) });
    expect(await ledger.services.secrets.reveal(TENANT, webhookOf(await settingsOf(TENANT), 'crm-bearer').secretRef as string)).toBe(BEARER);
    expect(firstErrorCode(await graphql(ENABLE, { input: { endpointId: 'no-such-endpoint' } }))).toBe('NOT_FOUND');
  });

  it('appear in no stored event, no read-model or platform row, no log line and no response', async () => {
    const settings = requireData(await graphql<{ billingSettings: unknown }>(SETTINGS_QUERY, { minPosition: encodePosition(await ledger.services.store.headPosition()) }), 'billingSettings');
    expect(settings).toBeTruthy();
    const text = await everythingStoredOrSaid();
    // The search did read the data: the references and the settings events are there.
    expect(text).toContain(webhookOf(await settingsOf(TENANT), 'ledger-signed').secretRef as string);
    expect(text).toContain('BillingSettingsSectionUpdated');
    expect(ledger.logs.length).toBeGreaterThan(0);
    for (const secret of NEW_SECRETS) expect(text.includes(secret)).toBe(false);
  });
});

describe('secrets of events written before the secret store (schema version 1)', () => {
  const LEGACY_SIGNING = `legacy-signing-${randomBytes(12).toString('hex')}`;
  const LEGACY_BEARER = `legacy-bearer-${randomBytes(12).toString('hex')}`;
  const LEGACY_GATEWAY = `tok_legacy_${randomBytes(8).toString('hex')}`;
  let legacyKey: string;
  let settingsEventId: string;
  let methodEventId: string;
  let position: string;

  beforeAll(async () => {
    legacyKey = await ledger.createKey(LEGACY_TENANT, 'admin');
    const context: CommandContext = { tenantId: LEGACY_TENANT, actor: 'legacy', commandId: randomUUID(), correlationId: 'legacy', causationId: 'legacy', now: '2026-01-05T10:00:00.000Z' };
    const email = { invoices: true, paymentConfirmations: true, overdueNotices: true, receipts: true };
    const v1 = (id: string, url: string, authType: string, secret: string | null) => ({ id, url, events: ['invoice.paid'], authType, secret, enabled: true });
    const settingsStream = streams.billingSettings(LEGACY_TENANT);
    const update = {
      type: 'BillingSettingsSectionUpdated',
      data: {
        section: 'notifications',
        values: { email, webhooks: [v1('old-signed', 'https://old.example.com/hooks', 'signature', LEGACY_SIGNING), v1('old-bearer', 'https://old.example.net/hooks', 'bearer_token', LEGACY_BEARER)] },
        previous: { email, webhooks: [] },
        updatedAt: context.now,
      },
    };
    // Appended raw, in the version-1 shape and with version 1 in the metadata, as the ledger wrote them then.
    const settingsEvent = toEventData(update, context, settingsStream, 0, 1);
    settingsEventId = settingsEvent.eventId;
    await ledger.services.store.appendToStream(settingsStream, [settingsEvent], { expectedRevision: 'no_stream' });
    const methodStream = streams.paymentMethod(LEGACY_TENANT, 'pm-legacy');
    const added = {
      type: 'PaymentMethodAdded',
      data: { paymentMethodId: 'pm-legacy', customerId: 'cus-legacy', type: 'card', brand: 'visa', last4: '1881', expiryMonth: 1, expiryYear: 2031, gatewayToken: LEGACY_GATEWAY, holderName: null, status: 'active', verificationStatus: null, addedAt: context.now },
    };
    const methodEvent = toEventData(added, context, methodStream, 0, 1);
    methodEventId = methodEvent.eventId;
    const appended = await ledger.services.store.appendToStream(methodStream, [methodEvent], { expectedRevision: 'no_stream' });
    position = encodePosition(appended.position);
  });

  it('load: the endpoints name legacy references, which the store resolves from the old event', async () => {
    const settings = await settingsOf(LEGACY_TENANT);
    expect(webhookOf(settings, 'old-signed')).toMatchObject({ secretRef: `legacy:settings:${settingsEventId}:values:old-signed`, secretLast4: LEGACY_SIGNING.slice(-4) });
    expect(await ledger.services.secrets.reveal(LEGACY_TENANT, webhookOf(settings, 'old-signed').secretRef as string)).toBe(LEGACY_SIGNING);
    expect(await ledger.services.secrets.reveal(LEGACY_TENANT, webhookOf(settings, 'old-bearer').secretRef as string)).toBe(LEGACY_BEARER);
    const method = (await load(ledger.services.store, aggregates.paymentMethod, LEGACY_TENANT, 'pm-legacy')).state;
    expect(method.gatewayTokenRef).toBe(`legacy:payment-method:${methodEventId}:pm-legacy`);
    expect(await ledger.services.secrets.reveal(LEGACY_TENANT, method.gatewayTokenRef as string)).toBe(LEGACY_GATEWAY);
  });

  it('show as set in the API, and an update that leaves them out keeps the legacy reference; a new secret rotates it', async () => {
    const shown = requireData(await graphql<{ billingSettings: { notifications: { webhooks: Webhook[] } } }>(SETTINGS_QUERY, { minPosition: position }, legacyKey), 'billingSettings');
    expect(shown.billingSettings.notifications.webhooks.map((webhook) => [webhook.id, webhook.secretSet, webhook.secretLast4])).toEqual([
      ['old-signed', true, LEGACY_SIGNING.slice(-4)],
      ['old-bearer', true, LEGACY_BEARER.slice(-4)],
    ]);
    const method = requireData(await graphql<{ paymentMethod: { hasGatewayToken: boolean } }>(METHOD_QUERY, { id: 'pm-legacy', minPosition: position }, legacyKey), 'paymentMethod');
    expect(method.paymentMethod.hasGatewayToken).toBe(true);

    const oldSigned = { id: 'old-signed', url: 'https://old.example.com/hooks', events: ['INVOICE_PAID', 'INVOICE_VOIDED'], authType: 'SIGNATURE' };
    const oldBearer = { id: 'old-bearer', url: 'https://old.example.net/hooks', events: ['INVOICE_PAID'], authType: 'BEARER_TOKEN' };
    await mutateSettings(UPDATE_NOTIFICATIONS, 'updateNotificationSettings', { webhooks: [oldSigned, oldBearer] }, legacyKey);
    const kept = await settingsOf(LEGACY_TENANT);
    expect(webhookOf(kept, 'old-signed').secretRef).toBe(`legacy:settings:${settingsEventId}:values:old-signed`);

    const rotated = await mutateSettings(UPDATE_NOTIFICATIONS, 'updateNotificationSettings', { webhooks: [{ ...oldSigned, secret: SIGNING }, oldBearer] }, legacyKey);
    expect(rotated.settings.notifications.webhooks[0]?.previousSecretExpiresAt).not.toBeNull();
    const after = webhookOf(await settingsOf(LEGACY_TENANT), 'old-signed');
    expect(after.previousSecretRef).toBe(`legacy:settings:${settingsEventId}:values:old-signed`);
    expect(await ledger.services.secrets.reveal(LEGACY_TENANT, after.secretRef as string)).toBe(SIGNING);
  });

  it('never reach a read model, a log line or a response (only the old events themselves still hold them)', async () => {
    requireData(await graphql(HISTORY_QUERY, { minPosition: encodePosition(await ledger.services.store.headPosition()) }, legacyKey), 'history');
    const db = ledger.services.db;
    const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'read_models' and table_type = 'BASE TABLE'`.execute(db);
    const rows: string[] = [];
    for (const table of tables.rows) {
      const dump = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(`read_models.${table.name}`)} t`.execute(db);
      rows.push(...dump.rows.map((row) => row.row));
    }
    const text = [...rows, ...ledger.logs, ...bodies].join('\n');
    expect(text).toContain(`legacy:settings:${settingsEventId}:values:old-signed`);
    for (const secret of [LEGACY_SIGNING, LEGACY_BEARER, LEGACY_GATEWAY]) expect(text.includes(secret)).toBe(false);
  });
});
