/**
 * P4, freshness: at a fixed offered load of createInvoice commands (open loop: each send is scheduled at
 * t0 + i / rate, whether or not earlier ones have been answered), how long after its acknowledgement does a command
 * show in the read model, and on a billingEvents subscription?
 *
 *   visible     ack -> the invoices projection's checkpoint (projection_runtime.checkpoints, live schema) has reached
 *               the position the mutation returned; a watcher polls the checkpoint every ~2 ms (each poll's answer
 *               time is the observation, so the figure is an upper bound by up to one poll).
 *   delivered   ack -> the InvoiceDrafted event of that invoice arrives on a billingEvents subscription (categories:
 *               ["invoice"]) over graphql-ws, one WebSocket connection of the same admin key. An event can arrive
 *               before the HTTP answer: those count as 0 ms (and are counted).
 *
 *   BENCH_P4_RATE=200 (commands/s) BENCH_P4_SECONDS=30
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { sql } from 'kysely';
import { writeFile } from 'node:fs/promises';
import { decodePosition, comparePositions, type Position } from '../../libs/event-store/src/index.js';
import { caseDatabase, integerFromEnv, type CaseContext } from '../lib/context.js';
import { CREATE_INVOICE, createInvoiceInput, startApiProcess, type CreateInvoiceResult } from '../lib/ledger-api.js';
import { table, type CaseReport } from '../lib/report.js';
import { elapsedMs, formatNumber, round, sleep, summarise } from '../lib/stats.js';

const DRAIN_TIMEOUT_MS = 15_000;
const SUBSCRIPTION = 'subscription Events($categories: [String!]) { billingEvents(categories: $categories) { position type streamId } }';

interface Command {
  readonly index: number;
  readonly scheduledMs: number;
  sentMs?: number;
  ackMs?: number;
  invoiceId?: string;
  position?: Position;
  visibleMs?: number;
  deliveredMs?: number;
  error?: string;
}

type Topology = 'on' | 'projector';

const TOPOLOGY_NAMES: Record<Topology, string> = {
  on: 'one process (`npm start`: the API with its projections)',
  projector: 'API + projector (`docker-compose.yml`: `PROJECTIONS=off` and `npm run start:projector`)',
};

/**
 * Both topologies the ledger ships, one after the other on fresh databases: everything in one process, as
 * `npm start` runs it, and the production one, where a projector process keeps the read models.
 */
export async function runP4(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const single = await runP4Topology(context, 'on');
  const split = await runP4Topology(context, 'projector');
  const label = (topology: Topology) => (topology === 'on' ? 'one process' : 'API + projector');
  return {
    ...split,
    title: `freshness at ${integerFromEnv('BENCH_P4_RATE', 200, 1)} createInvoice/s (open loop), in both topologies`,
    seeded: single.seeded,
    bars: [...single.bars.map((bar) => ({ ...bar, name: `${label('on')}: ${bar.name}` })), ...split.bars.map((bar) => ({ ...bar, name: `${label('projector')}: ${bar.name}` }))],
    markdown: `### ${TOPOLOGY_NAMES.on}\n\n${single.markdown}\n### ${TOPOLOGY_NAMES.projector}\n\n${split.markdown}`,
    data: { oneProcess: single.data, apiAndProjector: split.data },
    durationSeconds: round((Date.now() - started) / 1000, 1),
  };
}

async function runP4Topology(context: CaseContext, topology: Topology): Promise<CaseReport> {
  const started = Date.now();
  console.log(`P4: topology ${TOPOLOGY_NAMES[topology]}`);
  const rate = integerFromEnv('BENCH_P4_RATE', 200, 1);
  const seconds = context.quick ? 5 : integerFromEnv('BENCH_P4_SECONDS', 30, 1);
  const warmup = context.quick ? 50 : integerFromEnv('BENCH_P4_WARMUP', 1_000, 0);
  const connectionString = await caseDatabase(context, topology === 'on' ? 'live' : 'split');
  const bench = await startApiProcess(connectionString, { projections: topology, maxSockets: 256 });
  const { db } = bench.connections;
  const t0 = process.hrtime.bigint();
  const now = () => elapsedMs(t0);
  const commands: Command[] = [];
  const byInvoice = new Map<string, Command>();
  const earlyDeliveries = new Map<string, number>();
  let deliveredBeforeAck: number;
  let settledAfterMs: number | undefined;
  let watching = true;
  let polls = 0;
  let watchedMs = 0;
  /** Acknowledged commands not yet seen in the read model: the watcher checks only these. */
  let pendingVisible: Command[] = [];
  const ws = createClient({ url: bench.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { authorization: `Bearer ${bench.adminKey}` } });
  try {
    // Warm-up (closed loop, 8 at a time), so that JIT and pools are warm before the timed schedule.
    for (let first = 0; first < warmup; first += 8) {
      await Promise.all(Array.from({ length: 8 }, (_, offset) => bench.client.request<CreateInvoiceResult>(CREATE_INVOICE, { input: createInvoiceInput(first + offset) })));
    }

    // The subscription: every invoice event of the tenant from now on.
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    const unsubscribe = ws.subscribe<{ billingEvents: { position: string; type: string; streamId: string } }>(
      { query: SUBSCRIPTION, variables: { categories: ['invoice'] } },
      {
        next: (message) => {
          const at = now();
          subscribed();
          const event = message.data?.billingEvents;
          if (!event || event.type !== 'InvoiceDrafted') return;
          const invoiceId = event.streamId.slice(event.streamId.indexOf('-') + 1);
          const command = byInvoice.get(invoiceId);
          if (command) command.deliveredMs ??= at;
          else earlyDeliveries.set(invoiceId, at);
        },
        error: (error) => console.error(`P4: subscription error ${JSON.stringify(error).slice(0, 300)}`),
        complete: () => undefined,
      },
    );
    // Wait until the subscription is live: one probe command must come through it.
    const probe = await bench.client.request<CreateInvoiceResult>(CREATE_INVOICE, { input: createInvoiceInput(warmup) });
    await Promise.race([ready, sleep(10_000).then(() => Promise.reject(new Error('P4: the subscription delivered nothing within 10 s')))]);
    // Then until every projection and process manager has caught up with the warm-up, which ran closed loop, faster
    // than the schedule: the timed phase measures a steady 200/s, not the drain of the warm-up's backlog (which made
    // most of the one-process p99 in its first two seconds).
    const probePosition = decodePosition(probe.createInvoice.position);
    const settleStart = now();
    for (;;) {
      const { rows } = await sql<{ behind: number }>`
        select count(*)::int as behind from projection_runtime.checkpoints
         where schema_name = 'read_models' and (commit, prepare) < (${probePosition.commit.toString()}::numeric, ${probePosition.prepare.toString()}::numeric)`.execute(db);
      if ((rows[0]?.behind ?? 0) === 0) break;
      if (now() - settleStart > 60_000) throw new Error(`P4: ${rows[0]?.behind} projections still behind the warm-up after 60 s`);
      await sleep(20);
    }
    settledAfterMs = now() - settleStart;

    // The checkpoint watcher: one poll at a time, about every millisecond.
    let checkpoint: Position = { commit: 0n, prepare: 0n };
    const watcher = (async () => {
      const watchStart = now();
      while (watching) {
        const { rows } = await sql<{ commit: string; prepare: string }>`
          select commit::text as commit, prepare::text as prepare from projection_runtime.checkpoints where name = 'invoices' and schema_name = 'read_models'`.execute(db);
        const at = now();
        polls += 1;
        const row = rows[0];
        if (row) {
          const position = { commit: BigInt(row.commit), prepare: BigInt(row.prepare) };
          if (comparePositions(position, checkpoint) > 0) checkpoint = position;
        }
        pendingVisible = pendingVisible.filter((command) => {
          if (comparePositions(command.position as Position, checkpoint) > 0) return true;
          command.visibleMs = at;
          return false;
        });
        await sleep(2);
      }
      watchedMs = now() - watchStart;
    })();

    // The open-loop schedule.
    const total = rate * seconds;
    const intervalMs = 1000 / rate;
    const scheduleStart = now() + 20;
    const sends: Promise<void>[] = [];
    console.log(`P4: offering ${rate} createInvoice/s for ${seconds} s (${total} commands), open loop`);
    for (let index = 0; index < total; index += 1) {
      const command: Command = { index, scheduledMs: scheduleStart + index * intervalMs };
      commands.push(command);
      const wait = command.scheduledMs - now();
      if (wait > 1) await sleep(wait - 0.5);
      command.sentMs = now();
      sends.push(
        bench.client.request<CreateInvoiceResult>(CREATE_INVOICE, { input: createInvoiceInput(warmup + 1 + index) }).then(
          (result) => {
            command.ackMs = now();
            command.invoiceId = result.createInvoice.invoice.id;
            command.position = decodePosition(result.createInvoice.position);
            byInvoice.set(command.invoiceId, command);
            pendingVisible.push(command);
            const early = earlyDeliveries.get(command.invoiceId);
            if (early !== undefined) {
              command.deliveredMs = early;
              earlyDeliveries.delete(command.invoiceId);
            }
          },
          (error: unknown) => {
            command.error = (error as Error).message;
          },
        ),
      );
      if ((index + 1) % rate === 0) {
        const acked = commands.filter((entry) => entry.ackMs !== undefined).length;
        console.log(`P4: ${(index + 1) / rate} s: ${index + 1} sent, ${acked} acknowledged, ${commands.filter((entry) => entry.visibleMs !== undefined).length} visible`);
      }
    }
    await Promise.all(sends);
    const lastAck = Math.max(...commands.map((command) => command.ackMs ?? 0));
    const drainStart = Date.now();
    while (Date.now() - drainStart < DRAIN_TIMEOUT_MS && commands.some((command) => command.ackMs !== undefined && (command.visibleMs === undefined || command.deliveredMs === undefined))) await sleep(10);
    watching = false;
    await watcher;
    unsubscribe();

    const acked = commands.filter((command) => command.ackMs !== undefined);
    // BENCH_P4_SAMPLES=<file> (diagnostics): every command's times, one JSON line each, relative to the schedule's start.
    if (process.env.BENCH_P4_SAMPLES) {
      const relative = (value: number | undefined) => (value === undefined ? null : round(value - scheduleStart, 2));
      const lines = commands.map((command) => JSON.stringify({ index: command.index, sent: relative(command.sentMs), ack: relative(command.ackMs), visible: relative(command.visibleMs), delivered: relative(command.deliveredMs) }));
      await writeFile(`${process.env.BENCH_P4_SAMPLES}.${topology}.jsonl`, `${lines.join('\n')}\n`);
    }
    const failed = commands.filter((command) => command.error !== undefined);
    const achievedPerSecond = round((acked.length / (lastAck - scheduleStart)) * 1000, 1);
    const sendLag = summarise(commands.map((command) => (command.sentMs ?? command.scheduledMs) - command.scheduledMs));
    const ackLatency = summarise(acked.map((command) => (command.ackMs as number) - (command.sentMs as number)));
    const visible = summarise(acked.filter((command) => command.visibleMs !== undefined).map((command) => (command.visibleMs as number) - (command.ackMs as number)));
    const deliveredValues = acked.filter((command) => command.deliveredMs !== undefined).map((command) => (command.deliveredMs as number) - (command.ackMs as number));
    deliveredBeforeAck = deliveredValues.filter((value) => value < 0).length;
    const delivered = summarise(deliveredValues.map((value) => Math.max(0, value)));
    const notVisible = acked.length - visible.count;
    const notDelivered = acked.length - delivered.count;
    console.log(`P4: achieved ${achievedPerSecond}/s; visible p50 ${visible.p50Ms} ms p99 ${visible.p99Ms} ms; delivered p50 ${delivered.p50Ms} ms p99 ${delivered.p99Ms} ms`);

    const row = (name: string, summary: ReturnType<typeof summarise>, missing: string) => [name, formatNumber(summary.count), formatNumber(summary.p50Ms, 2), formatNumber(summary.p99Ms, 2), formatNumber(summary.meanMs, 2), formatNumber(summary.maxMs, 1), missing];
    const markdown = `Offered load: ${rate} \`createInvoice\`/s for ${seconds} s (${total} commands, the same drafts as P2) against the API
(${TOPOLOGY_NAMES[topology]}); sends scheduled at t0 + i/${rate} s (open loop, each on its own keep-alive
connection as needed); ${warmup} warm-up commands first (closed loop, 8 at a time), then a wait until every projection and
process manager had caught up with them (${formatNumber(settledAfterMs ?? 0, 0)} ms), so that the timed phase starts from a settled system. ${topology === 'on' ? 'The API ran in a process of its own (`node dist/apps/api/src/main.js`, projections in it)' : 'The API ran with `PROJECTIONS=off` and the read models were kept by a projector process (`node dist/apps/projector/src/main.js`)'}; the
load generator, the subscription client and the watcher ran in the bench's process. The watcher polled the checkpoint ${formatNumber(polls)} times
(one every ${formatNumber(watchedMs / Math.max(1, polls), 2)} ms on average).

- **visible**: ack → the \`invoices\` projection's checkpoint has reached the position the mutation returned, observed
  by polling \`projection_runtime.checkpoints\` every ~2 ms (the observation is the poll's answer: an upper bound).
  That is what a \`minPosition\` query waits for before it reads \`invoice(id)\`.
- **delivered**: ack → the invoice's \`InvoiceDrafted\` on a \`billingEvents(categories: ["invoice"])\` subscription over
  graphql-ws (package \`graphql-ws\` client on \`ws\`, one connection, the admin key). ${deliveredBeforeAck} event(s) arrived
  before their command's HTTP answer and count as 0 ms.
- Achieved: ${acked.length} acknowledged ÷ (last ack − first scheduled send) = **${formatNumber(achievedPerSecond, 1)} commands/s**;
  ${failed.length} failed${failed[0] ? ` (first: ${failed[0].error})` : ''}. Send lag behind the schedule: p50 ${formatNumber(sendLag.p50Ms, 2)} ms,
  p99 ${formatNumber(sendLag.p99Ms, 2)} ms, max ${formatNumber(sendLag.maxMs, 1)} ms.

${table(['measure', 'count', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'missing'], [
  row('ack (send → answer), for reference', ackLatency, ''),
  row('ack → visible in the read model', visible, `${notVisible} never seen within ${DRAIN_TIMEOUT_MS / 1000} s`),
  row('ack → delivered on the subscription', delivered, `${notDelivered} never delivered within ${DRAIN_TIMEOUT_MS / 1000} s`),
], [false, true, true, true, true, true, false])}
`;
    return {
      id: 'P4',
      title: `freshness at ${rate} createInvoice/s (open loop)`,
      seeded: `an empty database (the API migrates it and registers an admin key), then ${warmup} warm-up createInvoice commands.`,
      bars: [
        { name: `achieved commands/s at ${rate}/s offered`, value: achievedPerSecond, unit: '/s', comparison: '>=', bar: round(rate * 0.98, 1), detail: 'acks ÷ (last ack − first scheduled send); 2% tolerance' },
        { name: 'ack → visible in the read model, p99', value: notVisible > 0 ? Number.POSITIVE_INFINITY : visible.p99Ms, unit: 'ms', comparison: '<', bar: 100, detail: `checkpoint watcher, ~2 ms polls; p50 ${formatNumber(visible.p50Ms, 2)} ms` },
        { name: 'ack → delivered on billingEvents, p99', value: notDelivered > 0 ? Number.POSITIVE_INFINITY : delivered.p99Ms, unit: 'ms', comparison: '<', bar: 100, detail: `graphql-ws subscription; p50 ${formatNumber(delivered.p50Ms, 2)} ms` },
      ],
      markdown,
      data: { settings: { rate, seconds, warmup }, achievedPerSecond, acked: acked.length, failed: failed.length, sendLag, ackLatency, visible, delivered, notVisible, notDelivered, deliveredBeforeAck, polls },
      durationSeconds: round((Date.now() - started) / 1000, 1),
      generatedAt: new Date().toISOString(),
      quick: context.quick,
    };
  } finally {
    watching = false;
    await ws.dispose();
    await bench.stop();
  }
}
