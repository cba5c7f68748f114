import { connectDatabase } from '../../../libs/database/src/index.js';
import { ProjectionRunner, type ProjectionProgress } from '../../../libs/projection-runtime/src/index.js';
import { createLedgerLogger, startupLedgerLogger, openDatabase, openEventStore, readLedgerConfig, type LedgerLog } from '../../../libs/runtime/src/index.js';
import { encodePosition } from '../../../libs/event-store/src/index.js';
import { allProjections } from '../../../projections/index.js';
import { processManagers } from '../../../libs/ledger-application/src/process-managers.js';
import { stopWebhookDelivery } from '../../../libs/ledger-application/src/webhooks/webhook-dispatcher.process-manager.js';
import { scheduledWork } from '../../../libs/ledger-application/src/scheduled-work.js';
import { schedulerOptionsOf, type ApplicationServices } from '../../../libs/ledger-application/src/index.js';
import { EventStoreTenantClock, SchedulerRunner } from '../../../libs/scheduler/src/index.js';
import { openLedgerSecretStore } from '../../../libs/secrets/src/index.js';

/**
 * `npm run start:projector`: maintains every read model in a process of its own (run the api with PROJECTIONS=off),
 * and runs the scheduler (the due work of every real-time tenant). Several may run at once: each projection has one
 * lease holder, the scheduler another, and the others wait to take over.
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
  const clock = () => new Date();
  // Commands sent on a tenant's behalf (process managers, due work) take the tenant's now: real time or its test clock.
  // The process managers reveal webhook secrets: the same key as the api's (LEDGER_SECRET_KEY, or the same key file).
  const secrets = await openLedgerSecretStore(db, store, config, log);
  const application: ApplicationServices = { store, db, clock, tenantClock: new EventStoreTenantClock(store, clock), log, config, secrets };
  const work = scheduledWork(application);
  // The process managers (receipts, payment allocation) append commands under the same runner; the due-work
  // projections are in allProjections (projections/due-work-sources.ts).
  const projections = [...allProjections, ...processManagers({ ...application, config })];
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
  const scheduler = new SchedulerRunner(schedulerOptionsOf(application, work, database.connectionString));
  await scheduler.start();
  log(`scheduler running (due-work sources: ${work.sources.map((source) => source.name).join(', ') || 'none yet'})`);
  const progressTimer = setInterval(() => {
    for (const [name, progress] of applied) log(`${name}: ${progress.events} events applied since the last report, at position ${progress.position}`);
    applied.clear();
  }, PROGRESS_INTERVAL_MS);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, stopping after the current batch (process managers: after the current event; the scheduler: after the work in hand)`);
    clearInterval(progressTimer);
    const started = performance.now();
    const steps: string[] = [];
    const step = async (name: string, work: () => Promise<unknown>) => {
      const before = performance.now();
      await work();
      steps.push(`${name} ${Math.round(performance.now() - before)} ms`);
    };
    // The scheduler first: it waits on the projections, which must still run while it finishes its piece of work.
    await step('scheduler', () => scheduler.stop());
    await step('projections and process managers', () => runner.stop());
    // Webhook lanes end after the attempt in hand; their endpoints resume from their cursors wherever the dispatcher runs next.
    await step('webhook delivery', () => stopWebhookDelivery(store));
    // Nothing is left in flight: every batch, checkpoint and lease is committed or released. The connections close as
    // the process exits; waiting for each server process to end took tens of milliseconds apiece, on a stop that must
    // finish within a second. An embedded server is stopped only after its clients are gone.
    const closing = Promise.all([store.close(), close()]);
    if (database.embedded) {
      await step('connections', () => closing);
      await step('embedded PostgreSQL', () => database.embedded?.stop() ?? Promise.resolve());
    } else {
      closing.catch(() => undefined);
    }
    log(`stopped in ${Math.round(performance.now() - started)} ms (${steps.join(', ')})`);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  log.error(`could not start: ${(error as Error).message}`);
  process.exit(1);
}
