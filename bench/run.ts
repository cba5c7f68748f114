/**
 * The benchmark suite (not a test): `npm run bench` runs every case, each against fresh databases of one PostgreSQL
 * server and against a reference measured in the same run, and writes bench/report.md and bench/report.json.
 *
 *   npm run bench                         every case at full size (embedded PostgreSQL in a temporary directory)
 *   npm run bench -- --quick              a small version of every case (checks the harness; writes report.quick.*)
 *   npm run bench -- --only P3            only the named cases (comma-separated); the others are kept in the report
 *   DATABASE_URL=postgres://... npm run bench   an existing server (creates and drops bench_* databases)
 *
 * The cases, one module each in bench/cases/: P1 appends, P2 end-to-end GraphQL commands, P3 projection rebuild and
 * catch-up, P4 freshness under a fixed offered load, P5 appends on a big store, P6 the invoice list, P7 a renewal run
 * of subscriptions through the scheduler, P8 webhook fan-out, P9 a bank statement import with automatic matching.
 * Each case runs in a child process of its own (no JIT state, pools or global
 * pg type parsers shared between cases); this process owns the server, the temporary directory and the report, and
 * cleans up on exit, on failure and on Ctrl-C.
 */
import 'reflect-metadata';
import { killChildren, repositoryRoot, runInChild, sendResult, type CaseContext } from './lib/context.js';
import { describeServer, dropDatabases, startBenchServer, type BenchServer } from './lib/postgres.js';
import { barRows, describeMachine, writeReports, type CaseReport } from './lib/report.js';

interface CaseModule {
  readonly id: string;
  readonly title: string;
  readonly load: () => Promise<(context: CaseContext) => Promise<CaseReport>>;
  /** Generous: a case that hangs must not hang the run. */
  readonly timeoutMinutes: { full: number; quick: number };
}

const CASES: readonly CaseModule[] = [
  { id: 'P1', title: 'appends', load: async () => (await import('./cases/p1-append.js')).runP1, timeoutMinutes: { full: 60, quick: 5 } },
  { id: 'P2', title: 'end-to-end GraphQL commands', load: async () => (await import('./cases/p2-graphql-commands.js')).runP2, timeoutMinutes: { full: 30, quick: 5 } },
  { id: 'P3', title: 'projection rebuild and catch-up', load: async () => (await import('./cases/p3-rebuild.js')).runP3, timeoutMinutes: { full: 60, quick: 5 } },
  { id: 'P4', title: 'freshness at a fixed load', load: async () => (await import('./cases/p4-freshness.js')).runP4, timeoutMinutes: { full: 20, quick: 5 } },
  { id: 'P5', title: 'appends on a big store', load: async () => (await import('./cases/p5-big-store.js')).runP5, timeoutMinutes: { full: 90, quick: 10 } },
  { id: 'P6', title: 'invoice list', load: async () => (await import('./cases/p6-invoice-list.js')).runP6, timeoutMinutes: { full: 60, quick: 5 } },
  { id: 'P7', title: 'renewal run', load: async () => (await import('./cases/p7-renewals.js')).runP7, timeoutMinutes: { full: 60, quick: 10 } },
  { id: 'P8', title: 'webhook fan-out', load: async () => (await import('./cases/p8-webhook-fanout.js')).runP8, timeoutMinutes: { full: 20, quick: 5 } },
  { id: 'P9', title: 'statement import with automatic matching', load: async () => (await import('./cases/p9-statement-import.js')).runPStatementImport, timeoutMinutes: { full: 20, quick: 5 } },
];

function parseArguments(argv: readonly string[]): { quick: boolean; only: Set<string> | undefined } {
  let quick = false;
  let only: Set<string> | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    if (argument === '--quick') quick = true;
    else if (argument === '--only' || argument.startsWith('--only=')) {
      const value = argument === '--only' ? argv[(index += 1)] : argument.slice('--only='.length);
      if (!value) throw new Error('--only needs case ids, e.g. --only P3 or --only P1,P5');
      only = new Set(value.split(',').map((id) => id.trim().toUpperCase()));
      const unknown = [...only].filter((id) => !CASES.some((entry) => entry.id === id));
      if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(', ')}: the cases are ${CASES.map((entry) => entry.id).join(', ')}`);
    } else if (argument === '--help' || argument === '-h') {
      console.log('usage: npm run bench [-- --quick] [-- --only P1,P3]');
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(argument)} (try --quick, --only P3)`);
  }
  return { quick, only };
}

async function parentMain(): Promise<void> {
  const { quick, only } = parseArguments(process.argv.slice(2));
  const selected = CASES.filter((entry) => !only || only.has(entry.id));
  const root = repositoryRoot();
  const runTag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const databasePrefix = `bench_${runTag}_`;
  let server: BenchServer | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      killChildren();
      if (!server) return;
      if (server.kind === 'DATABASE_URL') {
        await dropDatabases(server.adminConnectionString, databasePrefix).catch((error: unknown) => console.error(`bench: could not drop the bench databases: ${(error as Error).message}`));
      }
      await server.stop().catch((error: unknown) => console.error(`bench: could not stop PostgreSQL: ${(error as Error).message}`));
    })();
    return cleaning;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\nbench: ${signal}, stopping the cases and PostgreSQL`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const started = Date.now();
  const reports: CaseReport[] = [];
  const failures: string[] = [];
  try {
    server = await startBenchServer(console.log);
    const postgres = { kind: server.kind, ...(await describeServer(server.adminConnectionString)) };
    const machine = describeMachine(postgres);
    console.log(`bench: ${postgres.version}`);
    console.log(`bench: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB; cases ${selected.map((entry) => entry.id).join(', ')}${quick ? ' (--quick)' : ''}`);
    const context: CaseContext = { quick, adminConnectionString: server.adminConnectionString, databasePrefix, root };
    for (const entry of selected) {
      const caseStarted = Date.now();
      console.log(`\n=== ${entry.id}: ${entry.title} ===`);
      try {
        const minutes = quick ? entry.timeoutMinutes.quick : entry.timeoutMinutes.full;
        const report = await runInChild<CaseReport>('--case', { id: entry.id, context: { ...context, databasePrefix: `${databasePrefix}${entry.id.toLowerCase()}_` } }, entry.id, minutes * 60_000);
        reports.push(report);
        console.log(`=== ${entry.id} done in ${((Date.now() - caseStarted) / 1000).toFixed(1)} s ===`);
      } catch (error) {
        failures.push(`${entry.id}: ${(error as Error).message}`);
        console.error(`=== ${entry.id} FAILED after ${((Date.now() - caseStarted) / 1000).toFixed(1)} s: ${(error as Error).message} ===`);
      }
      // Each case's databases go as soon as it is done: a big store must not stay on disk through the next cases.
      await dropDatabases(server.adminConnectionString, `${databasePrefix}${entry.id.toLowerCase()}_`).catch(() => undefined);
    }
    if (reports.length > 0) {
      const written = await writeReports(root, quick, machine, reports, only !== undefined);
      console.log(`\n${barRows(reports)}\n`);
      console.log(`bench: wrote ${written.join(' and ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    if (failures.length > 0) throw new Error(`case(s) failed:\n  ${failures.join('\n  ')}`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }
}

async function caseMain(payloadJson: string): Promise<void> {
  const { id, context } = JSON.parse(payloadJson) as { id: string; context: CaseContext };
  const entry = CASES.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`unknown case ${id}`);
  const run = await entry.load();
  await sendResult(await run(context));
}

async function main(): Promise<void> {
  const [mode, payload] = process.argv.slice(2);
  if (mode === '--case') return caseMain(payload ?? '');
  if (mode === '--append-child') return (await import('./cases/p1-append.js')).appendChildMain(payload ?? '');
  return parentMain();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
