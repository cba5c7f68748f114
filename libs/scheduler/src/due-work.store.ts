import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { JsonObject } from '../../event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../projection-runtime/src/index.js';
import type { DueWork } from './due-work.types.js';

/** Characters of an error message kept in `last_error`. */
const LAST_ERROR_LENGTH_MAX = 2_000;

interface DueRow {
  source: string;
  tenant_id: string;
  work_key: string;
  kind: string;
  lane: string;
  due_at: Date;
  payload: JsonObject;
  attempts: number;
  updated_position: string;
}

/** Due items counted one by one at most (an index range with a LIMIT): past it, the backlog reads "at least". */
export const DUE_WORK_BACKLOG_COUNT_MAX = 10_000;

/** What is due and not done, for readiness and metrics. */
export interface DueWorkBacklog {
  /** Items due at `now` (not parked), up to DUE_WORK_BACKLOG_COUNT_MAX. */
  readonly due: number;
  /** True when there are more than DUE_WORK_BACKLOG_COUNT_MAX (then `due` is that maximum). */
  readonly capped: boolean;
  /** The due instant of the earliest item not parked, or null when nothing is due. */
  readonly oldestDueAt: string | null;
}

/**
 * The scheduler's reads and bookkeeping over the due-work tables of its projections. Every read is an index range in
 * (due_at, work_key) order with a LIMIT (never the whole table), across the tables with one UNION ALL. Bookkeeping
 * touches a row only while it is the version that was dispatched (`updated_position`): if the projection restated the
 * work meanwhile, the row is left for another dispatch, which the deterministic command id makes harmless.
 *
 * A store over no table at all (no feature states due work yet) reads nothing and is always empty, so the processes
 * can run the scheduler and test clocks can be advanced before the first feature contributes its projection.
 */
export class DueWorkStore {
  private readonly tables: readonly string[];

  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    tables: readonly string[],
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {
    this.tables = [...tables];
  }

  /**
   * Work due at `now` (real time) of the tenants not in `excludedTenants`, of the given kinds, not parked and past any
   * backoff: the first `limit` in (due_at, work_key) order.
   */
  async due(options: { readonly now: string; readonly kinds: readonly string[]; readonly excludedTenants: readonly string[]; readonly limit: number }): Promise<DueWork[]> {
    const { now, kinds, excludedTenants, limit } = options;
    if (this.tables.length === 0) return [];
    const parts = this.tables.map(
      (table) => sql`(select ${table}::text as source, tenant_id, work_key, kind, lane, due_at, payload, attempts, updated_position from ${this.table(table)}
         where parked_at is null and due_at <= ${now}::timestamptz and (not_before is null or not_before <= ${now}::timestamptz)
           and kind = any(${[...kinds]}::text[]) and not (tenant_id = any(${[...excludedTenants]}::text[]))
         order by due_at, work_key limit ${limit})`,
    );
    return this.ordered(parts, limit);
  }

  /** One tenant's earliest work due at or before `until`, whatever its kind and backoff (parked work aside): runDueWork's step. */
  async earliestFor(tenantId: string, until: string): Promise<DueWork | undefined> {
    if (this.tables.length === 0) return undefined;
    const parts = this.tables.map(
      (table) => sql`(select ${table}::text as source, tenant_id, work_key, kind, lane, due_at, payload, attempts, updated_position from ${this.table(table)}
         where tenant_id = ${tenantId} and parked_at is null and due_at <= ${until}::timestamptz
         order by due_at, work_key limit 1)`,
    );
    return (await this.ordered(parts, 1))[0];
  }

  /** The earliest instant after `now` at which work of these tenants and kinds becomes due (or its backoff ends), if any. */
  async nextWakeAt(options: { readonly now: string; readonly kinds: readonly string[]; readonly excludedTenants: readonly string[] }): Promise<string | undefined> {
    const { now, kinds, excludedTenants } = options;
    if (this.tables.length === 0) return undefined;
    const filter = sql`parked_at is null and kind = any(${[...kinds]}::text[]) and not (tenant_id = any(${[...excludedTenants]}::text[]))`;
    const parts = this.tables.flatMap((table) => [
      sql`(select due_at as at from ${this.table(table)} where ${filter} and due_at > ${now}::timestamptz order by due_at limit 1)`,
      sql`(select not_before as at from ${this.table(table)} where ${filter} and not_before > ${now}::timestamptz order by not_before limit 1)`,
    ]);
    const { rows } = await sql<{ at: Date | null }>`select min(at) as at from (${sql.join(parts, sql` union all `)}) next_due`.execute(this.db);
    const at = rows[0]?.at;
    return at ? new Date(at).toISOString() : undefined;
  }

  /**
   * The backlog of real-time work at `now` (tenants on test clocks excluded: their work waits for their clock, not for
   * the scheduler): how many items are due, counted through the (due_at, work_key) index up to a bound, and the
   * earliest due instant (the first entry of that index). Two index ranges per table, whatever the table holds.
   */
  async backlog(options: { readonly now: string; readonly excludedTenants: readonly string[] }): Promise<DueWorkBacklog> {
    if (this.tables.length === 0) return { due: 0, capped: false, oldestDueAt: null };
    const { now, excludedTenants } = options;
    const filter = sql`parked_at is null and due_at <= ${now}::timestamptz and not (tenant_id = any(${[...excludedTenants]}::text[]))`;
    const limit = DUE_WORK_BACKLOG_COUNT_MAX + 1;
    const counted = this.tables.map((table) => sql`(select 1 from ${this.table(table)} where ${filter} order by due_at, work_key limit ${limit})`);
    const oldest = this.tables.map((table) => sql`(select due_at as at from ${this.table(table)} where ${filter} order by due_at, work_key limit 1)`);
    const { rows } = await sql<{ due: number; at: Date | null }>`select
        (select count(*)::int from (select 1 from (${sql.join(counted, sql` union all `)}) items limit ${limit}) bounded) as due,
        (select min(at) from (${sql.join(oldest, sql` union all `)}) earliest) as at`.execute(this.db);
    const due = Number(rows[0]?.due ?? 0);
    const at = rows[0]?.at;
    return { due: Math.min(due, DUE_WORK_BACKLOG_COUNT_MAX), capped: due > DUE_WORK_BACKLOG_COUNT_MAX, oldestDueAt: at ? new Date(at).toISOString() : null };
  }

  /** The work is done: its row goes (if it is still the version dispatched). */
  async finish(item: DueWork): Promise<boolean> {
    const result = await sql`delete from ${this.table(item.source)} where tenant_id = ${item.tenantId} and work_key = ${item.workKey} and updated_position = ${item.updatedPosition}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  /** Another attempt later: counts the attempt, records why, and holds the work back until `notBefore`. */
  async retryLater(item: DueWork, error: string, notBefore: string): Promise<boolean> {
    const result = await sql`update ${this.table(item.source)} set attempts = attempts + 1, last_error = ${truncated(error)}, not_before = ${notBefore}::timestamptz
       where tenant_id = ${item.tenantId} and work_key = ${item.workKey} and updated_position = ${item.updatedPosition}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  /** Set aside (a refusal the domain would repeat): out of the schedule until an operator clears `parked_at`. */
  async park(item: DueWork, error: string, at: string): Promise<boolean> {
    const result = await sql`update ${this.table(item.source)} set attempts = attempts + 1, last_error = ${truncated(error)}, parked_at = ${at}::timestamptz
       where tenant_id = ${item.tenantId} and work_key = ${item.workKey} and updated_position = ${item.updatedPosition}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  private table(name: string): RawBuilder<unknown> {
    if (!this.tables.includes(name)) throw new Error(`${name} is not a due-work table of this scheduler`);
    return sql.table(`${this.schema}.${name}`) as unknown as RawBuilder<unknown>;
  }

  private async ordered(parts: readonly RawBuilder<unknown>[], limit: number): Promise<DueWork[]> {
    const { rows } = await sql<DueRow>`select * from (${sql.join(parts, sql` union all `)}) due order by due_at, work_key, source limit ${limit}`.execute(this.db);
    return rows.map((row) => ({
      source: row.source,
      tenantId: row.tenant_id,
      workKey: row.work_key,
      kind: row.kind,
      lane: row.lane,
      dueAt: new Date(row.due_at).toISOString(),
      payload: row.payload,
      attempts: Number(row.attempts),
      updatedPosition: row.updated_position,
    }));
  }
}

function truncated(message: string): string {
  return message.length <= LAST_ERROR_LENGTH_MAX ? message : `${message.slice(0, LAST_ERROR_LENGTH_MAX - 1)}…`;
}
