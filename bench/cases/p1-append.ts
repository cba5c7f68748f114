/**
 * P1, appends: how fast does one command's append reach durable storage?
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
 * Every contender's run of a round is a child process of its own (no shared JIT state, pools or global pg type
 * parsers: emmett's dumbo replaces pg's int8/json parsers process-wide) against one fresh database per contender,
 * with PostgreSQL's durable defaults. Cases are interleaved over several rounds with a rotating contender order, and
 * the median round (by throughput) of each case is reported. P5 reuses this module's `ours` writers on a big store.
 *
 *   BENCH_OPS=2000 (per case, split over the writers) BENCH_ROUNDS=5 BENCH_WARMUP=200 BENCH_EVENTS_PER_STREAM=5
 *   BENCH_OURS_SCOPE=system: append as the connecting superuser, bypassing row-level security (to measure its cost)
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { checkpoint, eventsTableCopySql, withClient } from '../lib/postgres.js';
import { caseDatabase, integerFromEnv, runInChild, sendResult, type CaseContext } from '../lib/context.js';
import { table, type CaseReport } from '../lib/report.js';
import { formatNumber, median, round, summarise } from '../lib/stats.js';

export type Contender = 'raw' | 'ours' | 'emmett';
const CONTENDERS: readonly Contender[] = ['raw', 'ours', 'emmett'];
/** single: one event on one stream per operation; multi: one event on each of three streams, atomically. */
export type Workload = 'single' | 'multi';
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
  readonly payloadBytes: { data: number; metadata: number };
}

export interface AppendCaseSpec {
  readonly workload: Workload;
  readonly contender: Contender;
  readonly writers: number;
  readonly opsPerWriter: number;
  readonly warmupPerWriter: number;
  readonly eventsPerStream: number;
  readonly connectionString: string;
  readonly runId: string;
}

export interface AppendCaseResult {
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

export const TENANT = 'acme';

export function makeEvent(writer: number, index: number): BenchEvent {
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
function streamOp(spec: AppendCaseSpec, phase: 'warmup' | 'measure', writer: number, index: number): { stream: string; revision: number } {
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
function multiStreamOp(spec: AppendCaseSpec, phase: 'warmup' | 'measure', writer: number, index: number): StreamAppend[] {
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
function multiStreamSeeds(spec: AppendCaseSpec, phase: 'warmup' | 'measure', opsPerWriter: number): StreamAppend[] {
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

const RAW_SCHEMA_SQL = eventsTableCopySql('bench_raw');

async function rawAppender(spec: AppendCaseSpec): Promise<Appender> {
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

async function oursAppender(spec: AppendCaseSpec): Promise<Appender> {
  const { PostgresEventStore } = await import('../../libs/event-store/src/index.js');
  const { runForTenant } = await import('../../libs/database/src/index.js');
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

async function emmettAppender(spec: AppendCaseSpec): Promise<Appender> {
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

const APPENDERS: Record<Contender, (spec: AppendCaseSpec) => Promise<Appender>> = {
  raw: rawAppender,
  ours: oursAppender,
  emmett: emmettAppender,
};

async function runWriters(
  spec: AppendCaseSpec,
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

async function runAppendCase(spec: AppendCaseSpec): Promise<Omit<AppendCaseResult, 'round'>> {
  const appender = await APPENDERS[spec.contender](spec);
  try {
    if (spec.workload === 'multi') {
      if (!appender.seed) throw new Error(`${spec.contender} has no multi-stream append`);
      await appender.seed([...multiStreamSeeds(spec, 'warmup', spec.warmupPerWriter), ...multiStreamSeeds(spec, 'measure', spec.opsPerWriter)]);
      // As before every case: the timed phases do not pay for the seed's dirty pages.
      await checkpoint(spec.connectionString);
    }
    await runWriters(spec, appender, 'warmup', spec.warmupPerWriter);
    const latencies = new Float64Array(spec.writers * spec.opsPerWriter);
    const started = process.hrtime.bigint();
    await runWriters(spec, appender, 'measure', spec.opsPerWriter, latencies);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const summary = summarise(latencies);
    return {
      contender: spec.contender,
      writers: spec.writers,
      ops: summary.count,
      elapsedMs: round(elapsedMs, 1),
      opsPerSecond: round((summary.count / elapsedMs) * 1000, 0),
      medianMs: summary.p50Ms,
      p99Ms: summary.p99Ms,
      meanMs: summary.meanMs,
      maxMs: summary.maxMs,
    };
  } finally {
    await appender.close();
  }
}


// ---------------------------------------------------------------------------------------------------------------
// Child process entry and the helpers P5 shares.

/** The `--append-child` mode of bench/run.ts: one contender's timed run, its result sent to the parent. */
export async function appendChildMain(specJson: string): Promise<void> {
  await sendResult(await runAppendCase(JSON.parse(specJson) as AppendCaseSpec));
}

export function runAppendInChild(spec: AppendCaseSpec, label: string): Promise<Omit<AppendCaseResult, 'round'>> {
  return runInChild('--append-child', spec, label, CASE_TIMEOUT_MS);
}

/** The tables a contender appends to: the raw copy, the event store with row-level security, or Emmett's schema. */
export async function prepareAppendDatabase(contender: Contender, connectionString: string): Promise<void> {
  if (contender === 'raw') {
    await withClient(connectionString, (client) => client.query(RAW_SCHEMA_SQL));
  } else if (contender === 'ours') {
    const { PostgresEventStore } = await import('../../libs/event-store/src/index.js');
    const { connectDatabase, installRowLevelSecurity, secureTenantTables } = await import('../../libs/database/src/index.js');
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
    // Importing emmett changes pg's global type parsers in this process: P1 runs in a child process of its own.
    const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
    const store = getPostgreSQLEventStore(connectionString);
    try {
      await store.schema.migrate();
    } finally {
      await store.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The case (runs in its own child process of bench/run.ts).

type RoundsResult = AppendCaseResult & { roundsOpsPerSecond: number[]; roundsP99Ms: number[] };

function renderResults(results: readonly RoundsResult[]): string {
  return table(
    ['contender', 'writers', 'ops/s (median round)', 'median ms', 'p99 ms', 'mean ms', 'max ms', 'ops/s of each round', 'p99 ms of each round'],
    results.map((result) => [
      result.contender,
      result.writers,
      formatNumber(result.opsPerSecond),
      formatNumber(result.medianMs, 2),
      formatNumber(result.p99Ms, 2),
      formatNumber(result.meanMs, 2),
      formatNumber(result.maxMs, 1),
      result.roundsOpsPerSecond.map((value) => formatNumber(value)).join(' / '),
      result.roundsP99Ms.map((value) => formatNumber(value, 2)).join(' / '),
    ]),
    [false, true, true, true, true, true, true, false, false],
  );
}

/** Median round per contender and writer count, with every round's throughput and p99. */
function medianRounds(all: readonly AppendCaseResult[], contenders: readonly Contender[]): RoundsResult[] {
  return WRITER_COUNTS.flatMap((writers) =>
    contenders.map((contender) => {
      const rounds = all.filter((result) => result.contender === contender && result.writers === writers);
      return { ...median(rounds, (result) => result.opsPerSecond), roundsOpsPerSecond: rounds.map((result) => result.opsPerSecond), roundsP99Ms: rounds.map((result) => result.p99Ms) };
    }),
  );
}

interface RatioSpec {
  readonly name: string;
  readonly label: string;
  readonly contender: Contender;
  readonly reference: Contender;
  readonly writers: number;
  readonly minimum?: number;
}

function ratios(all: readonly AppendCaseResult[], results: readonly RoundsResult[], specs: readonly RatioSpec[], rounds: number) {
  const throughput = (contender: Contender, writers: number) => results.find((result) => result.contender === contender && result.writers === writers)?.opsPerSecond ?? Number.NaN;
  const roundThroughput = (contender: Contender, writers: number, roundNumber: number) =>
    all.find((result) => result.contender === contender && result.writers === writers && result.round === roundNumber)?.opsPerSecond ?? Number.NaN;
  return specs.map((spec) => {
    // Supplementary: the same ratio within each round (contenders ran minutes apart at most), and its median. On a
    // noisy machine this pairing is steadier than the ratio of two independently chosen median rounds.
    const perRound = Array.from({ length: rounds }, (_, index) => round(roundThroughput(spec.contender, spec.writers, index + 1) / roundThroughput(spec.reference, spec.writers, index + 1), 3));
    return {
      ...spec,
      value: round(throughput(spec.contender, spec.writers) / throughput(spec.reference, spec.writers), 3),
      perRound,
      medianOfRounds: median(perRound, (value) => value),
    };
  });
}

function renderRatios(computed: ReturnType<typeof ratios>): string {
  return table(
    ['ratio', 'value (median rounds)', 'bar', 'met', 'same-round ratios: median (each round)'],
    computed.map((ratio) => [
      `${ratio.name} (${ratio.label})`,
      ratio.value.toFixed(3),
      ratio.minimum === undefined ? '' : `≥ ${ratio.minimum.toFixed(1)}`,
      ratio.minimum === undefined ? '' : ratio.value >= ratio.minimum ? 'yes' : '**NO**',
      `${ratio.medianOfRounds.toFixed(3)} (${ratio.perRound.map((value) => value.toFixed(2)).join(' / ')})`,
    ]),
    [false, true, true, false, false],
  );
}

export async function runP1(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const opsPerCase = context.quick ? 240 : integerFromEnv('BENCH_OPS', 2_000, 8);
  const warmupOpsPerCase = context.quick ? 40 : integerFromEnv('BENCH_WARMUP', 200, 0);
  const rounds = context.quick ? 1 : integerFromEnv('BENCH_ROUNDS', 5, 1);
  const eventsPerStream = integerFromEnv('BENCH_EVENTS_PER_STREAM', 5, 1);
  const runTag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const sample = makeEvent(0, 0);
  const settings: Settings = {
    opsPerCase,
    warmupOpsPerCase,
    rounds,
    eventsPerStream,
    writerCounts: WRITER_COUNTS,
    payloadBytes: { data: Buffer.byteLength(JSON.stringify(sample.data)), metadata: Buffer.byteLength(JSON.stringify(sample.metadata)) },
  };

  const databases = {} as Record<Contender, string>;
  for (const contender of CONTENDERS) {
    databases[contender] = await caseDatabase(context, `p1_${contender}`);
    await prepareAppendDatabase(contender, databases[contender]);
  }
  console.log(
    `P1: ${opsPerCase} ops per case (+${warmupOpsPerCase} warm-up), ${rounds} round(s), writers ${WRITER_COUNTS.join(' and ')}, ` +
      `${eventsPerStream} events per stream, data ${settings.payloadBytes.data} B + metadata ${settings.payloadBytes.metadata} B`,
  );

  const all: AppendCaseResult[] = [];
  const allMulti: AppendCaseResult[] = [];
  for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
    for (const [workload, writers] of (['single', 'multi'] as const).flatMap((workload) => WRITER_COUNTS.map((writers) => [workload, writers] as const))) {
      // Rotate the order each round so that no contender always runs first (cold caches) or last.
      const contenders = workload === 'single' ? CONTENDERS : MULTI_CONTENDERS;
      const order = contenders.map((_, index) => contenders[(index + roundIndex) % contenders.length] as Contender);
      for (const contender of order) {
        // A checkpoint before each case, so that no case pays for the previous one's dirty pages.
        await checkpoint(databases[contender]);
        const opsPerWriter = Math.ceil(opsPerCase / writers);
        const spec: AppendCaseSpec = {
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
        const result = { ...(await runAppendInChild(spec, `P1 ${label} x${writers}`)), round: roundIndex + 1 };
        (workload === 'single' ? all : allMulti).push(result);
        console.log(
          `P1 round ${roundIndex + 1}/${rounds}  ${label.padEnd(15)} x${writers} writers  ${opsPerWriter * writers} ops  ` +
            `${formatNumber(result.opsPerSecond).padStart(7)} ops/s  median ${result.medianMs.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms`,
        );
      }
    }
  }

  const results = medianRounds(all, CONTENDERS);
  const singleRatios = ratios(all, results, [
    { name: 'appendVsRawInsert1Writer', label: 'ours ÷ raw, 1 writer', contender: 'ours', reference: 'raw', writers: 1 },
    { name: 'appendVsRawInsert8Writers', label: 'ours ÷ raw, 8 writers', contender: 'ours', reference: 'raw', writers: 8, minimum: 0.7 },
    { name: 'appendVsEmmett1Writer', label: 'ours ÷ emmett, 1 writer', contender: 'ours', reference: 'emmett', writers: 1 },
    { name: 'appendVsEmmett8Writers', label: 'ours ÷ emmett, 8 writers', contender: 'ours', reference: 'emmett', writers: 8, minimum: 1.0 },
  ], rounds);
  const multiResults = medianRounds(allMulti, MULTI_CONTENDERS);
  const multiRatios = ratios(allMulti, multiResults, [
    { name: 'multiStreamAppendVsRawInsert1Writer', label: 'ours ÷ raw, 1 writer', contender: 'ours', reference: 'raw', writers: 1 },
    { name: 'multiStreamAppendVsRawInsert8Writers', label: 'ours ÷ raw, 8 writers', contender: 'ours', reference: 'raw', writers: 8 },
  ], rounds);
  const multiSample = makeAllocationEvents(0, 0);
  const multiPayload = multiSample
    .map((event) => `${event.type} ${Buffer.byteLength(JSON.stringify(event.data))} + ${Buffer.byteLength(JSON.stringify(event.metadata))} B`)
    .join(', ');
  const byName = (name: string) => singleRatios.find((ratio) => ratio.name === name)?.value ?? Number.NaN;

  const markdown = `Workload: ${opsPerCase} operations per case after ${warmupOpsPerCase} warm-up operations, each appending ONE
\`InvoicePaymentRecorded\` event (data ${settings.payloadBytes.data} B JSON with decimal strings, metadata ${settings.payloadBytes.metadata} B) to the
writer's own streams of ${eventsPerStream} events (the first append creates the stream); ${rounds} interleaved round(s), median round shown.

- **raw** (the reference) is one autocommit \`INSERT\` of one row into a table with the same columns and indexes as
  \`event_store.events\`, over a \`pg\` pool with one connection per writer: the physical ceiling of a durable
  one-event append on this machine. It checks nothing (no expected revision, no idempotency, no stream row, no NOTIFY).
- **ours** is \`PostgresEventStore.appendToStream\` with the exact expected revision a command handler would pass
  (\`no_stream\` for the first event of a stream), run as a request runs it: inside a tenant scope (the request role
  \`ledger_tenant\`, row-level security forced on the event tables); **emmett** is \`@event-driven-io/emmett-postgresql\`
  \`appendToStream\` with the equivalent \`expectedStreamVersion\`. Each contender has its own fresh database.
- ops/s is operations completed ÷ wall time of the measured phase with all writers running; median/p99 are per
  operation latencies (hrtime around the append call, client side, including the commit's WAL flush). Each
  contender's run is a Node process of its own; a \`CHECKPOINT\` precedes it; the contender order rotates each round.

${renderResults(results)}

${renderRatios(singleRatios)}

### Multi-stream atomic append (${MULTI_STREAMS} streams)

Each operation appends ONE event to each of ${MULTI_STREAMS} existing streams of the writer's in one atomic append, as an
allocation does (data + metadata: ${multiPayload}); each stream set was created (revision 0) before the timed phases.
**raw**: one autocommit multi-row \`INSERT\` of the ${MULTI_STREAMS} rows; **ours**: \`appendToStreams\`, each stream at its exact
expected revision; **emmett**: ${EMMETT_MULTI_STREAM_NOTE}. ops/s counts operations (${MULTI_STREAMS} events each). No bar.

${renderResults(multiResults)}

${renderRatios(multiRatios)}
`;
  return {
    id: 'P1',
    title: 'appends (ours vs raw INSERT vs Emmett)',
    seeded: `nothing: three empty databases (raw copy of event_store.events; the event store with row-level security; Emmett's schema). The multi-stream cases create their streams (revision 0) before each timed phase.`,
    bars: [
      { name: 'append ÷ raw INSERT, 8 writers (ops/s)', value: byName('appendVsRawInsert8Writers'), unit: 'x', comparison: '>=', bar: 0.7, detail: 'median-round throughputs' },
      { name: 'append ÷ Emmett, 8 writers (ops/s)', value: byName('appendVsEmmett8Writers'), unit: 'x', comparison: '>=', bar: 1.0, detail: 'median-round throughputs' },
    ],
    markdown,
    data: { settings, results, ratios: singleRatios, rounds: all, multiStream: { results: multiResults, ratios: multiRatios, rounds: allMulti, emmett: EMMETT_MULTI_STREAM_NOTE } },
    durationSeconds: round((Date.now() - started) / 1000, 1),
    generatedAt: new Date().toISOString(),
    quick: context.quick,
  };
}
