import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { streams, toEventData, uuidV5, type CommandContext } from '../../application/src/index.js';
import { connectDatabase, runForTenant } from '../../database/src/index.js';
import { PostgresEventStore } from '../../event-store/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../testing/src/test-database.js';
import { InMemorySecretStore } from './in-memory-secret-store.js';
import { eventLogLegacySecrets } from './legacy-secrets.js';
import { PostgresSecretStore } from './postgres-secret-store.js';
import { SecretKeyring } from './secret-cipher.js';
import { ensureSecretStore } from './secret-store.migrations.js';
import { SecretConflictError, SecretDecryptionError, SecretNotFoundError, secretReference, type SecretStore } from './secret-store.js';

/**
 * The secret store on the run's PostgreSQL: the SecretStore contract (shared with the in-memory store), what is in
 * the table (never a plaintext), row-level security, a wrong key, and legacy references into old events.
 */

let database: TestDatabase;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let db: Kysely<any>;
let close: () => Promise<void>;
let events: PostgresEventStore;
const key = { version: 1, key: randomBytes(32) };

beforeAll(async () => {
  database = await createTestDatabase('secrets');
  ({ db, close } = connectDatabase(database.connectionString));
  events = new PostgresEventStore({ connectionString: database.connectionString });
  await events.migrate();
  await ensureSecretStore(db);
  // Twice, as two processes starting together would: nothing changes the second time.
  await ensureSecretStore(db);
});

afterAll(async () => {
  await events?.close();
  await close?.();
  await database?.drop();
});

const postgres = () => new PostgresSecretStore(db, { keyring: new SecretKeyring(key), legacy: eventLogLegacySecrets(events) });

describe.each<[string, () => SecretStore]>([
  ['PostgresSecretStore', postgres],
  ['InMemorySecretStore', () => new InMemorySecretStore()],
])('the SecretStore contract: %s', (_name, make) => {
  it('reveals what was put, per tenant and reference', async () => {
    const store = make();
    const reference = secretReference(randomUUID(), 'webhook:wh-1');
    await store.put('acme', reference, 'whsec_first-tenant-secret-0001');
    expect(await store.reveal('acme', reference)).toBe('whsec_first-tenant-secret-0001');
  });

  it('takes the same plaintext again under the same reference (a retried command), and refuses another', async () => {
    const store = make();
    const reference = secretReference(randomUUID(), 'gateway-token');
    await store.put('acme', reference, 'tok_retried-0001');
    await store.put('acme', reference, 'tok_retried-0001');
    const refused = store.put('acme', reference, 'tok_different-0002');
    await expect(refused).rejects.toBeInstanceOf(SecretConflictError);
    await expect(refused).rejects.not.toThrow(/tok_/);
    expect(await store.reveal('acme', reference)).toBe('tok_retried-0001');
  });

  it('throws SecretNotFoundError for an unknown reference, and for another tenant\'s', async () => {
    const store = make();
    const reference = secretReference(randomUUID(), 'webhook:wh-2');
    await store.put('acme', reference, 'tok_only-for-acme-0001');
    await expect(store.reveal('acme', secretReference(randomUUID(), 'x'))).rejects.toBeInstanceOf(SecretNotFoundError);
    const other = store.reveal('globex', reference);
    await expect(other).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(other).rejects.toThrow(reference);
  });

  it('refuses to store under something that is not a reference it makes', async () => {
    await expect(make().put('acme', 'legacy:settings:x:values:y', 'tok_x')).rejects.toThrow(TypeError);
    await expect(make().put('acme', 'my-own-name', 'tok_x')).rejects.toThrow(TypeError);
  });
});

describe('PostgresSecretStore', () => {
  it('stores ciphertext only: no row holds the plaintext, in any column', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const reference = secretReference(randomUUID(), 'webhook:wh-3');
    await postgres().put('acme', reference, secret);
    const { rows } = await sql<{ row: string; ciphertext: Buffer }>`select to_jsonb(s)::text as row, ciphertext from platform.secrets s where reference = ${reference}`.execute(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.row).not.toContain(secret);
    expect(rows[0]?.row).not.toContain(Buffer.from(secret).toString('hex'));
    expect(rows[0]?.ciphertext.includes(Buffer.from(secret))).toBe(false);
    expect(rows[0]?.row).toContain('"key_version": 1');
  });

  it('fails cleanly with another key (AES-GCM authentication), naming the reference and not the secret', async () => {
    const reference = secretReference(randomUUID(), 'webhook:wh-4');
    await postgres().put('acme', reference, 'tok_written-with-key-one');
    const wrongKey = new PostgresSecretStore(db, { keyring: new SecretKeyring({ version: 1, key: randomBytes(32) }) });
    const reading = wrongKey.reveal('acme', reference);
    await expect(reading).rejects.toBeInstanceOf(SecretDecryptionError);
    await expect(reading).rejects.toThrow(`the secret under ${reference} cannot be read: authentication failed`);
    await expect(reading).rejects.not.toThrow(/tok_written/);
    // Nor does the store with the wrong key overwrite the row: the same reference is a conflict it cannot judge.
    await expect(wrongKey.put('acme', reference, 'tok_written-with-key-one')).rejects.toBeInstanceOf(SecretDecryptionError);
  });

  it('reads rows of an older key after a rotation, and writes new ones with the current key', async () => {
    const reference = secretReference(randomUUID(), 'webhook:wh-5');
    await postgres().put('acme', reference, 'tok_before-rotation-0001');
    const rotated = new PostgresSecretStore(db, { keyring: new SecretKeyring({ version: 2, key: randomBytes(32) }, [key]) });
    expect(await rotated.reveal('acme', reference)).toBe('tok_before-rotation-0001');
    const next = secretReference(randomUUID(), 'webhook:wh-5');
    await rotated.put('acme', next, 'tok_after-rotation-0002');
    const { rows } = await sql<{ key_version: number }>`select key_version from platform.secrets where reference = ${next}`.execute(db);
    expect(rows[0]?.key_version).toBe(2);
  });

  it('is a tenant table under forced row-level security: inside a request, another tenant\'s rows do not exist', async () => {
    const { rows } = await sql<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select c.relrowsecurity, c.relforcerowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'platform' and c.relname = 'secrets'`.execute(db);
    expect(rows).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
    const reference = secretReference(randomUUID(), 'webhook:wh-6');
    await postgres().put('acme', reference, 'tok_acme-only-0001');
    const seen = await runForTenant({ tenantId: 'globex' }, async () => (await sql<{ n: string }>`select count(*) as n from platform.secrets where reference = ${reference}`.execute(db)).rows[0]?.n);
    expect(seen).toBe('0');
    expect(await runForTenant({ tenantId: 'acme' }, () => postgres().reveal('acme', reference))).toBe('tok_acme-only-0001');
    // Writing another tenant's secret from inside a request is refused by the policy itself.
    await expect(runForTenant({ tenantId: 'acme' }, () => postgres().put('globex', secretReference(randomUUID(), 'x'), 'tok_cross-tenant'))).rejects.toThrow(/row-level security/);
  });
});

describe('legacy references', () => {
  const context = (tenantId: string): CommandContext => ({ tenantId, actor: 'test', commandId: randomUUID(), correlationId: 'c', causationId: 'c', now: '2025-06-01T08:00:00.000Z' });
  const v1Endpoint = (id: string, secret: string) => ({ id, url: `https://${id}.example.com/hooks`, events: ['invoice.paid'], authType: 'bearer_token', secret, enabled: true });

  it('resolve to the plaintext still held by a version-1 settings event or PaymentMethodAdded, in the tenant\'s own streams', async () => {
    const tenantId = `legacy-${randomBytes(3).toString('hex')}`;
    const settingsStream = streams.billingSettings(tenantId);
    const update = {
      type: 'BillingSettingsSectionUpdated',
      data: {
        section: 'notifications',
        values: { email: { invoices: true, paymentConfirmations: true, overdueNotices: true, receipts: true }, webhooks: [v1Endpoint('crm', 'tok_legacy-new-0001')] },
        previous: { email: { invoices: true, paymentConfirmations: true, overdueNotices: true, receipts: true }, webhooks: [v1Endpoint('crm', 'tok_legacy-old-0000')] },
        updatedAt: '2025-06-01T08:00:00.000Z',
      },
    };
    const settingsEvent = toEventData(update, context(tenantId), settingsStream, 0, 1);
    await events.appendToStream(settingsStream, [settingsEvent], { expectedRevision: 'no_stream' });
    const methodStream = streams.paymentMethod(tenantId, 'pm-old');
    const added = { type: 'PaymentMethodAdded', data: { paymentMethodId: 'pm-old', customerId: 'c-1', type: 'card', gatewayToken: 'tok_legacy-card-0001' } };
    const methodEvent = toEventData(added, context(tenantId), methodStream, 0, 1);
    await events.appendToStream(methodStream, [methodEvent], { expectedRevision: 'no_stream' });

    const store = postgres();
    expect(await store.reveal(tenantId, `legacy:settings:${settingsEvent.eventId}:values:crm`)).toBe('tok_legacy-new-0001');
    expect(await store.reveal(tenantId, `legacy:settings:${settingsEvent.eventId}:previous:crm`)).toBe('tok_legacy-old-0000');
    expect(await store.reveal(tenantId, `legacy:payment-method:${methodEvent.eventId}:pm-old`)).toBe('tok_legacy-card-0001');
    for (const missing of [
      `legacy:settings:${settingsEvent.eventId}:values:other-endpoint`,
      `legacy:settings:${uuidV5('no such event')}:values:crm`,
      `legacy:payment-method:${settingsEvent.eventId}:pm-old`,
      'legacy:unknown-kind:x',
    ]) {
      await expect(store.reveal(tenantId, missing)).rejects.toBeInstanceOf(SecretNotFoundError);
    }
    // Another tenant naming the same event reads its own (empty) stream: nothing.
    await expect(store.reveal('someone-else', `legacy:settings:${settingsEvent.eventId}:values:crm`)).rejects.toBeInstanceOf(SecretNotFoundError);
  });
});
