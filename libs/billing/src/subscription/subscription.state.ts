import type { BillingPeriod, BillingSchedule, PeriodAlignment } from '../billing-period/index.js';
import type { BillingTiming } from '../catalog/plan-terms.js';
import { assertNever } from '../common/assert-never.js';
import type { SuspensionPolicy } from './subscription.commands.js';
import type { ChargeLine, ServiceStatus, SubscriptionEvent } from './subscription.events.js';
import {
  clipPieces,
  currentConfig,
  piecesOf,
  segmentsFrom,
  withSegment,
  type ItemConfig,
  type Pause,
  type Piece,
  type SubscriptionItemState,
} from './subscription.timeline.js';

/**
 * 'none' is a stream without events. 'pending' until the start date (or an early activation); 'active' (a trial is
 * active too: see `trial`); 'suspended' and back; 'terminated' is final.
 */
export type SubscriptionStatus = 'none' | 'pending' | 'active' | 'suspended' | 'terminated';

/** A change waiting for the end of the period it was asked in (a downgrade by default). */
export interface PendingChange extends ItemConfig {
  itemId: string;
  effectiveDate: string;
  requestedOn: string;
}

export interface Suspension {
  since: string;
  policy: SuspensionPolicy;
  reason: string | null;
}

/** Free days [start, end): billing starts on `end`. `ended` once SubscriptionTrialEnded is recorded. */
export interface Trial {
  start: string;
  end: string;
  ended: boolean;
}

export interface ScheduledCancellation {
  cancelAt: string;
  requestedOn: string;
}

export interface SubscriptionState {
  status: SubscriptionStatus;
  subscriptionId: string | null;
  customerId: string | null;
  currency: string | null;
  /** The IANA zone of the subscription's dates (SubscriptionCreated): where a due date starts as an instant. */
  timeZone: string;
  timing: BillingTiming | null;
  alignment: PeriodAlignment | null;
  anchorDay: number | null;
  /** The base plan's trial days when the subscription was created. */
  trialDays: number;
  startDate: string | null;
  trial: Trial | null;
  schedule: BillingSchedule | null;
  /** The first billed period (partial when billing starts off a boundary); billing starts on its start. */
  firstPeriod: BillingPeriod | null;
  /** The base item first, then the add-ons, each with its timeline of prices from the last billed period on. */
  items: SubscriptionItemState[];
  /** Periods are billed strictly in order: the next one is the period after this (or the first period). */
  lastBilledPeriod: BillingPeriod | null;
  setupFeesBilled: boolean;
  /**
   * In advance only: what the last billed period charged for its days, piece by piece, as later prorations corrected
   * it. A change in that period credits what this says was billed for the remaining days, so a change with
   * prorationBehavior 'none' (which leaves the billed days as they were) is never credited at the new price.
   */
  coverage: Piece[];
  /** Proration lines (create_prorations, suspensions) waiting for the next billed period. */
  pendingLines: ChargeLine[];
  pendingChanges: PendingChange[];
  /** Pauses that still touch unbilled or adjustable days. */
  pauses: Pause[];
  suspension: Suspension | null;
  cancellation: ScheduledCancellation | null;
  terminatedOn: string | null;
  serviceStatus: ServiceStatus;
  /** The latest `today` a command acted on: a later command may not act on an earlier day. */
  lastActedOn: string | null;
}

export const initialSubscriptionState: SubscriptionState = {
  status: 'none',
  subscriptionId: null,
  customerId: null,
  currency: null,
  timeZone: 'UTC',
  timing: null,
  alignment: null,
  anchorDay: null,
  trialDays: 0,
  startDate: null,
  trial: null,
  schedule: null,
  firstPeriod: null,
  items: [],
  lastBilledPeriod: null,
  setupFeesBilled: false,
  coverage: [],
  pendingLines: [],
  pendingChanges: [],
  pauses: [],
  suspension: null,
  cancellation: null,
  terminatedOn: null,
  serviceStatus: 'pending',
  lastActedOn: null,
};

export function evolveSubscription(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState {
  const next = applyEvent(state, event);
  const day = dayOf(event);
  return day === null || (next.lastActedOn !== null && next.lastActedOn >= day) ? next : { ...next, lastActedOn: day };
}

function applyEvent(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState {
  switch (event.type) {
    case 'SubscriptionCreated': {
      const { data } = event;
      return {
        ...initialSubscriptionState,
        status: 'pending',
        subscriptionId: data.subscriptionId,
        customerId: data.customerId,
        currency: data.currency,
        timeZone: data.timeZone,
        timing: data.timing,
        alignment: data.alignment,
        anchorDay: data.anchorDay,
        trialDays: data.trialDays,
        startDate: data.startDate,
        trial: data.trialEnd === null ? null : { start: data.startDate, end: data.trialEnd, ended: false },
        schedule: data.schedule,
        firstPeriod: data.firstPeriod,
        items: data.items.map((item) => ({ itemId: item.itemId, role: item.role, segments: [{ from: data.startDate, terms: item.terms, quantity: item.quantity }] })),
      };
    }
    case 'SubscriptionActivated': {
      const { data } = event;
      // Nothing is billed while pending, so each item's timeline restarts on the (possibly earlier) start date.
      const items = state.items.map((item) => ({ ...item, segments: [{ from: data.startDate, ...currentConfig(item) }] }));
      const trial = data.trialEnd === null ? null : { start: data.startDate, end: data.trialEnd, ended: false };
      return { ...state, status: 'active', startDate: data.startDate, trial, schedule: data.schedule, firstPeriod: data.firstPeriod, items };
    }
    case 'SubscriptionTrialEnded':
      return state.trial === null ? state : { ...state, trial: { ...state.trial, ended: true } };
    case 'SubscriptionPeriodBilled': {
      const { period } = event.data;
      const coverage = state.timing === 'in_advance' ? state.items.flatMap((item) => piecesOf(item, state.pauses, period)) : [];
      return {
        ...state,
        lastBilledPeriod: period,
        setupFeesBilled: true,
        coverage,
        pendingLines: [],
        // Days before the period just billed are never looked at again.
        items: segmentsFrom(state.items, period.start),
        pauses: state.pauses.filter((pause) => pause.to === null || pause.to > period.start),
      };
    }
    case 'SubscriptionChanged': {
      const { data } = event;
      const items = withSegment(state.items, data.itemId, data.effectiveDate, { terms: data.terms, quantity: data.quantity });
      const coverage = data.prorationBehavior === 'none' ? state.coverage : adjustedCoverage(state, items, state.pauses, data.effectiveDate, [data.itemId]);
      return {
        ...state,
        items,
        coverage,
        pendingChanges: state.pendingChanges.filter((change) => change.itemId !== data.itemId),
        pendingLines: [...state.pendingLines, ...data.pendingLines],
      };
    }
    case 'SubscriptionChangeScheduled': {
      const { data } = event;
      const { itemId, terms, quantity, effectiveDate } = data;
      const change: PendingChange = { itemId, terms, quantity, effectiveDate, requestedOn: data.scheduledOn };
      return { ...state, pendingChanges: [...state.pendingChanges.filter((pending) => pending.itemId !== data.itemId), change] };
    }
    case 'SubscriptionPendingChangesApplied': {
      let items = state.items;
      for (const change of event.data.changes) items = withSegment(items, change.itemId, change.effectiveDate, { terms: change.terms, quantity: change.quantity });
      const applied = new Set(event.data.changes.map((change) => change.itemId));
      return { ...state, items, pendingChanges: state.pendingChanges.filter((change) => !applied.has(change.itemId)) };
    }
    case 'SubscriptionChangeInvoiced':
      // A cancellation or a termination invoices every pending line; a change invoices only its own.
      return event.data.reason === 'change' ? state : { ...state, pendingLines: [] };
    case 'SubscriptionSuspended': {
      const { data } = event;
      const suspension: Suspension = { since: data.suspendedOn, policy: data.policy, reason: data.reason };
      if (data.policy === 'continue_billing') return { ...state, status: 'suspended', suspension };
      const pauses = [...state.pauses, { from: data.suspendedOn, to: null }];
      return {
        ...state,
        status: 'suspended',
        suspension,
        pauses,
        coverage: adjustedCoverage(state, state.items, pauses, data.suspendedOn, allItemIds(state)),
        pendingLines: [...state.pendingLines, ...data.pendingLines],
      };
    }
    case 'SubscriptionResumed': {
      const { data } = event;
      if (data.policy === 'continue_billing') return { ...state, status: 'active', suspension: null };
      const pauses = closedPauses(state.pauses, data.resumedOn);
      return {
        ...state,
        status: 'active',
        suspension: null,
        pauses,
        coverage: adjustedCoverage(state, state.items, pauses, data.resumedOn, allItemIds(state)),
        pendingLines: [...state.pendingLines, ...data.pendingLines],
      };
    }
    case 'SubscriptionCancellationScheduled':
      return { ...state, cancellation: { cancelAt: event.data.cancelAt, requestedOn: event.data.requestedOn }, pendingChanges: [] };
    case 'SubscriptionCancellationWithdrawn':
      return { ...state, cancellation: null };
    case 'SubscriptionTerminated':
      return { ...state, status: 'terminated', terminatedOn: event.data.terminatedOn, cancellation: null, pendingChanges: [], suspension: null };
    case 'ServiceActivated':
    case 'ServiceSuspended':
    case 'ServiceResumed':
    case 'ServiceTerminated':
      return { ...state, serviceStatus: event.data.status };
    default:
      return assertNever(event, 'subscription event');
  }
}

/** The pauses with the open one ending on `day` (and gone when it lasted no day). */
export function closedPauses(pauses: readonly Pause[], day: string): Pause[] {
  return pauses.flatMap((pause) => {
    if (pause.to !== null) return [pause];
    return pause.from < day ? [{ from: pause.from, to: day }] : [];
  });
}

export function allItemIds(state: Pick<SubscriptionState, 'items'>): string[] {
  return state.items.map((item) => item.itemId);
}

/**
 * The coverage after a proration from `from` on for `itemIds`: what those items were billed before `from` stays, and
 * from `from` to the end of the last billed period they are now billed at the timeline `items` / `pauses` says.
 * Unchanged outside an in-advance period that contains `from`.
 */
export function adjustedCoverage(
  state: SubscriptionState,
  items: readonly SubscriptionItemState[],
  pauses: readonly Pause[],
  from: string,
  itemIds: readonly string[],
): Piece[] {
  const period = state.lastBilledPeriod;
  if (state.timing !== 'in_advance' || period === null || from >= period.end) return state.coverage;
  const start = from > period.start ? from : period.start;
  return items.flatMap((item) => {
    const billed = state.coverage.filter((piece) => piece.itemId === item.itemId);
    if (!itemIds.includes(item.itemId)) return billed;
    return [...clipPieces(billed, period.start, start), ...piecesOf(item, pauses, { start, end: period.end })];
  });
}

/** The tenant's date an event was decided on (the `today` of its command). */
function dayOf(event: SubscriptionEvent): string | null {
  switch (event.type) {
    case 'SubscriptionCreated':
      return event.data.createdOn;
    case 'SubscriptionActivated':
      return event.data.activatedOn;
    case 'SubscriptionTrialEnded':
      return event.data.endedOn;
    case 'SubscriptionPeriodBilled':
      return event.data.billedOn;
    case 'SubscriptionChanged':
      return event.data.changedOn;
    case 'SubscriptionChangeScheduled':
      return event.data.scheduledOn;
    case 'SubscriptionPendingChangesApplied':
      return event.data.appliedOn;
    case 'SubscriptionChangeInvoiced':
      return event.data.invoicedOn;
    case 'SubscriptionSuspended':
      return event.data.suspendedOn;
    case 'SubscriptionResumed':
      return event.data.resumedOn;
    case 'SubscriptionCancellationScheduled':
      return event.data.requestedOn;
    case 'SubscriptionCancellationWithdrawn':
      return event.data.withdrawnOn;
    case 'SubscriptionTerminated':
    case 'ServiceActivated':
    case 'ServiceSuspended':
    case 'ServiceResumed':
    case 'ServiceTerminated':
      return null;
    default:
      return assertNever(event, 'subscription event');
  }
}
