import { connectDatabase } from '../../../database/src/index.js';
import { PostgresEventStore } from '../../../event-store/src/index.js';
import { ProjectionRunner } from '../../../projection-runtime/src/index.js';
import { SchedulerRunner } from '../scheduler-runner.js';
import { EventStoreTenantClock } from '../tenant-clock.js';
import { counterHandler, TOY_COUNT, toyDueWorkProjection } from './toy-due-work.js';

/**
 * A scheduler process of its own, for the crash test (libs/scheduler/src/scheduler.kill.int.spec.ts): the toy's
 * due-work projection and a scheduler running `toy.count` work, as the projector process would run them. After each
 * command it prints `{"appended": "<work key>"}` and pauses SCHEDULER_PAUSE_MS before the scheduler's bookkeeping,
 * so that a SIGKILL lands between the two. Stops on SIGTERM. Built into dist/ with the rest (scripts/build.mjs).
 */
const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('scheduler-child: DATABASE_URL is not set');
const pauseMs = Number(process.env.SCHEDULER_PAUSE_MS ?? 0);
const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const store = new PostgresEventStore({ connectionString });
const { db, close } = connectDatabase(connectionString, { applicationName: 'scheduler-child' });
const projection = toyDueWorkProjection();
const projections = new ProjectionRunner({ store, db, connectionString, projections: [projection] });
await projections.start();
const scheduler = new SchedulerRunner({
  store,
  db,
  connectionString,
  sources: [projection],
  clock: new EventStoreTenantClock(store),
  log: (message) => print({ log: message }),
  handlers: {
    [TOY_COUNT]: counterHandler(store, {
      after: async (item) => {
        print({ appended: item.workKey });
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      },
    }),
  },
});
await scheduler.start();
print({ ready: true });

process.on('SIGTERM', () => {
  void (async () => {
    await scheduler.stop();
    await projections.stop();
    await store.close();
    await close();
    process.exit(0);
  })();
});
