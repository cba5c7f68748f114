/**
 * P6, the invoice list: `invoices(first: 50)` over GraphQL on a read model of BENCH_P6_INVOICES invoices (200,000;
 * quick: 20,000) of one tenant, beside other tenants' rows, against `invoice(id)` as the reference, in interleaved
 * rounds from one client. Then EXPLAIN (ANALYZE) of each list query exactly as InvoiceQueries builds it, run as a
 * request runs it (the tenant role, the tenant set, row-level security on), to say which index serves it.
 *
 * The rows go straight into the live read model by SQL (read_models.invoices and invoice_lines, two lines each), in
 * the API's own database after it created the tables; then ANALYZE.
 *
 *   BENCH_P6_INVOICES=200000 BENCH_P6_ITERATIONS=300 (per query, over the rounds) BENCH_P6_ROUNDS=3
 */
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { InvoiceQueries, type InvoiceListFilter } from '../../projections/invoices/invoices.queries.js';
import { TENANT_ROLE, TENANT_SETTING } from '../../libs/database/src/index.js';
import { caseDatabase, integerFromEnv, type CaseContext } from '../lib/context.js';
import { BENCH_TENANT, startBenchApi, type GraphQLClient } from '../lib/ledger-api.js';
import { withClient } from '../lib/postgres.js';
import { table, type CaseReport } from '../lib/report.js';
import { elapsedMs, formatNumber, rotated, round, summarise, type LatencySummary } from '../lib/stats.js';

type Query = 'invoice(id)' | 'unfiltered' | 'status' | 'customer' | 'deep page';
const QUERIES: readonly Query[] = ['invoice(id)', 'unfiltered', 'status', 'customer', 'deep page'];
const PAGE = 50;
const DEEP_PAGE = 100;
const CUSTOMERS = 2_000;
const OTHER_TENANTS = ['acme', 'globex', 'initech'];

const NODE = 'id number status customerId currency total { amount currency } balanceDue { amount currency } dueDate lines { id description quantity unitPrice amount { amount currency } }';
const LIST = `query List($filter: InvoiceFilter, $first: Int, $after: String) {
  invoices(filter: $filter, first: $first, after: $after) { edges { cursor node { ${NODE} } } pageInfo { hasNextPage endCursor } } }`;
const ONE = `query One($id: ID!) { invoice(id: $id) { ${NODE} } }`;

interface ListResult {
  readonly invoices: { readonly edges: readonly { readonly cursor: string; readonly node: { readonly id: string } }[]; readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null } };
}

/** Invoices of `tenant` numbered [first, last): statuses, customers, dates and amounts spread as a live tenant's. */
function seedSql(tenant: string, first: number, last: number): string {
  const invoiceId = `'${tenant}-inv-' || lpad(i::text, 9, '0')`;
  return `
insert into read_models.invoices (tenant_id, invoice_id, customer_id, number, status, currency, subtotal, tax_total, total, amount_paid,
  amount_credited, amount_refunded, amount_written_off, creditable_amount, balance_due, payment_terms_days, requested_due_date, issue_date,
  issued_at, due_date, drafted_at, voided_at, void_reason, written_off_at, write_off_reason, line_count, tax_breakdown, reporting_currency,
  exchange_rate, reporting_total, last_event_at)
select '${tenant}', ${invoiceId}, 'customer-' || lpad((i % ${CUSTOMERS})::text, 4, '0'),
       case when s.status = 'draft' then null else 'INV-' || lpad(i::text, 9, '0') end, s.status, 'USD',
       a.subtotal, a.tax, a.subtotal + a.tax,
       case s.status when 'paid' then a.subtotal + a.tax when 'partially_paid' then round((a.subtotal + a.tax) / 2, 2) else 0 end,
       0, 0, case s.status when 'written_off' then a.subtotal + a.tax else 0 end,
       case when s.status = 'draft' then 0 else a.subtotal + a.tax end,
       case s.status when 'open' then a.subtotal + a.tax when 'partially_paid' then (a.subtotal + a.tax) - round((a.subtotal + a.tax) / 2, 2) else 0 end,
       30, null,
       case when s.status = 'draft' then null else (d.drafted + interval '1 hour')::date end,
       case when s.status = 'draft' then null else d.drafted + interval '1 hour' end,
       case when s.status = 'draft' then null else (d.drafted + interval '31 days')::date end,
       d.drafted,
       case when s.status = 'void' then d.drafted + interval '2 days' end, case when s.status = 'void' then 'Issued in error' end,
       case when s.status = 'written_off' then d.drafted + interval '90 days' end, case when s.status = 'written_off' then 'Uncollectable' end,
       2, '[{"rate": "20", "taxAmount": "0.00", "netAmount": "0.00"}]'::jsonb, 'USD', null, a.subtotal + a.tax, d.drafted + interval '1 hour'
  from generate_series(${first}, ${last - 1}) as i,
       lateral (select (array['paid', 'paid', 'paid', 'paid', 'open', 'open', 'open', 'partially_paid', 'draft', 'void', 'written_off', 'paid'])[1 + i % 12] as status) s,
       lateral (select round((100 + (i * 7919) % 99000)::numeric / 100, 2) * 2 as subtotal, round((100 + (i * 7919) % 99000)::numeric / 100 * 0.4, 2) as tax) a,
       lateral (select timestamptz '2023-01-01T00:00:00Z' + (i * interval '3 minutes') as drafted) d;
insert into read_models.invoice_lines (tenant_id, invoice_id, line_id, sort_order, description, quantity, unit_price, tax_rate, amount, net_amount, tax_amount, taxes)
select '${tenant}', ${invoiceId}, ${invoiceId} || '-line-' || l, l, 'Consulting services, line ' || l, 1 + l,
       round((100 + (i * 7919) % 99000)::numeric / 100, 2), 20, round((100 + (i * 7919) % 99000)::numeric / 100, 2) * (1 + l) / (1 + l),
       round((100 + (i * 7919) % 99000)::numeric / 100, 2), round((100 + (i * 7919) % 99000)::numeric / 100 * 0.2, 2), '[]'::jsonb
  from generate_series(${first}, ${last - 1}) as i, generate_series(0, 1) as l;`;
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Actual Rows'?: number;
  readonly Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

interface Explained {
  readonly query: Exclude<Query, 'invoice(id)'>;
  readonly sql: string;
  readonly indexScan: boolean;
  readonly indexes: string[];
  readonly nodes: string;
  readonly executionMs: number;
  readonly text: string;
}

/** EXPLAIN ANALYZE of the list query InvoiceQueries runs for `filter`/`after`, as the tenant role under row-level security. */
async function explainList(connectionString: string, query: Explained['query'], filter: InvoiceListFilter, after: string | null, today: string): Promise<Explained> {
  const pool = new pg.Pool({ connectionString, max: 1 });
  const captured: CompiledQuery[] = [];
  const db = new Kysely<never>({ dialect: new PostgresDialect({ pool }), log: (event) => void captured.push(event.query) });
  try {
    await new InvoiceQueries(db).listInvoices(BENCH_TENANT, filter, PAGE, after, today);
    const list = captured.find((compiled) => /from "read_models"\."invoices"/.test(compiled.sql) && /order by/i.test(compiled.sql));
    if (!list) throw new Error('P6: could not capture the list query of InvoiceQueries.listInvoices');
    const explain = async (format: 'json' | 'text') =>
      withClient(connectionString, async (client) => {
        await client.query('begin');
        try {
          await client.query(`select set_config('role', '${TENANT_ROLE}', true), set_config('${TENANT_SETTING}', $1, true)`, [BENCH_TENANT]);
          const { rows } = await client.query(`explain (analyze, buffers, format ${format}) ${list.sql}`, list.parameters as unknown[]);
          return rows;
        } finally {
          await client.query('rollback');
        }
      });
    const json = (await explain('json'))[0] as { 'QUERY PLAN': { Plan: PlanNode; 'Execution Time': number }[] };
    const plan = json['QUERY PLAN'][0] as { Plan: PlanNode; 'Execution Time': number };
    const nodes = planNodes(plan.Plan);
    const onInvoices = nodes.filter((node) => node['Relation Name'] === 'invoices');
    const text = ((await explain('text')) as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']).join('\n');
    return {
      query,
      sql: list.sql,
      indexScan: onInvoices.length > 0 && onInvoices.every((node) => node['Node Type'].includes('Index')),
      indexes: [...new Set(onInvoices.map((node) => node['Index Name']).filter((name): name is string => name !== undefined))],
      nodes: nodes.map((node) => `${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}`).join(' > '),
      executionMs: round(plan['Execution Time'], 3),
      text,
    };
  } finally {
    await db.destroy();
  }
}

export async function runP6(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const invoices = context.quick ? 20_000 : integerFromEnv('BENCH_P6_INVOICES', 200_000, 1_000);
  const rounds = context.quick ? 1 : integerFromEnv('BENCH_P6_ROUNDS', 3, 1);
  const iterations = Math.ceil((context.quick ? 30 : integerFromEnv('BENCH_P6_ITERATIONS', 300, 1)) / rounds);
  const connectionString = await caseDatabase(context, 'list');
  const bench = await startBenchApi(connectionString, { projections: 'on', maxSockets: 1 });
  try {
    const seedStarted = Date.now();
    const others = Math.ceil(invoices / 2 / OTHER_TENANTS.length);
    await withClient(connectionString, async (client) => {
      const chunk = 50_000;
      for (const [tenant, count] of [[BENCH_TENANT, invoices] as const, ...OTHER_TENANTS.map((tenant) => [tenant, others] as const)]) {
        for (let first = 0; first < count; first += chunk) {
          await client.query(seedSql(tenant, first, Math.min(count, first + chunk)));
          console.log(`P6 seed: ${tenant} ${formatNumber(Math.min(count, first + chunk))} / ${formatNumber(count)} invoices`);
        }
      }
      await client.query('vacuum analyze read_models.invoices');
      await client.query('vacuum analyze read_models.invoice_lines');
    });
    const seedSeconds = round((Date.now() - seedStarted) / 1000, 1);
    const client: GraphQLClient = bench.client;
    const list = (variables: Record<string, unknown>) => client.request<ListResult>(LIST, { first: PAGE, ...variables });

    // The deep page's cursor: follow the cursors from the first page, as a client paging through would.
    let after: string | null = null;
    for (let page = 1; page < DEEP_PAGE; page += 1) {
      const result: ListResult = await list({ after });
      after = result.invoices.pageInfo.endCursor;
      if (!after) throw new Error(`P6: the list ended after ${page} pages`);
    }
    const deepCursor = after as string;
    const firstPage = await list({});
    const ids = firstPage.invoices.edges.map((edge) => edge.node.id);
    const customer = 'customer-0042';
    const run: Record<Query, (iteration: number) => Promise<unknown>> = {
      'invoice(id)': (iteration) => client.request(ONE, { id: ids[iteration % ids.length] }),
      unfiltered: () => list({}),
      status: () => list({ filter: { status: 'PAID' } }),
      customer: () => list({ filter: { customerId: customer } }),
      'deep page': () => list({ after: deepCursor }),
    };
    // Warm-up: each query a few times, so that the first timed calls do not pay for cold caches and JIT.
    for (const query of QUERIES) for (let iteration = 0; iteration < 5; iteration += 1) await run[query](iteration);

    const latencies: Record<Query, number[]> = { 'invoice(id)': [], unfiltered: [], status: [], customer: [], 'deep page': [] };
    const perRound: { round: number; query: Query; summary: LatencySummary }[] = [];
    for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
      for (const query of rotated(QUERIES, roundIndex)) {
        const mine: number[] = [];
        for (let iteration = 0; iteration < iterations; iteration += 1) {
          const queryStarted = process.hrtime.bigint();
          await run[query](iteration);
          mine.push(elapsedMs(queryStarted));
        }
        latencies[query].push(...mine);
        const summary = summarise(mine);
        perRound.push({ round: roundIndex + 1, query, summary });
        console.log(`P6 round ${roundIndex + 1}/${rounds}  ${query.padEnd(11)}  ${iterations} calls  p50 ${summary.p50Ms.toFixed(2)} ms  p99 ${summary.p99Ms.toFixed(2)} ms`);
      }
    }
    const summaries = Object.fromEntries(QUERIES.map((query) => [query, summarise(latencies[query])])) as Record<Query, LatencySummary>;

    const today = new Date().toISOString().slice(0, 10);
    const explained = [
      await explainList(connectionString, 'unfiltered', {}, null, today),
      await explainList(connectionString, 'status', { status: 'paid' }, null, today),
      await explainList(connectionString, 'customer', { customerId: customer }, null, today),
      await explainList(connectionString, 'deep page', {}, deepCursor, today),
    ];
    for (const entry of explained) console.log(`P6 explain ${entry.query}: ${entry.indexScan ? `index scan (${entry.indexes.join(', ')})` : 'NOT only index scans'}: ${entry.nodes}`);

    const worstListP99 = Math.max(...(['unfiltered', 'status', 'customer', 'deep page'] as const).map((query) => summaries[query].p99Ms));
    const markdown = `${formatNumber(invoices)} invoices of the tenant \`${BENCH_TENANT}\` (two lines each; 1 in 12 draft, void or written off, the
rest open, partly paid or paid; ${CUSTOMERS} customers; one drafted every 3 minutes from 2023-01-01) and ${formatNumber(others)} of each of
${OTHER_TENANTS.length} other tenants, seeded by SQL into the live read model in ${seedSeconds} s, then \`VACUUM ANALYZE\`. One client
over HTTP keep-alive to the API started in this process; each call asks for ${PAGE} invoices with their lines and amounts
(\`${NODE}\`). ${rounds} round(s) of ${iterations} calls per query, query order rotating; the percentiles are over every call.

- **invoice(id)** (the reference): one invoice of the first page by id, cycling through the page.
- **unfiltered**: \`invoices(first: ${PAGE})\`, the newest first. **status**: \`filter: { status: PAID }\`.
  **customer**: \`filter: { customerId: "${customer}" }\` (${formatNumber(Math.ceil(invoices / CUSTOMERS))} invoices).
  **deep page**: page ${DEEP_PAGE}, its cursor found by following \`endCursor\` from the first page.

${table(
  ['query', 'calls', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'p99 ÷ invoice(id) p99', 'p99 ms of each round'],
  QUERIES.map((query) => [
    query,
    formatNumber(summaries[query].count),
    formatNumber(summaries[query].p50Ms, 2),
    formatNumber(summaries[query].p99Ms, 2),
    formatNumber(summaries[query].meanMs, 2),
    formatNumber(summaries[query].maxMs, 1),
    (summaries[query].p99Ms / summaries['invoice(id)'].p99Ms).toFixed(2),
    perRound.filter((entry) => entry.query === query).map((entry) => formatNumber(entry.summary.p99Ms, 2)).join(' / '),
  ]),
  [false, true, true, true, true, true, true, false],
)}

### Plans

EXPLAIN (ANALYZE, BUFFERS) of the list query exactly as \`InvoiceQueries.listInvoices\` builds it (captured from Kysely),
run in a transaction as the request role \`${TENANT_ROLE}\` with the tenant set, so with the row-level security policy applied.
"Index scan" means every scan of \`invoices\` in the plan is an index scan (no sequential scan).

${table(
  ['query', 'index scan', 'index(es) on invoices', 'plan nodes', 'execution ms'],
  explained.map((entry) => [entry.query, entry.indexScan ? 'yes' : '**no**', entry.indexes.join(', ') || '(none)', entry.nodes, formatNumber(entry.executionMs, 2)]),
  [false, false, false, false, true],
)}

${explained.map((entry) => `<details><summary>${entry.query}</summary>\n\n\`\`\`\n${entry.text}\n\`\`\`\n</details>`).join('\n\n')}
`;
    return {
      id: 'P6',
      title: `invoice list over ${formatNumber(invoices)} invoices`,
      seeded: `${formatNumber(invoices)} invoices (+ ${formatNumber(invoices * 2)} lines) for the tenant and ${formatNumber(others * OTHER_TENANTS.length)} for ${OTHER_TENANTS.length} other tenants, by SQL into read_models.invoices and invoice_lines of the API's fresh database, then VACUUM ANALYZE.`,
      bars: [
        { name: 'invoices(first: 50), worst p99 of unfiltered / status / customer / deep page', value: worstListP99, unit: 'ms', comparison: '<', bar: 50, detail: `invoice(id) p99 ${formatNumber(summaries['invoice(id)'].p99Ms, 2)} ms (reference)` },
        ...(['unfiltered', 'status', 'customer', 'deep page'] as const).map((query) => ({
          name: `invoices(first: 50) ${query}, p99`,
          value: summaries[query].p99Ms,
          unit: 'ms',
          comparison: '<' as const,
          bar: 50,
          detail: `p50 ${formatNumber(summaries[query].p50Ms, 2)} ms; ${explained.find((entry) => entry.query === query)?.indexScan ? `index scan: ${explained.find((entry) => entry.query === query)?.indexes.join(', ')}` : 'NOT an index scan'}`,
        })),
      ],
      markdown,
      data: { settings: { invoices, others, rounds, iterations, page: PAGE, deepPage: DEEP_PAGE }, seedSeconds, summaries, perRound, explained },
      durationSeconds: round((Date.now() - started) / 1000, 1),
      generatedAt: new Date().toISOString(),
      quick: context.quick,
    };
  } finally {
    await bench.stop();
  }
}
