/**
 * Where does a rebuild of the read models spend its Node CPU? A diagnostic, not run by `npm run bench`:
 *
 *   npm run build --silent && node dist/bench/profile-rebuild.js
 *
 * On its own embedded PostgreSQL: seeds PROFILE_EVENTS events of mixed history through the real handlers (P3's
 * seed), then rebuilds every projection from zero (as P3 does, all at once) under the V8 sampling profiler and
 * prints the self time per function and per file, as a share of the rebuild's CPU. PROFILE_ONLY=invoices rebuilds
 * one projection.
 */
import 'reflect-metadata';
import { Session } from 'node:inspector/promises';
import { sql } from 'kysely';
import { connectDatabase } from '../libs/database/src/index.js';
import { PostgresEventStore } from '../libs/event-store/src/index.js';
import { rebuildProjection, type ReadModelDatabase } from '../libs/projection-runtime/src/index.js';
import { allProjections } from '../projections/index.js';
import { seedHistory } from './cases/p3-seed.js';
import { BENCH_TENANT, startBenchApi, waitForCheckpoints, runnerNames } from './lib/ledger-api.js';
import { freshDatabase, startBenchServer } from './lib/postgres.js';

const EVENTS = Number(process.env.PROFILE_EVENTS ?? 20_000);
const TOP = Number(process.env.PROFILE_TOP ?? 25);

interface ProfileNode {
  id: number;
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
  const projections = process.env.PROFILE_ONLY ? allProjections.filter((projection) => projection.name === process.env.PROFILE_ONLY) : allProjections;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(projections.map((projection, index) => rebuildProjection(store, db, projection, { buildSchema: `profile_rebuild_${index}` })));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
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
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((left, right) => right[1] - left[1])
      .slice(0, TOP)
      .map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  console.log(`rebuild of ${projections.length} projection(s): ${wallMs.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms Node CPU`);
  console.log(`\nself time by file:\n${top(byFile)}\n\nself time by function:\n${top(byFunction)}`);
} finally {
  await server.stop();
}
