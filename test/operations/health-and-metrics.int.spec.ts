import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from '../../libs/database/src/index.js';
import { ProjectionRunner } from '../../libs/projection-runtime/src/index.js';
import { readLedgerConfig } from '../../libs/runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { allProjections } from '../../projections/index.js';
import { startLedgerApi, type RunningLedgerApi } from '../../apps/api/src/ledger-api.js';
import { seedInvoiceHistory } from '../support/seed-ledger-history.js';

const API_KEY = 'ops-test-key-0123456789abcdef';

function baseUrl(api: RunningLedgerApi): string {
  return api.url.replace(/\/graphql$/, '');
}

function lagOf(metrics: string, projection: string): number {
  const match = new RegExp(`^ledger_projection_lag_events\\{projection="${projection}"\\} (\\d+)$`, 'm').exec(metrics);
  if (!match) throw new Error(`no lag gauge for ${projection} in:\n${metrics}`);
  return Number(match[1]);
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('operations endpoints', () => {
  describe('with projections in a separate process', () => {
    let database: TestDatabase;
    let api: RunningLedgerApi;

    beforeAll(async () => {
      database = await createTestDatabase('ops');
      api = await startLedgerApi({ config: readLedgerConfig({ DATABASE_URL: database.connectionString, PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: API_KEY, PROJECTIONS: 'off' }) });
    });

    afterAll(async () => {
      await api.stop();
      await database.drop();
    });

    it('reports liveness and readiness with every projection', async () => {
      const live = await fetch(`${baseUrl(api)}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`${baseUrl(api)}/health/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { status: string; checks: Record<string, { status: string }>; projections: { projection: string }[] };
      expect(body.status).toBe('ready');
      expect(body.checks.database?.status).toBe('up');
      expect(body.checks.eventStore?.status).toBe('up');
      expect(body.projections.map((projection) => projection.projection).sort()).toEqual([...allProjections.map((projection) => projection.name), 'receipt_issuer', 'payment_allocator', 'email_delivery', 'webhook_dispatcher'].sort());
    });

    it('shows projection lag rising under load and falling to zero after catch-up', async () => {
      const scrape = async () => (await fetch(`${baseUrl(api)}/metrics`)).text();
      expect(lagOf(await scrape(), 'invoices')).toBe(0);
      const written = await seedInvoiceHistory(api.services.store, 'dev', 300);
      // $all shows an append once every older transaction on the server has ended, so the lag may take a moment
      // to reach everything written: it rises to exactly the number of events the read model does not have yet.
      const loaded = await eventually('the lag to count every new event', async () => {
        const lag = lagOf(await scrape(), 'invoices');
        return lag === written ? lag : undefined;
      });
      expect(loaded).toBeGreaterThan(500);

      const runner = new ProjectionRunner({ store: api.services.store, db: api.services.db, connectionString: database.connectionString, projections: allProjections });
      await runner.start();
      try {
        const seen: number[] = [loaded];
        await eventually('lag to reach zero', async () => {
          const lag = lagOf(await scrape(), 'invoices');
          seen.push(lag);
          return lag === 0 ? true : undefined;
        });
        // Each read model follows the log in a loop of its own: the customer balances may commit a moment later.
        await eventually('the customer balances to catch up', async () => (lagOf(await scrape(), 'customer_balances') === 0 ? true : undefined));
        expect(seen.at(-1)).toBe(0);
      } finally {
        await runner.stop();
      }
    }, 60_000);

    it('reports a lag of tens of thousands of events from positions, without reading them', async () => {
      // Written straight into the log while no projection runs (the runner of the test above has stopped): a type the
      // invoices read model handles and the customer balances (caught up by the test above) do not.
      const BULK = 30_000;
      const sqlClient = new pg.Client({ connectionString: database.connectionString });
      await sqlClient.connect();
      try {
        await sqlClient.query(
          `insert into event_store.events (tenant_id, stream_id, revision, event_id, type, data)
           select 'bulk', 'bulk:invoice-lag', g - 1, gen_random_uuid(), $1, '{}'::jsonb from generate_series(1, $2::int) g`,
          ['InvoiceDrafted', BULK],
        );
      } finally {
        await sqlClient.end();
      }
      // $all shows committed events only once every older transaction on the server has ended (other test files share
      // the server), so the lag may read 0 for a moment after the insert: wait until the events are in the log's view.
      const metrics = await eventually('the bulk events to be readable in $all', async () => {
        const text = await (await fetch(`${baseUrl(api)}/metrics`)).text();
        return lagOf(text, 'invoices') === 0 ? undefined : text;
      });
      const ready = (await (await fetch(`${baseUrl(api)}/health/ready`)).json()) as { projections: { projection: string; lagEvents: number; capped: boolean }[] };
      const invoices = ready.projections.find((projection) => projection.projection === 'invoices');
      const balances = ready.projections.find((projection) => projection.projection === 'customer_balances');

      expect(lagOf(metrics, 'invoices')).toBe(BULK);
      expect(invoices).toMatchObject({ lagEvents: BULK, capped: true });
      expect(balances).toMatchObject({ lagEvents: 0, capped: false });
      expect(lagOf(metrics, 'customer_balances')).toBe(0);
    }, 60_000);

    it('counts commands by outcome, appends and conflicts', async () => {
      const graphql = (query: string) =>
        fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` }, body: JSON.stringify({ query }) }).then((response) => response.json());
      await graphql('mutation { createInvoice(input: { customerId: "m1", currency: "USD", lines: [{ description: "x", quantity: "1", unitPrice: "1.00" }] }) { position } }');
      await graphql('mutation { issueInvoice(input: { invoiceId: "missing" }) { position } }');
      const metrics = await (await fetch(`${baseUrl(api)}/metrics`)).text();
      expect(metrics).toMatch(/^ledger_commands_total\{operation="createInvoice",outcome="ok"\} 1$/m);
      expect(metrics).toMatch(/^ledger_commands_total\{operation="issueInvoice",outcome="NOT_FOUND"\} 1$/m);
      expect(metrics).toMatch(/^ledger_event_store_appends_total [1-9]\d*$/m);
      expect(metrics).toMatch(/^ledger_append_conflicts_total \d+$/m);
      expect(metrics).toMatch(/^ledger_open_subscriptions 0$/m);
    });
  });

  describe('when the database goes away', () => {
    let server: RunningPostgres;
    let api: RunningLedgerApi;
    let dataDirectory: string;

    beforeAll(async () => {
      const parent = mkdtempSync(join(tmpdir(), 'ledger-ready-'));
      chmodSync(parent, 0o755);
      dataDirectory = join(parent, 'data');
      server = await startEmbeddedPostgres({ dataDirectory, ephemeral: true });
      await ensureDatabase(server.connectionString('postgres'), 'ledger');
      api = await startLedgerApi({ config: readLedgerConfig({ DATABASE_URL: server.connectionString('ledger'), PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: API_KEY, PROJECTIONS: 'off' }) });
    });

    afterAll(async () => {
      await api.stop();
      await server.stop();
    });

    it('turns unready while it is unreachable and ready again when it returns', async () => {
      const ready = () => fetch(`${baseUrl(api)}/health/ready`).then(async (response) => ({ status: response.status, body: (await response.json()) as { status: string; checks: { database: { status: string; error?: string } } } }));
      expect((await ready()).status).toBe(200);
      const port = server.port;
      await server.stop();
      const down = await eventually('unready', async () => {
        const answer = await ready();
        return answer.status === 503 ? answer : undefined;
      });
      expect(down.body.status).toBe('unready');
      expect(down.body.checks.database.status).toBe('down');
      expect(down.body.checks.database.error).toBeTruthy();
      expect((await fetch(`${baseUrl(api)}/health/live`)).status).toBe(200); // alive, just not ready

      server = await startEmbeddedPostgres({ dataDirectory, ephemeral: true, port });
      const back = await eventually('ready again', async () => {
        const answer = await ready();
        return answer.status === 200 ? answer : undefined;
      });
      expect(back.body.status).toBe('ready');
    }, 90_000);
  });
});
