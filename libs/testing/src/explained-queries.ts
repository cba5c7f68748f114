import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { installRowLevelSecurity } from '../../database/src/row-level-security.js';
import { TENANT_ROLE, TENANT_SETTING } from '../../database/src/scoped-pool.js';
import type { ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** One node of PostgreSQL's EXPLAIN (FORMAT JSON) plan, with the fields the query-plan tests read. */
export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Scan Direction'?: string;
  Plans?: PlanNode[];
}

/** The statement a query sent and PostgreSQL's plan for it. */
export interface ExplainedQuery {
  readonly sql: string;
  readonly plan: PlanNode;
}

/** A plan node and every node below it, depth first. */
export function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/**
 * A Kysely whose every SELECT is EXPLAINed on `client` (set by the test to the tenant role and tenant, as scoped-pool.ts
 * sets a request's connection) instead of being run: the query code receives no rows, and each statement with its plan
 * goes to `explained`. Anything but a SELECT is refused, so a query that writes fails its test.
 */
export function explainingDatabase(client: () => pg.Client, explained: (query: ExplainedQuery) => void): Kysely<ReadModelDatabase> {
  const connection = {
    query: async (text: string, parameters: unknown[]) => {
      if (!/^\s*select/i.test(text)) throw new Error(`not a select: ${text}`);
      const { rows } = await client().query(`explain (format json) ${text}`, parameters);
      explained({ sql: text, plan: (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan });
      return { rows: [], command: 'SELECT', rowCount: 0 };
    },
    release: () => undefined,
  };
  const pool = { connect: async () => connection, end: async () => undefined };
  return new Kysely<ReadModelDatabase>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
}

/** EXPLAINing Kyselys on one tenant connection, and the plan of the first statement a piece of query code sends. */
export class QueryExplainer {
  private explained: ExplainedQuery[] = [];

  constructor(private readonly client: () => pg.Client) {}

  db(): Kysely<ReadModelDatabase> {
    return explainingDatabase(this.client, (query) => this.explained.push(query));
  }

  async planOf(run: () => Promise<unknown>): Promise<ExplainedQuery> {
    this.explained = [];
    await run();
    const first = this.explained[0];
    if (first === undefined) throw new Error('the query sent no statement');
    return first;
  }
}

/**
 * The database of a query-plan spec: `open()` gives an admin Kysely (row-level security installed) to create, fill and
 * analyze the tables; `connectAsTenant` then opens the one connection, as the tenant role and tenant (as scoped-pool.ts
 * sets a request's), on which `explainer` EXPLAINs the queries; `close()` ends both and drops the database.
 */
export class PlanTestDatabase {
  readonly explainer: QueryExplainer = new QueryExplainer(() => {
    if (!this.tenantClient) throw new Error('connectAsTenant first');
    return this.tenantClient;
  });
  private database: TestDatabase | undefined;
  private admin: Kysely<ReadModelDatabase> | undefined;
  private tenantClient: pg.Client | undefined;

  constructor(private readonly prefix: string) {}

  async open(): Promise<Kysely<ReadModelDatabase>> {
    this.database = await createTestDatabase(this.prefix);
    this.admin = new Kysely<ReadModelDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: this.database.connectionString, max: 2 }) }) });
    await installRowLevelSecurity(this.admin);
    return this.admin;
  }

  async connectAsTenant(tenantId: string): Promise<void> {
    if (!this.database) throw new Error('open first');
    const client = new pg.Client({ connectionString: this.database.connectionString });
    await client.connect();
    await client.query(`select set_config('role', '${TENANT_ROLE}', false), set_config('${TENANT_SETTING}', $1, false)`, [tenantId]);
    this.tenantClient = client;
  }

  async close(): Promise<void> {
    await this.tenantClient?.end();
    await this.admin?.destroy();
    await this.database?.drop();
  }
}
