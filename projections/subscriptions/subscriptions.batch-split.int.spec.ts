import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { storedEvents, uuidV5, type CommandContext } from '../../libs/application/src/index.js';
import {
  commandForDueWork,
  dueWork,
  startOfDayInZone,
  subscriptionDecider,
  subscriptionEventTypes,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionState,
} from '../../libs/billing/src/index.js';
import { commands, instantOn, planTerms, withAddon, withBase } from '../../libs/billing/src/subscription/subscription.test-helper.js';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { PostgresEventStore, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { projectInBatches, readAppendedLog, seededBatchSizes } from '../../libs/testing/src/batch-split.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { subscriptionDueWorkProjection } from './subscription-due-work.projection.js';
import { subscriptionsProjection } from './subscriptions.projection.js';

/**
 * The subscriptions read model and the subscriptions' due work fold whole batches in memory (applyBatch): their rows
 * must not depend on how the log is cut into batches, and a batch sends a fixed number of statements whatever it
 * holds. The history is real: each tenant's subscription lives through decider decisions (trials, setup fees, bills,
 * changes of all three proration behaviours, pending changes, suspensions under both policies, cancellations now and at
 * the period end, withdrawals, terminations, calendar alignment in another zone), appended as the application appends
 * them, and the tenants' commands interleaved in the log.
 */

const STATEMENTS_PER_BATCH_MAX: Record<string, number> = { subscriptions: 5, subscription_due_work: 6 };

const fibre200 = planTerms({ planId: 'fibre-200', name: 'Fibre 200', unitPrice: '20.00' });
const fibre50 = planTerms({ planId: 'fibre-50', name: 'Fibre 50', unitPrice: '5.00' });
const staticIp = planTerms({ planId: 'static-ip', productId: 'static-ip', name: 'Static IP', serviceType: 'addon', unitPrice: '3.00' });

/** The commands the scheduler would send for `create`, each on its due date, until `until`. */
function scheduledLife(create: SubscriptionCommand, until: string, extra: (state: SubscriptionState, day: string) => SubscriptionCommand | null = () => null): SubscriptionCommand[] {
  const sequence: SubscriptionCommand[] = [create];
  let state = subscriptionDecider.decide(create, subscriptionDecider.initialState).reduce(subscriptionDecider.evolve, subscriptionDecider.initialState);
  for (let step = 0; step < 60; step += 1) {
    const work = dueWork(state)[0];
    if (work === undefined || work.dueDate > until) break;
    const manual = extra(state, work.dueDate);
    const command = manual ?? commandForDueWork(work, { today: work.dueDate, now: instantOn(work.dueDate), invoiceId: `inv-${work.key}` });
    state = subscriptionDecider.decide(command, state).reduce(subscriptionDecider.evolve, state);
    sequence.push(command);
  }
  return sequence;
}

/** Each tenant's subscription (sub-1), as the sequence of its commands. */
const lives: Record<string, SubscriptionCommand[]> = {
  rich: [
    commands.create({ today: '2025-03-01', ...withBase(planTerms({ trialDays: 5, setupFee: '5.00' })), ...withAddon(staticIp, '2') }),
    commands.activate('2025-04-01'),
    commands.endTrial('2025-04-06'),
    commands.bill('2025-04-06'),
    commands.change('2025-04-10', { newTerms: fibre200, prorationBehavior: 'always_invoice', invoiceId: 'inv-c' }),
    commands.change('2025-04-11', { newTerms: fibre50, effective: 'period_end' }),
    commands.suspend('2025-04-12', 'pause_billing', 'Dunning'),
    commands.resume('2025-04-14'),
    commands.applyPending('2025-05-06'),
    commands.bill('2025-05-06'),
    commands.cancel('2025-05-07', { at: 'period_end' }),
    commands.withdraw('2025-05-08'),
    commands.cancel('2025-05-09', { at: 'period_end' }),
    commands.terminate('2025-06-06'),
  ],
  cancelled: [commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-10', { newTerms: fibre200 }), commands.cancel('2025-04-20')],
  calendar: scheduledLife(
    commands.create({ ...withBase(planTerms({ unitPrice: '50.00' })), startDate: '2025-08-10', today: '2025-08-10', alignment: 'calendar', timeZone: 'Europe/Paris' }),
    '2025-12-01',
  ),
  arrears: scheduledLife(commands.create({ ...withBase(planTerms({ timing: 'in_arrears' })), ...withAddon({ ...staticIp, timing: 'in_arrears' }) }), '2025-08-01', (state, day) => {
    if (day === '2025-06-01' && state.status === 'active') return commands.suspend('2025-05-20', 'continue_billing', 'Dunning');
    if (day === '2025-07-01' && state.status === 'suspended') return commands.resume('2025-06-15');
    return null;
  }),
  pending: [commands.create({ today: '2025-03-20', startDate: '2026-01-31', anchorDay: 31 }), commands.change('2025-03-25', { quantity: '3' })],
};

/** The events of every life, appended per command and interleaved across tenants, read back from $all. */
async function appendLives(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const queues = Object.entries(lives).map(([tenantId, sequence]) => {
    let state = subscriptionDecider.initialState;
    return {
      tenantId,
      decided: sequence.map((command) => {
        const events: SubscriptionEvent[] = subscriptionDecider.decide(command, state);
        state = events.reduce(subscriptionDecider.evolve, state);
        return { command, events };
      }),
    };
  });
  const revisions = new Map<string, bigint>();
  let appended = 0;
  for (let round = 0; queues.some((queue) => queue.decided.length > round); round += 1) {
    for (const { tenantId, decided } of queues) {
      const next = decided[round];
      if (next === undefined || next.events.length === 0) continue;
      const streamId = `${tenantId}:subscription-sub-1`;
      const commandId = uuidV5(`${tenantId}:${round}`);
      const context: CommandContext = { tenantId, actor: 'spec', commandId, correlationId: commandId, causationId: commandId, now: next.command.metadata.now };
      const revision = revisions.get(streamId);
      await store.appendToStream(streamId, storedEvents(next.events, context, streamId), { expectedRevision: revision === undefined ? 'no_stream' : revision });
      revisions.set(streamId, (revision ?? -1n) + BigInt(next.events.length));
      appended += next.events.length;
    }
  }
  return readAppendedLog(store, appended);
}

describe('subscriptions read models: any split of the log gives the same rows', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let history: RecordedEvent[];

  beforeAll(async () => {
    database = await createTestDatabase('subscriptions_split');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString, { poolSize: 2, applicationName: 'subscriptions-split' });
    history = await appendLives(store);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await connection?.close();
    await database?.drop();
  });

  const projections: readonly Projection[] = [subscriptionsProjection, subscriptionDueWorkProjection];

  it('the history holds every subscription event type, so no rule of the projections goes untried', () => {
    expect(new Set(history.map((event) => event.type))).toEqual(new Set(subscriptionEventTypes));
  });

  it.each(projections.map((projection) => [projection.name, projection] as const))(
    '%s: one event per batch, the whole log in one batch and seeded random splits give the same rows',
    async (_name, projection) => {
      const one = await projectInBatches(connection.db, projection, history, history.map(() => 1));
      for (const table of projection.tables) expect(one.rows[table]?.length ?? 0).toBeGreaterThan(0);
      const whole = await projectInBatches(connection.db, projection, history, [history.length]);
      expect(whole.rows).toEqual(one.rows);
      for (const seed of [7, 42, 2026]) {
        const sizes = seededBatchSizes(history.length, 3 + (seed % 5), seed);
        expect({ seed, rows: (await projectInBatches(connection.db, projection, history, sizes)).rows }).toEqual({ seed, rows: one.rows });
      }
    },
    120_000,
  );

  it('any split drawn at random gives the rows of one event per batch (both projections)', async () => {
    const expected = await Promise.all(projections.map(async (projection) => (await projectInBatches(connection.db, projection, history, history.map(() => 1))).rows));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: history.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const points = [...new Set([0, ...cuts, history.length])].sort((a, b) => a - b);
        const sizes = points.slice(1).map((point, index) => point - (points[index] as number));
        for (const [index, projection] of projections.entries()) {
          expect((await projectInBatches(connection.db, projection, history, sizes)).rows).toEqual(expected[index]);
        }
      }),
      { numRuns: 8 },
    );
  }, 240_000);

  it.each(projections.map((projection) => [projection.name, projection] as const))('%s: the statements of a batch do not grow with its events', async (name, projection) => {
    const small = await projectInBatches(connection.db, projection, history.slice(0, 5), [5]);
    const whole = await projectInBatches(connection.db, projection, history, [history.length]);
    expect(small.statements[0]).toBeLessThanOrEqual(STATEMENTS_PER_BATCH_MAX[name] as number);
    expect(whole.statements[0]).toBeLessThanOrEqual(STATEMENTS_PER_BATCH_MAX[name] as number);
  });

  it('the rows say what the decider says: status, current period, next bill, pending change, charges; due work at the start of the due day in the zone', async () => {
    const { rows } = await projectInBatches(connection.db, subscriptionsProjection, history, [history.length]);
    const subscriptions = Object.fromEntries((rows.subscriptions ?? []).map((text) => JSON.parse(text) as Record<string, unknown>).map((row) => [row.tenant_id, row]));
    expect(subscriptions.rich).toMatchObject({ status: 'terminated', service_status: 'terminated', terminated_on: '2025-06-06', termination_reason: 'cancelled_at_period_end', next_bill_date: null });
    expect(subscriptions.cancelled).toMatchObject({ status: 'terminated', termination_reason: 'cancelled_now', terminated_on: '2025-04-20' });
    expect(subscriptions.calendar).toMatchObject({ status: 'active', time_zone: 'Europe/Paris', current_period_start: '2025-12-01', current_period_end: '2026-01-01', next_bill_date: '2026-01-01' });
    expect(subscriptions.pending).toMatchObject({ status: 'pending', start_date: '2026-01-31', next_bill_date: '2026-01-31', anchor_day: 31 });
    const items = (rows.subscription_items ?? []).map((text) => JSON.parse(text) as Record<string, unknown>).filter((row) => row.tenant_id === 'pending');
    expect(items).toEqual([expect.objectContaining({ item_id: 'base', plan_id: 'fibre-100', quantity: '3', unit_price: '10.00' })]);
    const charges = (rows.subscription_invoices ?? []).map((text) => JSON.parse(text) as Record<string, unknown>).filter((row) => row.tenant_id === 'calendar');
    expect(charges.sort((a, b) => Number(a.sequence) - Number(b.sequence)).map((row) => [row.period_start, row.charged])).toEqual([
      ['2025-08-10', 35.48],
      ['2025-09-01', 50.0],
      ['2025-10-01', 50.0],
      ['2025-11-01', 50.0],
      ['2025-12-01', 50.0],
    ]);

    const work = await projectInBatches(connection.db, subscriptionDueWorkProjection, history, [history.length]);
    const due = (work.rows.subscription_due_work ?? []).map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(due.filter((row) => row.tenant_id === 'calendar').map((row) => [row.work_key, row.kind, row.due_at])).toEqual([
      ['subscription:sub-1:bill_period:2026-01-01', 'subscription.bill_period', '2025-12-31T23:00:00+00:00'],
    ]);
    expect(startOfDayInZone('2026-01-01', 'Europe/Paris')).toBe('2025-12-31T23:00:00.000Z');
    // The pending subscription: activated and billed on its start date (an anchor on the 31st); nothing for the terminated ones.
    expect(due.filter((row) => row.tenant_id === 'pending').map((row) => row.work_key)).toEqual(['subscription:sub-1:activate:2026-01-31', 'subscription:sub-1:bill_period:2026-01-31']);
    expect(due.filter((row) => row.tenant_id === 'rich' || row.tenant_id === 'cancelled')).toEqual([]);
  });
});
