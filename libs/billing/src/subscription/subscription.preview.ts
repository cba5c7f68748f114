import type { BillingPeriod } from '../billing-period/index.js';
import { isCalendarDate } from '../common/calendar-date.js';
import { fold } from '../common/decider.js';
import type { ChangeSubscription } from './subscription.commands.js';
import { decideSubscription } from './subscription.decide.js';
import { subscriptionDecider } from './subscription.decider.js';
import { commandForDueWork, dueWork } from './subscription.due-work.js';
import type { ChargeLine, SubscriptionEvent } from './subscription.events.js';
import { subscriptionLimits } from './subscription.limits.js';
import type { SubscriptionState } from './subscription.state.js';

/** The invoice id the previews decide with: it names nothing, and no preview event is ever stored. */
const previewInvoiceId = 'preview';

/**
 * A bound on the due work run before the next bill: activate, end the trial, one application of pending changes per
 * item (their dates may differ), then the bill.
 */
const previewStepsMax = 2 + 1 + subscriptionLimits.addonsMax + 1;

export interface UpcomingCharges {
  period: BillingPeriod;
  /** The day the period is billed. */
  dueDate: string;
  lines: ChargeLine[];
  total: string;
}

/**
 * The lines the next BillSubscriptionPeriod will produce, found by running the same decisions the scheduler will: the
 * work due before that bill (activation, end of trial, pending changes) and the bill itself, each decided on
 * max(today, its due date) with decideSubscription, on a copy of the state. Null when no period is left to bill
 * (terminated, or nothing before a scheduled cancellation).
 */
export function upcomingCharges(state: SubscriptionState, today: string): UpcomingCharges | null {
  let current = state;
  for (let step = 0; step < previewStepsMax; step += 1) {
    const work = dueWork(current);
    const first = work[0];
    if (first === undefined || !work.some((item) => item.kind === 'bill_period') || first.kind === 'terminate') return null;
    const day = [today, first.dueDate, current.lastActedOn ?? today].sort().at(-1) as string;
    const events = decideSubscription(commandForDueWork(first, { today: day, now: instantOf(day), invoiceId: previewInvoiceId }), current);
    const billed = events.find((event) => event.type === 'SubscriptionPeriodBilled');
    if (billed !== undefined) return { period: billed.data.period, dueDate: first.dueDate, lines: billed.data.lines, total: billed.data.total };
    current = fold(subscriptionDecider, events, current);
  }
  throw new Error(`subscription invariant broken: no bill after ${previewStepsMax} steps of due work`);
}

export interface ChangePreview {
  effective: 'now' | 'period_end';
  effectiveDate: string;
  direction: 'upgrade' | 'downgrade' | 'unchanged';
  /** The proration lines the change would produce: pending for the next invoice, or invoiced now with always_invoice. */
  lines: ChargeLine[];
  invoicedNow: boolean;
}

/** What ChangeSubscription with `change` would decide, by deciding it on the state (refusals throw as they would). */
export function previewChange(state: SubscriptionState, change: ChangeSubscription['data']): ChangePreview {
  const command: ChangeSubscription = {
    type: 'ChangeSubscription',
    data: { ...change, invoiceId: change.invoiceId ?? previewInvoiceId },
    metadata: { now: isCalendarDate(change.today) ? instantOf(change.today) : instantOf('1970-01-01') },
  };
  const events = decideSubscription(command, state);
  return changePreviewOf(events);
}

function changePreviewOf(events: readonly SubscriptionEvent[]): ChangePreview {
  for (const event of events) {
    if (event.type === 'SubscriptionChangeScheduled') {
      return { effective: 'period_end', effectiveDate: event.data.effectiveDate, direction: event.data.direction, lines: [], invoicedNow: false };
    }
  }
  const changed = events.find((event) => event.type === 'SubscriptionChanged');
  if (changed === undefined) throw new Error('subscription invariant broken: a change decided neither SubscriptionChanged nor SubscriptionChangeScheduled');
  const invoiced = events.find((event) => event.type === 'SubscriptionChangeInvoiced');
  return {
    effective: 'now',
    effectiveDate: changed.data.effectiveDate,
    direction: changed.data.direction,
    lines: invoiced === undefined ? changed.data.pendingLines : invoiced.data.lines,
    invoicedNow: invoiced !== undefined,
  };
}

/** Midnight UTC of a calendar date: only stamps events that are never stored. */
function instantOf(day: string): string {
  return `${day}T00:00:00.000Z`;
}
