import { dueWork, evolveSubscription, initialSubscriptionState, startOfDayInZone, subscriptionEventTypes, type SubscriptionState } from '../../libs/billing/src/index.js';
import { aggregates } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { dueWorkProjection, type DueWorkEntry, type DueWorkProjection } from '../../libs/scheduler/src/index.js';

/** The due-work kinds of subscriptions, one handler each (libs/ledger-application/src/subscriptions/subscription-due-work.handlers.ts). */
export const subscriptionWorkKinds = {
  activate: 'subscription.activate',
  end_trial: 'subscription.end_trial',
  apply_pending_change: 'subscription.apply_pending_change',
  bill_period: 'subscription.bill_period',
  terminate: 'subscription.terminate',
} as const;

/** What a subscription's due work carries to its handler: the subscription, the work's own key and dates. */
export interface SubscriptionWorkPayload {
  readonly subscriptionId: string;
  /** The work's key within the subscription (`bill_period:2025-03-01`), as dueWork states it. */
  readonly key: string;
  /** The tenant's calendar date the work falls due on, in the subscription's zone. */
  readonly dueDate: string;
  /** The period to bill (bill_period only). */
  readonly periodStart: string | null;
}

/**
 * The scheduler's work for subscriptions, in fold mode (libs/scheduler/README.md, "Due work"): each subscription's
 * state is folded with the aggregate's own `evolve`, and its pending work after every event is exactly the aggregate's
 * `dueWork(state)` (activation, end of trial, pending changes, the next bill, a scheduled termination), so the
 * scheduler runs what the decider will accept and nothing else. A due date is a calendar date in the subscription's
 * zone (SubscriptionCreated.timeZone, carried by the event so that no other stream is read); the work falls due at the
 * start of that day there (startOfDayInZone). Work keys are `subscription:<id>:<kind>:<date>`: the period is in the key,
 * so each period's bill has its own command id and is never taken for another's. A subscription's work shares one lane,
 * `subscription:<id>` (version 2): the scheduler runs it one piece at a time in due order, and runs different
 * subscriptions' work side by side.
 */
export const subscriptionDueWorkProjection: DueWorkProjection = dueWorkProjection<SubscriptionState>({
  name: 'subscription_due_work',
  version: 2,
  eventTypes: subscriptionEventTypes,
  fold: {
    entityOf: (event: RecordedEvent) => String((event.data as { subscriptionId?: unknown }).subscriptionId),
    initialState: initialSubscriptionState,
    evolve: (state: SubscriptionState, event: RecordedEvent) => evolveSubscription(state, aggregates.subscription.parse(event)),
    dueWork: subscriptionDueWorkOf,
  },
});

/** A subscription's pending work as due-work rows. */
export function subscriptionDueWorkOf(state: SubscriptionState): DueWorkEntry[] {
  return dueWork(state).map((work) => {
    const payload: SubscriptionWorkPayload = { subscriptionId: work.subscriptionId, key: work.key, dueDate: work.dueDate, periodStart: work.periodStart };
    return {
      workKey: `subscription:${work.subscriptionId}:${work.key}`,
      kind: subscriptionWorkKinds[work.kind],
      dueAt: startOfDayInZone(work.dueDate, state.timeZone),
      payload: { ...payload },
      lane: `subscription:${work.subscriptionId}`,
    };
  });
}
