import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { runForTenant, SYSTEM_ROLE, TENANT_ROLE } from '../../libs/database/src/index.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../projections/index.js';

/**
 * Row-level security in PostgreSQL: every table holding tenant data has it enabled and forced; the request role
 * sees only the tenant set on its connection, and nothing without one; requests really run as that role.
 */

let ledger: TestLedger;
let otherKey: string;
let connectionString: string;

const LINE = { description: 'Fibre', quantity: '1', unitPrice: '10.00' };

beforeAll(async () => {
  ledger = await startTestLedger();
  otherKey = await ledger.createKey('tenant-b', 'admin');
  connectionString = ledger.services.config.databaseUrl as string;
  for (const [key, customerId] of [
    [ledger.adminKey, 'cust-a'],
    [otherKey, 'cust-b'],
  ] as const) {
    const created = await ledger.mutateOk('createInvoice', { customerId, currency: 'USD', lines: [LINE], idempotencyKey: `seed-${customerId}` }, key);
    await ledger.mutateOk('issueInvoice', { invoiceId: created.invoice.id }, key);
  }
  const head = await ledger.services.store.headPosition();
  await waitForProjections(ledger.services.db, allProjections.map((projection) => projection.name), head, 10_000);
});

afterAll(async () => {
  await ledger?.stop();
});

/** A raw connection as the connecting (owner) role, to look at the catalog and to act as a request would. */
async function withClient<Result>(work: (client: pg.Client) => Promise<Result>): Promise<Result> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('row-level security', () => {
  it('is enabled and forced on exactly the tables that have a tenant column, with both policies', async () => {
    const tables = await withClient(async (client) => {
      const { rows } = await client.query<{ name: string; tenant: boolean; enabled: boolean; forced: boolean; policies: string[] }>(`
        select format('%s.%s', n.nspname, c.relname) as name,
               exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as tenant,
               c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
               coalesce((select array_agg(p.polname::text order by p.polname) from pg_policy p where p.polrelid = c.oid), '{}') as policies
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`);
      return rows;
    });
    const tenantTables = tables.filter((table) => table.tenant).map((table) => table.name).sort();
    const forcedTables = tables.filter((table) => table.enabled && table.forced).map((table) => table.name).sort();
    expect(forcedTables).toEqual(tenantTables);
    for (const expected of ['event_store.events', 'event_store.streams', 'platform.api_keys', 'platform.tenants', 'platform.idempotency_keys', 'read_models.invoices', 'read_models.journal_lines', 'read_models.customer_balances']) {
      expect(tenantTables).toContain(expected);
    }
    for (const table of tables.filter((candidate) => candidate.tenant)) expect(table.policies).toEqual(['system_access', 'tenant_isolation']);
    console.log(`row-level security forced on ${forcedTables.length} of ${tables.length} tables (every table with a tenant_id)`);
  });

  it('shows the request role nothing without a tenant, and only its own tenant with one, whatever the SQL forgets', async () => {
    const counts = await withClient(async (client) => {
      const tables = ['event_store.events', 'event_store.streams', 'read_models.invoices', 'platform.api_keys', 'platform.tenants'];
      const result: Record<string, Record<string, string[]>> = {};
      for (const [label, tenant] of [
        ['none', ''],
        ['dev', 'dev'],
        ['tenant-b', 'tenant-b'],
      ] as const) {
        await client.query(`select set_config('role', '${TENANT_ROLE}', false), set_config('ledger.tenant_id', $1, false)`, [tenant]);
        result[label] = {};
        for (const table of tables) {
          const { rows } = await client.query<{ tenant_id: string }>(`select distinct tenant_id from ${table} order by 1`);
          result[label][table] = rows.map((row) => row.tenant_id);
        }
      }
      await client.query('reset role');
      return result;
    });
    for (const tenants of Object.values(counts.none!)) expect(tenants).toEqual([]);
    for (const tenants of Object.values(counts.dev!)) expect(tenants).toEqual(['dev']);
    for (const tenants of Object.values(counts['tenant-b']!)) expect(tenants).toEqual(['tenant-b']);
  });

  it("refuses a request role's write into another tenant", async () => {
    const error = await withClient(async (client) => {
      await client.query(`select set_config('role', '${TENANT_ROLE}', false), set_config('ledger.tenant_id', 'dev', false)`);
      return client.query(`insert into platform.idempotency_keys (tenant_id, idempotency_key, operation, request_hash, state) values ('tenant-b', 'x', 'y', 'z', 'pending')`).then(
        () => undefined,
        (failure: Error) => failure.message,
      );
    });
    expect(error).toMatch(/row-level security/);
  });

  it('gives the system role every tenant, and the request scope only its own', async () => {
    const everyone = await sql<{ tenant_id: string }>`select distinct tenant_id from read_models.invoices order by 1`.execute(ledger.services.db);
    expect(everyone.rows.map((row) => row.tenant_id)).toEqual(['dev', 'tenant-b']);
    const scoped = await runForTenant({ tenantId: 'tenant-b' }, () =>
      sql<{ tenant_id: string; role: string }>`select distinct tenant_id, current_user as role from read_models.invoices`.execute(ledger.services.db),
    );
    expect(scoped.rows).toEqual([{ tenant_id: 'tenant-b', role: TENANT_ROLE }]);
    const after = await sql<{ role: string }>`select current_user as role`.execute(ledger.services.db);
    expect(after.rows[0]!.role).not.toBe(TENANT_ROLE);
    const members = await withClient(async (client) => (await client.query<{ member: boolean }>(`select pg_has_role(current_user, '${SYSTEM_ROLE}', 'member') as member`)).rows[0]!.member);
    expect(members).toBe(true);
  });

  it('runs requests as the request role: take its grant away and the request fails', async () => {
    // With the grants in place the request works; without them it can only fail if it really runs as ledger_tenant.
    const query = '{ invoices(first: 5) { edges { node { id } } } }';
    const ok = await ledger.graphql<{ invoices: { edges: unknown[] } }>(query, {});
    expect(ok.data?.invoices.edges.length).toBeGreaterThan(0);
    await withClient((client) => client.query(`revoke select on read_models.invoices from ${TENANT_ROLE}`));
    try {
      const refused = await ledger.graphql(query, {});
      expect(refused.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(ledger.logs.some((line) => line.includes('permission denied for table invoices'))).toBe(true);
    } finally {
      await withClient((client) => client.query(`grant select on read_models.invoices to ${TENANT_ROLE}`));
    }
    const create = await ledger.mutate('createInvoice', { customerId: 'cust-a', currency: 'USD', lines: [LINE] });
    expect(create.errors).toBeUndefined();
    await withClient((client) => client.query(`revoke insert on event_store.events from ${TENANT_ROLE}`));
    try {
      const refused = await ledger.mutate('createInvoice', { customerId: 'cust-a', currency: 'USD', lines: [LINE] });
      expect(refused.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await withClient((client) => client.query(`grant insert on event_store.events to ${TENANT_ROLE}`));
    }
  });
});
