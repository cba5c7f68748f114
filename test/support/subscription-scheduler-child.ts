import { connectDatabase } from '../../libs/database/src/index.js';
import { PostgresEventStore } from '../../libs/event-store/src/index.js';
import { schedulerOptionsOf, type ApplicationServices } from '../../libs/ledger-application/src/index.js';
import { scheduledWork } from '../../libs/ledger-application/src/scheduled-work.js';
import { ProjectionRunner } from '../../libs/projection-runtime/src/index.js';
import { ledgerLogFrom } from '../../libs/runtime/src/index.js';
import { EventStoreTenantClock, SchedulerRunner, type DueWorkHandlerRegistration, type DueWorkHandlers } from '../../libs/scheduler/src/index.js';
import { InMemorySecretStore } from '../../libs/secrets/src/index.js';
import { dueWorkSources } from '../../projections/due-work-sources.js';

/**
 * A scheduler process of its own for the subscriptions crash test (test/reliability/subscriptions-scheduler-kill.int.spec.ts):
 * the ledger's own due-work projections and scheduled work (the subscriptions' renewals), as the projector runs them.
 * After each piece of subscription work's command it prints `{"appended": "<work key>"}` and pauses SCHEDULER_PAUSE_MS before the
 * scheduler's bookkeeping, so that a SIGKILL lands between the two. Stops on SIGTERM. Built into dist/ by the test
 * run's global setup (scripts/build.mjs builds test/support).
 */
const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('subscription-scheduler-child: DATABASE_URL is not set');
const pauseMs = Number(process.env.SCHEDULER_PAUSE_MS ?? 0);
const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const store = new PostgresEventStore({ connectionString });
const { db, close } = connectDatabase(connectionString, { applicationName: 'subscription-scheduler-child' });
const clock = () => new Date();
const log = ledgerLogFrom((line: string) => print({ log: line }), { name: 'subscription-scheduler-child', level: 'warn' });
const application: ApplicationServices = { store, db, clock, tenantClock: new EventStoreTenantClock(store, clock), log, config: { readYourWritesTimeoutMs: 5_000 }, secrets: new InMemorySecretStore() };
const work = scheduledWork(application);
const handlers: DueWorkHandlers = Object.fromEntries(
  Object.entries(work.handlers).map(([kind, handler]) => {
    const registration: DueWorkHandlerRegistration = typeof handler === 'function' ? { handle: handler } : handler;
    // Only the subscriptions' work is reported and paused: the other features' work (the invoices' reminders and
    // overdue marks, docs/overdue.md) runs as usual beside it.
    if (!kind.startsWith('subscription.')) return [kind, registration];
    const paused: DueWorkHandlerRegistration = {
      ...registration,
      handle: async (item, context) => {
        const outcome = await registration.handle(item, context);
        // Only the renewals are reported and paused on: other due work (the payment reminders of the invoices the
        // renewals issue) runs as in the projector, unobserved.
        if (!item.workKey.startsWith('subscription:')) return outcome;
        print({ appended: item.workKey });
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        return outcome;
      },
    };
    return [kind, paused];
  }),
);
const projections = new ProjectionRunner({ store, db, connectionString, projections: [...dueWorkSources] });
await projections.start();
const scheduler = new SchedulerRunner({ ...schedulerOptionsOf(application, { ...work, handlers }, connectionString), log: (message) => print({ log: message }) });
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
