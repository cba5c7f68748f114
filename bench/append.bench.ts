/**
 * Append benchmark (not a test): how fast does one command's append reach durable storage?
 *
 * Contenders, each at 1 and at 8 concurrent writers, each operation appending ONE event to the writer's own streams:
 *   raw     single-row INSERT (autocommit) into a copy of event_store.events: the physical reference.
 *   ours    PostgresEventStore.appendToStream with an exact expected revision ('no_stream' for a new stream), as a
 *           request runs it: as the request role, under the row-level security forced on the event tables.
 *   emmett  @event-driven-io/emmett-postgresql appendToStream with an exact expected stream version.
 *
 * Multi-stream cases, at 1 and 8 writers, each operation appending ONE event to each of THREE existing streams of the
 * writer's (a payment, an invoice and a customer account, as an allocation does) in one atomic append:
 *   raw     one autocommit INSERT of the three rows (one transaction, one round trip) into the same raw table.
 *   ours    PostgresEventStore.appendToStreams with the three streams, each at its exact expected revision.
 *   (Emmett 0.42 has no multi-stream append: each appendToStream commits its own transaction, and withSession only
 *   pins a connection. It is left out of these cases.)
 * The streams are created (revision 0) before the timed phases; creating them is not measured.
 *
 * Every case runs in its own child process (no shared JIT state, pools or global pg type parsers: emmett's dumbo
 * replaces pg's int8/json parsers process-wide) against one fresh database per contender, with PostgreSQL's durable
 * defaults (fsync and synchronous_commit on). Cases are interleaved over several rounds with a rotating contender
 * order, and the median round (by throughput) of each case is reported.
 *
 *   npm run bench                        embedded PostgreSQL in a temporary directory
 *   DATABASE_URL=postgres://... npm run bench   an existing server (creates and drops bench_append_* databases)
 *   BENCH_OPS=2000 (per case, split over the writers) BENCH_ROUNDS=5 BENCH_WARMUP=200 BENCH_EVENTS_PER_STREAM=5
 *
 * Writes bench/report.json and bench/report.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { eventStoreSchemaSql } from '../libs/event-store/src/postgres/postgres-event-store.schema.js';

type Contender = 'raw' | 'ours' | 'emmett';
const CONTENDERS: readonly Contender[] = ['raw', 'ours', 'emmett'];
/** single: one event on one stream per operation; multi: one event on each of three streams, atomically. */
type Workload = 'single' | 'multi';
const MULTI_CONTENDERS: readonly Contender[] = ['raw', 'ours'];
const MULTI_STREAMS = 3;
const EMMETT_MULTI_STREAM_NOTE =
  'not measured: @event-driven-io/emmett-postgresql 0.42 has no multi-stream append (each appendToStream commits its own transaction; withSession only pins a connection)';
const WRITER_COUNTS: readonly number[] = [1, 8];
const CASE_TIMEOUT_MS = 10 * 60_000;

interface Settings {
  readonly opsPerCase: number;
  readonly warmupOpsPerCase: number;
  readonly rounds: number;
  readonly eventsPerStream: number;
  readonly writerCounts: readonly number[];
  readonly database: 'embedded' | 'DATABASE_URL';
  readonly server: { synchronous_commit: string; fsync: string; wal_sync_method: string; max_connections: string; shared_buffers: string };
  readonly payloadBytes: { data: number; metadata: number };
}

interface CaseSpec {
  readonly workload: Workload;
  readonly contender: Contender;
  readonly writers: number;
  readonly opsPerWriter: number;
  readonly warmupPerWriter: number;
  readonly eventsPerStream: number;
  readonly connectionString: string;
  readonly runId: string;
}

interface CaseResult {
  readonly contender: Contender;
  readonly writers: number;
  readonly round: number;
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opsPerSecond: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The workload: a realistic billing event, one per operation, on short per-writer streams.

type BenchJson = string | number | BenchJson[] | { [key: string]: BenchJson };

interface BenchEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: Record<string, BenchJson>;
  readonly metadata: Record<string, string>;
}

const TENANT = 'acme';

function makeEvent(writer: number, index: number): BenchEvent {
  const invoice = `inv_${writer.toString().padStart(2, '0')}${index.toString().padStart(8, '0')}`;
  const cents = 10_000 + ((index * 7919) % 990_000);
  const amount = `${Math.floor(cents / 100)}.${(cents % 100).toString().padStart(2, '0')}`;
  const commandId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'InvoicePaymentRecorded',
    data: {
      schemaVersion: 1,
      invoiceId: invoice,
      paymentId: `pay_${randomUUID()}`,
      amount: { amount, currency: 'EUR' },
      allocatedAmount: { amount, currency: 'EUR' },
      remainingBalance: { amount: '0.00', currency: 'EUR' },
      method: 'bank_transfer',
      reference: `SEPA-2025-${index.toString().padStart(6, '0')}`,
      receivedAt: '2025-06-30T09:15:27.123Z',
    },
    metadata: { tenantId: TENANT, actorId: 'usr_finance_01', commandId, correlationId: commandId, causationId: commandId },
  };
}

/** Operation `index` of a writer: which stream, and which 0-based revision the new event gets. */
function streamOp(spec: CaseSpec, phase: 'warmup' | 'measure', writer: number, index: number): { stream: string; revision: number } {
  const streamIndex = Math.floor(index / spec.eventsPerStream);
  return {
    stream: `${TENANT}:invoice-${spec.runId}${phase === 'warmup' ? 'w' : 'm'}${writer}x${streamIndex}`,
    revision: index % spec.eventsPerStream,
  };
}

/** One event for one stream at the 0-based revision it gets. */
interface StreamAppend {
  readonly stream: string;
  readonly revision: number;
  readonly event: BenchEvent;
}

/**
 * The multi-stream workload's events, as an allocation appends them: PaymentAllocated on the payment stream,
 * InvoicePaymentApplied on the invoice stream, CustomerAccountCredited (the excess) on the customer-account stream.
 */
function makeAllocationEvents(writer: number, index: number): [BenchEvent, BenchEvent, BenchEvent] {
  const suffix = `${writer.toString().padStart(2, '0')}${index.toString().padStart(8, '0')}`;
  const invoiceId = `inv_${suffix}`;
  const paymentId = `pay_${suffix}`;
  const customerId = `cus_${writer.toString().padStart(2, '0')}`;
  const cents = 10_000 + ((index * 7919) % 990_000);
  const toAmount = (value: number) => `${Math.floor(value / 100)}.${(value % 100).toString().padStart(2, '0')}`;
  const paymentAmount = toAmount(cents + 2_500);
  const applied = toAmount(cents);
  const commandId = randomUUID();
  const metadata = { tenantId: TENANT, actorId: 'usr_finance_01', commandId, correlationId: commandId, causationId: commandId };
  const at = '2025-06-30T09:15:27.123Z';
  return [
    {
      eventId: randomUUID(),
      type: 'PaymentAllocated',
      data: { schemaVersion: 1, paymentId, customerId, currency: 'EUR', allocations: [{ invoiceId, amount: applied }], creditAmount: '25.00', allocatedAt: at },
      metadata,
    },
    {
      eventId: randomUUID(),
      type: 'InvoicePaymentApplied',
      data: {
        schemaVersion: 1,
        invoiceId,
        customerId,
        paymentId,
        method: 'bank_transfer',
        reference: `SEPA-2025-${index.toString().padStart(6, '0')}`,
        currency: 'EUR',
        amount: applied,
        paymentAmount,
        balanceDueAfter: '0.00',
        appliedAt: at,
      },
      metadata,
    },
    {
      eventId: randomUUID(),
      type: 'CustomerAccountCredited',
      data: { schemaVersion: 1, customerId, entryId: randomUUID(), amount: '25.00', currency: 'EUR', source: 'overpayment', sourceId: paymentId, balanceAfter: '25.00', creditedAt: at },
      metadata,
    },
  ];
}

/**
 * Operation `index` of a writer in the multi-stream workload: one event on each of a stream set's three streams. Each
 * set exists before the timed phases (revision 0) and takes `eventsPerStream` operations (revisions 1..n).
 */
function multiStreamOp(spec: CaseSpec, phase: 'warmup' | 'measure', writer: number, index: number): StreamAppend[] {
  const set = Math.floor(index / spec.eventsPerStream);
  const id = `${spec.runId}${phase === 'warmup' ? 'w' : 'm'}${writer}x${set}`;
  const events = makeAllocationEvents(writer, index);
  const revision = 1 + (index % spec.eventsPerStream);
  return [`payment-${id}`, `invoice-${id}`, `customer_account-${id}`].map((name, position) => ({
    stream: `${TENANT}:${name}`,
    revision,
    event: events[position] as BenchEvent,
  }));
}

/** The first event (revision 0) of every stream a multi-stream case will append to, in the case's phase. */
function multiStreamSeeds(spec: CaseSpec, phase: 'warmup' | 'measure', opsPerWriter: number): StreamAppend[] {
  const seeds: StreamAppend[] = [];
  for (let writer = 0; writer < spec.writers; writer += 1) {
    for (let index = 0; index < opsPerWriter; index += spec.eventsPerStream) {
      for (const append of multiStreamOp(spec, phase, writer, index)) seeds.push({ ...append, revision: 0 });
    }
  }
  return seeds;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

// ---------------------------------------------------------------------------------------------------------------
// Contenders (run inside a child process).

interface Appender {
  append(stream: string, revision: number, event: BenchEvent): Promise<void>;
  /** Multi-stream workload: one atomic append of one event to each stream, each at its exact revision. */
  appendAtomically?(appends: readonly StreamAppend[]): Promise<void>;
  /** Multi-stream workload, untimed: creates the streams with their first event (revision 0). */
  seed?(appends: readonly StreamAppend[]): Promise<void>;
  close(): Promise<void>;
}

const RAW_INSERT_COLUMNS = 'insert into bench_raw.events (tenant_id, stream_id, revision, event_id, type, data, metadata) values ';

/** A multi-row INSERT of `appends` into the raw table: `values ($1..$7), ($8..$14), ...`. */
function rawInsert(appends: readonly StreamAppend[]): { text: string; values: (string | number)[] } {
  const rows = appends.map((_, row) => `(${Array.from({ length: 7 }, (__, column) => `$${row * 7 + column + 1}`).join(', ')})`);
  const values = appends.flatMap(({ stream, revision, event }) => [
    TENANT,
    stream,
    revision,
    event.eventId,
    event.type,
    JSON.stringify(event.data),
    JSON.stringify(event.metadata),
  ]);
  return { text: `${RAW_INSERT_COLUMNS}${rows.join(', ')}`, values };
}

/**
 * The same columns and indexes as event_store.events, taken from the adapter's own schema so the reference cannot
 * drift from what it is compared with: only the schema name changes.
 */
const RAW_SCHEMA_SQL = `create schema if not exists bench_raw;\n${eventsTableSql().replaceAll('event_store.', 'bench_raw.')}`;

function eventsTableSql(): string {
  const table = /create table if not exists event_store\.events \([\s\S]*?\n\);/.exec(eventStoreSchemaSql)?.[0];
  const index = /create index if not exists events_type_position[^;]*;/.exec(eventStoreSchemaSql)?.[0];
  if (!table || !index) throw new Error('could not find the events table in the event store schema: update bench/append.bench.ts');
  return `${table}\n${index}\n`;
}

async function rawAppender(spec: CaseSpec): Promise<Appender> {
  const pool = new pg.Pool({ connectionString: spec.connectionString, max: spec.writers });
  return {
    async append(stream, revision, event) {
      await pool.query(
        `insert into bench_raw.events (tenant_id, stream_id, revision, event_id, type, data, metadata)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [TENANT, stream, revision, event.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
      );
    },
    async appendAtomically(appends) {
      // One statement in autocommit: one transaction and one round trip for the three rows.
      const { text, values } = rawInsert(appends);
      await pool.query({ name: `bench_raw_insert_${appends.length}`, text, values });
    },
    async seed(appends) {
      for (const chunk of chunks(appends, 300)) await pool.query(rawInsert(chunk));
    },
    close: () => pool.end(),
  };
}

async function oursAppender(spec: CaseSpec): Promise<Appender> {
  const { PostgresEventStore } = await import('../libs/event-store/src/index.js');
  const { runForTenant } = await import('../libs/database/src/index.js');
  const store = new PostgresEventStore({ connectionString: spec.connectionString, poolSize: spec.writers });
  // As a request appends: as the request role, under row-level security, with the tenant set on the connection.
  // BENCH_OURS_SCOPE=system appends as the connecting (super)user instead, bypassing row-level security: to measure its cost.
  const asTenant = <Result>(work: () => Promise<Result>) => (process.env.BENCH_OURS_SCOPE === 'system' ? work() : runForTenant({ tenantId: TENANT }, work));
  return {
    async append(stream, revision, event) {
      const result = await asTenant(() =>
        store.appendToStream(stream, [event], {
          expectedRevision: revision === 0 ? 'no_stream' : BigInt(revision - 1),
        }),
      );
      if (result.nextExpectedRevision !== BigInt(revision)) {
        throw new Error(`ours: ${stream} expected next revision ${revision}, got ${result.nextExpectedRevision}`);
      }
    },
    async appendAtomically(appends) {
      // Like an allocation: every stream exists and is appended at the exact revision read.
      const result = await asTenant(() =>
        store.appendToStreams(appends.map(({ stream, revision, event }) => ({ streamId: stream, events: [event], expectedRevision: BigInt(revision - 1) }))),
      );
      appends.forEach(({ stream, revision }, position) => {
        const next = result.results[position]?.nextExpectedRevision;
        if (next !== BigInt(revision)) throw new Error(`ours: ${stream} expected next revision ${revision}, got ${String(next)}`);
      });
    },
    async seed(appends) {
      for (const chunk of chunks(appends, 100)) {
        await store.appendToStreams(chunk.map(({ stream, event }) => ({ streamId: stream, events: [event], expectedRevision: 'no_stream' as const })));
      }
    },
    close: () => store.close(),
  };
}

async function emmettAppender(spec: CaseSpec): Promise<Appender> {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const { STREAM_DOES_NOT_EXIST } = await import('@event-driven-io/emmett');
  // Default connection options: a pg.Pool of 10, of which at most `writers` connections are ever busy.
  const store = getPostgreSQLEventStore(spec.connectionString);
  return {
    async append(stream, revision, event) {
      // Emmett's stream version counts events (1 after the first one), and its message id is generated inside.
      const result = await store.appendToStream(stream, [{ type: event.type, data: event.data, metadata: event.metadata }], {
        expectedStreamVersion: revision === 0 ? STREAM_DOES_NOT_EXIST : BigInt(revision),
      });
      if (result.nextExpectedStreamVersion !== BigInt(revision + 1)) {
        throw new Error(`emmett: ${stream} expected next version ${revision + 1}, got ${result.nextExpectedStreamVersion}`);
      }
    },
    close: () => store.close(),
  };
}

const APPENDERS: Record<Contender, (spec: CaseSpec) => Promise<Appender>> = {
  raw: rawAppender,
  ours: oursAppender,
  emmett: emmettAppender,
};

async function runWriters(
  spec: CaseSpec,
  appender: Appender,
  phase: 'warmup' | 'measure',
  opsPerWriter: number,
  latencies?: Float64Array,
): Promise<void> {
  const appendAtomically = (appends: readonly StreamAppend[]) => {
    if (!appender.appendAtomically) throw new Error(`${spec.contender} has no multi-stream append`);
    return appender.appendAtomically(appends);
  };
  await Promise.all(
    Array.from({ length: spec.writers }, async (_, writer) => {
      for (let index = 0; index < opsPerWriter; index += 1) {
        if (spec.workload === 'multi') {
          const appends = multiStreamOp(spec, phase, writer, index);
          const started = process.hrtime.bigint();
          await appendAtomically(appends);
          if (latencies) latencies[writer * opsPerWriter + index] = Number(process.hrtime.bigint() - started) / 1e6;
          continue;
        }
        const { stream, revision } = streamOp(spec, phase, writer, index);
        const event = makeEvent(writer, index);
        const started = process.hrtime.bigint();
        await appender.append(stream, revision, event);
        if (latencies) latencies[writer * opsPerWriter + index] = Number(process.hrtime.bigint() - started) / 1e6;
      }
    }),
  );
}

async function runCase(spec: CaseSpec): Promise<Omit<CaseResult, 'round'>> {
  const appender = await APPENDERS[spec.contender](spec);
  try {
    if (spec.workload === 'multi') {
      if (!appender.seed) throw new Error(`${spec.contender} has no multi-stream append`);
      await appender.seed([...multiStreamSeeds(spec, 'warmup', spec.warmupPerWriter), ...multiStreamSeeds(spec, 'measure', spec.opsPerWriter)]);
      // As before every case: the timed phases do not pay for the seed's dirty pages.
      await withClient(spec.connectionString, (client) => client.query('checkpoint')).catch(() => undefined);
    }
    await runWriters(spec, appender, 'warmup', spec.warmupPerWriter);
    const latencies = new Float64Array(spec.writers * spec.opsPerWriter);
    const started = process.hrtime.bigint();
    await runWriters(spec, appender, 'measure', spec.opsPerWriter, latencies);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const sorted = latencies.slice().sort();
    const sum = sorted.reduce((total, value) => total + value, 0);
    return {
      contender: spec.contender,
      writers: spec.writers,
      ops: sorted.length,
      elapsedMs: round(elapsedMs, 1),
      opsPerSecond: round((sorted.length / elapsedMs) * 1000, 0),
      medianMs: round(percentile(sorted, 0.5), 3),
      p99Ms: round(percentile(sorted, 0.99), 3),
      meanMs: round(sum / sorted.length, 3),
      maxMs: round(sorted[sorted.length - 1] ?? 0, 3),
    };
  } finally {
    await appender.close();
  }
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? 0;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function childMain(specJson: string): Promise<void> {
  const spec = JSON.parse(specJson) as CaseSpec;
  const result = await runCase(spec);
  await new Promise<void>((resolveSend, reject) =>
    process.send ? process.send({ result }, (error: Error | null) => (error ? reject(error) : resolveSend())) : reject(new Error('no IPC channel')),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Orchestration (parent process).

const modulePath = fileURLToPath(import.meta.url);

/** The repository root: the first ancestor of this module holding tsconfig.json (dist/ has none). */
function repositoryRoot(): string {
  let directory = dirname(modulePath);
  while (!existsSync(join(directory, 'tsconfig.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`cannot find the repository root above ${modulePath}`);
    directory = parent;
  }
  return directory;
}

function integerFromEnv(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${name} must be an integer >= ${minimum}, got ${JSON.stringify(raw)}`);
  return value;
}

function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

let currentChild: ChildProcess | undefined;

function runCaseInChild(spec: CaseSpec): Promise<Omit<CaseResult, 'round'>> {
  return new Promise((resolveCase, reject) => {
    const child = fork(modulePath, ['--case', JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    currentChild = child;
    let result: Omit<CaseResult, 'round'> | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`case ${spec.workload} ${spec.contender} x${spec.writers} did not finish within ${CASE_TIMEOUT_MS / 1000} s`));
    }, CASE_TIMEOUT_MS);
    child.on('message', (message: { result?: Omit<CaseResult, 'round'> }) => {
      if (message.result) result = message.result;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      currentChild = undefined;
      if (code === 0 && result) resolveCase(result);
      else reject(new Error(`case ${spec.workload} ${spec.contender} x${spec.writers} failed (exit ${code ?? signal})`));
    });
  });
}

async function withClient<T>(connectionString: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function prepareContender(contender: Contender, connectionString: string): Promise<void> {
  if (contender === 'raw') {
    await withClient(connectionString, (client) => client.query(RAW_SCHEMA_SQL));
  } else if (contender === 'ours') {
    const { PostgresEventStore } = await import('../libs/event-store/src/index.js');
    const { connectDatabase, installRowLevelSecurity, secureTenantTables } = await import('../libs/database/src/index.js');
    const store = new PostgresEventStore({ connectionString, poolSize: 1 });
    const { db, close } = connectDatabase(connectionString, { poolSize: 1 });
    try {
      await store.migrate();
      // Row-level security forced on the event tables, as in the service: appends are measured with it on.
      await installRowLevelSecurity(db);
      await secureTenantTables(db);
    } finally {
      await store.close();
      await close();
    }
  } else {
    // Importing emmett changes pg's global type parsers in this (parent) process; it only runs admin queries here.
    const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
    const store = getPostgreSQLEventStore(connectionString);
    try {
      await store.schema.migrate();
    } finally {
      await store.close();
    }
  }
}

function median<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  const item = sorted[Math.floor((sorted.length - 1) / 2)];
  if (item === undefined) throw new Error('median of nothing');
  return item;
}

function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function renderTable(results: readonly (CaseResult & { roundsOpsPerSecond: number[] })[]): string {
  const lines = [
    '| contender | writers | ops/s (median round) | median ms | p99 ms | mean ms | max ms | ops/s of each round |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const result of results) {
    lines.push(
      `| ${result.contender} | ${result.writers} | ${formatNumber(result.opsPerSecond)} | ${formatNumber(result.medianMs, 2)} | ` +
        `${formatNumber(result.p99Ms, 2)} | ${formatNumber(result.meanMs, 2)} | ${formatNumber(result.maxMs, 1)} | ` +
        `${result.roundsOpsPerSecond.map((value) => formatNumber(value)).join(' / ')} |`,
    );
  }
  return lines.join('\n');
}

async function parentMain(): Promise<void> {
  const root = repositoryRoot();
  const opsPerCase = integerFromEnv('BENCH_OPS', 2_000, 8);
  const warmupOpsPerCase = integerFromEnv('BENCH_WARMUP', 200, 0);
  const rounds = integerFromEnv('BENCH_ROUNDS', 5, 1);
  const eventsPerStream = integerFromEnv('BENCH_EVENTS_PER_STREAM', 5, 1);
  const runTag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const sample = makeEvent(0, 0);

  let stopServer: (() => Promise<void>) | undefined;
  let temporaryDirectory: string | undefined;
  let adminConnectionString: string;
  let connectionStringFor: (database: string) => string;
  const createdDatabases: string[] = [];
  const externalUrl = process.env.DATABASE_URL;

  const cleanUp = async () => {
    if (currentChild && currentChild.exitCode === null) currentChild.kill('SIGKILL');
    if (externalUrl) {
      for (const database of createdDatabases) {
        await withClient(externalUrl, (client) => client.query(`drop database if exists ${database} with (force)`)).catch((error: unknown) =>
          console.error(`could not drop ${database}: ${(error as Error).message}`),
        );
      }
    }
    if (stopServer) await stopServer();
    stopServer = undefined;
    if (temporaryDirectory) await rm(temporaryDirectory, { recursive: true, force: true });
    temporaryDirectory = undefined;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (externalUrl) {
      console.log('bench: using DATABASE_URL');
      adminConnectionString = externalUrl;
      connectionStringFor = (database) => databaseUrl(externalUrl, database);
    } else {
      temporaryDirectory = await mkdtemp(join(os.tmpdir(), 'ledger-append-bench-'));
      await chmod(temporaryDirectory, 0o755); // as root, the postgres OS user must be able to enter it
      const { startEmbeddedPostgres } = await import('../libs/database/src/index.js');
      const startedAt = Date.now();
      const server = await startEmbeddedPostgres({ dataDirectory: join(temporaryDirectory, 'data'), ephemeral: false });
      stopServer = server.stop;
      console.log(`bench: embedded PostgreSQL on port ${server.port} (durable settings) in ${Date.now() - startedAt} ms`);
      adminConnectionString = server.connectionString('postgres');
      connectionStringFor = (database) => server.connectionString(database);
    }

    const { ensureDatabase } = await import('../libs/database/src/index.js');
    const databases = {} as Record<Contender, string>;
    for (const contender of CONTENDERS) {
      const name = `bench_append_${contender}_${runTag}`;
      await ensureDatabase(adminConnectionString, name);
      createdDatabases.push(name);
      databases[contender] = connectionStringFor(name);
      await prepareContender(contender, databases[contender]);
    }

    const server = await withClient(adminConnectionString, async (client) => {
      const show = async (name: string) => ((await client.query<{ value: string }>(`select current_setting($1) as value`, [name])).rows[0]?.value ?? '?');
      return {
        version: (await client.query<{ version: string }>('select version()')).rows[0]?.version ?? '?',
        settings: {
          synchronous_commit: await show('synchronous_commit'),
          fsync: await show('fsync'),
          wal_sync_method: await show('wal_sync_method'),
          max_connections: await show('max_connections'),
          shared_buffers: await show('shared_buffers'),
        },
      };
    });
    const settings: Settings = {
      opsPerCase,
      warmupOpsPerCase,
      rounds,
      eventsPerStream,
      writerCounts: WRITER_COUNTS,
      database: externalUrl ? 'DATABASE_URL' : 'embedded',
      server: server.settings,
      payloadBytes: { data: Buffer.byteLength(JSON.stringify(sample.data)), metadata: Buffer.byteLength(JSON.stringify(sample.metadata)) },
    };
    console.log(`bench: ${server.version}`);
    console.log(
      `bench: ${opsPerCase} ops per case (+${warmupOpsPerCase} warm-up), ${rounds} rounds, writers ${WRITER_COUNTS.join(' and ')}, ` +
        `${eventsPerStream} events per stream, data ${settings.payloadBytes.data} B + metadata ${settings.payloadBytes.metadata} B, ` +
        `synchronous_commit=${server.settings.synchronous_commit} fsync=${server.settings.fsync}`,
    );

    const all: CaseResult[] = [];
    const allMulti: CaseResult[] = [];
    const benchStarted = Date.now();
    for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
      for (const [workload, writers] of (['single', 'multi'] as const).flatMap((workload) => WRITER_COUNTS.map((writers) => [workload, writers] as const))) {
        // Rotate the order each round so that no contender always runs first (cold caches) or last.
        const contenders = workload === 'single' ? CONTENDERS : MULTI_CONTENDERS;
        const order = contenders.map((_, index) => contenders[(index + roundIndex) % contenders.length] as Contender);
        for (const contender of order) {
          // A checkpoint before each case, so that no case pays for the previous one's dirty pages.
          await withClient(databases[contender], (client) => client.query('checkpoint')).catch(() => undefined);
          const opsPerWriter = Math.ceil(opsPerCase / writers);
          const spec: CaseSpec = {
            workload,
            contender,
            writers,
            opsPerWriter,
            warmupPerWriter: Math.ceil(warmupOpsPerCase / writers),
            eventsPerStream,
            connectionString: databases[contender],
            runId: `${runTag}r${roundIndex}n${writers}${workload === 'multi' ? 'm' : ''}`,
          };
          const label = workload === 'single' ? contender : `${contender} ${MULTI_STREAMS}-stream`;
          process.stdout.write(`round ${roundIndex + 1}/${rounds}  ${label.padEnd(15)} x${writers} writers  ${opsPerWriter * writers} ops ... `);
          const result = { ...(await runCaseInChild(spec)), round: roundIndex + 1 };
          (workload === 'single' ? all : allMulti).push(result);
          console.log(
            `${formatNumber(result.opsPerSecond).padStart(7)} ops/s  median ${result.medianMs.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms`,
          );
        }
      }
    }

    const results = WRITER_COUNTS.flatMap((writers) =>
      CONTENDERS.map((contender) => {
        const rounds = all.filter((result) => result.contender === contender && result.writers === writers);
        return { ...median(rounds, (result) => result.opsPerSecond), roundsOpsPerSecond: rounds.map((result) => result.opsPerSecond) };
      }),
    );
    const throughput = (contender: Contender, writers: number) =>
      results.find((result) => result.contender === contender && result.writers === writers)?.opsPerSecond ?? Number.NaN;
    const ratios = {
      appendVsRawInsert1Writer: round(throughput('ours', 1) / throughput('raw', 1), 3),
      appendVsRawInsert8Writers: round(throughput('ours', 8) / throughput('raw', 8), 3),
      appendVsEmmett1Writer: round(throughput('ours', 1) / throughput('emmett', 1), 3),
      appendVsEmmett8Writers: round(throughput('ours', 8) / throughput('emmett', 8), 3),
    };
    // Supplementary: the same ratios within each round (contenders ran minutes apart at most), and their median.
    // On a noisy machine this pairing is steadier than the ratio of two independently chosen median rounds.
    const roundThroughput = (contender: Contender, writers: number, roundNumber: number) =>
      all.find((result) => result.contender === contender && result.writers === writers && result.round === roundNumber)?.opsPerSecond ?? Number.NaN;
    const perRound = Array.from({ length: rounds }, (_, index) => {
      const roundNumber = index + 1;
      return {
        round: roundNumber,
        appendVsRawInsert1Writer: round(roundThroughput('ours', 1, roundNumber) / roundThroughput('raw', 1, roundNumber), 3),
        appendVsRawInsert8Writers: round(roundThroughput('ours', 8, roundNumber) / roundThroughput('raw', 8, roundNumber), 3),
        appendVsEmmett1Writer: round(roundThroughput('ours', 1, roundNumber) / roundThroughput('emmett', 1, roundNumber), 3),
        appendVsEmmett8Writers: round(roundThroughput('ours', 8, roundNumber) / roundThroughput('emmett', 8, roundNumber), 3),
      };
    });
    const ratioNames = Object.keys(ratios) as (keyof typeof ratios)[];
    const medianOfRoundRatios = Object.fromEntries(ratioNames.map((name) => [name, median(perRound, (entry) => entry[name])[name]])) as typeof ratios;
    const targets = {
      appendVsRawInsert8Writers: { minimum: 0.7, met: ratios.appendVsRawInsert8Writers >= 0.7 },
      appendVsEmmett8Writers: { minimum: 1.0, met: ratios.appendVsEmmett8Writers >= 1.0 },
    };

    // The multi-stream cases: the same method (median round, same-round ratios), ours ÷ raw only.
    const multiResults = WRITER_COUNTS.flatMap((writers) =>
      MULTI_CONTENDERS.map((contender) => {
        const rounds = allMulti.filter((result) => result.contender === contender && result.writers === writers);
        return { ...median(rounds, (result) => result.opsPerSecond), roundsOpsPerSecond: rounds.map((result) => result.opsPerSecond) };
      }),
    );
    const multiThroughput = (contender: Contender, writers: number) =>
      multiResults.find((result) => result.contender === contender && result.writers === writers)?.opsPerSecond ?? Number.NaN;
    const multiRoundThroughput = (contender: Contender, writers: number, roundNumber: number) =>
      allMulti.find((result) => result.contender === contender && result.writers === writers && result.round === roundNumber)?.opsPerSecond ?? Number.NaN;
    const multiRatios = {
      multiStreamAppendVsRawInsert1Writer: round(multiThroughput('ours', 1) / multiThroughput('raw', 1), 3),
      multiStreamAppendVsRawInsert8Writers: round(multiThroughput('ours', 8) / multiThroughput('raw', 8), 3),
    };
    const multiPerRound = Array.from({ length: rounds }, (_, index) => {
      const roundNumber = index + 1;
      return {
        round: roundNumber,
        multiStreamAppendVsRawInsert1Writer: round(multiRoundThroughput('ours', 1, roundNumber) / multiRoundThroughput('raw', 1, roundNumber), 3),
        multiStreamAppendVsRawInsert8Writers: round(multiRoundThroughput('ours', 8, roundNumber) / multiRoundThroughput('raw', 8, roundNumber), 3),
      };
    });
    const multiRatioNames = Object.keys(multiRatios) as (keyof typeof multiRatios)[];
    const multiMedianOfRoundRatios = Object.fromEntries(
      multiRatioNames.map((name) => [name, median(multiPerRound, (entry) => entry[name])[name]]),
    ) as typeof multiRatios;
    const multiSample = makeAllocationEvents(0, 0);
    const multiStream = {
      workload: {
        streamsPerOperation: MULTI_STREAMS,
        eventsPerOperation: MULTI_STREAMS,
        eventTypes: multiSample.map((event) => event.type),
        payloadBytes: multiSample.map((event) => ({ data: Buffer.byteLength(JSON.stringify(event.data)), metadata: Buffer.byteLength(JSON.stringify(event.metadata)) })),
        streamsExistBeforehand: true,
      },
      emmett: EMMETT_MULTI_STREAM_NOTE,
      results: multiResults,
      ratios: multiRatios,
      ratiosPerRound: { medianOfRounds: multiMedianOfRoundRatios, rounds: multiPerRound },
      rounds: allMulti,
    };
    const cpus = os.cpus();
    const machine = {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      postgres: server.version,
    };
    const report = { generatedAt: new Date().toISOString(), durationSeconds: round((Date.now() - benchStarted) / 1000, 1), machine, settings, results, ratios, targets, ratiosPerRound: { medianOfRounds: medianOfRoundRatios, rounds: perRound }, rounds: all, multiStream };

    const table = renderTable(results);
    const ratioRow = (name: keyof typeof ratios, label: string, target?: { minimum: number; met: boolean }) =>
      `| ${name} (${label}) | ${ratios[name].toFixed(3)} | ${target ? `≥ ${target.minimum.toFixed(1)}` : ''} | ${target ? (target.met ? 'yes' : 'NO') : ''} | ` +
      `${medianOfRoundRatios[name].toFixed(3)} (${perRound.map((entry) => entry[name].toFixed(2)).join(' / ')}) |`;
    const ratioLines = [
      `| ratio | value (median rounds) | target | met | same-round ratios: median (each round) |`,
      `|---|---:|---:|---|---|`,
      ratioRow('appendVsRawInsert1Writer', 'ours ÷ raw, 1 writer'),
      ratioRow('appendVsRawInsert8Writers', 'ours ÷ raw, 8 writers', targets.appendVsRawInsert8Writers),
      ratioRow('appendVsEmmett1Writer', 'ours ÷ emmett, 1 writer'),
      ratioRow('appendVsEmmett8Writers', 'ours ÷ emmett, 8 writers', targets.appendVsEmmett8Writers),
    ].join('\n');
    const multiTable = renderTable(multiResults);
    const multiRatioRow = (name: keyof typeof multiRatios, label: string) =>
      `| ${name} (${label}) | ${multiRatios[name].toFixed(3)} | ${multiMedianOfRoundRatios[name].toFixed(3)} (${multiPerRound.map((entry) => entry[name].toFixed(2)).join(' / ')}) |`;
    const multiRatioLines = [
      `| ratio | value (median rounds) | same-round ratios: median (each round) |`,
      `|---|---:|---|`,
      multiRatioRow('multiStreamAppendVsRawInsert1Writer', 'ours ÷ raw, 1 writer'),
      multiRatioRow('multiStreamAppendVsRawInsert8Writers', 'ours ÷ raw, 8 writers'),
    ].join('\n');
    const multiPayload = multiStream.workload.payloadBytes.map((bytes, index) => `${multiStream.workload.eventTypes[index] ?? '?'} ${bytes.data} + ${bytes.metadata} B`).join(', ');
    const markdown = `# Append benchmark

Generated ${report.generatedAt} by \`npm run bench\` (bench/append.bench.ts) in ${report.durationSeconds} s.

Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}.
PostgreSQL: ${machine.postgres} (${settings.database}; synchronous_commit=${settings.server.synchronous_commit}, fsync=${settings.server.fsync}, wal_sync_method=${settings.server.wal_sync_method}, shared_buffers=${settings.server.shared_buffers}).
Workload: ${settings.opsPerCase} operations per case after ${settings.warmupOpsPerCase} warm-up operations, each appending ONE
\`InvoicePaymentRecorded\` event (data ${settings.payloadBytes.data} B JSON with decimal strings, metadata ${settings.payloadBytes.metadata} B) to the
writer's own streams of ${settings.eventsPerStream} events (the first append creates the stream); ${settings.rounds} interleaved rounds, median round shown.

## Results

${table}

## Ratios (same run)

${ratioLines}

## Multi-stream atomic append (${MULTI_STREAMS} streams)

Each operation appends ONE event to each of ${MULTI_STREAMS} existing streams of the writer's, in one atomic append, as an
allocation does (data + metadata: ${multiPayload}); each stream set was created (revision 0) before the timed phases
and takes ${settings.eventsPerStream} operations. Same operation counts, warm-up and rounds as above, interleaved with the
single-stream cases. ops/s counts operations (${MULTI_STREAMS} events each).

- **raw**: one autocommit multi-row \`INSERT\` of the ${MULTI_STREAMS} rows (one transaction, one round trip) into the same raw table as above.
- **ours**: \`PostgresEventStore.appendToStreams\` with the ${MULTI_STREAMS} streams, each at its exact expected revision (the
  plpgsql \`event_store.append\` path: each stream row locked in name order and compare-and-set, idempotency checked).
- **emmett**: ${EMMETT_MULTI_STREAM_NOTE}.

${multiTable}

${multiRatioLines}

## How to read this

- **raw** is one autocommit \`INSERT\` of one row into a table with the same columns and indexes as
  \`event_store.events\`, over a \`pg\` pool with one connection per writer: the physical ceiling of a durable
  one-event append on this machine. It checks nothing (no expected revision, no idempotency, no stream row, no NOTIFY).
- **ours** is \`PostgresEventStore.appendToStream\` with the exact expected revision a command handler would pass
  (\`no_stream\` for the first event of a stream), run as a request runs it: inside a tenant scope, so on a connection
  set to the request role \`ledger_tenant\` with the tenant, and with row-level security enabled and forced on
  \`event_store.streams\` and \`event_store.events\` (the policies check every row written); **emmett** is \`@event-driven-io/emmett-postgresql\`
  \`appendToStream\` with the equivalent \`expectedStreamVersion\`. Each runs against its own fresh database.
- ops/s is operations completed ÷ wall time of the measured phase with all writers running; median/p99 are per
  operation latencies (hrtime around the append call, client side, including the commit's WAL flush).
- Each case runs in its own Node process; a \`CHECKPOINT\` precedes each case; contender order rotates each round.
  The round with the median throughput is shown, and every round's throughput is listed to show the noise.
  With synchronous_commit on, single-writer throughput is bounded by the WAL flush latency of the disk;
  with 8 writers, PostgreSQL's group commit lets several transactions share one flush, so concurrency should scale.
- The ratios (and the targets) use the median-round throughputs above. The last column pairs contenders within each
  round instead, a cross-check on a noisy machine: if the two disagree a lot, rerun with more rounds (BENCH_ROUNDS).
- Ratios compare throughput in this run only. Compare runs with each other only on the same machine and settings.
- When \`ours\` falls behind \`raw\`, \`npm run build --silent && node dist/bench/append.profile.js\` times variants of
  \`event_store.append\` (without NOTIFY, without the idempotency lookup, a compare-and-set fast path), samples the
  writers' wait events and prints auto_explain plans of the statements inside the append.
`;
    await writeFile(join(root, 'bench', 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(root, 'bench', 'report.md'), markdown);

    console.log(`\n${table}\n\n${ratioLines}\n\n${multiTable}\n\n${multiRatioLines}\n`);
    console.log(`bench: wrote ${join(root, 'bench', 'report.json')} and report.md in ${report.durationSeconds} s`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }
}

const caseIndex = process.argv.indexOf('--case');
const main = caseIndex >= 0 ? childMain(process.argv[caseIndex + 1] ?? '') : parentMain();
main.then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);

