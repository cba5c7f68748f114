/**
 * Where does a rebuild of the read models spend its Node CPU? A diagnostic, not run by `npm run bench`:
 *
 *   npm run build --silent && node dist/bench/profile-rebuild.js
 *
 * On its own embedded PostgreSQL: seeds PROFILE_EVENTS events of mixed history through the real handlers (P3's
 * seed), then rebuilds every projection from zero with one shared read of the log (rebuildProjections, in this thread) under the V8 sampling profiler and
 * prints the self time per function and per file, as a share of the rebuild's CPU. PROFILE_ONLY=invoices rebuilds
 * one projection.
 */
import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { sql } from 'kysely';
import { connectDatabase } from '../libs/database/src/index.js';
import { PostgresEventStore, START_POSITION } from '../libs/event-store/src/index.js';
import { rebuildProjections, type ReadModelDatabase } from '../libs/projection-runtime/src/index.js';
import { allProjections } from '../projections/index.js';
import { seedHistory } from './cases/p3-seed.js';
import { BENCH_TENANT, startBenchApi, waitForCheckpoints, runnerNames } from './lib/ledger-api.js';
import { freshDatabase, startBenchServer } from './lib/postgres.js';

const EVENTS = Number(process.env.PROFILE_EVENTS ?? 20_000);
const TOP = Number(process.env.PROFILE_TOP ?? 25);

/** CPU seconds used so far by every PostgreSQL process of the machine (live ones; from /proc, Linux only). */
function postgresCpuMs(): number {
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.startsWith('postgres')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return (ticks / ticksPerSecond) * 1000;
}

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const server = await startBenchServer(console.log);
try {
  const connectionString = await freshDatabase(server.adminConnectionString, 'profile_rebuild');
  const bench = await startBenchApi(connectionString, { projections: 'on' });
  try {
    const countEvents = async () => Number((await sql<{ count: string }>`select count(*)::text as count from event_store.events`.execute(bench.api.services.db)).rows[0]?.count ?? 0);
    await seedHistory(bench.api.services, BENCH_TENANT, EVENTS, countEvents, console.log);
    await waitForCheckpoints(bench.api.services, runnerNames(), 120_000);
  } finally {
    await bench.stop();
  }
  const store = new PostgresEventStore({ connectionString, poolSize: 12 });
  const { db, close } = connectDatabase<ReadModelDatabase>(connectionString, { poolSize: 12 });
  if (process.env.PROFILE_EACH) {
    // One rebuild per projection, each with its own wall time and CPU (Node and PostgreSQL): which one costs what.
    {
      // The read alone: every event of the log, in the rebuild's pages, applied to nothing.
      const cpuBefore = process.cpuUsage();
      const postgresBefore = postgresCpuMs();
      const started = process.hrtime.bigint();
      let read = 0;
      for (let from = START_POSITION; ; ) {
        const page = await store.readAll({ fromPosition: from, maxCount: 5_000 });
        read += page.length;
        if (page.length < 5_000) break;
        from = (page.at(-1) as { position: typeof from }).position;
      }
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = process.cpuUsage(cpuBefore);
      console.log(`${'(read of the log)'.padEnd(26)} ${String(read).padStart(7)} events ${wallMs.toFixed(0).padStart(6)} ms wall ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(6)} ms Node ${(postgresCpuMs() - postgresBefore).toFixed(0).padStart(6)} ms PostgreSQL`);
    }
    for (const projection of allProjections) {
      const cpuBefore = process.cpuUsage();
      const postgresBefore = postgresCpuMs();
      const started = process.hrtime.bigint();
      const [rebuilt] = await rebuildProjections(store, db, [projection], { buildSchema: `profile_each_${allProjections.indexOf(projection)}` });
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = process.cpuUsage(cpuBefore);
      console.log(
        `${projection.name.padEnd(26)} ${String(rebuilt?.events ?? 0).padStart(7)} events ${wallMs.toFixed(0).padStart(6)} ms wall ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(6)} ms Node ${(postgresCpuMs() - postgresBefore).toFixed(0).padStart(6)} ms PostgreSQL`,
      );
    }
  }
  const projections = process.env.PROFILE_ONLY ? allProjections.filter((projection) => projection.name === process.env.PROFILE_ONLY) : allProjections;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  const cpuBefore = process.cpuUsage();
  const postgresBefore = postgresCpuMs();
  const started = process.hrtime.bigint();
  await rebuildProjections(store, db, projections, { buildSchemaOf: (projection) => `profile_rebuild_${projections.indexOf(projection)}` });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresMs = postgresCpuMs() - postgresBefore;
  const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[] } };
  session.disconnect();
  await store.close();
  await close();

  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const file = node.callFrame.url.replace(/^.*\/(node_modules\/[^/]+|dist\/[^/]+\/[^/]+\/[^/]+)/, '$1') || '(native)';
    const name = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    byFile.set(file, (byFile.get(file) ?? 0) + hits);
  }
  // Inclusive time: each function's own samples plus those of everything it called (counted once per stack).
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inclusive = new Map<string, number>();
  const nameOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules\/[^/]+|dist\/[^/]+\/[^/]+\/[^/]+)/, '$1') || '(native)'}:${node.callFrame.lineNumber + 1}`;
  const visit = (node: ProfileNode, onStack: Set<string>): number => {
    const name = nameOf(node);
    const fresh = !onStack.has(name);
    if (fresh) onStack.add(name);
    let hits = node.hitCount ?? 0;
    for (const child of node.children ?? []) hits += visit(byId.get(child) as ProfileNode, onStack);
    if (fresh) {
      onStack.delete(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + hits);
    }
    return hits;
  };
  const root = profile.nodes[0];
  if (root) visit(root, new Set());
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((left, right) => right[1] - left[1])
      .slice(0, TOP)
      .map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  console.log(`rebuild of ${projections.length} projection(s): ${wallMs.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms Node CPU, ${postgresMs.toFixed(0)} ms PostgreSQL CPU (its backends, as /proc counts them)`);
  console.log(`\nself time by file:\n${top(byFile)}\n\nself time by function:\n${top(byFunction)}\n\ninclusive time by function:\n${top(inclusive)}`);
} finally {
  await server.stop();
}
