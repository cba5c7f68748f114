/**
 * P5, appends on a big store: does an append slow down when the store holds millions of events? P1's `ours` writers
 * (8 writers, one event per append, exact expected revisions, as a request under row-level security) against a store
 * seeded with BENCH_P5_EVENTS events (2,000,000; quick: 200,000) and against an empty store, in interleaved rounds.
 *
 * The big store is seeded by SQL straight into event_store.streams and event_store.events (generate_series, in
 * statements of 100,000 events, each its own transaction), with rows as wide as P1's (an InvoicePaymentRecorded-like
 * data object and a full metadata object), streams of 5 events over 50 tenants, then VACUUM ANALYZE. Seeding is not
 * timed against anything.
 *
 *   BENCH_P5_EVENTS=2000000 BENCH_P5_OPS=2000 (per round, over 8 writers) BENCH_P5_ROUNDS=5
 */
import { caseDatabase, integerFromEnv, type CaseContext } from '../lib/context.js';
import { checkpoint, withClient } from '../lib/postgres.js';
import { table, type CaseReport } from '../lib/report.js';
import { formatNumber, medianValue, rotated, round } from '../lib/stats.js';
import { makeEvent, prepareAppendDatabase, runAppendInChild, type AppendCaseResult, type AppendCaseSpec } from './p1-append.js';

type Store = 'empty' | 'big';
const STORES: readonly Store[] = ['empty', 'big'];
const WRITERS = 8;
const SEED_CHUNK = 100_000;
const EVENTS_PER_STREAM = 5;

/** One statement's worth of events [first, last) and their streams (each stream's events all in one chunk). */
function seedChunkSql(first: number, last: number): string {
  const streamOf = `'tenant-' || lpad(((i / ${EVENTS_PER_STREAM}) % 50)::text, 2, '0') || ':invoice-seed' || lpad((i / ${EVENTS_PER_STREAM})::text, 9, '0')`;
  return `
insert into event_store.streams (stream_id, tenant_id, revision)
select ${streamOf}, 'tenant-' || lpad(((i / ${EVENTS_PER_STREAM}) % 50)::text, 2, '0'), ${EVENTS_PER_STREAM - 1}
  from generate_series(${first}, ${last - 1}, ${EVENTS_PER_STREAM}) as i;
insert into event_store.events (tenant_id, stream_id, revision, event_id, type, data, metadata)
select 'tenant-' || lpad(((i / ${EVENTS_PER_STREAM}) % 50)::text, 2, '0'),
       ${streamOf},
       i % ${EVENTS_PER_STREAM},
       md5('event' || i)::uuid,
       (array['InvoiceDrafted', 'InvoiceIssued', 'InvoicePaymentRecorded', 'InvoicePaymentApplied', 'InvoiceCreditApplied'])[1 + i % ${EVENTS_PER_STREAM}],
       jsonb_build_object(
         'schemaVersion', 1,
         'invoiceId', 'inv_' || lpad((i / ${EVENTS_PER_STREAM})::text, 10, '0'),
         'paymentId', 'pay_' || md5('payment' || i)::uuid,
         'amount', jsonb_build_object('amount', (100 + i % 9900)::text || '.' || lpad((i % 100)::text, 2, '0'), 'currency', 'EUR'),
         'allocatedAmount', jsonb_build_object('amount', (100 + i % 9900)::text || '.' || lpad((i % 100)::text, 2, '0'), 'currency', 'EUR'),
         'remainingBalance', jsonb_build_object('amount', '0.00', 'currency', 'EUR'),
         'method', 'bank_transfer',
         'reference', 'SEPA-2025-' || lpad(i::text, 8, '0'),
         'receivedAt', '2025-06-30T09:15:27.123Z'),
       jsonb_build_object(
         'tenantId', 'tenant-' || lpad(((i / ${EVENTS_PER_STREAM}) % 50)::text, 2, '0'),
         'actorId', 'usr_finance_01',
         'commandId', md5('command' || (i / ${EVENTS_PER_STREAM}))::uuid,
         'correlationId', md5('command' || (i / ${EVENTS_PER_STREAM}))::uuid,
         'causationId', md5('command' || (i / ${EVENTS_PER_STREAM}))::uuid)
  from generate_series(${first}, ${last - 1}) as i;`;
}

async function seedBigStore(connectionString: string, events: number): Promise<{ seconds: number; bytes: string; averageRowBytes: number }> {
  const started = Date.now();
  await withClient(connectionString, async (client) => {
    for (let first = 0; first < events; first += SEED_CHUNK) {
      const last = Math.min(events, first + SEED_CHUNK);
      await client.query(seedChunkSql(first, last));
      if (last === events || (last / SEED_CHUNK) % 5 === 0) console.log(`P5 seed: ${formatNumber(last)} / ${formatNumber(events)} events (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    console.log('P5 seed: vacuum analyze');
    await client.query('vacuum analyze event_store.streams');
    await client.query('vacuum analyze event_store.events');
  });
  return withClient(connectionString, async (client) => {
    const size = await client.query<{ bytes: string; average: string }>(
      `select pg_size_pretty(pg_total_relation_size('event_store.events') + pg_total_relation_size('event_store.streams')) as bytes,
              (select avg(octet_length(data::text) + octet_length(metadata::text))::int::text from event_store.events tablesample system (1)) as average`,
    );
    return { seconds: round((Date.now() - started) / 1000, 1), bytes: size.rows[0]?.bytes ?? '?', averageRowBytes: Number(size.rows[0]?.average ?? 0) };
  });
}

export async function runP5(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const seedEvents = context.quick ? 200_000 : integerFromEnv('BENCH_P5_EVENTS', 2_000_000, SEED_CHUNK);
  const ops = context.quick ? 400 : integerFromEnv('BENCH_P5_OPS', 2_000, WRITERS);
  const warmup = context.quick ? 80 : 200;
  const rounds = context.quick ? 1 : integerFromEnv('BENCH_P5_ROUNDS', 5, 1);
  const databases = {} as Record<Store, string>;
  for (const store of STORES) {
    databases[store] = await caseDatabase(context, store);
    await prepareAppendDatabase('ours', databases[store]);
  }
  console.log(`P5: seeding ${formatNumber(seedEvents)} events by SQL`);
  const seeded = await seedBigStore(databases.big, seedEvents);
  await withClient(databases.empty, (client) => client.query('vacuum analyze event_store.events'));
  console.log(`P5 seed: ${seeded.bytes} on disk, ${seeded.averageRowBytes} B of JSON per event, in ${seeded.seconds} s`);

  const runTag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const results: (AppendCaseResult & { store: Store })[] = [];
  for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
    for (const store of rotated(STORES, roundIndex)) {
      await checkpoint(databases[store]);
      const spec: AppendCaseSpec = {
        workload: 'single',
        contender: 'ours',
        writers: WRITERS,
        opsPerWriter: Math.ceil(ops / WRITERS),
        warmupPerWriter: Math.ceil(warmup / WRITERS),
        eventsPerStream: EVENTS_PER_STREAM,
        connectionString: databases[store],
        runId: `${runTag}r${roundIndex}`,
      };
      const result = { ...(await runAppendInChild(spec, `P5 ${store} store`)), round: roundIndex + 1, store };
      results.push(result);
      console.log(
        `P5 round ${roundIndex + 1}/${rounds}  ${store.padEnd(5)} store  x${WRITERS} writers  ${result.ops} ops  ${formatNumber(result.opsPerSecond).padStart(6)} ops/s  ` +
          `median ${result.medianMs.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms`,
      );
    }
  }

  const of = (store: Store) => results.filter((result) => result.store === store);
  // Each statistic is the median over rounds of that statistic, so one noisy round moves none of them much.
  const medianOver = (store: Store, key: (result: AppendCaseResult) => number) => medianValue(of(store).map(key));
  const p99Ratio = round(medianOver('big', (result) => result.p99Ms) / medianOver('empty', (result) => result.p99Ms), 3);
  const medianRatio = round(medianOver('big', (result) => result.medianMs) / medianOver('empty', (result) => result.medianMs), 3);
  const throughputRatio = round(medianOver('big', (result) => result.opsPerSecond) / medianOver('empty', (result) => result.opsPerSecond), 3);
  const sameRoundP99 = Array.from({ length: rounds }, (_, index) => {
    const p99 = (store: Store) => of(store).find((result) => result.round === index + 1)?.p99Ms ?? Number.NaN;
    return round(p99('big') / p99('empty'), 3);
  });
  const sample = makeEvent(0, 0);
  const markdown = `P1's \`ours\` single-stream workload at ${WRITERS} writers (each append ONE event, exact expected revision, as a request
under row-level security; data ${Buffer.byteLength(JSON.stringify(sample.data))} B + metadata ${Buffer.byteLength(JSON.stringify(sample.metadata))} B), ${ops} operations per round after ${warmup} warm-up
operations, each run a child process of its own after a \`CHECKPOINT\`; ${rounds} round(s), store order rotating. The
**big** store held ${formatNumber(seedEvents)} events in ${formatNumber(seedEvents / EVENTS_PER_STREAM)} streams of ${EVENTS_PER_STREAM} over 50 tenants
(${seeded.bytes} with indexes, ${seeded.averageRowBytes} B of JSON per event), seeded by SQL and then \`VACUUM ANALYZE\`d; the **empty**
store (the reference) was migrated and vacuumed the same way. Each figure below is the median over rounds.

${table(
  ['store', 'ops/s', 'median ms', 'p99 ms', 'ops/s of each round', 'median ms of each round', 'p99 ms of each round'],
  STORES.map((store) => [
    store,
    formatNumber(medianOver(store, (result) => result.opsPerSecond)),
    formatNumber(medianOver(store, (result) => result.medianMs), 2),
    formatNumber(medianOver(store, (result) => result.p99Ms), 2),
    of(store).map((result) => formatNumber(result.opsPerSecond)).join(' / '),
    of(store).map((result) => formatNumber(result.medianMs, 2)).join(' / '),
    of(store).map((result) => formatNumber(result.p99Ms, 2)).join(' / '),
  ]),
  [false, true, true, true, false, false, false],
)}

Big ÷ empty: p99 **${p99Ratio.toFixed(3)}x** (same-round ratios ${sameRoundP99.map((value) => value.toFixed(2)).join(' / ')}), median ${medianRatio.toFixed(3)}x, throughput ${throughputRatio.toFixed(3)}x.
`;
  return {
    id: 'P5',
    title: `appends on a store of ${formatNumber(seedEvents)} events`,
    seeded: `an empty event store (the reference) and one with ${formatNumber(seedEvents)} events seeded by SQL in ${seeded.seconds} s, then VACUUM ANALYZE; both with row-level security as in the service.`,
    bars: [
      { name: 'append p99, big store ÷ empty store (8 writers)', value: p99Ratio, unit: 'x', comparison: '<=', bar: 1.5, goal: 1.2, detail: 'medians over rounds of each p99' },
      { name: 'append median, big store ÷ empty store (8 writers)', value: medianRatio, unit: 'x', comparison: '<=', detail: 'no bar of its own' },
    ],
    markdown,
    data: { settings: { seedEvents, ops, warmup, rounds, writers: WRITERS }, seeded, p99Ratio, medianRatio, throughputRatio, sameRoundP99, rounds: results },
    durationSeconds: round((Date.now() - started) / 1000, 1),
    generatedAt: new Date().toISOString(),
    quick: context.quick,
  };
}
