import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kysely, sql } from 'kysely';
import { secureTenantTables } from '../../libs/database/src/row-level-security.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { nodesOf, PlanTestDatabase, type PlanNode } from '../../libs/testing/src/explained-queries.js';
import { encodeCursor } from '../common/opaque-cursor.js';
import { AuditLogQueries } from './audit-log.queries.js';
import { createAuditLogIndexes, createAuditLogTables } from './audit-log.tables.js';

/**
 * Every list of the audit log pages through an index in log order (docs/architecture.md, "Performance rules"): the
 * tables are filled by SQL (a large tenant and a small one), analysed, and each page is built by the real query code
 * and EXPLAINed as the tenant role with the tenant set, so row-level security's policy is part of every plan. No page
 * of a single filter sorts, none scans a table, and none filters on the cursor (under row-level security a numeric
 * position could only be a filter: see log-key.ts). A time window is a condition on the recording time, which follows
 * the log but not exactly: PostgreSQL reads it through the time index, or walks the log order when it expects the
 * window early (docs/audit-log.md: prefer position bounds over long histories).
 */

const SCHEMA = LIVE_READ_MODEL_SCHEMA;
const TENANT = 'audit-big';
const ROWS = 60_000;

let admin: Kysely<ReadModelDatabase>;
const planDatabase = new PlanTestDatabase('audit_log_plans');
const explainer = planDatabase.explainer;

const tenantOfRow = `case when g % 20 = 0 then 'audit-small' else '${TENANT}' end`;

beforeAll(async () => {
  admin = await planDatabase.open();
  await sql.raw(`create schema if not exists ${SCHEMA}`).execute(admin);
  await createAuditLogTables(admin, SCHEMA);
  await createAuditLogIndexes(admin, SCHEMA);
  await secureTenantTables(admin);
  await sql
    .raw(
      `insert into ${SCHEMA}.audit_log select ${tenantOfRow}, lpad(g::text, 20, '0') || lpad(g::text, 20, '0'), g, g, g || '.' || g, 'event-' || g, '${TENANT}:' || (array['invoice', 'payment', 'customer', 'credit_note'])[1 + g % 4] || '-doc-' || (g % 5000),
         (array['invoice', 'payment', 'customer', 'credit_note'])[1 + g % 4], 0, (array['InvoiceDrafted', 'InvoiceIssued', 'PaymentRecorded', 'CustomerRegistered', 'CreditNoteDrafted'])[1 + g % 5],
         'api-key:key-' || (g % 30), 'Key ' || (g % 30), 'finance', 'command-' || (g / 2), 'request-' || (g / 3), 'command-' || (g / 2),
         timestamptz '2026-01-01T00:00:00Z' + g * interval '1 second', to_char((timestamptz '2026-01-01T00:00:00Z' + g * interval '1 second') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
       from generate_series(1, ${ROWS}) g`,
    )
    .execute(admin);
  await sql
    .raw(
      `insert into ${SCHEMA}.audit_log_documents select ${tenantOfRow}, 'doc-' || (g % 5000), lpad(g::text, 20, '0') || lpad(g::text, 20, '0') from generate_series(1, ${ROWS}) g
       union all select ${tenantOfRow}, 'cust-' || (g % 400), lpad(g::text, 20, '0') || lpad(g::text, 20, '0') from generate_series(1, ${ROWS}) g`,
    )
    .execute(admin);
  await sql.raw(`analyze ${SCHEMA}.audit_log; analyze ${SCHEMA}.audit_log_documents`).execute(admin);
  await planDatabase.connectAsTenant(TENANT);
}, 180_000);

afterAll(() => planDatabase.close());

const queries = () => new AuditLogQueries(explainer.db(), SCHEMA);
const cursor = encodeCursor(['audit', '30000', '30000']);
const position = (value: number) => ({ commit: BigInt(value), prepare: BigInt(value) });

function planOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: PlanNode }> {
  return explainer.planOf(run);
}

describe('audit log lists read an index in log order, sorting nothing', () => {
  it.each([
    ['the whole log', () => queries().auditLog(TENANT, {}, 50, null), 'audit_log_pkey'],
    ['the whole log, after a cursor', () => queries().auditLog(TENANT, {}, 50, cursor), 'audit_log_pkey'],
    ['between two positions', () => queries().auditLog(TENANT, { fromPosition: position(20_000), toPosition: position(40_000) }, 50, null), 'audit_log_pkey'],
    ['of one type', () => queries().auditLog(TENANT, { types: ['PaymentRecorded'] }, 50, cursor), 'audit_log_by_type'],
    ['of a category', () => queries().auditLog(TENANT, { category: 'payment' }, 50, cursor), 'audit_log_by_category'],
    ['of a stream', () => queries().auditLog(TENANT, { streamId: `${TENANT}:invoice-doc-8` }, 50, null), 'audit_log_by_stream'],
    ['of an actor', () => queries().auditLog(TENANT, { actorId: 'api-key:key-7' }, 50, cursor), 'audit_log_by_actor'],
    ['of a correlation', () => queries().auditLog(TENANT, { correlationId: 'request-77' }, 50, null), 'audit_log_by_correlation'],
    ["a document's trail", () => queries().auditTrail(TENANT, 'doc-42', 50, null), 'audit_log_documents_pkey'],
    ["a customer's trail, after a cursor", () => queries().auditTrail(TENANT, 'cust-7', 50, cursor), 'audit_log_documents_pkey'],
  ] as const)('%s', async (_name, run, index) => {
    const { sql: text, plan } = await planOf(run);
    const nodes = nodesOf(plan);
    const described = `${text}\n${JSON.stringify(plan, null, 1)}`;
    expect({ sorts: nodes.filter((node) => /Sort/.test(node['Node Type'])).length, described }).toEqual({ sorts: 0, described });
    expect({ index: nodes.find((node) => /^Index (Only )?Scan$/.test(node['Node Type']))?.['Index Name'], described }).toEqual({ index, described });
    expect(nodes.filter((node) => /Seq Scan|Bitmap Heap Scan/.test(node['Node Type'])).map((node) => node['Relation Name'])).toEqual([]);
    // A page starts at its cursor (or position bound) inside the index: the log key is an index condition, never a filter.
    const filters = nodes.map((node) => (node as PlanNode & { Filter?: string }).Filter ?? '');
    expect({ filtered: filters.filter((filter) => filter.includes('log_key')), described }).toEqual({ filtered: [], described });
  });

  it('a time window reads an index (the time index, or log order when the planner expects the window early), scanning no table', async () => {
    const { plan } = await planOf(() => queries().auditLog(TENANT, { from: '2026-01-01T10:00:00.000Z', to: '2026-01-01T10:30:00.000Z' }, 50, null));
    const nodes = nodesOf(plan);
    const described = JSON.stringify(plan, null, 1);
    expect({ index: nodes.find((node) => /^(Index|Bitmap Index) Scan$/.test(node['Node Type']))?.['Index Name'], described }).toEqual({ index: expect.stringMatching(/^audit_log_(by_time|pkey)$/), described });
    expect(nodes.filter((node) => /Seq Scan/.test(node['Node Type'])).map((node) => node['Relation Name'])).toEqual([]);
  });
});
