/**
 * P7, renewals: a renewal run of N subscriptions (10,000; --quick 300) through the scheduler, as the projector runs it
 * (docs/domain.md, "Subscriptions"): each subscription's period falls due at once, and the SchedulerRunner bills them
 * in waves, each renewal a real invoice issued in ONE atomic append with the subscription's SubscriptionPeriodBilled
 * (numbering, tax, due date), waiting for the due-work projection after each wave (so the next period is stated
 * before the row is finished). Every read model runs in the same process, as in the projector. Measured: renewals per
 * second over the run, and how long after the last renewal every read model has caught up (the run's time until fresh).
 *
 * The reference, in the same run and the same process: the same number of invoices (capped at 2,000) created and
 * issued one after another through the application handlers (createInvoice then issueInvoice: two appends, the
 * same numbering and tax), with the same read models running. A renewal does more (the subscription's stream, the
 * posting, the scheduler's bookkeeping and its wait for the due-work projection); the ratio says what that costs.
 *
 *   BENCH_P7_SUBSCRIPTIONS=10000 BENCH_P7_REFERENCE_MAX=2000 BENCH_P7_SEED_WRITERS=8
 *   BENCH_P7_CONCURRENCY=8 BENCH_P7_TENANT_CONCURRENCY=1 (the scheduler's wave size and pieces of one tenant at a time)
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { CommandContext } from '../../libs/application/src/index.js';
import { connectDatabase } from '../../libs/database/src/index.js';
import { PostgresEventStore } from '../../libs/event-store/src/index.js';
import { createPlan, createProduct } from '../../libs/ledger-application/src/catalog/index.js';
import { createInvoice, issueInvoice, schedulerOptionsOf, upsertCustomer, type ApplicationServices } from '../../libs/ledger-application/src/index.js';
import { scheduledWork } from '../../libs/ledger-application/src/scheduled-work.js';
import { createSubscription } from '../../libs/ledger-application/src/subscriptions/index.js';
import { ProjectionRunner, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { silentLog } from '../../libs/runtime/src/index.js';
import { EventStoreTenantClock, SchedulerRunner, schedulerRunnerDefaults, type DueWorkHandlerRegistration, type DueWorkHandlers } from '../../libs/scheduler/src/index.js';
import { InMemorySecretStore } from '../../libs/secrets/src/index.js';
import { allProjections } from '../../projections/index.js';
import { caseDatabase, integerFromEnv, type CaseContext } from '../lib/context.js';
import { waitForCheckpoints } from '../lib/ledger-api.js';
import { table, type CaseReport } from '../lib/report.js';
import { formatNumber, round, sleep, summarise } from '../lib/stats.js';

const TENANT = 'bench';
const CUSTOMERS = 100;
const CATCH_UP_TIMEOUT_MS = 600_000;

export async function runP7(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const subscriptions = context.quick ? 300 : integerFromEnv('BENCH_P7_SUBSCRIPTIONS', 10_000, 10);
  const referenceCount = Math.min(subscriptions, context.quick ? 300 : integerFromEnv('BENCH_P7_REFERENCE_MAX', 2_000, 10));
  const seedWriters = integerFromEnv('BENCH_P7_SEED_WRITERS', 8, 1);
  const concurrency = integerFromEnv('BENCH_P7_CONCURRENCY', schedulerRunnerDefaults.concurrency, 1);
  const tenantConcurrency = integerFromEnv('BENCH_P7_TENANT_CONCURRENCY', schedulerRunnerDefaults.tenantConcurrency, 1);

  const connectionString = await caseDatabase(context, 'renewals');
  const store = new PostgresEventStore({ connectionString });
  await store.migrate();
  const { db, close } = connectDatabase<ReadModelDatabase>(connectionString, { poolSize: 10, applicationName: 'bench-p7' });
  const clock = () => new Date();
  const services: ApplicationServices = { store, db, clock, tenantClock: new EventStoreTenantClock(store, clock), log: silentLog, config: { readYourWritesTimeoutMs: 5_000 }, secrets: new InMemorySecretStore() };
  const projections = new ProjectionRunner({ store, db, connectionString, projections: [...allProjections] });
  const work = scheduledWork(services);
  let scheduler: SchedulerRunner | undefined;
  const commandContext = (): CommandContext => {
    const commandId = randomUUID();
    return { tenantId: TENANT, actor: 'bench', commandId, correlationId: commandId, causationId: commandId, now: clock().toISOString() };
  };
  try {
    await projections.start();
    // The catalog, the customers and the subscriptions: every subscription starts today, its first period due now.
    await createProduct(services, commandContext(), { productId: 'fibre', name: 'Fibre', description: null, serviceType: 'broadband' });
    await createPlan(services, commandContext(), {
      planId: 'fibre-100',
      productId: 'fibre',
      kind: 'base',
      name: 'Fibre 100',
      terms: { cycle: { kind: 'monthly' }, timing: 'in_advance', prices: [{ currency: 'USD', amount: '39.99' }], taxTreatment: { kind: 'rate', rate: '20' } },
    });
    const address = { line1: '1 Bench Street', line2: null, city: 'Benchville', region: null, postalCode: '00000', country: 'US' };
    for (let index = 0; index < CUSTOMERS; index += 1) {
      await upsertCustomer(services, commandContext(), { customerId: `customer-${index}`, name: `Customer ${index}`, email: null, billingAddress: address, taxExempt: false });
    }
    const seedStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: seedWriters }, async () => {
        for (let index = next++; index < subscriptions; index = next++) {
          await createSubscription(services, commandContext(), { subscriptionId: `sub-${index}`, customerId: `customer-${index % CUSTOMERS}`, currency: 'USD', planId: 'fibre-100' });
        }
      }),
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    console.log(`P7: ${subscriptions} subscriptions created in ${formatNumber(seedSeconds, 1)} s`);
    const seededInMs = await waitForCheckpoints({ db, store }, allProjections.map((projection) => projection.name), CATCH_UP_TIMEOUT_MS);
    console.log(`P7: read models caught up with the seed ${seededInMs} ms after it`);
    const dueRows = await countDue(db);
    if (dueRows !== subscriptions) throw new Error(`P7: ${dueRows} renewals due after the seed, expected ${subscriptions}`);

    // The renewal run: the scheduler bills every due period, one after another. Each handler's own time (the renewal
    // command: reads, decision, the atomic append) is recorded, the rest of a step being the scheduler's.
    const handlerMs: number[] = [];
    const timed: DueWorkHandlers = Object.fromEntries(
      Object.entries(work.handlers).map(([kind, handler]) => {
        const registration: DueWorkHandlerRegistration = typeof handler === 'function' ? { handle: handler } : handler;
        return [
          kind,
          {
            ...registration,
            handle: async (item, handlerContext) => {
              const handlerStarted = performance.now();
              try {
                return await registration.handle(item, handlerContext);
              } finally {
                handlerMs.push(performance.now() - handlerStarted);
              }
            },
          } satisfies DueWorkHandlerRegistration,
        ];
      }),
    );
    scheduler = new SchedulerRunner({ ...schedulerOptionsOf(services, { ...work, handlers: timed }, connectionString), concurrency, tenantConcurrency, log: () => undefined });
    const runStarted = Date.now();
    await scheduler.start();
    for (;;) {
      if ((await countDue(db)) === 0) break;
      if (Date.now() - runStarted > CATCH_UP_TIMEOUT_MS) throw new Error('P7: the renewal run did not finish in time');
      await sleep(25);
    }
    const runMs = Date.now() - runStarted;
    await scheduler.stop();
    scheduler = undefined;
    const freshAfterMs = await waitForCheckpoints({ db, store }, allProjections.map((projection) => projection.name), CATCH_UP_TIMEOUT_MS);
    const issued = await countIssued(db);
    if (issued !== subscriptions) throw new Error(`P7: ${issued} invoices issued by the run, expected ${subscriptions}`);
    const renewalsPerSecond = round((subscriptions / runMs) * 1000, 1);
    const handler = summarise(Float64Array.from(handlerMs));
    const stepMs = runMs / subscriptions;
    console.log(
      `P7: ${subscriptions} renewals in ${formatNumber(runMs / 1000, 2)} s (waves of ${concurrency}, ${tenantConcurrency} at a time): ${formatNumber(renewalsPerSecond, 1)} invoices/s, ${formatNumber(stepMs, 2)} ms per renewal; read models fresh ${freshAfterMs} ms after the last`,
    );

    // The reference: invoices created and issued one after another through the handlers, with the same read models.
    const referenceStarted = Date.now();
    for (let index = 0; index < referenceCount; index += 1) {
      const draft = await createInvoice(services, commandContext(), {
        customerId: `customer-${index % CUSTOMERS}`,
        currency: 'USD',
        lines: [{ description: 'Fibre 100 (monthly)', quantity: '1', unitPrice: '39.99', taxRate: '20' }],
      });
      await issueInvoice(services, commandContext(), { invoiceId: draft.state.invoiceId as string });
    }
    const referenceMs = Date.now() - referenceStarted;
    const referenceFreshAfterMs = await waitForCheckpoints({ db, store }, allProjections.map((projection) => projection.name), CATCH_UP_TIMEOUT_MS);
    const referencePerSecond = round((referenceCount / referenceMs) * 1000, 1);
    const ratio = round(renewalsPerSecond / referencePerSecond, 3);
    console.log(`P7: reference ${referenceCount} createInvoice + issueInvoice in ${formatNumber(referenceMs / 1000, 2)} s: ${formatNumber(referencePerSecond, 1)} invoices/s; ratio ${ratio}`);

    const summary = table(
      ['run', 'invoices', 'seconds', 'invoices/s', 'read models fresh after the last (ms)'],
      [
        ['renewal run (scheduler: SubscriptionPeriodBilled + invoice issued, one atomic append each)', subscriptions, formatNumber(runMs / 1000, 2), formatNumber(renewalsPerSecond, 1), freshAfterMs],
        ['reference: createInvoice + issueInvoice through the handlers, one after another', referenceCount, formatNumber(referenceMs / 1000, 2), formatNumber(referencePerSecond, 1), referenceFreshAfterMs],
      ],
      [false, true, true, true, true],
    );
    const markdown = `${subscriptions} monthly subscriptions (39.99 USD, 20% tax) of ${CUSTOMERS} customers, all starting today, so that every
first period is due at once; created through the handlers by ${seedWriters} writers in ${formatNumber(seedSeconds, 1)} s (not
measured). Then one SchedulerRunner bills them, as the projector runs it: each renewal is one command (the subscription
stream, the invoice drafted and issued with its number, one atomic append), after which the scheduler waits for the
due-work projection to see it and finishes the row. Every read model runs in the same process. The reference, in the
same process and run, creates and issues ${referenceCount} invoices one after another through the handlers.

${summary}

- One renewal step took ${formatNumber(stepMs, 2)} ms on average: the renewal command itself (the handler: load the subscription, the
  settings, the customer and the number sequences, decide, one atomic append) p50 ${formatNumber(handler.p50Ms, 2)} ms, p99
  ${formatNumber(handler.p99Ms, 2)} ms, mean ${formatNumber(handler.meanMs, 2)} ms; the rest is the scheduler's (the wait for the due-work projection, the
  bookkeeping and the next scan).
- Renewals ÷ reference invoices/s: **${ratio.toFixed(3)}**. The scheduler ran waves of up to ${concurrency} renewals due at the same
  instant (one per subscription's lane), ${tenantConcurrency} of one tenant at a time, with one wait for the due-work projection per
  wave (libs/scheduler/README.md, "Waves"): a tenant's renewals share its invoice number sequence, so they commit one
  after another whatever the concurrency, and a run is bounded by one command's latency per renewal plus one wait per
  wave. Several tenants' renewals run side by side within a wave (one scheduler lease).
- Read models fresh: every projection's checkpoint at the log's head, ${freshAfterMs} ms after the last renewal (the run's time until
  fresh: ${formatNumber((runMs + freshAfterMs) / 1000, 2)} s).
`;
    return {
      id: 'P7',
      title: 'renewal run (scheduler, invoices issued)',
      seeded: `${subscriptions} subscriptions of ${CUSTOMERS} customers, each with its first period due, in a fresh database with every read model running.`,
      bars: [
        { name: 'renewals ÷ createInvoice+issueInvoice, same run (invoices/s)', value: ratio, unit: 'x', comparison: '>=', detail: 'scheduler run vs handlers, one at a time; no bar yet' },
        { name: 'renewal run: read models fresh after the last renewal', value: freshAfterMs, unit: 'ms', comparison: '<=', detail: 'every projection at the head; no bar yet' },
      ],
      markdown,
      data: { settings: { subscriptions, referenceCount, seedWriters, customers: CUSTOMERS, concurrency, tenantConcurrency }, runMs, renewalsPerSecond, stepMs, handler, freshAfterMs, referenceMs, referencePerSecond, referenceFreshAfterMs, ratio },
      durationSeconds: round((Date.now() - started) / 1000, 1),
      generatedAt: new Date().toISOString(),
      quick: context.quick,
    };
  } finally {
    await scheduler?.stop().catch(() => undefined);
    await projections.stop().catch(() => undefined);
    await store.close();
    await close();
  }
}

async function countDue(db: ReturnType<typeof connectDatabase<ReadModelDatabase>>['db']): Promise<number> {
  const { rows } = await sql<{ due: string }>`select count(*)::text as due from read_models.subscription_due_work where tenant_id = ${TENANT} and due_at <= now()`.execute(db);
  return Number(rows[0]?.due ?? 0);
}

async function countIssued(db: ReturnType<typeof connectDatabase<ReadModelDatabase>>['db']): Promise<number> {
  const { rows } = await sql<{ issued: string }>`select count(*)::text as issued from event_store.events where type = 'InvoiceIssued' and stream_id like ${`${TENANT}:invoice-%`}`.execute(db);
  return Number(rows[0]?.issued ?? 0);
}
