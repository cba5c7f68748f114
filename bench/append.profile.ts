/**
 * Why is an append slower than a raw insert? A diagnostic companion to bench/cases/p1-append.ts (not run by `npm run bench`):
 *
 *   npm run build --silent && node dist/bench/append.profile.js
 *
 * On its own embedded PostgreSQL (durable settings), it times variants of event_store.append, each installed in its
 * own database and called through the real PostgresEventStore adapter, next to raw inserts with and without a NOTIFY;
 * samples the wait events of the writers' backends; and prints auto_explain plans of the statements inside append.
 * It never changes libs/: variants are textual edits of the schema SQL applied to throwaway databases.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '../libs/database/src/index.js';
import { PostgresEventStore } from '../libs/event-store/src/index.js';
import { eventStoreSchemaSql } from '../libs/event-store/src/postgres/postgres-event-store.schema.js';

const OPS = Number(process.env.PROFILE_OPS ?? 1_000);
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 3);
const EVENTS_PER_STREAM = 5;

const NOTIFY = "perform pg_notify('event_store_appended', '');";
const LOOKUP_START = 'select count(*), min(e.revision), max(e.revision), count(distinct e.revision - ids.ordinality) = 1';
const LOOKUP_END = "join event_store.events e on e.stream_id = stream and e.event_id = (ids.value->>'eventId')::uuid;";

function withoutNotify(sql: string): string {
  if (!sql.includes(NOTIFY)) throw new Error('the schema no longer contains the expected NOTIFY statement');
  return sql.replace(NOTIFY, 'null;');
}

function withoutLookup(sql: string): string {
  const start = sql.indexOf(LOOKUP_START);
  const end = sql.indexOf(LOOKUP_END);
  if (start < 0 || end < 0) throw new Error('the schema no longer contains the expected idempotency lookup');
  return `${sql.slice(0, start)}existing_count := 0;${sql.slice(end + LOOKUP_END.length)}`;
}

/**
 * A prototype fast path in front of the shipped function (renamed append_slow): one stream, and either 'no_stream'
 * (insert the stream row; fall back if it exists) or an exact revision (compare-and-set UPDATE; fall back if it does
 * not match). No FOR UPDATE, no speculative insert on existing streams, no idempotency lookup unless the fast path
 * misses (a retried append always misses: the stream has moved on). Anything else takes the shipped path unchanged.
 */
function withCasFastPath(sql: string): string {
  const header = 'create or replace function event_store.append(requests jsonb) returns jsonb';
  if (!sql.includes(header)) throw new Error('the schema no longer contains the expected function header');
  return `${sql.replace(header, 'create or replace function event_store.append_slow(requests jsonb) returns jsonb')}
create or replace function event_store.append(requests jsonb) returns jsonb
language plpgsql as $fast$
declare
  request jsonb := requests->0;
  stream text := request->>'stream';
  expected text := request->>'expected';
  batch jsonb := request->'events';
  n int := jsonb_array_length(request->'events');
  current_rev bigint;
  last_prepare bigint;
  me xid8;
begin
  if jsonb_array_length(requests) <> 1 or n = 0 then
    return event_store.append_slow(requests);
  end if;
  if expected = 'no_stream' then
    insert into event_store.streams (stream_id, tenant_id, revision)
      values (stream, nullif(split_part(stream, ':', 1), stream), n - 1)
      on conflict (stream_id) do nothing;
    if not found then return event_store.append_slow(requests); end if;
    current_rev := -1;
  elsif expected ~ '^[0-9]+$' then
    update event_store.streams set revision = revision + n where stream_id = stream and revision = expected::bigint;
    if not found then return event_store.append_slow(requests); end if;
    current_rev := expected::bigint;
  else
    return event_store.append_slow(requests);
  end if;
  me := pg_current_xact_id();
  with inserted as (
    insert into event_store.events (transaction_id, tenant_id, stream_id, revision, event_id, type, data, metadata)
    select me, nullif(split_part(stream, ':', 1), stream), stream, current_rev + x.ordinality,
           (x.value->>'eventId')::uuid, x.value->>'type', x.value->'data', coalesce(x.value->'metadata', '{}'::jsonb)
      from jsonb_array_elements(batch) with ordinality as x(value, ordinality)
     order by x.ordinality
    returning global_position
  )
  select max(global_position) into last_prepare from inserted;
  return jsonb_build_object(
    'results', jsonb_build_array(jsonb_build_object('nextExpectedRevision', (current_rev + n)::text, 'commit', me::text, 'prepare', last_prepare::text)),
    'commit', me::text, 'prepare', last_prepare::text);
end
$fast$;
`;
}

type Kind =
  | { readonly kind: 'store'; readonly schema: string; readonly notifyAfterCommit?: boolean }
  | { readonly kind: 'raw'; readonly notify: boolean };
const VARIANTS: Record<string, Kind> = {
  'raw insert': { kind: 'raw', notify: false },
  'raw insert + pg_notify': { kind: 'raw', notify: true },
  'append (as shipped)': { kind: 'store', schema: eventStoreSchemaSql },
  'append without pg_notify': { kind: 'store', schema: withoutNotify(eventStoreSchemaSql) },
  'append without notify, without idempotency lookup': { kind: 'store', schema: withoutLookup(withoutNotify(eventStoreSchemaSql)) },
  'append CAS fast path, without notify': { kind: 'store', schema: withCasFastPath(withoutNotify(eventStoreSchemaSql)) },
  'append CAS fast path + coalesced NOTIFY after commit': {
    kind: 'store',
    schema: withCasFastPath(withoutNotify(eventStoreSchemaSql)),
    notifyAfterCommit: true,
  },
};

/**
 * The suggested replacement for NOTIFY inside the append: after a successful append, poke a notifier that sends
 * `pg_notify` on its own connection with synchronous_commit off (a hint needs no durable commit, so the cluster-wide
 * NOTIFY lock is held only briefly), at most one in flight, coalescing every append made meanwhile into the next one.
 */
class CoalescingNotifier {
  private readonly client: pg.Client;
  private ready: Promise<unknown>;
  private inFlight = false;
  private pending = false;
  sent = 0;
  constructor(connectionString: string) {
    this.client = new pg.Client({ connectionString });
    this.ready = this.client.connect().then(() => this.client.query('set synchronous_commit = off'));
  }
  poke(): void {
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    this.pending = false;
    this.sent += 1;
    void this.ready
      .then(() => this.client.query("select pg_notify('event_store_appended', '')"))
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = false;
        if (this.pending) this.poke();
      });
  }
  async close(): Promise<void> {
    while (this.inFlight) await new Promise((r) => setTimeout(r, 1));
    await this.client.end();
  }
}

function event(index: number) {
  const commandId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'InvoicePaymentRecorded',
    data: {
      schemaVersion: 1,
      invoiceId: `inv_${index}`,
      paymentId: `pay_${randomUUID()}`,
      amount: { amount: '1250.00', currency: 'EUR' },
      allocatedAmount: { amount: '1250.00', currency: 'EUR' },
      remainingBalance: { amount: '0.00', currency: 'EUR' },
      method: 'bank_transfer',
      reference: `SEPA-2025-${index}`,
      receivedAt: '2025-06-30T09:15:27.123Z',
    },
    metadata: { tenantId: 'acme', actorId: 'usr_finance_01', commandId, correlationId: commandId, causationId: commandId },
  };
}

interface Target {
  append(stream: string, revision: number, index: number): Promise<void>;
  close(): Promise<void>;
}

function target(kind: Kind, connectionString: string, writers: number): Target {
  if (kind.kind === 'store') {
    const store = new PostgresEventStore({ connectionString, poolSize: writers });
    const notifier = kind.notifyAfterCommit ? new CoalescingNotifier(connectionString) : undefined;
    return {
      append: async (stream, revision, index) => {
        await store.appendToStream(stream, [event(index)], { expectedRevision: revision === 0 ? 'no_stream' : BigInt(revision - 1) });
        notifier?.poke();
      },
      close: async () => {
        await notifier?.close();
        await store.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString, max: writers });
  const insert = `insert into event_store.events (tenant_id, stream_id, revision, event_id, type, data, metadata)
                  values ('acme', $1, $2, $3, $4, $5, $6)`;
  const sql = kind.notify ? `with written as (${insert} returning 1) select pg_notify('event_store_appended', '') from written` : insert;
  return {
    append: async (stream, revision, index) => {
      const e = event(index);
      await pool.query(sql, [stream, revision, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
    },
    close: () => pool.end(),
  };
}

async function walLsn(connectionString: string): Promise<string> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]?.lsn ?? '0/0';
  } finally {
    await client.end();
  }
}

async function walBytesSince(connectionString: string, lsn: string): Promise<number> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return Number((await client.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text as bytes', [lsn])).rows[0]?.bytes ?? 0);
  } finally {
    await client.end();
  }
}

async function measure(kind: Kind, connectionString: string, writers: number, tag: string, sampleWaits?: string): Promise<{ opsPerSecond: number; medianMs: number; walBytesPerOp: number; waits?: Map<string, number> }> {
  const t = target(kind, connectionString, writers);
  const perWriter = Math.ceil(OPS / writers);
  const run = async (phase: string, count: number, latencies?: number[]) =>
    Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let index = 0; index < count; index += 1) {
          const started = process.hrtime.bigint();
          await t.append(`acme:invoice-${tag}${phase}${writer}x${Math.floor(index / EVENTS_PER_STREAM)}`, index % EVENTS_PER_STREAM, index);
          latencies?.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
  try {
    await run('w', Math.ceil(100 / writers));
    let sampling = false;
    const waits = new Map<string, number>();
    let sampler: Promise<void> | undefined;
    if (sampleWaits) {
      sampling = true;
      sampler = (async () => {
        const client = new pg.Client({ connectionString });
        await client.connect();
        while (sampling) {
          const { rows } = await client.query<{ wait: string }>(
            `select coalesce(wait_event_type || ':' || wait_event, 'on CPU') || ' (' || state || ')' as wait
               from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend' and state <> 'idle'`,
            [sampleWaits],
          );
          for (const row of rows) waits.set(row.wait, (waits.get(row.wait) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 2));
        }
        await client.end();
      })();
    }
    const latencies: number[] = [];
    const lsn = await walLsn(connectionString);
    const started = process.hrtime.bigint();
    await run('m', perWriter, latencies);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const walBytesPerOp = Math.round((await walBytesSince(connectionString, lsn)) / latencies.length);
    sampling = false;
    await sampler;
    latencies.sort((a, b) => a - b);
    return { opsPerSecond: Math.round(latencies.length / elapsed), medianMs: latencies[Math.floor(latencies.length / 2)] ?? 0, walBytesPerOp, ...(sampleWaits ? { waits } : {}) };
  } finally {
    await t.close();
  }
}

/** The prototype must keep the port's semantics on the cases the bench does not exercise: retries and conflicts. */
async function checkFastPathSemantics(connectionString: string): Promise<void> {
  const store = new PostgresEventStore({ connectionString, poolSize: 2 });
  try {
    const first = event(1);
    const second = event(2);
    const a = await store.appendToStream('acme:invoice-semantics', [first], { expectedRevision: 'no_stream' });
    const retry = await store.appendToStream('acme:invoice-semantics', [first], { expectedRevision: 'no_stream' });
    const b = await store.appendToStream('acme:invoice-semantics', [second], { expectedRevision: 0n });
    const retryB = await store.appendToStream('acme:invoice-semantics', [second], { expectedRevision: 0n });
    let conflict = 'none';
    await store.appendToStream('acme:invoice-semantics', [event(3)], { expectedRevision: 0n }).catch((error: Error) => (conflict = error.name));
    let duplicate = 'none';
    await store.appendToStream('acme:invoice-semantics', [first], { expectedRevision: 1n }).catch((error: Error) => (duplicate = error.name));
    const ok =
      a.nextExpectedRevision === 0n && retry.nextExpectedRevision === 0n && retry.position.prepare === a.position.prepare &&
      b.nextExpectedRevision === 1n && retryB.position.prepare === b.position.prepare && conflict === 'WrongExpectedVersionError' &&
      duplicate === 'WrongExpectedVersionError';
    console.log(`CAS fast path semantics (retry acked, conflict and duplicate id rejected): ${ok ? 'ok' : `FAILED ${conflict} ${duplicate}`}`);
  } finally {
    await store.close();
  }
}

async function explainAppend(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const notices: string[] = [];
  client.on('notice', (notice) => notices.push(notice.message ?? ''));
  try {
    await client.query(`load 'auto_explain'`);
    await client.query(`set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
                        set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice; set auto_explain.log_timing = on`);
    const call = (stream: string, expected: string) =>
      client.query('select event_store.append($1::jsonb)', [JSON.stringify([{ stream, expected, events: [{ ...event(1), metadata: {} }] }])]);
    await call('acme:invoice-explain', 'no_stream');
    notices.length = 0;
    await call('acme:invoice-explain', '0'); // an existing stream, as most appends are
    console.log('\n--- auto_explain of one append to an existing stream (nested statements) ---');
    for (const notice of notices) console.log(notice.replace(/^duration: /, '\nduration: '));
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(os.tmpdir(), 'ledger-append-profile-'));
  await chmod(directory, 0o755);
  const server = await startEmbeddedPostgres({ dataDirectory: join(directory, 'data'), ephemeral: false });
  try {
    const databases = new Map<string, string>();
    let n = 0;
    for (const [name, kind] of Object.entries(VARIANTS)) {
      const database = `profile_${n++}`;
      await ensureDatabase(server.connectionString(), database);
      const client = new pg.Client({ connectionString: server.connectionString(database) });
      await client.connect();
      await client.query(kind.kind === 'store' ? kind.schema : eventStoreSchemaSql);
      await client.end();
      databases.set(name, database);
    }
    await checkFastPathSemantics(server.connectionString(databases.get('append CAS fast path, without notify') as string));
    const results = new Map<string, { opsPerSecond: number; medianMs: number; walBytesPerOp: number }[]>();
    const waitsByVariant = new Map<string, Map<string, number>>();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const writers of [1, 8]) {
        for (const [name, kind] of Object.entries(VARIANTS)) {
          const database = databases.get(name) as string;
          const admin = new pg.Client({ connectionString: server.connectionString(database) });
          await admin.connect();
          await admin.query('checkpoint');
          await admin.end();
          const result = await measure(kind, server.connectionString(database), writers, `r${round}n${writers}`, writers === 8 && round === 0 ? database : undefined);
          if (result.waits) waitsByVariant.set(name, result.waits);
          const key = `${name} | ${writers}`;
          results.set(key, [...(results.get(key) ?? []), result]);
          console.log(`round ${round + 1} ${writers}w ${name.padEnd(54)} ${String(result.opsPerSecond).padStart(6)} ops/s  median ${result.medianMs.toFixed(2)} ms  WAL ${result.walBytesPerOp} B/op`);
        }
      }
    }
    console.log('\n| variant | writers | ops/s (median round) | median latency ms | WAL B/op | ops/s of each round |\n|---|---:|---:|---:|---:|---|');
    for (const [key, rounds] of results) {
      const sorted = [...rounds].sort((a, b) => a.opsPerSecond - b.opsPerSecond);
      const mid = sorted[Math.floor((sorted.length - 1) / 2)] as { opsPerSecond: number; medianMs: number; walBytesPerOp: number };
      const [name, writers] = key.split(' | ');
      console.log(`| ${name} | ${writers} | ${mid.opsPerSecond} | ${mid.medianMs.toFixed(2)} | ${mid.walBytesPerOp} | ${rounds.map((r) => r.opsPerSecond).join(' / ')} |`);
    }
    console.log('\n--- wait events of active writer backends, 8 writers, round 1 (share of samples) ---');
    for (const [name, waits] of waitsByVariant) {
      const total = [...waits.values()].reduce((a, b) => a + b, 0);
      const top = [...waits.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
      console.log(`${name}: ${top.map(([wait, count]) => `${wait} ${Math.round((100 * count) / total)}%`).join(', ')}`);
    }
    await explainAppend(server.connectionString(databases.get('append (as shipped)') as string));
  } finally {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
