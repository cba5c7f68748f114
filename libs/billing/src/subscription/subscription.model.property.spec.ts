import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import type { PlanTerms } from '../catalog/plan-terms.js';
import { DomainError } from '../common/domain-error.js';
import type { SubscriptionCommand } from './subscription.commands.js';
import { subscriptionDecider } from './subscription.decider.js';
import { commandForDueWork, dueWork } from './subscription.due-work.js';
import type { ChargeLine, SubscriptionEvent } from './subscription.events.js';
import { upcomingCharges } from './subscription.preview.js';
import type { SubscriptionState } from './subscription.state.js';
import { commands, instantOn, planTerms } from './subscription.test-helper.js';

/**
 * Model-based test: random lives of one subscription (changes up and down, now and at the period end, with every
 * proration behaviour; quantity changes; suspensions under both policies; resumes; cancellations now and at the period
 * end, and their withdrawal; early activation; and "advance today by N days, then run every piece of due work in
 * order"), checked against a reference written here from the rules alone: a day-by-day ledger of the price in force.
 *
 * Checked after every run:
 * - every day up to the billed horizon is billed exactly once at the price in force that day: for each item and day,
 *   the lines covering the day (credits negative) add up to exactly the reference's unit price x quantity, and days
 *   before billing starts, paused days and days after the end add up to zero (no gap, no overlap);
 * - every prorated or whole-period line is unit price x quantity x days / period days rounded half-up (so within one
 *   minor unit), with the period length of the reference's own calendar;
 * - upcomingCharges before each run of due work equals the lines of the bill that run makes;
 * - the subscription accepts and refuses exactly the commands the reference says, and bills exactly the periods it says;
 * - the setup fee is billed once.
 */

// ---------------------------------------------------------------------------------------------------------------
// Calendar of the reference, on day numbers (days since 1970-01-01), written independently of billing-period.

const msPerDay = 86_400_000;
const dayOf = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / msPerDay;
const dateOf = (day: number): string => new Date(day * msPerDay).toISOString().slice(0, 10);
const monthIndexOf = (day: number): number => {
  const date = new Date(day * msPerDay);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
};
/** Day `dayOfMonth` of month `monthIndex`, clamped to its last day. */
const clampedDay = (monthIndex: number, dayOfMonth: number): number => {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(dayOfMonth, last)) / msPerDay;
};

type ReferenceCycle = 'monthly_anniversary' | 'monthly_calendar' | 'every_10_days';

/** The full period [start, end) of the cycle that contains `day`, for billing that starts on `billingStart`. */
function fullPeriodOf(cycle: ReferenceCycle, billingStart: number, day: number): [number, number] {
  switch (cycle) {
    case 'every_10_days': {
      const index = Math.floor((day - billingStart) / 10);
      return [billingStart + index * 10, billingStart + index * 10 + 10];
    }
    case 'monthly_calendar': {
      const month = monthIndexOf(day);
      return [clampedDay(month, 1), clampedDay(month + 1, 1)];
    }
    case 'monthly_anniversary': {
      const anchor = new Date(billingStart * msPerDay).getUTCDate();
      let month = monthIndexOf(day);
      if (clampedDay(month, anchor) > day) month -= 1;
      return [clampedDay(month, anchor), clampedDay(month + 1, anchor)];
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The reference model.

interface Config {
  price: string;
  quantity: string;
}

interface ReferenceItem {
  itemId: string;
  /** Configurations from a day on, in order. */
  timeline: Array<{ from: number; config: Config }>;
  pending: { effective: number; config: Config } | null;
}

class Reference {
  status: 'pending' | 'active' | 'suspended' | 'terminated' = 'pending';
  startDate: number;
  billingStart: number;
  items: ReferenceItem[];
  pauses: Array<{ from: number; to: number }> = [];
  policy: 'continue_billing' | 'pause_billing' | null = null;
  cancelAt: number | null = null;
  terminatedOn: number | null = null;
  /** Billed days that keep the rate they were billed at (prorationBehavior none, a cancellation without credit). */
  frozen = new Map<string, Big>();
  /** Days before this are billed (or settled). */
  horizon: number;
  periodsBilled = 0;
  settledBeforeFirstBill = false;

  constructor(
    readonly cycle: ReferenceCycle,
    readonly timing: 'in_advance' | 'in_arrears',
    readonly trialDays: number,
    startDate: number,
    items: Array<{ itemId: string; config: Config }>,
    public today: number,
  ) {
    this.startDate = startDate;
    this.billingStart = startDate + trialDays;
    this.horizon = this.billingStart;
    this.items = items.map(({ itemId, config }) => ({ itemId, timeline: [{ from: startDate, config }], pending: null }));
    if (startDate <= today) this.status = 'active';
  }

  configOn(item: ReferenceItem, day: number): Config {
    let found = item.timeline[0] as { config: Config };
    for (const entry of item.timeline) if (entry.from <= day) found = entry;
    return found.config;
  }

  current(item: ReferenceItem): Config {
    return (item.timeline.at(-1) as { config: Config }).config;
  }

  /** The rate (unit price x quantity) owed for `day` of `item`. */
  expected(item: ReferenceItem, day: number): Big {
    if (day < this.billingStart) return new Big(0);
    const frozen = this.frozen.get(`${day}|${item.itemId}`);
    if (frozen !== undefined) return frozen;
    if (this.terminatedOn !== null && day >= this.terminatedOn) return new Big(0);
    if (this.pauses.some((pause) => pause.from <= day && day < pause.to)) return new Big(0);
    const config = this.configOn(item, day);
    return new Big(config.price).times(config.quantity);
  }

  periodEndOf(day: number): number {
    return day < this.billingStart ? this.billingStart : fullPeriodOf(this.cycle, this.billingStart, day)[1];
  }

  /** The periods billing makes, in order: a partial first one when billing starts off a boundary. */
  periodsUntil(limit: number): Array<[number, number]> {
    const periods: Array<[number, number]> = [];
    let start = this.billingStart;
    while (start < limit) {
      const end = fullPeriodOf(this.cycle, this.billingStart, start)[1];
      periods.push([start, end]);
      start = end;
    }
    return periods;
  }

  /** Billed days [from, to) keep the rate they have now (days before billing starts are not billed). */
  freeze(item: ReferenceItem, from: number, to: number): void {
    for (let day = Math.max(from, this.billingStart); day < to; day += 1) this.frozen.set(`${day}|${item.itemId}`, this.expected(item, day));
  }

  unfreeze(item: ReferenceItem, from: number): void {
    for (const key of [...this.frozen.keys()]) {
      const [day, itemId] = key.split('|');
      if (itemId === item.itemId && Number(day) >= from) this.frozen.delete(key);
    }
  }

  setConfig(item: ReferenceItem, from: number, config: Config): void {
    item.timeline = [...item.timeline.filter((entry) => entry.from < from), { from, config }];
  }

  /** Days pass: activation, pending changes, billing and a scheduled termination happen on their days. */
  advanceTo(day: number): void {
    this.today = day;
    if (this.status === 'pending' && this.startDate <= day) this.status = 'active';
    if (this.status === 'terminated') return;
    for (const item of this.items) {
      if (item.pending !== null && item.pending.effective <= day) {
        this.setConfig(item, item.pending.effective, item.pending.config);
        item.pending = null;
      }
    }
    const end = this.cancelAt ?? Number.POSITIVE_INFINITY;
    const billable = this.periodsUntil(Math.min(end, day + 400)).filter(([start, periodEnd]) => start < end && (this.timing === 'in_advance' ? start <= day : periodEnd <= day));
    const last = billable.at(-1);
    if (last !== undefined && last[1] > this.horizon) this.horizon = last[1];
    this.periodsBilled = billable.length;
    if (this.cancelAt !== null && this.cancelAt <= day) {
      this.status = 'terminated';
      this.terminatedOn = this.cancelAt;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Random lives.

const pricePools: Record<string, string[]> = {
  USD: ['0.00', '9.99', '10.00', '20.00', '33.33', '100.00'],
  JPY: ['0', '999', '1000', '3333'],
  KWD: ['0.000', '3.333', '10.125', '20.000'],
};
const quantities = ['1', '2', '0.5', '3'];

type Action =
  | { kind: 'advance'; days: number }
  | { kind: 'change'; item: 0 | 1; price: number; quantity: number | null; effective: 'now' | 'period_end' | 'default'; behavior: 'create_prorations' | 'always_invoice' | 'none' }
  | { kind: 'quantity'; item: 0 | 1; quantity: number; effective: 'now' | 'period_end' | 'default'; behavior: 'create_prorations' | 'always_invoice' | 'none' }
  | { kind: 'suspend'; policy: 'continue_billing' | 'pause_billing' }
  | { kind: 'resume' }
  | { kind: 'cancel'; at: 'now' | 'period_end'; credit: boolean }
  | { kind: 'withdraw' }
  | { kind: 'activate' };

const effective = fc.constantFrom('now' as const, 'period_end' as const, 'default' as const);
const behavior = fc.constantFrom('create_prorations' as const, 'always_invoice' as const, 'none' as const);
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 45 }).map((days): Action => ({ kind: 'advance', days })) },
  {
    weight: 4,
    arbitrary: fc
      .record({ item: fc.constantFrom(0 as const, 1 as const), price: fc.nat(5), quantity: fc.option(fc.nat(3)), effective, behavior })
      .map((change): Action => ({ kind: 'change', ...change })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ item: fc.constantFrom(0 as const, 1 as const), quantity: fc.nat(3), effective, behavior }).map((change): Action => ({ kind: 'quantity', ...change })),
  },
  { weight: 2, arbitrary: fc.constantFrom('continue_billing' as const, 'pause_billing' as const, 'pause_billing' as const).map((policy): Action => ({ kind: 'suspend', policy })) },
  { weight: 3, arbitrary: fc.constant<Action>({ kind: 'resume' }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ at: fc.constantFrom('now' as const, 'period_end' as const, 'period_end' as const), credit: fc.boolean() })
      .map((cancel): Action => ({ kind: 'cancel', ...cancel })),
  },
  { weight: 2, arbitrary: fc.constant<Action>({ kind: 'withdraw' }) },
  { weight: 1, arbitrary: fc.constant<Action>({ kind: 'activate' }) },
);

const scenario = fc.record({
  currency: fc.constantFrom('USD', 'JPY', 'KWD'),
  cycle: fc.constantFrom<ReferenceCycle>('monthly_anniversary', 'monthly_calendar', 'every_10_days'),
  timing: fc.constantFrom('in_advance' as const, 'in_arrears' as const),
  trialDays: fc.constantFrom(0, 0, 5),
  withAddon: fc.boolean(),
  withSetupFee: fc.boolean(),
  // Days from 2024-01-01 (a leap year: February 29 is in play) to the start, and from the creation to the start.
  startOffset: fc.integer({ min: 0, max: 400 }),
  startDelay: fc.integer({ min: -20, max: 20 }),
  basePrice: fc.nat(5),
  addonPrice: fc.nat(5),
  actions: fc.array(action, { minLength: 1, maxLength: 25 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer Value> ? Value : never;

function termsFor(currency: string, cycle: ReferenceCycle, timing: 'in_advance' | 'in_arrears', price: string, extra: Partial<PlanTerms> = {}): PlanTerms {
  return planTerms({
    planId: `plan-${price}`,
    name: `Plan ${price}`,
    currency,
    unitPrice: price,
    cycle: cycle === 'every_10_days' ? { kind: 'custom', unit: 'days', count: 10 } : { kind: 'monthly' },
    timing,
    ...extra,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

interface Outcome {
  accepted: boolean;
  code: string | null;
}

class Run {
  state: SubscriptionState = subscriptionDecider.initialState;
  readonly events: SubscriptionEvent[] = [];
  readonly reference: Reference;
  readonly prices: string[];
  today: number;

  constructor(readonly scenario: Scenario) {
    const { currency, cycle, timing, trialDays, withAddon } = scenario;
    this.prices = pricePools[currency] as string[];
    const price = (index: number): string => this.prices[index % this.prices.length] as string;
    const start = dayOf('2024-01-01') + scenario.startOffset;
    this.today = start - scenario.startDelay;
    const base = { itemId: 'base', terms: this.termsOf('base', price(scenario.basePrice)), quantity: '1' };
    const addons = withAddon ? [{ itemId: 'addon', terms: this.termsOf('addon', price(scenario.addonPrice)), quantity: '2' }] : [];
    this.reference = new Reference(
      cycle,
      timing,
      trialDays,
      start,
      [base, ...addons].map((item) => ({ itemId: item.itemId, config: { price: item.terms.unitPrice, quantity: item.quantity } })),
      this.today,
    );
    this.send(
      commands.create({
        currency,
        base,
        addons,
        startDate: dateOf(start),
        alignment: cycle === 'monthly_calendar' ? 'calendar' : 'anniversary',
        today: dateOf(this.today),
      }),
    );
  }

  /** The plan at `price` for the base item (with the scenario's trial and setup fee) or the add-on: one price, one plan. */
  termsOf(itemId: string, price: string): PlanTerms {
    const { currency, cycle, timing, trialDays, withSetupFee } = this.scenario;
    if (itemId === 'addon') return termsFor(currency, cycle, timing, price, { planId: `addon-${price}`, serviceType: 'addon' });
    return termsFor(currency, cycle, timing, price, { trialDays, setupFee: withSetupFee ? (this.prices[3] as string) : null });
  }

  /** Decides `command` on the current state and keeps the events; a refusal records nothing. */
  send(command: SubscriptionCommand): Outcome {
    let decided: SubscriptionEvent[];
    try {
      decided = subscriptionDecider.decide(command, this.state);
    } catch (error) {
      if (error instanceof DomainError) return { accepted: false, code: error.code };
      throw error;
    }
    for (const event of decided) this.state = subscriptionDecider.evolve(this.state, event);
    this.events.push(...decided);
    return { accepted: true, code: null };
  }

  /** Today moves on, then the due work runs in order, as the scheduler does; the preview must match the first bill. */
  advance(days: number): void {
    this.today += days;
    const today = dateOf(this.today);
    const preview = upcomingCharges(this.state, today);
    let firstBill: ChargeLine[] | null = null;
    for (let step = 0; step < 500; step += 1) {
      const work = dueWork(this.state).find((item) => item.dueDate <= today);
      if (work === undefined) break;
      if (work.kind === 'bill_period') expect(upcomingCharges(this.state, today)?.lines).toEqual(this.billLinesOf(work, today));
      const outcome = this.send(commandForDueWork(work, { today, now: instantOn(today), invoiceId: `inv-${work.key}` }));
      expect({ work: work.key, ...outcome }).toEqual({ work: work.key, accepted: true, code: null });
      const last = this.events.at(-1);
      if (firstBill === null && work.kind === 'bill_period') firstBill = this.events.findLast((event) => event.type === 'SubscriptionPeriodBilled')?.data.lines ?? null;
      if (last === undefined) break;
    }
    expect(dueWork(this.state).filter((item) => item.dueDate <= today)).toEqual([]);
    if (firstBill !== null) expect(preview?.lines).toEqual(firstBill);
    this.reference.advanceTo(this.today);
  }

  /** The lines `work` (a bill) decides, without keeping them. */
  billLinesOf(work: ReturnType<typeof dueWork>[number], today: string): ChargeLine[] {
    const events = subscriptionDecider.decide(commandForDueWork(work, { today, now: instantOn(today), invoiceId: 'x' }), this.state);
    const billed = events.find((event) => event.type === 'SubscriptionPeriodBilled');
    return billed === undefined ? [] : billed.data.lines;
  }

  act(step: Action): void {
    const reference = this.reference;
    const today = dateOf(this.today);
    switch (step.kind) {
      case 'advance':
        return this.advance(step.days);
      case 'change':
      case 'quantity': {
        const item = reference.items[step.item];
        if (item === undefined) return;
        const current = reference.current(item);
        const config: Config =
          step.kind === 'change'
            ? { price: this.prices[step.price % this.prices.length] as string, quantity: step.quantity === null ? current.quantity : (quantities[step.quantity] as string) }
            : { price: current.price, quantity: quantities[step.quantity] as string };
        const newTerms = step.kind === 'change' ? this.termsOf(item.itemId, config.price) : null;
        const outcome = this.send(
          commands.change(today, {
            itemId: item.itemId,
            newTerms: newTerms ?? undefined,
            quantity: step.kind === 'quantity' || step.quantity !== null ? config.quantity : undefined,
            effective: step.effective,
            prorationBehavior: step.behavior,
            invoiceId: `inv-change-${this.events.length}`,
          }),
        );
        const same = new Big(config.price).eq(current.price) && new Big(config.quantity).eq(current.quantity);
        if (reference.status === 'terminated') return expect(outcome).toEqual({ accepted: false, code: 'SUBSCRIPTION_TERMINATED' });
        if (reference.cancelAt !== null) return expect(outcome).toEqual({ accepted: false, code: 'SUBSCRIPTION_CANCELLATION_SCHEDULED' });
        if (same && item.pending === null) return expect(outcome).toEqual({ accepted: false, code: 'VALIDATION_FAILED' });
        expect(outcome).toEqual({ accepted: true, code: null });
        // An upgrade is a strictly higher amount per period as billed: unit price x quantity rounded half-up to the
        // currency (9.99 x 0.5 and 10.00 x 0.5 both bill 5.00, so moving between them is no upgrade).
        const scale = { USD: 2, JPY: 0, KWD: 3 }[this.scenario.currency] as number;
        const perPeriod = (entry: Config) => new Big(entry.price).times(entry.quantity).round(scale, Big.roundHalfUp);
        const upgrade = perPeriod(config).gt(perPeriod(current));
        const waits = !same && (step.effective === 'period_end' || (step.effective === 'default' && !upgrade)) && this.today >= reference.billingStart;
        if (waits) {
          item.pending = { effective: reference.periodEndOf(this.today), config };
          return;
        }
        item.pending = null;
        const from = Math.max(this.today, reference.startDate);
        if (step.behavior === 'none') reference.freeze(item, this.today, reference.horizon);
        else reference.unfreeze(item, this.today);
        reference.setConfig(item, from, config);
        return;
      }
      case 'suspend': {
        const outcome = this.send(commands.suspend(today, step.policy));
        const expected = reference.status === 'active' ? null : reference.status === 'terminated' ? 'SUBSCRIPTION_TERMINATED' : 'SUBSCRIPTION_NOT_ACTIVE';
        expect(outcome).toEqual({ accepted: expected === null, code: expected });
        if (expected !== null) return;
        reference.status = 'suspended';
        reference.policy = step.policy;
        if (step.policy === 'pause_billing') {
          for (const item of reference.items) reference.unfreeze(item, this.today);
          reference.pauses.push({ from: this.today, to: Number.POSITIVE_INFINITY });
        }
        return;
      }
      case 'resume': {
        const outcome = this.send(commands.resume(today));
        const expected = reference.status === 'suspended' ? null : reference.status === 'terminated' ? 'SUBSCRIPTION_TERMINATED' : 'SUBSCRIPTION_NOT_SUSPENDED';
        expect(outcome).toEqual({ accepted: expected === null, code: expected });
        if (expected !== null) return;
        reference.status = 'active';
        if (reference.policy === 'pause_billing') {
          for (const item of reference.items) reference.unfreeze(item, this.today);
          const open = reference.pauses.at(-1) as { from: number; to: number };
          open.to = this.today;
        }
        reference.policy = null;
        return;
      }
      case 'cancel': {
        const outcome = this.send(commands.cancel(today, { at: step.at, creditUnusedTime: step.credit }));
        if (reference.status === 'terminated') return expect(outcome).toEqual({ accepted: false, code: 'SUBSCRIPTION_TERMINATED' });
        const now = step.at === 'now' || reference.status === 'pending';
        if (!now && reference.cancelAt !== null) return expect(outcome).toEqual({ accepted: false, code: 'SUBSCRIPTION_CANCELLATION_SCHEDULED' });
        expect(outcome).toEqual({ accepted: true, code: null });
        if (!now) {
          reference.cancelAt = reference.periodEndOf(this.today);
          for (const item of reference.items) item.pending = null;
          return;
        }
        for (const item of reference.items) {
          if (item.pending !== null && item.pending.effective <= this.today) reference.setConfig(item, item.pending.effective, item.pending.config);
          item.pending = null;
          if (step.credit) reference.unfreeze(item, this.today);
          else reference.freeze(item, this.today, reference.horizon);
        }
        if (this.today > reference.billingStart && reference.periodsBilled === 0) reference.settledBeforeFirstBill = true;
        reference.horizon = Math.max(reference.horizon, this.today);
        reference.terminatedOn = this.today;
        reference.status = 'terminated';
        reference.cancelAt = null;
        return;
      }
      case 'withdraw': {
        const outcome = this.send(commands.withdraw(today));
        const expected = reference.status === 'terminated' ? 'SUBSCRIPTION_TERMINATED' : reference.cancelAt === null ? 'INVALID_STATE_TRANSITION' : null;
        expect(outcome).toEqual({ accepted: expected === null, code: expected });
        if (expected === null) reference.cancelAt = null;
        return;
      }
      case 'activate': {
        const outcome = this.send(commands.activate(today));
        const expected = reference.status === 'terminated' ? 'SUBSCRIPTION_TERMINATED' : reference.status !== 'pending' ? 'INVALID_STATE_TRANSITION' : null;
        expect(outcome).toEqual({ accepted: expected === null, code: expected });
        if (expected !== null) return;
        // Early: the subscription, its trial and its billing start today.
        for (const item of reference.items) item.timeline = [{ from: this.today, config: reference.current(item) }];
        reference.startDate = this.today;
        reference.billingStart = this.today + reference.trialDays;
        reference.horizon = reference.billingStart;
        reference.frozen.clear();
        reference.status = 'active';
        return;
      }
    }
  }

  /** Every line the subscription has asked to invoice, and those still waiting for the next invoice. */
  allLines(): ChargeLine[] {
    const lines: ChargeLine[] = [];
    for (const event of this.events) {
      if (event.type === 'SubscriptionPeriodBilled' || event.type === 'SubscriptionChangeInvoiced') lines.push(...event.data.lines);
    }
    return [...lines, ...this.state.pendingLines];
  }

  check(): void {
    const reference = this.reference;
    const scale = { USD: 2, JPY: 0, KWD: 3 }[this.scenario.currency] as number;
    const halfUnit = new Big(1).div(new Big(10).pow(scale)).div(2);
    const covered = new Map<string, Big>();
    let setupFees = 0;
    for (const line of this.allLines()) {
      if (line.kind === 'setup_fee') {
        setupFees += 1;
        continue;
      }
      const from = dayOf(line.periodStart);
      const to = dayOf(line.periodEnd);
      const [fullStart, fullEnd] = fullPeriodOf(reference.cycle, reference.billingStart, from);
      expect(to).toBeLessThanOrEqual(fullEnd);
      const days = to - from;
      const periodDays = fullEnd - fullStart;
      expect(line.fraction).toEqual(days === periodDays ? null : { days, periodDays });
      const sign = line.kind === 'proration_credit' ? -1 : 1;
      const exact = new Big(line.unitPrice).times(line.quantity).times(days).div(periodDays).times(sign);
      const difference = new Big(line.amount).minus(exact);
      // Rounded once, half-up: within half a minor unit, and a half goes away from zero.
      expect({ line: line.description, within: difference.abs().lte(halfUnit) }).toEqual({ line: line.description, within: true });
      if (difference.abs().eq(halfUnit)) expect({ line, awayFromZero: difference.times(sign).gt(0) }).toEqual({ line, awayFromZero: true });
      for (let day = from; day < to; day += 1) {
        const key = `${day}|${line.itemId}`;
        covered.set(key, (covered.get(key) ?? new Big(0)).plus(new Big(line.unitPrice).times(line.quantity).times(sign)));
      }
    }
    const firstDay = Math.min(reference.startDate, ...[...covered.keys()].map((key) => Number(key.split('|')[0])));
    const lastDay = Math.max(reference.horizon, ...[...covered.keys()].map((key) => Number(key.split('|')[0]) + 1));
    for (const item of reference.items) {
      for (let day = firstDay; day < lastDay; day += 1) {
        const billed = covered.get(`${day}|${item.itemId}`) ?? new Big(0);
        const owed = day < reference.horizon ? reference.expected(item, day) : new Big(0);
        expect({ day: dateOf(day), item: item.itemId, billed: billed.toFixed() }).toEqual({ day: dateOf(day), item: item.itemId, billed: owed.toFixed() });
      }
    }
    const bills = this.events.filter((event) => event.type === 'SubscriptionPeriodBilled');
    expect(bills.length).toBe(reference.periodsBilled);
    if (this.scenario.withSetupFee) expect(setupFees).toBe(bills.length > 0 || reference.settledBeforeFirstBill ? 1 : 0);
    else expect(setupFees).toBe(0);
    expect(this.state.status).toBe(reference.status);
  }
}

describe('a subscription against a day-by-day reference of the price in force', () => {
  it('bills every billable day exactly once, at its price, in correctly rounded lines, as previewed', () => {
    fc.assert(
      fc.property(scenario, (generated) => {
        const run = new Run(generated);
        // A backdated subscription has work due at once: the scheduler runs it before anything else happens.
        run.advance(0);
        for (const step of generated.actions) run.act(step);
        run.advance(40);
        run.check();
        expect(run.events.map((event) => event.type)).toContain('SubscriptionCreated');
      }),
      { numRuns: Number(process.env.SUBSCRIPTION_MODEL_RUNS ?? 500), ...(process.env.SUBSCRIPTION_MODEL_SEED ? { seed: Number(process.env.SUBSCRIPTION_MODEL_SEED) } : {}) },
    );
  });
});
