import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { addDaysToCalendarDate, calendarDateInZone, type SubscriptionPeriodBilled } from '../../libs/billing/src/index.js';
import type { CommandContext } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { createPlan, createProduct } from '../../libs/ledger-application/src/catalog/index.js';
import { createSubscription } from '../../libs/ledger-application/src/subscriptions/index.js';
import { upsertCustomer, type ApplicationServices } from '../../libs/ledger-application/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { silentLog } from '../../libs/runtime/src/index.js';
import { dueWorkCommandId, RealTimeTenantClock } from '../../libs/scheduler/src/index.js';
import { InMemorySecretStore } from '../../libs/secrets/src/index.js';
import { createStoreDatabase, type StoreDatabase } from '../../libs/testing/src/test-database.js';
import { periodInvoiceId } from '../../projections/subscriptions/subscription-documents.js';
import { eventually as eventuallyEvery, exited, startSchedulerChild, type SchedulerChild } from '../../libs/testing/src/scheduler-child.js';
import { readSettledLog } from '../../libs/testing/src/settled-log.js';

/**
 * kill -9 of the scheduler process in the middle of a renewal run (docs/domain.md, "Subscriptions: renewals exactly
 * once"). The child (test/support/subscription-scheduler-child.ts) runs the ledger's own due-work projections and
 * renewal handlers, and pauses after each renewal's atomic append, before the scheduler's bookkeeping: the kill lands
 * there, with an invoice issued and its work still in the table. The subscriptions renew in groups of four due at one
 * instant, which the scheduler runs as waves (one lane per subscription, four renewals sharing one wait for the
 * due-work projections before their bookkeeping), so the kill lands in the middle of a wave, with several renewals
 * appended and none of their bookkeeping done. A restarted scheduler
 * re-dispatches that work with the same command ids, which the event store recognises: every period is billed exactly
 * once, none is missed, and the invoice numbers stay gapless.
 */

const childMain = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'test', 'support', 'subscription-scheduler-child.js');
const TENANT = 'renewals';
const SUBSCRIPTIONS = 8;
/** Subscriptions starting on the same day: their renewals fall due at one instant, and run as one wave. */
const WAVE = 4;
/** Each subscription started this many days ago: about four monthly periods to catch up each. */
const BACKDATE_DAYS = 100;

type Child = SchedulerChild;

function startScheduler(connectionString: string, pauseMs: number, onAppended?: (key: string, child: Child) => void): Child {
  return startSchedulerChild(childMain, connectionString, pauseMs, onAppended);
}

const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, output: () => string[]): Promise<T> => eventuallyEvery(what, probe, timeoutMs, output, 50);

/** The day (after the first) subscription `index` starts on. */
function startDay(index: number): number {
  return Math.floor(index / WAVE);
}

describe('the scheduler killed with SIGKILL in the middle of a renewal run', () => {
  let opened: StoreDatabase<ReadModelDatabase>;
  let services: ApplicationServices;

  beforeAll(async () => {
    opened = await createStoreDatabase<ReadModelDatabase>('subscriptions_kill');
    const clock = () => new Date();
    services = { store: opened.store, db: opened.connection.db, clock, tenantClock: new RealTimeTenantClock(clock), log: silentLog, config: { readYourWritesTimeoutMs: 5_000 }, secrets: new InMemorySecretStore() };
  });

  afterAll(() => opened.close());

  const context = (): CommandContext => {
    const commandId = randomUUID();
    return { tenantId: TENANT, actor: 'test', commandId, correlationId: commandId, causationId: commandId, now: new Date().toISOString() };
  };

  it('is restarted, re-sends the renewal in hand with the same command id: every period billed exactly once, none missed, numbers gapless', async () => {
    const today = calendarDateInZone(new Date().toISOString(), 'UTC');
    // The 10th of the month about BACKDATE_DAYS ago (the groups start on the 10th and the 11th): every month has those
    // days, so no renewal is clamped to a month's end, where two groups would fall due together (a start on the 30th
    // and one on the 31st both renew on 30 September) and a wave would hold eight renewals, not four.
    const startDate = `${addDaysToCalendarDate(today, -BACKDATE_DAYS).slice(0, 8)}10`;
    await createProduct(services, context(), { productId: 'fibre', name: 'Fibre', description: null, serviceType: 'broadband' });
    await createPlan(services, context(), {
      planId: 'fibre-100',
      productId: 'fibre',
      kind: 'base',
      name: 'Fibre 100',
      terms: { cycle: { kind: 'monthly' }, timing: 'in_advance', prices: [{ currency: 'USD', amount: '10.00' }], taxTreatment: { kind: 'exempt' } },
    });
    const address = { line1: '1 Test Street', line2: null, city: 'Testville', region: null, postalCode: '00000', country: 'US' };
    const ids = Array.from({ length: SUBSCRIPTIONS }, (_, index) => `sub-${index}`);
    for (const [index, subscriptionId] of ids.entries()) {
      await upsertCustomer(services, context(), { customerId: `customer-${index}`, name: `Customer ${index}`, email: null, billingAddress: address, taxExempt: false });
      // Two start days, four subscriptions each: the groups' renewals interleave in due order, each group a wave.
      await createSubscription(services, context(), { subscriptionId, customerId: `customer-${index}`, currency: 'USD', planId: 'fibre-100', startDate: addDaysToCalendarDate(startDate, startDay(index)) });
    }

    let killedAt: string | undefined;
    const first = startScheduler(opened.database.connectionString, 400, (key, child) => {
      // The 10th renewal (the second of the third wave) has appended its invoice; its bookkeeping is 400 ms away: kill now.
      if (child.appended.length === 10 && killedAt === undefined) {
        killedAt = key;
        child.process.kill('SIGKILL');
      }
    });
    await exited(first.process);
    expect(first.process.signalCode).toBe('SIGKILL');
    if (killedAt === undefined) throw new Error(`the first scheduler never renewed 10 periods:\n${first.output.join('\n')}`);
    const killed: string = killedAt;
    // Really killed in between: the renewal appended, the row of its work is still there.
    const { rows: left } = await sql<{ work_key: string }>`select work_key from read_models.subscription_due_work where tenant_id = ${TENANT} order by due_at, work_key`.execute(opened.connection.db);
    expect(left.map((row) => row.work_key)).toContain(killed);
    // In the middle of a wave: the killed renewal was not the first of its wave to append (its wave is the renewals
    // due at its instant), and the rest of the wave had not started: still due, untouched.
    const dateOf = (key: string) => key.slice(key.lastIndexOf(':') + 1);
    const inWave = first.appended.filter((key) => dateOf(key) === dateOf(killed));
    expect(inWave.length).toBeGreaterThanOrEqual(2);
    expect(inWave.length).toBeLessThan(WAVE);
    const notStarted = left.map((row) => row.work_key).filter((key) => dateOf(key) === dateOf(killed) && !first.appended.includes(key));
    expect(notStarted).toHaveLength(WAVE - inWave.length);

    const second = startScheduler(opened.database.connectionString, 0);
    const now = new Date().toISOString();
    try {
      await eventually(
        'every renewal due by now done',
        async () => {
          const { rows } = await sql<{ due: string }>`select count(*)::text as due from read_models.subscription_due_work where tenant_id = ${TENANT} and due_at <= ${now}::timestamptz`.execute(opened.connection.db);
          return rows[0]?.due === '0' ? true : undefined;
        },
        120_000,
        () => [...first.output, '--- restarted ---', ...second.output],
      );
    } finally {
      second.process.kill('SIGTERM');
      await exited(second.process);
    }
    expect(second.process.exitCode).toBe(0);
    // The renewal the first was killed in was either re-sent first (and recognised by its command id) or withdrawn by
    // the due-work projection once it saw the bill; never sent later, after another renewal of its subscription.
    for (const inHand of inWave) {
      const ofItsSubscription = second.appended.filter((key) => key.startsWith(`${inHand.split(':bill_period:')[0] as string}:`));
      if (ofItsSubscription.includes(inHand)) expect(ofItsSubscription[0]).toBe(inHand);
    }

    // Settled first: another suite's open transaction on the server may still hide the newest commits from $all.
    const events: RecordedEvent[] = await readSettledLog(opened.store, { filter: { streamPrefixes: [`${TENANT}:`] } });
    const bills = events.filter((event) => event.type === 'SubscriptionPeriodBilled');
    const billed = bills.map((event) => event.data as unknown as SubscriptionPeriodBilled['data']);
    const killedPeriod = killed.split(':bill_period:');
    expect(billed.filter((bill) => bill.subscriptionId === killedPeriod[0]?.slice('subscription:'.length) && bill.period.start === killedPeriod[1])).toHaveLength(1);
    for (const [index, subscriptionId] of ids.entries()) {
      // Every monthly period from the start date to today, once each, in order.
      const start = addDaysToCalendarDate(startDate, startDay(index));
      const periods = billed.filter((bill) => bill.subscriptionId === subscriptionId).map((bill) => bill.period.start);
      expect(periods.length).toBeGreaterThanOrEqual(4);
      expect(periods[0]).toBe(start);
      expect(new Set(periods).size).toBe(periods.length);
      expect([...periods].sort()).toEqual(periods);
      expect(periods.every((period) => period <= today)).toBe(true);
      // Each bill is the command of its own work (the work key names the period) and names the period's invoice.
      for (const bill of bills.filter((event) => (event.data as { subscriptionId?: string }).subscriptionId === subscriptionId)) {
        const data = bill.data as unknown as SubscriptionPeriodBilled['data'];
        expect(bill.metadata.commandId).toBe(dueWorkCommandId(TENANT, `subscription:${subscriptionId}:bill_period:${data.period.start}`));
        expect(data.invoiceId).toBe(periodInvoiceId(subscriptionId, data.period.start));
      }
    }
    // One invoice per bill, issued once, numbered without a gap or a repeat.
    const issued = events.filter((event) => event.type === 'InvoiceIssued').map((event) => event.data as { invoiceId: string; number: string });
    expect(issued.map((invoice) => invoice.invoiceId).sort()).toEqual(billed.map((bill) => bill.invoiceId).sort());
    const byYear = new Map<string, number[]>();
    for (const { number } of issued) {
      const [, year, sequence] = /^INV-(\d{4})-(\d{6})$/.exec(number) ?? [];
      byYear.set(year as string, [...(byYear.get(year as string) ?? []), Number(sequence)]);
    }
    for (const sequences of byYear.values()) expect(sequences.sort((a, b) => a - b)).toEqual(sequences.map((_, index) => index + 1));
  }, 180_000);
});
