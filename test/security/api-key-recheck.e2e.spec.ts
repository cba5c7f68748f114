import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningLedgerApi } from '../../apps/api/src/ledger-api.js';
import { ApiKeysService } from '../../libs/access/src/api-keys.service.js';
import { runAsSystem } from '../../libs/database/src/index.js';
import { postGraphQL } from '../support/graphql-http.client.js';
import { newApiKey, startSecondApiNode, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';

/**
 * A node remembers which tenant a key belongs to, so that it checks the key in that tenant's scope (no switch to the
 * system role and back). The key is still checked on every request: a revocation or an expiry made through another
 * node, which this one hears nothing of, refuses the very next request here.
 */

const REVOKE = 'mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id status } } }';
const ROTATE = 'mutation ($id: ID!) { rotateApiKey(input: { id: $id }) { secret apiKey { id } } }';
const WHO = '{ apiKeys { id } }';

let ledger: TestLedger;
let otherNode: RunningLedgerApi;
const clock = new TestClock('2024-01-15T09:00:00.000Z');

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
  otherNode = await startSecondApiNode(ledger, clock);
});

afterAll(async () => {
  await otherNode?.stop();
  await ledger?.stop();
});

/** Two requests: the first looks the key up as the system role, the second in its tenant's scope. */
async function warm(key: string): Promise<void> {
  expect([await status(key), await status(key)]).toEqual([200, 200]);
}

async function status(key: string): Promise<number> {
  return (await postGraphQL(ledger.url, { query: WHO, apiKey: key })).status;
}

async function keyIdOf(key: string): Promise<string> {
  const principal = await runAsSystem('test: the key id', () => ledger.services.apiKeys.authenticate(key));
  return principal!.keyId;
}

describe('a key checked on every request, in its tenant scope once known', () => {
  it('a key revoked through another node is refused by the next request here', async () => {
    const key = await ledger.createKey('recheck-revoke', 'admin');
    await warm(key);
    const revoked = await postGraphQL(otherNode.url, { query: REVOKE, variables: { id: await keyIdOf(key) }, apiKey: ledger.adminKey });
    expect(revoked.errors?.[0]?.extensions?.code).toBe('NOT_FOUND'); // the dev admin cannot see another tenant's key
    const admin = await ledger.createKey('recheck-revoke', 'admin');
    const done = await postGraphQL<{ revokeApiKey: { apiKey: { status: string } } }>(otherNode.url, { query: REVOKE, variables: { id: await keyIdOf(key) }, apiKey: admin });
    expect(done.data?.revokeApiKey.apiKey.status).toBe('REVOKED');
    expect(await status(key)).toBe(401);
    expect(await status(admin)).toBe(200);
  });

  it('a key rotated through another node is refused here at once, and its replacement accepted', async () => {
    const key = await ledger.createKey('recheck-rotate', 'admin');
    await warm(key);
    const rotated = await postGraphQL<{ rotateApiKey: { secret: string } }>(otherNode.url, { query: ROTATE, variables: { id: await keyIdOf(key) }, apiKey: key });
    const replacement = rotated.data!.rotateApiKey.secret;
    expect(await status(key)).toBe(401);
    expect(await status(replacement)).toBe(200);
  });

  it('a key revoked by another process (the operator CLI path) is refused by the next request here', async () => {
    const key = await ledger.createKey('recheck-cli', 'admin');
    await warm(key);
    const operator = new ApiKeysService(otherNode.services.db, clock.now);
    await runAsSystem('test: operator', async () => operator.revokeKey('recheck-cli', await keyIdOf(key), 'operator'));
    expect(await status(key)).toBe(401);
  });

  it('a key that expires is refused by the first request after its expiry', async () => {
    await ledger.services.apiKeys.ensureTenant('recheck-expiry', 'Expiry');
    const issued = await runAsSystem('test: issue', () =>
      ledger.services.apiKeys.createKey('recheck-expiry', { role: 'admin', name: 'short-lived', expiresAt: new Date(Date.parse(clock.now().toISOString()) + 60_000) }, 'operator'),
    );
    await warm(issued.secret);
    clock.setInstant(new Date(Date.parse(clock.now().toISOString()) + 120_000).toISOString());
    expect(await status(issued.secret)).toBe(401);
  });

  it('keys of two tenants and an unknown key each get their own answer', async () => {
    const first = await ledger.createKey('recheck-one', 'admin');
    const second = await ledger.createKey('recheck-two', 'admin');
    await warm(first);
    await warm(second);
    expect(await status(newApiKey())).toBe(401);
    const listed = await postGraphQL<{ apiKeys: { id: string }[] }>(ledger.url, { query: WHO, apiKey: second });
    expect(listed.data?.apiKeys.map((key) => key.id)).toEqual([await keyIdOf(second)]);
  });
});
