import { connectDatabase } from '../../../libs/database/src/index.js';
import { ProjectionRunner, type ProjectionProgress } from '../../../libs/projection-runtime/src/index.js';
import { createLedgerLogger, startupLedgerLogger, openDatabase, openEventStore, readLedgerConfig, type LedgerLog } from '../../../libs/runtime/src/index.js';
import { encodePosition } from '../../../libs/event-store/src/index.js';
import { allProjections } from '../../../projections/index.js';
import { processManagers } from '../../../libs/ledger-application/src/process-managers.js';

/**
 * `npm run start:projector`: maintains every read model in a process of its own (run the api with PROJECTIONS=off).
 * Several may run at once: each projection has one lease holder, and the others wait to take over.
 */
const PROGRESS_INTERVAL_MS = 5_000;
// Until the configuration is read, a bad value is reported with the log settings that are valid.
let log: LedgerLog = startupLedgerLogger('ledger-projector');

try {
  const config = readLedgerConfig();
  log = createLedgerLogger({ name: 'ledger-projector', level: config.logLevel, format: config.logFormat });
  const database = await openDatabase(config, log);
  const { db, close } = connectDatabase(database.connectionString, { applicationName: 'ledger-projector' });
  const store = await openEventStore(config, database.connectionString);
  // The process managers (receipts, payment allocation) append commands under the same runner.
  const projections = [...allProjections, ...processManagers({ store, clock: () => new Date(), log, db })];
  const applied = new Map<string, { events: number; position: string }>();
  const runner = new ProjectionRunner({
    store,
    db,
    connectionString: database.connectionString,
    projections,
    log,
    onProgress: (progress: ProjectionProgress) => {
      const previous = applied.get(progress.projection);
      applied.set(progress.projection, { events: (previous?.events ?? 0) + progress.eventsApplied, position: encodePosition(progress.position) });
    },
  });
  await runner.start();
  log(`running ${projections.map((projection) => projection.name).join(', ')}`);
  const progressTimer = setInterval(() => {
    for (const [name, progress] of applied) log(`${name}: ${progress.events} events applied since the last report, at position ${progress.position}`);
    applied.clear();
  }, PROGRESS_INTERVAL_MS);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, stopping after the current batch (process managers: after the current event)`);
    clearInterval(progressTimer);
    await runner.stop();
    await store.close();
    await close();
    await database.embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  log.error(`could not start: ${(error as Error).message}`);
  process.exit(1);
}
