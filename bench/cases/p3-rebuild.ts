/**
 * P3, rebuild and catch-up: how fast does the read side come back from the event log?
 *
 * Seeds a mixed history (bench/cases/p3-seed.ts, through the real handlers), stops the API, then measures in
 * interleaved rounds, each on fresh schemas:
 *   rebuild    rebuildProjectionsInParallel (libs/projection-runtime) of every projection of projections/index.ts from
 *              position zero into fresh schemas, in worker threads (as an operator rebuilding everything would).
 *   catch-up   a fresh ProjectionRunner over every projection in a fresh schema, from position zero, until every
 *              checkpoint has reached the head of the log (its checkpoints polled every 5 ms).
 *   reference  the same number of rows as the log has events, written as batched 500-row INSERTs (one statement, one
 *              transaction each) on one connection; the rows carry the events' own data and metadata JSON, so
 *              they are exactly as wide on average.
 * events/s = events in the log ÷ wall time; the ratios are each ÷ the reference's rows/s.
 *
 *   BENCH_P3_EVENTS=68000 BENCH_P3_ROUNDS=3
 */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { comparePositions, PostgresEventStore, type Position } from '../../libs/event-store/src/index.js';
import { connectDatabase } from '../../libs/database/src/index.js';
import { ProjectionRunner, rebuildProjectionsInParallel, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { allProjections, rebuildWorkerModule } from '../../projections/index.js';
import { caseDatabase, integerFromEnv, type CaseContext } from '../lib/context.js';
import { BENCH_TENANT, runnerNames, startBenchApi, waitForCheckpoints } from '../lib/ledger-api.js';
import { table, type CaseReport } from '../lib/report.js';
import { elapsedMs, formatNumber, median, medianValue, rotated, round, sleep } from '../lib/stats.js';
import { seedHistory } from './p3-seed.js';

type Phase = 'reference' | 'rebuild' | 'catch-up';
const PHASES: readonly Phase[] = ['reference', 'rebuild', 'catch-up'];
const REFERENCE_BATCH = 500;
const CATCH_UP_TIMEOUT_MS = 30 * 60_000;

interface PhaseResult {
  readonly phase: Phase;
  readonly round: number;
  readonly events: number;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  /** rebuild: each projection's events applied and when it finished (ms from the start). */
  readonly projections?: { name: string; events: number; finishedMs: number }[];
}

async function referenceInsert(pool: pg.Pool, rows: readonly { data: string; metadata: string; type: string }[]): Promise<number> {
  await pool.query('truncate bench_reference.rows');
  const started = process.hrtime.bigint();
  for (let first = 0; first < rows.length; first += REFERENCE_BATCH) {
    const batch = rows.slice(first, first + REFERENCE_BATCH);
    const values: (string | number)[] = [];
    const tuples = batch.map((row, index) => {
      values.push(first + index, BENCH_TENANT, row.type, row.data, row.metadata);
      const base = index * 5;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5})`;
    });
    await pool.query(`insert into bench_reference.rows (id, tenant_id, type, data, metadata) values ${tuples.join(', ')}`, values);
  }
  return elapsedMs(started);
}

async function rebuildAll(db: Kysely<ReadModelDatabase>, connectionString: string, roundNumber: number) {
  const started = process.hrtime.bigint();
  const buildSchemas = Object.fromEntries(allProjections.map((projection, index) => [projection.name, `bench_p3_rebuild_${roundNumber}_${index}`]));
  const rebuilt = await rebuildProjectionsInParallel(db, allProjections, { connectionString, workerModule: rebuildWorkerModule, buildSchemas, log: console.log });
  const elapsed = elapsedMs(started);
  const projections = rebuilt.map((result) => ({ name: result.name, events: result.events, finishedMs: result.loadMs }));
  // Untimed: the rebuilt schemas and their checkpoints go before the next phase.
  for (let index = 0; index < allProjections.length; index += 1) await sql.raw(`drop schema if exists bench_p3_rebuild_${roundNumber}_${index} cascade`).execute(db);
  await sql`delete from projection_runtime.checkpoints where schema_name like 'bench_p3_rebuild_%'`.execute(db);
  return { elapsed, projections };
}

async function catchUp(store: PostgresEventStore, db: Kysely<ReadModelDatabase>, connectionString: string, roundNumber: number, head: Position): Promise<number> {
  const schema = `bench_p3_catchup_${roundNumber}`;
  const names = allProjections.map((projection) => projection.name);
  // The runner creates its tables in the schema but not the schema itself (it expects the live one to exist).
  await sql.raw(`create schema if not exists ${schema}`).execute(db);
  const runner = new ProjectionRunner({ store, db, connectionString, projections: allProjections, schema });
  const started = process.hrtime.bigint();
  let elapsed: number;
  try {
    await runner.start();
    for (;;) {
      const { rows } = await sql<{ name: string; commit: string; prepare: string }>`
        select name, commit::text as commit, prepare::text as prepare from projection_runtime.checkpoints where schema_name = ${schema}`.execute(db);
      const reached = names.every((name) => {
        const row = rows.find((candidate) => candidate.name === name);
        return row !== undefined && comparePositions({ commit: BigInt(row.commit), prepare: BigInt(row.prepare) }, head) >= 0;
      });
      if (reached) break;
      if (elapsedMs(started) > CATCH_UP_TIMEOUT_MS) throw new Error(`P3: the catch-up did not reach the head within ${CATCH_UP_TIMEOUT_MS / 1000} s`);
      await sleep(5);
    }
    elapsed = elapsedMs(started);
  } finally {
    await runner.stop();
  }
  await sql.raw(`drop schema if exists ${schema} cascade`).execute(db);
  await sql`delete from projection_runtime.checkpoints where schema_name = ${schema}`.execute(db);
  return elapsed;
}

export async function runP3(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const targetEvents = context.quick ? 3_000 : integerFromEnv('BENCH_P3_EVENTS', 68_000, 100);
  const rounds = context.quick ? 1 : integerFromEnv('BENCH_P3_ROUNDS', 3, 1);
  const connectionString = await caseDatabase(context, 'history');

  // Seeding, through the API's own services, with its projections and process managers running.
  const seedStarted = Date.now();
  const bench = await startBenchApi(connectionString, { projections: 'on' });
  let seed;
  try {
    const countEvents = async () => Number((await sql<{ count: string }>`select count(*)::text as count from event_store.events`.execute(bench.api.services.db)).rows[0]?.count ?? 0);
    seed = await seedHistory(bench.api.services, BENCH_TENANT, targetEvents, countEvents, console.log);
    const drained = await waitForCheckpoints(bench.api.services, runnerNames(), CATCH_UP_TIMEOUT_MS);
    console.log(`P3 seed: done in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s; projections and process managers caught up ${drained} ms after the last command`);
  } finally {
    await bench.stop();
  }

  const store = new PostgresEventStore({ connectionString, poolSize: 10 });
  const { db, close } = connectDatabase<ReadModelDatabase>(connectionString, { poolSize: 12, applicationName: 'bench-p3' });
  const pool = new pg.Pool({ connectionString, max: 1 });
  try {
    await sql`vacuum analyze event_store.events`.execute(db);
    const head = await store.headPosition();
    const { rows: events } = await sql<{ type: string; data: string; metadata: string }>`
      select type, data::text as data, metadata::text as metadata from event_store.events order by transaction_id, global_position`.execute(db);
    const { rows: typeRows } = await sql<{ type: string; count: string }>`select type, count(*)::text as count from event_store.events group by type order by count(*) desc`.execute(db);
    const totalBytes = events.reduce((sum, event) => sum + Buffer.byteLength(event.data) + Buffer.byteLength(event.metadata), 0);
    const averageBytes = round(totalBytes / Math.max(1, events.length), 0);
    await pool.query('create schema if not exists bench_reference; create table if not exists bench_reference.rows (id bigint primary key, tenant_id text not null, type text not null, data jsonb not null, metadata jsonb not null)');
    console.log(`P3: ${events.length} events of ${typeRows.length} types, ${averageBytes} B of JSON on average; ${rounds} round(s) of reference, rebuild, catch-up`);

    const results: PhaseResult[] = [];
    for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
      for (const phase of rotated(PHASES, roundIndex)) {
        await sql`checkpoint`.execute(db);
        let result: PhaseResult;
        if (phase === 'reference') {
          const elapsed = await referenceInsert(pool, events);
          result = { phase, round: roundIndex + 1, events: events.length, elapsedMs: round(elapsed, 1), eventsPerSecond: round((events.length / elapsed) * 1000, 0) };
        } else if (phase === 'rebuild') {
          const { elapsed, projections } = await rebuildAll(db, connectionString, roundIndex + 1);
          result = { phase, round: roundIndex + 1, events: events.length, elapsedMs: round(elapsed, 1), eventsPerSecond: round((events.length / elapsed) * 1000, 0), projections };
        } else {
          const elapsed = await catchUp(store, db, connectionString, roundIndex + 1, head);
          result = { phase, round: roundIndex + 1, events: events.length, elapsedMs: round(elapsed, 1), eventsPerSecond: round((events.length / elapsed) * 1000, 0) };
        }
        results.push(result);
        console.log(`P3 round ${roundIndex + 1}/${rounds}  ${phase.padEnd(9)}  ${result.events} events in ${formatNumber(result.elapsedMs / 1000, 2)} s  ${formatNumber(result.eventsPerSecond).padStart(7)} events/s`);
      }
    }
    await pool.query('drop schema bench_reference cascade');

    const medianOf = (phase: Phase) => median(results.filter((result) => result.phase === phase), (result) => result.eventsPerSecond);
    const sameRound = (phase: Phase) =>
      Array.from({ length: rounds }, (_, index) => {
        const of = (name: Phase) => results.find((result) => result.phase === name && result.round === index + 1)?.eventsPerSecond ?? Number.NaN;
        return round(of(phase) / of('reference'), 3);
      });
    const ratio = (phase: Phase) => round(medianOf(phase).eventsPerSecond / medianOf('reference').eventsPerSecond, 3);
    const label: Record<Phase, string> = { reference: 'reference: batched 500-row INSERT', rebuild: 'rebuild of every projection', 'catch-up': 'catch-up of a fresh runner' };
    const resultsTable = table(
      ['phase', 'events/s (median round)', 'seconds (median round)', 'events/s of each round', 'ratio ÷ reference', 'bar', 'goal', 'same-round ratios'],
      PHASES.map((phase) => {
        const chosen = medianOf(phase);
        return [
          label[phase],
          formatNumber(chosen.eventsPerSecond),
          formatNumber(chosen.elapsedMs / 1000, 2),
          results.filter((result) => result.phase === phase).map((result) => formatNumber(result.eventsPerSecond)).join(' / '),
          phase === 'reference' ? '' : ratio(phase).toFixed(3),
          phase === 'reference' ? '' : '≥ 0.35',
          phase === 'reference' ? '' : '≥ 0.5',
          phase === 'reference' ? '' : `${medianValue(sameRound(phase)).toFixed(3)} (${sameRound(phase).map((value) => value.toFixed(2)).join(' / ')})`,
        ];
      }),
      [false, true, true, false, true, true, true, false],
    );
    const rebuildRound = medianOf('rebuild');
    const projectionTable = table(
      ['projection (median rebuild round)', 'events applied', 'loaded after (s), in its worker'],
      (rebuildRound.projections ?? []).map((entry) => [entry.name, formatNumber(entry.events), formatNumber(entry.finishedMs / 1000, 2)]),
      [false, true, true],
    );
    const refusals = Object.entries(seed.refusalCodes).map(([code, count]) => `${code} ${count}`).join(', ');
    const markdown = `History: ${formatNumber(events.length)} events of ${typeRows.length} types (${typeRows.map((row) => `${row.type} ${row.count}`).join(', ')}),
${averageBytes} B of JSON (data + metadata) per event on average.

- **rebuild**: \`rebuildProjectionsInParallel\` of the ${allProjections.length} projections of \`projections/index.ts\` from position zero,
  each into a fresh schema of its own, split by their share of the log into one group per worker thread (one per core); each worker
  reads the log once for its group (pages of 5,000 events, the next page read while this one is applied, each projection at its own
  pace) and applies each projection's events in a transaction per page. Timed until the last projection has its secondary indexes
  and checkpoint; the rebuilt schemas are dropped, untimed.
- **catch-up**: a fresh \`ProjectionRunner\` over the same projections with its own schema (so new checkpoints at zero):
  \`start()\` until every checkpoint has reached the head of the log (polled every 5 ms), as a new projector process catching up does.
- **reference**: ${formatNumber(events.length)} rows written as ${REFERENCE_BATCH}-row \`INSERT\`s (one statement and one
  transaction each, one connection) into a table \`(id bigint primary key, tenant_id, type, data jsonb, metadata jsonb)\`; the rows are
  the events' own JSON, so the same average width. It is what PostgreSQL takes of this data in bulk, with no reading and no logic.
- events/s counts the events in the log for all three; ${rounds} round(s), phase order rotating, median round shown.

${resultsTable}

${projectionTable}
`;
    return {
      id: 'P3',
      title: 'projection rebuild and catch-up',
      seeded: `${seed.stories} invoice stories (${seed.commands} commands, ${seed.refusals} refused by the domain${refusals ? `: ${refusals}` : ''}) through the real handlers with the API's services, projections and process managers running: ${formatNumber(events.length)} events in the log (target ${formatNumber(targetEvents)}).`,
      bars: [
        { name: 'rebuild of every projection ÷ 500-row INSERT (events/s)', value: ratio('rebuild'), unit: 'x', comparison: '>=', bar: 0.35, goal: 0.5, detail: 'median-round rates' },
        { name: 'catch-up of a fresh runner ÷ 500-row INSERT (events/s)', value: ratio('catch-up'), unit: 'x', comparison: '>=', bar: 0.35, goal: 0.5, detail: 'median-round rates' },
      ],
      markdown,
      data: { settings: { targetEvents, rounds, referenceBatch: REFERENCE_BATCH }, seed, events: events.length, averageBytes, types: typeRows, results, ratios: { rebuild: ratio('rebuild'), catchUp: ratio('catch-up') }, sameRound: { rebuild: sameRound('rebuild'), catchUp: sameRound('catch-up') } },
      durationSeconds: round((Date.now() - started) / 1000, 1),
      generatedAt: new Date().toISOString(),
      quick: context.quick,
    };
  } finally {
    await pool.end();
    await store.close();
    await close();
  }
}
