import { daysBetween, requirePeriodAlignment, startSchedule } from '../billing-period/index.js';
import { addDaysToCalendarDate, requireCalendarDate } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { requireTimeZone } from '../tenant-calendar/intl-identifiers.js';
import { requireCurrency, requireIdentifier, requireIntegerInRange, requireList, requireRecord, validationFailed } from '../common/validation.js';
import type { ActivateSubscription, CreateSubscription, EndSubscriptionTrial } from './subscription.commands.js';
import type { SubscriptionActivated, SubscriptionCreated, SubscriptionEvent, SubscriptionItem } from './subscription.events.js';
import { invalidTransition, liveView, requireLiveSubscription, requireNotPending, servicesOf, type LiveSubscription } from './subscription.guards.js';
import { subscriptionLimits } from './subscription.limits.js';
import { evolveSubscription, type SubscriptionState } from './subscription.state.js';
import { requireCompatibleTerms, periodAmountOf, requirePlanTerms, requireQuantity } from './subscription.validation.js';

/**
 * Creates a subscription: the items copy their terms (a later plan version never alters them), the schedule starts on
 * the first billed day (the start date, or the day after the base plan's trial). A start date on or before today
 * activates it in the same decision (backdated by up to 366 days: the scheduler then bills the periods since, one
 * by one and in order); a later one leaves it pending until ActivateSubscription.
 */
export function createSubscription({ data, metadata }: CreateSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const subscriptionId = requireIdentifier(data?.subscriptionId, 'subscriptionId');
  assertDecidedOnOwnStream('subscription', subscriptionId, state.subscriptionId);
  if (state.status === 'terminated') {
    throw new DomainError('SUBSCRIPTION_TERMINATED', `Subscription ${subscriptionId} was terminated on ${state.terminatedOn}: it accepts no more commands`, {
      subscriptionId,
      terminatedOn: state.terminatedOn,
    });
  }
  if (state.status !== 'none') {
    throw new DomainError('ALREADY_EXISTS', `Subscription ${subscriptionId} already exists (status ${state.status})`, { subscriptionId, status: state.status });
  }
  const customerId = requireIdentifier(data.customerId, 'customerId');
  const currency = requireCurrency(data.currency, 'currency');
  const timeZone = data.timeZone === undefined || data.timeZone === null ? 'UTC' : requireTimeZone(data.timeZone, 'timeZone');
  const today = requireCalendarDate(data.today, 'today');
  const startDate = requireCalendarDate(data.startDate, 'startDate');
  const alignment = requirePeriodAlignment(data.alignment, 'alignment');
  const anchorDay = data.anchorDay === undefined || data.anchorDay === null ? null : requireIntegerInRange(data.anchorDay, 'anchorDay', 1, 31);
  const base = requireItem(data.base, 'base', 'base');
  requireCompatibleTerms(base.terms, { currency, cycle: base.terms.cycle, timing: base.terms.timing }, 'base.terms');
  const addonInputs = data.addons === undefined || data.addons === null ? [] : requireList(data.addons, 'addons', subscriptionLimits.addonsMax);
  const addons = addonInputs.map((input, index) => {
    const addon = requireItem(input, `addons[${index}]`, 'addon');
    requireCompatibleTerms(addon.terms, { currency, cycle: base.terms.cycle, timing: base.terms.timing }, `addons[${index}].terms`);
    return addon;
  });
  const items = [base, ...addons];
  items.forEach((item, index) => {
    const field = index === 0 ? 'base' : `addons[${index - 1}]`;
    if (items.findIndex((other) => other.itemId === item.itemId) !== index) {
      throw validationFailed(`${field}.itemId ${JSON.stringify(item.itemId)} is already used by another item of this subscription`, { field: `${field}.itemId` });
    }
    periodAmountOf(item, `${field}.quantity`);
  });
  requireStartDateNear(startDate, today);
  const trialDays = base.terms.trialDays;
  const billingStart = addDaysToCalendarDate(startDate, trialDays, 'startDate');
  const { schedule, firstPeriod } = startSchedule({ cycle: base.terms.cycle, startDate: billingStart, alignment, anchorDay });
  const created: SubscriptionCreated = {
    type: 'SubscriptionCreated',
    data: {
      subscriptionId,
      customerId,
      currency,
      timeZone,
      timing: base.terms.timing,
      items,
      startDate,
      alignment,
      anchorDay,
      trialDays,
      trialEnd: trialDays === 0 ? null : billingStart,
      schedule,
      firstPeriod,
      createdOn: today,
      createdAt: metadata.now,
    },
  };
  if (startDate > today) return [created];
  const subscription = liveView(evolveSubscription(state, created));
  return [created, ...activation(subscription, today, false, metadata.now)];
}

/**
 * Activates a pending subscription. On or after its start date (the scheduler): nothing moves. Before it (the service
 * was delivered early): the subscription starts today, and the trial and the schedule start over from today, which
 * is safe because nothing of a pending subscription is billed.
 */
export function activateSubscription({ data, metadata }: ActivateSubscription, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  if (subscription.status !== 'pending') throw invalidTransition(subscription, `only a pending subscription can be activated (it is ${subscription.status})`);
  if (today >= subscription.startDate) return activation(subscription, today, false, metadata.now);
  const billingStart = addDaysToCalendarDate(today, subscription.trialDays, 'today');
  const { schedule, firstPeriod } = startSchedule({
    cycle: subscription.schedule.cycle,
    startDate: billingStart,
    alignment: subscription.alignment,
    anchorDay: subscription.anchorDay,
  });
  const moved: LiveSubscription = {
    ...subscription,
    startDate: today,
    schedule,
    firstPeriod,
    trial: subscription.trialDays === 0 ? null : { start: today, end: billingStart, ended: false },
  };
  return activation(moved, today, true, metadata.now);
}

/** Ends the trial on its end date (or later): the first paid period starts on that date. */
export function endSubscriptionTrial({ data, metadata }: EndSubscriptionTrial, state: SubscriptionState): SubscriptionEvent[] {
  const { subscription, today } = requireLiveSubscription(state, data);
  requireNotPending(subscription, 'end its trial');
  const { trial } = subscription;
  if (trial === null) throw invalidTransition(subscription, 'it has no trial');
  if (trial.ended) throw invalidTransition(subscription, `its trial already ended on ${trial.end}`, { trialEnd: trial.end });
  if (today < trial.end) {
    throw new DomainError('PERIOD_NOT_DUE', `Subscription ${subscription.subscriptionId}: the trial ends on ${trial.end}, not before (today is ${today})`, {
      subscriptionId: subscription.subscriptionId,
      trialEnd: trial.end,
      today,
    });
  }
  return [
    {
      type: 'SubscriptionTrialEnded',
      data: { subscriptionId: subscription.subscriptionId, trialEnd: trial.end, endedOn: today, firstPeriod: subscription.firstPeriod, endedAt: metadata.now },
    },
  ];
}

function activation(subscription: LiveSubscription, today: string, early: boolean, now: string): SubscriptionEvent[] {
  const activated: SubscriptionActivated = {
    type: 'SubscriptionActivated',
    data: {
      subscriptionId: subscription.subscriptionId,
      activatedOn: today,
      early,
      startDate: subscription.startDate,
      trialEnd: subscription.trial === null ? null : subscription.trial.end,
      schedule: subscription.schedule,
      firstPeriod: subscription.firstPeriod,
      activatedAt: now,
    },
  };
  return [
    activated,
    {
      type: 'ServiceActivated',
      data: {
        subscriptionId: subscription.subscriptionId,
        customerId: subscription.customerId,
        services: servicesOf(subscription),
        status: 'active',
        previousStatus: 'pending',
        effectiveDate: subscription.startDate,
        reason: null,
        occurredAt: now,
      },
    },
  ];
}

function requireItem(value: unknown, field: string, role: SubscriptionItem['role']): SubscriptionItem {
  const item = requireRecord(value, field, 'itemId, terms and quantity');
  return {
    itemId: requireIdentifier(item.itemId, `${field}.itemId`),
    role,
    terms: requirePlanTerms(item.terms, `${field}.terms`),
    quantity: requireQuantity(item.quantity, `${field}.quantity`),
  };
}

function requireStartDateNear(startDate: string, today: string): void {
  const daysAhead = daysBetween(today, startDate);
  if (daysAhead < -subscriptionLimits.backdateDaysMax) {
    throw validationFailed(`startDate ${startDate} is more than ${subscriptionLimits.backdateDaysMax} days before today ${today}`, { field: 'startDate' });
  }
  if (daysAhead > subscriptionLimits.startAheadDaysMax) {
    throw validationFailed(`startDate ${startDate} is more than ${subscriptionLimits.startAheadDaysMax} days after today ${today}`, { field: 'startDate' });
  }
}
