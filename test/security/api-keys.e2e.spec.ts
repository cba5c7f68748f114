import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { webSocketUrl } from '../support/graphql-ws.collector.js';

/**
 * API keys as a tenant admin manages them over GraphQL: created with a role, a name and an expiry, the secret shown
 * once and stored hashed, listed without it, rotated and revoked with immediate effect (HTTP at once, open
 * WebSocket subscriptions closed within two seconds), and every event naming the key that caused it.
 */

const KEY_FIELDS = 'id name role status createdAt createdBy expiresAt revokedAt revokedBy replacedBy';
const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { ${KEY_FIELDS} } } }`;
const ROTATE = `mutation ($id: ID!) { rotateApiKey(input: { id: $id }) { secret apiKey { ${KEY_FIELDS} } } }`;
const REVOKE = `mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { ${KEY_FIELDS} } } }`;
const LIST = `query ($all: Boolean!) { apiKeys(includeInactive: $all) { ${KEY_FIELDS} } }`;
const WHO = '{ whoAmI { tenantId role keyId keyName } }';

interface KeyView {
  id: string;
  name: string;
  role: string;
  status: string;
  createdBy: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  replacedBy: string | null;
}
interface Issued {
  secret: string;
  apiKey: KeyView;
}

let ledger: TestLedger;
let clock: TestClock;

beforeAll(async () => {
  clock = new TestClock('2026-06-01T09:00:00.000Z');
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

async function create(input: Record<string, unknown>, apiKey = ledger.adminKey): Promise<Issued> {
  const response = await ledger.graphql<{ createApiKey: Issued }>(CREATE, { input }, apiKey);
  expect(response.errors).toBeUndefined();
  return response.data!.createApiKey;
}

async function whoAmI(secret: string): Promise<{ status: number; code: string | undefined; who: Record<string, string> | undefined }> {
  const response = await ledger.graphql<{ whoAmI: Record<string, string> }>(WHO, {}, secret);
  return { status: response.status, code: response.errors?.[0]?.extensions?.code as string | undefined, who: response.data?.whoAmI };
}

describe('creating keys', () => {
  it('makes a key for each role; the secret works once shown and is never listed', async () => {
    for (const role of ['ADMIN', 'FINANCE', 'AUDITOR', 'SERVICE']) {
      const issued = await create({ name: `robot ${role}`, role });
      expect(issued.secret).toMatch(/^ldg_[A-Za-z0-9_-]{43}$/);
      expect(issued.apiKey).toMatchObject({ name: `robot ${role}`, role, status: 'ACTIVE', expiresAt: null, revokedAt: null });
      expect(issued.apiKey.createdBy).toMatch(/^api-key:[0-9a-f-]{36}$/);
      const me = await whoAmI(issued.secret);
      expect(me.who).toEqual({ tenantId: 'dev', role, keyId: issued.apiKey.id, keyName: `robot ${role}` });
      const listed = await ledger.graphql(LIST, { all: true });
      expect(JSON.stringify(listed)).not.toContain(issued.secret);
    }
    const stored = await ledger.services.db.withSchema('platform').selectFrom('api_keys').select(['key_hash']).execute();
    expect(stored.every((row: { key_hash: string }) => /^[0-9a-f]{64}$/.test(row.key_hash))).toBe(true);
  });

  it('refuses bad names, roles and expiries with VALIDATION_FAILED and creates nothing', async () => {
    const before = (await ledger.graphql<{ apiKeys: KeyView[] }>(LIST, { all: true })).data!.apiKeys.length;
    const cases: Record<string, unknown>[] = [
      { name: '', role: 'ADMIN' },
      { name: '   ', role: 'ADMIN' },
      { name: 'x'.repeat(101), role: 'ADMIN' },
      { name: 'evil\u001b[2J', role: 'ADMIN' },
      { name: 'line\nbreak', role: 'ADMIN' },
      { name: 'rtl\u202eoverride', role: 'ADMIN' },
      { name: 'zero\u200bwidth', role: 'ADMIN' },
      { name: 'past', role: 'ADMIN', expiresAt: '2026-05-31T00:00:00Z' },
      { name: 'bad role', role: 'ROOT' },
      { name: 'bad instant', role: 'ADMIN', expiresAt: 'tomorrow' },
    ];
    for (const input of cases) {
      const response = await ledger.graphql(CREATE, { input });
      expect(response.status).toBeLessThan(500);
      expect(response.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    }
    expect((await ledger.graphql<{ apiKeys: KeyView[] }>(LIST, { all: true })).data!.apiKeys.length).toBe(before);
  });

  it('lets only admins manage keys', async () => {
    const finance = await create({ name: 'finance desk', role: 'FINANCE' });
    for (const [document, variables] of [
      [CREATE, { input: { name: 'sneaky', role: 'ADMIN' } }],
      [LIST, { all: false }],
      [REVOKE, { id: finance.apiKey.id }],
      [ROTATE, { id: finance.apiKey.id }],
    ] as const) {
      const response = await ledger.graphql(document, variables, finance.secret);
      expect(response.status).toBe(403);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await whoAmI(finance.secret)).who?.role).toBe('FINANCE');
  });
});

describe('expiry', () => {
  it('stops a key at its expiry, and lists it as expired', async () => {
    clock.setInstant('2026-06-01T10:00:00.000Z');
    const issued = await create({ name: 'short lived', role: 'AUDITOR', expiresAt: '2026-06-01T11:00:00Z' });
    expect(issued.apiKey.expiresAt).toBe('2026-06-01T11:00:00.000Z');
    expect((await whoAmI(issued.secret)).who?.keyId).toBe(issued.apiKey.id);
    clock.setInstant('2026-06-01T11:00:00.001Z');
    const after = await whoAmI(issued.secret);
    expect(after.status).toBe(401);
    expect(after.code).toBe('UNAUTHENTICATED');
    const active = (await ledger.graphql<{ apiKeys: KeyView[] }>(LIST, { all: false })).data!.apiKeys;
    expect(active.map((key) => key.id)).not.toContain(issued.apiKey.id);
    const all = (await ledger.graphql<{ apiKeys: KeyView[] }>(LIST, { all: true })).data!.apiKeys;
    expect(all.find((key) => key.id === issued.apiKey.id)?.status).toBe('EXPIRED');
  });
});

describe('rotation and revocation', () => {
  it('rotates: the old secret stops at once, the new key keeps name, role and expiry', async () => {
    const old = await create({ name: 'gateway', role: 'SERVICE', expiresAt: '2027-01-01T00:00:00Z' });
    const rotated = (await ledger.graphql<{ rotateApiKey: Issued }>(ROTATE, { id: old.apiKey.id })).data!.rotateApiKey;
    expect(rotated.secret).not.toBe(old.secret);
    expect(rotated.apiKey).toMatchObject({ name: 'gateway', role: 'SERVICE', status: 'ACTIVE', expiresAt: '2027-01-01T00:00:00.000Z' });
    expect(rotated.apiKey.id).not.toBe(old.apiKey.id);
    expect((await whoAmI(old.secret)).status).toBe(401);
    expect((await whoAmI(rotated.secret)).who?.keyId).toBe(rotated.apiKey.id);
    const listed = (await ledger.graphql<{ apiKeys: KeyView[] }>(LIST, { all: true })).data!.apiKeys;
    expect(listed.find((key) => key.id === old.apiKey.id)).toMatchObject({ status: 'REVOKED', replacedBy: rotated.apiKey.id });
    const again = await ledger.graphql(ROTATE, { id: old.apiKey.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('API_KEY_NOT_ACTIVE');
  });

  it('revokes at once over HTTP; revoking twice is harmless; unknown ids are NOT_FOUND', async () => {
    const issued = await create({ name: 'to revoke', role: 'FINANCE' });
    const first = (await ledger.graphql<{ revokeApiKey: { apiKey: KeyView } }>(REVOKE, { id: issued.apiKey.id })).data!.revokeApiKey.apiKey;
    expect(first.status).toBe('REVOKED');
    expect(first.revokedBy).toMatch(/^api-key:/);
    expect((await whoAmI(issued.secret)).status).toBe(401);
    const second = (await ledger.graphql<{ revokeApiKey: { apiKey: KeyView } }>(REVOKE, { id: issued.apiKey.id })).data!.revokeApiKey.apiKey;
    expect(second.revokedAt).toBe(first.revokedAt);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = await ledger.graphql(REVOKE, { id });
      expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });

  it("cannot touch another tenant's keys", async () => {
    const otherAdmin = await ledger.createKey('tenant-b', 'admin');
    const mine = await create({ name: 'mine', role: 'FINANCE' });
    const revoke = await ledger.graphql(REVOKE, { id: mine.apiKey.id }, otherAdmin);
    expect(revoke.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const listed = await ledger.graphql<{ apiKeys: KeyView[] }>(LIST, { all: true }, otherAdmin);
    expect(listed.data!.apiKeys.map((key) => key.id)).not.toContain(mine.apiKey.id);
    expect((await whoAmI(mine.secret)).who?.keyId).toBe(mine.apiKey.id);
  });

  it("closes a revoked key's open subscription within 2 seconds, and only that key's", async () => {
    const doomed = await create({ name: 'listener', role: 'AUDITOR' });
    const survivor = await create({ name: 'other listener', role: 'AUDITOR' });
    const watch = (secret: string) => {
      let closedAt: number | undefined;
      let closeCode: number | undefined;
      let receivedEvents = 0;
      const client = createClient({
        url: webSocketUrl(ledger.url),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined,
        connectionParams: { authorization: `Bearer ${secret}` },
        on: {
          closed: (event) => {
            closedAt ??= Date.now();
            closeCode ??= (event as { code?: number }).code;
          },
        },
      });
      const subscribed = new Promise<void>((resolve) => {
        client.subscribe(
          { query: 'subscription { billingEvents { type } }' },
          { next: () => void (receivedEvents += 1), error: () => undefined, complete: () => undefined },
        );
        // The subscription replays the tenant's history from the start: once something arrives, it is live.
        const poll = setInterval(() => {
          if (receivedEvents > 0) {
            clearInterval(poll);
            resolve();
          }
        }, 20);
      });
      return { client, subscribed, closed: () => ({ closedAt, closeCode }) };
    };
    await ledger.mutateOk('createInvoice', { customerId: 'cust-sub', currency: 'USD', lines: [{ description: 'Fibre', quantity: '1', unitPrice: '10.00' }] });
    const a = watch(doomed.secret);
    const b = watch(survivor.secret);
    await Promise.all([a.subscribed, b.subscribed]);
    const revokedAt = Date.now();
    await ledger.graphql(REVOKE, { id: doomed.apiKey.id });
    const deadline = revokedAt + 2_000;
    while (a.closed().closedAt === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    const { closedAt, closeCode } = a.closed();
    expect(closedAt).toBeDefined();
    expect(closedAt! - revokedAt).toBeLessThan(2_000);
    expect(closeCode).toBe(4403);
    expect(b.closed().closedAt).toBeUndefined();
    await a.client.dispose();
    await b.client.dispose();
  });
});

describe('actors', () => {
  it("records the key's id and name on every event it causes", async () => {
    const issued = await create({ name: 'billing robot', role: 'FINANCE' });
    const created = await ledger.mutateOk('createInvoice', { customerId: 'cust-actor', currency: 'USD', lines: [{ description: 'Voice', quantity: '1', unitPrice: '5.00' }] }, issued.secret);
    const events = await ledger.services.store.readStream(`dev:invoice-${created.invoice.id}`);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.metadata).toMatchObject({ actor: `api-key:${issued.apiKey.id}`, actorName: 'billing robot', tenantId: 'dev' });
  });
});
