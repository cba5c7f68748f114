import { sql, type Kysely } from 'kysely';
import { tenantOfStream } from '../../application/src/index.js';
import { isInstant } from '../../billing/src/common/calendar-date.js';
import { encodePosition, type JsonObject, type RecordedEvent } from '../../event-store/src/index.js';
import type { Projection, ProjectionContext, ReadModelDatabase } from '../../projection-runtime/src/index.js';
import { createDueWorkIndexes, createDueWorkStateTable, createDueWorkTable, dueWorkStateTable, DUE_WORK_CHANNEL, requireDueWorkTableName } from './due-work.tables.js';
import type { DueWorkChanges, DueWorkEntry } from './due-work.types.js';

/** Bounds on what a mapping may state (a limit on everything that grows). */
export const dueWorkLimits = { workKeyLengthMax: 300, kindLengthMax: 100, laneLengthMax: 300, payloadCharactersMax: 8_000 } as const;

/** A projection of due work: a Projection (run by the ProjectionRunner) whose table the scheduler reads. */
export interface DueWorkProjection extends Projection {
  readonly dueWork: { readonly table: string };
}

interface DueWorkProjectionBase {
  /** The projection's name, which is also its table's name (lower case, digits, _). */
  readonly name: string;
  /** Raise it when the mapping or the table's shape changes: the runner rebuilds the table from the log and swaps it in. */
  readonly version: number;
  readonly eventTypes: readonly string[];
}

/**
 * A mapping from single events: what each event states or withdraws. `plan` is a pure function of the event (its
 * data, stream, position), called once per event in log order; an event's removals apply before its upserts.
 */
export interface PlannedDueWorkOptions extends DueWorkProjectionBase {
  plan(event: RecordedEvent): DueWorkChanges;
}

/**
 * A mapping from an entity's folded state, for features whose next obligation depends on more than one event (a
 * subscription's next bill date needs its schedule and its last billed period): the state of each entity is kept in
 * a second table as JSON (so it must be plain data: objects, arrays, strings, numbers, booleans, null), and after each
 * event the entity's pending work is exactly `dueWork(state)`: entries that appear or change are upserted, entries
 * that disappear are removed. An entry that stays the same is not touched, so work the scheduler finished stays gone.
 */
export interface DueWorkFold<State> {
  /** The entity the event belongs to (a subscription id), unique within its tenant. */
  entityOf(event: RecordedEvent): string;
  readonly initialState: State;
  evolve(state: State, event: RecordedEvent): State;
  dueWork(state: State): readonly DueWorkEntry[];
}

export interface FoldedDueWorkOptions<State> extends DueWorkProjectionBase {
  readonly fold: DueWorkFold<State>;
}

/** A row of a due-work table as the batch fold holds it (instants as ISO strings with milliseconds). */
interface WorkRow {
  tenant_id: string;
  work_key: string;
  kind: string;
  lane: string;
  due_at: string;
  payload: JsonObject;
  created_position: string;
  updated_position: string;
  attempts: number;
  last_error: string | null;
  not_before: string | null;
  parked_at: string | null;
}

interface PlannedEvent {
  readonly tenantId: string;
  readonly position: string;
  readonly changes: DueWorkChanges;
}

/**
 * The due-work projection of one feature (subscriptions first): the feature contributes its mapping, the scheduler
 * knows nothing of the domain. Applied in batches (applyBatch) with a fixed number of statements whatever the batch
 * holds: the rows the batch touches are loaded once (locked, so the scheduler's bookkeeping on them waits for the
 * batch), the events are folded in memory in log order, and each touched row is written once (one DELETE, one
 * multi-row INSERT ... ON CONFLICT). The rows therefore do not depend on how the log is split into batches.
 *
 * An obligation stated again unchanged is left alone (its retry state and its version stay); a changed one gets the
 * new kind, instant and payload, a new `updated_position`, and a fresh retry state (it is new work). A batch that
 * stated any work notifies DUE_WORK_CHANNEL, delivered at commit, which wakes the scheduler.
 */
export function dueWorkProjection(options: PlannedDueWorkOptions): DueWorkProjection;
export function dueWorkProjection<State>(options: FoldedDueWorkOptions<State>): DueWorkProjection;
export function dueWorkProjection<State>(options: PlannedDueWorkOptions | FoldedDueWorkOptions<State>): DueWorkProjection {
  const table = requireDueWorkTableName(options.name);
  const folding = 'fold' in options ? options.fold : undefined;
  const plan = 'plan' in options ? options.plan : undefined;
  if ((folding === undefined) === (plan === undefined)) throw new Error(`due-work projection ${table}: give either plan or fold`);
  return {
    name: table,
    version: options.version,
    eventTypes: options.eventTypes,
    tables: folding ? [table, dueWorkStateTable(table)] : [table],
    dueWork: { table },
    async createTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
      await createDueWorkTable(db, schema, table);
      if (folding) await createDueWorkStateTable(db, schema, table);
    },
    createIndexes: (db: Kysely<ReadModelDatabase>, schema: string) => createDueWorkIndexes(db, schema, table),
    async applyBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
      const planned = folding ? await foldEntities(context, table, folding, events) : events.map((event) => plannedEvent(event, (plan as PlannedDueWorkOptions['plan'])(event)));
      await applyPlannedEvents(context, table, planned);
    },
  };
}

function plannedEvent(event: RecordedEvent, changes: DueWorkChanges): PlannedEvent {
  return { tenantId: tenantOfStream(event.streamId), position: encodePosition(event.position), changes };
}

/** Folds each entity's state through the batch and turns each event into the difference of dueWork before and after it. */
async function foldEntities<State>(context: ProjectionContext, table: string, fold: DueWorkFold<State>, events: readonly RecordedEvent[]): Promise<PlannedEvent[]> {
  const stateTable = sql.table(`${context.schema}.${dueWorkStateTable(table)}`);
  const entities = events.map((event) => ({ tenantId: tenantOfStream(event.streamId), entityId: requireText(fold.entityOf(event), 'entity id', dueWorkLimits.workKeyLengthMax) }));
  const keys = distinct(entities.map(({ tenantId, entityId }) => [tenantId, entityId] as const));
  const { rows } = await sql<{ tenant_id: string; entity_id: string; state: State }>`
    select tenant_id, entity_id, state from ${stateTable} t
     where (t.tenant_id, t.entity_id) in (select * from unnest(${keys.map((key) => key[0])}::text[], ${keys.map((key) => key[1])}::text[]))
     for update`.execute(context.trx);
  const states = new Map<string, { state: State; position: string | null }>(rows.map((row) => [keyOf(row.tenant_id, row.entity_id), { state: row.state, position: null }]));
  const initial = asJson(fold.initialState);
  // dueWork(state) of each entity's latest state, once computed: the next event's "before" (dueWork is pure).
  const pending = new Map<string, readonly DueWorkEntry[]>();
  const planned = events.map((event, index) => {
    const { tenantId, entityId } = entities[index] as { tenantId: string; entityId: string };
    const key = keyOf(tenantId, entityId);
    const before = states.get(key)?.state ?? initial;
    // Kept as JSON at every step, so the fold is the same whether the state came from the table or from memory.
    const after = asJson(fold.evolve(before, event));
    const position = encodePosition(event.position);
    states.set(key, { state: after, position });
    const workBefore = pending.get(key) ?? fold.dueWork(before);
    const workAfter = fold.dueWork(after);
    pending.set(key, workAfter);
    return { tenantId, position, changes: differenceOf(workBefore, workAfter) };
  });
  const written = [...states].filter(([, entry]) => entry.position !== null);
  if (written.length > 0) {
    const values = written.map(([key, entry]) => {
      const [tenantId, entityId] = key.split('\u0000') as [string, string];
      return { tenant_id: tenantId, entity_id: entityId, state: entry.state, position: entry.position };
    });
    await sql`
      insert into ${stateTable} (tenant_id, entity_id, state, position)
      select tenant_id, entity_id, state, position from jsonb_populate_recordset(null::${stateTable}, ${JSON.stringify(values)}::jsonb)
      on conflict (tenant_id, entity_id) do update set state = excluded.state, position = excluded.position`.execute(context.trx);
  }
  return planned;
}

/** What changed between two lists of pending work: keys that disappeared, and entries that appeared or differ. */
function differenceOf(before: readonly DueWorkEntry[], after: readonly DueWorkEntry[]): DueWorkChanges {
  const previous = new Map(before.map((entry) => [entry.workKey, entry]));
  const next = new Set(after.map((entry) => entry.workKey));
  return {
    remove: before.filter((entry) => !next.has(entry.workKey)).map((entry) => entry.workKey),
    upsert: after.filter((entry) => {
      const old = previous.get(entry.workKey);
      return old === undefined || canonicalJson(normalisedEntry(old)) !== canonicalJson(normalisedEntry(entry));
    }),
  };
}

/** Folds the batch's changes over the rows they touch (loaded once, locked) and writes each changed row once. */
async function applyPlannedEvents(context: ProjectionContext, table: string, planned: readonly PlannedEvent[]): Promise<void> {
  const target = sql.table(`${context.schema}.${table}`);
  const checked = planned.map(({ tenantId, position, changes }) => ({
    tenantId,
    position,
    remove: (changes?.remove ?? []).map((workKey) => requireText(workKey, 'workKey', dueWorkLimits.workKeyLengthMax)),
    upsert: (changes?.upsert ?? []).map(normalisedEntry),
  }));
  const touched = distinct(checked.flatMap(({ tenantId, remove, upsert }) => [...remove, ...upsert.map((entry) => entry.workKey)].map((key) => [tenantId, key] as const)));
  if (touched.length === 0) return;
  const loaded = new Map<string, WorkRow>();
  const { rows } = await sql<Record<string, unknown>>`
    select * from ${target} t
     where (t.tenant_id, t.work_key) in (select * from unnest(${touched.map((key) => key[0])}::text[], ${touched.map((key) => key[1])}::text[]))
     for update`.execute(context.trx);
  for (const row of rows) loaded.set(keyOf(row.tenant_id as string, row.work_key as string), workRowOf(row));
  const current = new Map<string, WorkRow | null>(loaded);
  for (const { tenantId, position, remove, upsert } of checked) {
    for (const workKey of remove) {
      const key = keyOf(tenantId, workKey);
      if (current.get(key)) current.set(key, null);
    }
    for (const entry of upsert) {
      const key = keyOf(tenantId, entry.workKey);
      const row = current.get(key);
      if (row && sameObligation(row, entry)) continue;
      const obligation = { kind: entry.kind, lane: entry.lane ?? entry.workKey, due_at: entry.dueAt, payload: entry.payload, updated_position: position };
      const fresh = { attempts: 0, last_error: null, not_before: null, parked_at: null };
      current.set(key, row ? { ...row, ...obligation, ...fresh } : { tenant_id: tenantId, work_key: entry.workKey, ...obligation, created_position: position, ...fresh });
    }
  }
  const removed: (readonly [string, string])[] = [];
  const written: WorkRow[] = [];
  for (const [key, row] of current) {
    const before = loaded.get(key);
    if (row === null) {
      if (before) removed.push([before.tenant_id, before.work_key]);
    } else if (!before || canonicalJson(before) !== canonicalJson(row)) {
      written.push(row);
    }
  }
  if (removed.length > 0) {
    await sql`
      delete from ${target} t
       where (t.tenant_id, t.work_key) in (select * from unnest(${removed.map((key) => key[0])}::text[], ${removed.map((key) => key[1])}::text[]))`.execute(context.trx);
  }
  if (written.length > 0) {
    const columns = Object.keys(written[0] as WorkRow);
    const list = sql.join(columns.map((column) => sql.id(column)));
    const updates = sql.join(columns.filter((column) => column !== 'tenant_id' && column !== 'work_key').map((column) => sql`${sql.id(column)} = excluded.${sql.id(column)}`));
    await sql`
      insert into ${target} (${list}) select ${list} from jsonb_populate_recordset(null::${target}, ${JSON.stringify(written)}::jsonb)
      on conflict (tenant_id, work_key) do update set ${updates}`.execute(context.trx);
    // Delivered when the batch commits (never before its rows are visible): wakes the scheduler in any process.
    await sql`select pg_notify(${DUE_WORK_CHANNEL}, '')`.execute(context.trx);
  }
}

function workRowOf(row: Record<string, unknown>): WorkRow {
  const instant = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as Date).toISOString());
  return {
    tenant_id: row.tenant_id as string,
    work_key: row.work_key as string,
    kind: row.kind as string,
    lane: row.lane as string,
    due_at: instant(row.due_at) as string,
    payload: row.payload as JsonObject,
    created_position: row.created_position as string,
    updated_position: row.updated_position as string,
    attempts: Number(row.attempts),
    last_error: (row.last_error as string | null) ?? null,
    not_before: instant(row.not_before),
    parked_at: instant(row.parked_at),
  };
}

/** A lane is part of the obligation: work moved to another lane is restated (new version, fresh retry state). */
function sameObligation(row: WorkRow, entry: DueWorkEntry): boolean {
  return row.kind === entry.kind && row.lane === entry.lane && row.due_at === entry.dueAt && canonicalJson(row.payload) === canonicalJson(entry.payload);
}

/**
 * An entry checked and in stored form (instant with milliseconds, the lane given: its own key by default). A mapping that states something malformed is a bug
 * in the mapping, not input: it fails the batch, which the runner retries, and says what was wrong.
 */
function normalisedEntry(entry: DueWorkEntry): DueWorkEntry {
  const workKey = requireText(entry?.workKey, 'workKey', dueWorkLimits.workKeyLengthMax);
  const kind = requireText(entry.kind, 'kind', dueWorkLimits.kindLengthMax);
  const lane = requireText(entry.lane ?? workKey, 'lane', dueWorkLimits.laneLengthMax);
  if (!isInstant(entry.dueAt)) throw new Error(`due work ${workKey}: dueAt must be an ISO-8601 instant (got ${JSON.stringify(entry.dueAt)})`);
  const payload = entry.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error(`due work ${workKey}: payload must be a JSON object`);
  if (JSON.stringify(payload).length > dueWorkLimits.payloadCharactersMax) throw new Error(`due work ${workKey}: payload is longer than ${dueWorkLimits.payloadCharactersMax} characters`);
  return { workKey, kind, dueAt: new Date(Date.parse(entry.dueAt)).toISOString(), payload, lane };
}

function requireText(value: unknown, what: string, lengthMax: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > lengthMax) {
    throw new Error(`due work: ${what} must be a string of 1 to ${lengthMax} characters (got ${JSON.stringify(value)})`);
  }
  return value;
}

function asJson<Value>(value: Value): Value {
  return JSON.parse(JSON.stringify(value)) as Value;
}

/** JSON with object keys sorted, so that two values compare equal whatever order jsonb or a mapping gave their keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

function keyOf(tenantId: string, key: string): string {
  return `${tenantId}\u0000${key}`;
}

function distinct(keys: readonly (readonly [string, string])[]): (readonly [string, string])[] {
  return [...new Map(keys.map((key) => [keyOf(key[0], key[1]), key])).values()];
}
