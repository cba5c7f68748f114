import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommandContext } from '../../../application/src/index.js';
import type { WebhookEndpointInput } from '../../../billing/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import { silentLog } from '../../../runtime/src/index.js';
import { InMemorySecretStore } from '../../../secrets/src/index.js';
import { createStoreDatabase, type StoreDatabase } from '../../../testing/src/test-database.js';
import { updateBillingSettingsSection } from '../settings/update-billing-settings-section.handler.js';
import type { ApplicationServices } from '../common/application-services.js';
import { WebhookEndpointCache } from './webhook-endpoints.js';

/**
 * The dispatcher reads a tenant's endpoints as of the event it dispatches, not as they are now: a dispatcher behind
 * the log must not hand an endpoint added later the events recorded before it (docs/webhooks.md, "Ordering").
 */

let database: StoreDatabase<unknown>;
let services: ApplicationServices;
const TENANT = 'acme';

beforeAll(async () => {
  database = await createStoreDatabase('webhook_endpoints');
  const clock = () => new Date('2026-03-02T09:00:00.000Z');
  services = {
    store: database.store,
    db: database.connection.db,
    clock,
    tenantClock: { now: async () => clock().toISOString() } as unknown as ApplicationServices['tenantClock'],
    log: silentLog,
    config: { readYourWritesTimeoutMs: 1_000 },
    secrets: new InMemorySecretStore(),
  };
});

afterAll(async () => {
  await database?.close();
});

function endpoint(id: string, enabled = true): WebhookEndpointInput {
  return { id, url: `https://hooks.example.com/${id}`, events: ['invoice.created'], authType: 'none', secret: null, enabled };
}

/** Replaces the tenant's endpoints; answers the settings event's position. */
async function configure(...webhooks: WebhookEndpointInput[]): Promise<Position> {
  const commandId = randomUUID();
  const context: CommandContext = { tenantId: TENANT, actor: 'test', commandId, correlationId: commandId, causationId: commandId, now: '2026-03-02T09:00:00.000Z' };
  const { position } = await updateBillingSettingsSection(services, context, 'notifications', (current) => ({ ...current.notifications, webhooks }));
  if (position === undefined) throw new Error('nothing appended');
  return position;
}

const enabledIds = (webhooks: { endpoints: ReadonlyMap<string, { enabled: boolean }> }) => [...webhooks.endpoints].filter(([, value]) => value.enabled).map(([id]) => id);

describe('WebhookEndpointCache', () => {
  it('asOf folds the settings up to the given position, and keeps that view until invalidated', async () => {
    const first = await configure(endpoint('a'));
    const second = await configure(endpoint('a'), endpoint('b'));
    const third = await configure(endpoint('a', false), endpoint('b'));
    const cache = new WebhookEndpointCache(services);
    expect(enabledIds(await cache.asOf(TENANT, first))).toEqual(['a']);
    // Kept per settings revision: until the dispatcher passes the next settings event, the same view.
    expect(enabledIds(await cache.asOf(TENANT, third))).toEqual(['a']);
    expect(enabledIds(await cache.latest(TENANT))).toEqual(['a']);
    cache.invalidate(TENANT);
    expect(enabledIds(await cache.asOf(TENANT, second))).toEqual(['a', 'b']);
    cache.invalidate(TENANT);
    expect(enabledIds(await cache.asOf(TENANT, third))).toEqual(['b']);
    expect([...(await cache.asOf(TENANT, third)).endpoints.keys()]).toEqual(['a', 'b']);
  });

  it('a position before any settings event gives the defaults: no endpoints', async () => {
    const cache = new WebhookEndpointCache(services);
    const webhooks = await cache.asOf('other-tenant', { commit: 1n, prepare: 1n });
    expect(webhooks.endpoints.size).toBe(0);
    expect(webhooks.featureOn).toBe(true);
    expect((await cache.asOf(TENANT, { commit: 1n, prepare: 1n })).endpoints.size).toBe(0);
  });

  it('latest without a dispatcher view reads the settings as they are now, and does not keep them', async () => {
    const cache = new WebhookEndpointCache(services);
    await configure(endpoint('c'));
    expect(enabledIds(await cache.latest(TENANT))).toEqual(['c']);
    await configure(endpoint('c'), endpoint('d'));
    expect(enabledIds(await cache.latest(TENANT))).toEqual(['c', 'd']);
  });
});
