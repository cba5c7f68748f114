/**
 * P2, end-to-end GraphQL commands: `createInvoice` over HTTP from 8 concurrent clients against the real API started
 * in a process of its own (node dist/apps/api/src/main.js, projections running in it, as in production; an admin API key), against a raw single-row INSERT
 * at 8 connections of a row as wide as the event the command writes, in the same run. The same API with
 * PROJECTIONS=off (read models left to a projector process) is the second line.
 *
 * Contenders per round, in a rotating order: raw, api (projections on), api-off. After an api round the case waits
 * until every projection and process manager has caught up, so that their work does not spill into the next
 * contender's timing (how long that took is reported).
 *
 *   BENCH_P2_OPS=2000 (per contender and round) BENCH_P2_ROUNDS=5 BENCH_P2_CLIENTS=8
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { caseDatabase, integerFromEnv, type CaseContext } from '../lib/context.js';
import { CREATE_INVOICE, createInvoiceInput, runnerNames, startApiProcess, waitForCheckpoints, type BenchApiProcess, type CreateInvoiceResult } from '../lib/ledger-api.js';
import { eventsTableCopySql, withClient } from '../lib/postgres.js';
import { table, type CaseReport } from '../lib/report.js';
import { elapsedMs, formatNumber, median, medianValue, rotated, round, summarise, type LatencySummary } from '../lib/stats.js';

type Contender = 'raw' | 'api' | 'api-off';
const CONTENDERS: readonly Contender[] = ['raw', 'api', 'api-off'];
const CATCH_UP_TIMEOUT_MS = 120_000;

interface RoundResult extends LatencySummary {
  readonly contender: Contender;
  readonly round: number;
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opsPerSecond: number;
  /** api only: how long the projections took to reach the head after the round's last command. */
  readonly projectionsDrainedMs?: number;
}

/** `clients` loops, each sending its share of `ops` operations one after another; latencies per operation. */
async function closedLoop(clients: number, ops: number, operation: (client: number, index: number) => Promise<void>): Promise<{ latencies: Float64Array; elapsedMs: number }> {
  const perClient = Math.ceil(ops / clients);
  const latencies = new Float64Array(perClient * clients);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let index = 0; index < perClient; index += 1) {
        const operationStarted = process.hrtime.bigint();
        await operation(client, index);
        latencies[client * perClient + index] = elapsedMs(operationStarted);
      }
    }),
  );
  return { latencies, elapsedMs: elapsedMs(started) };
}

export async function runP2(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const clients = integerFromEnv('BENCH_P2_CLIENTS', 8, 1);
  const ops = context.quick ? 200 : integerFromEnv('BENCH_P2_OPS', 2_000, clients);
  const warmup = context.quick ? 48 : 400;
  const rounds = context.quick ? 1 : integerFromEnv('BENCH_P2_ROUNDS', 5, 1);

  const rawUrl = await caseDatabase(context, 'raw');
  await withClient(rawUrl, (client) => client.query(eventsTableCopySql('bench_raw')));
  console.log('P2: starting the API twice (projections on, projections off), each on a fresh database');
  const onUrl = await caseDatabase(context, 'on');
  const apis: Record<'api' | 'api-off', BenchApiProcess> = {
    api: await startApiProcess(onUrl, { projections: 'on', maxSockets: clients }),
    'api-off': await startApiProcess(await caseDatabase(context, 'off'), { projections: 'off', maxSockets: clients }),
  };
  const rawPool = new pg.Pool({ connectionString: rawUrl, max: clients });
  let sequence = 0;
  const createInvoice = (api: BenchApiProcess) => async () => {
    sequence += 1;
    await api.client.request<CreateInvoiceResult>(CREATE_INVOICE, { input: createInvoiceInput(sequence) });
  };
  try {
    // Warm-up: JIT, connection pools, plan caches, and the first rows of every table on both APIs.
    for (const name of ['api', 'api-off'] as const) {
      const run = await closedLoop(clients, warmup, createInvoice(apis[name]));
      console.log(`P2: warm-up of ${name}: ${warmup} createInvoice in ${formatNumber(run.elapsedMs / 1000, 2)} s`);
    }
    console.log(`P2: projections caught up with the warm-up in ${await waitForCheckpoints(apis.api.connections, runnerNames(), CATCH_UP_TIMEOUT_MS)} ms`);

    // The raw row: one event createInvoice really wrote (its JSON exactly), so the reference row is as wide.
    const sample = await withClient(onUrl, async (client) => {
      const { rows } = await client.query<{ type: string; data: string; metadata: string }>(
        `select type, data::text as data, metadata::text as metadata from event_store.events where stream_id like 'dev:invoice-%' order by global_position desc limit 1`,
      );
      const row = rows[0];
      if (!row) throw new Error('P2: the warm-up wrote no invoice event');
      return row;
    });
    const sampleBytes = { data: Buffer.byteLength(sample.data), metadata: Buffer.byteLength(sample.metadata) };
    console.log(`P2: reference row = the ${sample.type} event of a createInvoice (data ${sampleBytes.data} B + metadata ${sampleBytes.metadata} B)`);
    const rawInsert = async () => {
      sequence += 1;
      await rawPool.query({
        name: 'p2_raw_insert',
        text: 'insert into bench_raw.events (tenant_id, stream_id, revision, event_id, type, data, metadata) values ($1, $2, 0, $3, $4, $5, $6)',
        values: ['dev', `dev:invoice-${randomUUID()}`, randomUUID(), sample.type, sample.data, sample.metadata],
      });
    };
    await closedLoop(clients, warmup, rawInsert);

    const results: RoundResult[] = [];
    for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
      for (const contender of rotated(CONTENDERS, roundIndex)) {
        const run = await closedLoop(clients, ops, contender === 'raw' ? rawInsert : createInvoice(apis[contender]));
        const projectionsDrainedMs = contender === 'api' ? await waitForCheckpoints(apis.api.connections, runnerNames(), CATCH_UP_TIMEOUT_MS) : undefined;
        const summary = summarise(run.latencies);
        const result: RoundResult = {
          contender,
          round: roundIndex + 1,
          ops: summary.count,
          elapsedMs: round(run.elapsedMs, 1),
          opsPerSecond: round((summary.count / run.elapsedMs) * 1000, 0),
          ...summary,
          ...(projectionsDrainedMs === undefined ? {} : { projectionsDrainedMs }),
        };
        results.push(result);
        console.log(
          `P2 round ${roundIndex + 1}/${rounds}  ${contender.padEnd(8)} x${clients}  ${result.ops} ops  ${formatNumber(result.opsPerSecond).padStart(6)} ops/s  ` +
            `p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${projectionsDrainedMs === undefined ? '' : `  (projections caught up ${projectionsDrainedMs} ms after)`}`,
        );
      }
    }

    const medianOf = (contender: Contender) => median(results.filter((result) => result.contender === contender), (result) => result.opsPerSecond);
    const ratio = (contender: Contender) => round(medianOf(contender).opsPerSecond / medianOf('raw').opsPerSecond, 3);
    const perRound = (contender: Contender) =>
      Array.from({ length: rounds }, (_, index) => {
        const of = (name: Contender) => results.find((result) => result.contender === name && result.round === index + 1)?.opsPerSecond ?? Number.NaN;
        return round(of(contender) / of('raw'), 3);
      });
    const ratios = (['api', 'api-off'] as const).map((contender) => ({ contender, value: ratio(contender), perRound: perRound(contender), medianOfRounds: medianValue(perRound(contender)) }));
    const label: Record<Contender, string> = { raw: 'raw INSERT (reference)', api: 'createInvoice, projections on', 'api-off': 'createInvoice, projections off' };
    const summaryTable = table(
      ['contender', 'ops/s (median round)', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'ops/s of each round', 'p99 ms of each round'],
      CONTENDERS.map((contender) => {
        const chosen = medianOf(contender);
        const mine = results.filter((result) => result.contender === contender);
        return [
          label[contender],
          formatNumber(chosen.opsPerSecond),
          formatNumber(chosen.p50Ms, 2),
          formatNumber(chosen.p99Ms, 2),
          formatNumber(chosen.meanMs, 2),
          formatNumber(chosen.maxMs, 1),
          mine.map((result) => formatNumber(result.opsPerSecond)).join(' / '),
          mine.map((result) => formatNumber(result.p99Ms, 2)).join(' / '),
        ];
      }),
      [false, true, true, true, true, true, false, false],
    );
    const ratioTable = table(
      ['ratio (ops/s)', 'value (median rounds)', 'bar', 'goal', 'same-round ratios: median (each round)'],
      ratios.map((entry) => [
        `${label[entry.contender]} ÷ raw INSERT`,
        entry.value.toFixed(3),
        entry.contender === 'api' ? '≥ 0.15' : '',
        entry.contender === 'api' ? '≥ 0.5' : '',
        `${entry.medianOfRounds.toFixed(3)} (${entry.perRound.map((value) => value.toFixed(2)).join(' / ')})`,
      ]),
      [false, true, true, true, false],
    );
    const drained = results.filter((result) => result.projectionsDrainedMs !== undefined).map((result) => result.projectionsDrainedMs as number);
    const markdown = `${clients} concurrent clients, each sending its share of ${ops} operations one after another (closed loop), per
contender and round; ${warmup} warm-up operations per contender first; ${rounds} round(s), contender order rotating, median
round (by ops/s) shown.

- **api**: \`createInvoice\` (1 to 3 lines, 20% tax, USD) over HTTP/1.1 keep-alive (one connection per client) to the
  real API started in a process of its own (\`node dist/apps/api/src/main.js\`, as \`npm start\` runs it; Nest + Apollo, authenticated with an admin API key, the
  command handled as a request: parse, validate, limits, load the settings and the customer, decide, append under
  row-level security), projections and process managers running in the same process, as in production. The client
  asks only for \`invoice { id } position\`. Latency: request sent to response parsed.
- **api-off**: the same API with \`PROJECTIONS=off\` (the read models left to a separate projector).
- **raw** (the reference): one autocommit single-row \`INSERT\` per operation, over a \`pg\` pool of ${clients} connections,
  into a copy of \`event_store.events\` (same columns and indexes), of the JSON of a \`${sample.type}\` event that
  createInvoice wrote in the warm-up (data ${sampleBytes.data} B + metadata ${sampleBytes.metadata} B).
- The API and the clients share this process and the machine's cores with PostgreSQL: the ratio is what one node
  delivers end to end against what the database alone can take.
- After each api round the case waited for every projection and process manager to reach the head: ${drained.map((value) => `${value} ms`).join(' / ')}.

${summaryTable}

${ratioTable}
`;
    const api = ratios.find((entry) => entry.contender === 'api');
    const off = ratios.find((entry) => entry.contender === 'api-off');
    return {
      id: 'P2',
      title: 'end-to-end GraphQL commands (createInvoice over HTTP)',
      seeded: `three empty databases: a raw copy of event_store.events; the API with projections on; the API with projections off (each API migrates its own database and registers an admin key). ${warmup} warm-up operations per contender.`,
      bars: [
        { name: 'createInvoice (projections on) ÷ raw INSERT, 8 clients (ops/s)', value: api?.value ?? Number.NaN, unit: 'x', comparison: '>=', bar: 0.15, goal: 0.5, detail: 'median-round throughputs' },
        { name: 'createInvoice (projections off) ÷ raw INSERT, 8 clients (ops/s)', value: off?.value ?? Number.NaN, unit: 'x', comparison: '>=', detail: 'second line, no bar' },
      ],
      markdown,
      data: { settings: { clients, ops, warmup, rounds }, referenceRow: { type: sample.type, ...sampleBytes }, ratios, rounds: results },
      durationSeconds: round((Date.now() - started) / 1000, 1),
      generatedAt: new Date().toISOString(),
      quick: context.quick,
    };
  } finally {
    await rawPool.end();
    for (const api of Object.values(apis)) await api.stop().catch(() => undefined);
  }
}
