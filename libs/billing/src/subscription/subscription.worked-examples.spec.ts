import { describe, expect, it } from '@jest/globals';
import type { SubscriptionCommand } from './subscription.commands.js';
import { subscriptionDecider } from './subscription.decider.js';
import { commandForDueWork, dueWork } from './subscription.due-work.js';
import type { SubscriptionEvent } from './subscription.events.js';
import { previewChange } from './subscription.preview.js';
import type { SubscriptionState } from './subscription.state.js';
import { commands, eventsOfType, historyOf, instantOn, planTerms, stateOf, withBase } from './subscription.test-helper.js';

/** The examples the product's rules state, figure for figure. */

const priced = (unitPrice: string, name = `Plan ${unitPrice}`) => planTerms({ planId: `plan-${unitPrice}`, name, unitPrice });

describe('a change taking effect now, halfway through a 30-day period billed in advance (today is day 16 of [Apr 1, May 1))', () => {
  it.each([
    ['upgrade 10.00 -> 20.00', '10.00', '20.00', '-5.00', '10.00', '5.00'],
    ['upgrade 10.00 -> 100.00', '10.00', '100.00', '-5.00', '50.00', '45.00'],
    ['downgrade 100.00 -> 10.00, done now', '100.00', '10.00', '-50.00', '5.00', '-45.00'],
  ])('%s: credit %s, charge %s, net %s', (_case, from, to, credit, charge, net) => {
    const history = historyOf([commands.create(withBase(priced(from))), commands.bill('2025-04-01')]);
    const change = commands.change('2025-04-16', { newTerms: priced(to), effective: 'now', prorationBehavior: 'always_invoice', invoiceId: 'inv-change' });
    const [invoiced] = eventsOfType(subscriptionDecider.decide(change, stateOf(history)), 'SubscriptionChangeInvoiced');
    expect(invoiced?.data.lines.map(({ kind, amount, fraction }) => ({ kind, amount, fraction }))).toEqual([
      { kind: 'proration_credit', amount: credit, fraction: { days: 15, periodDays: 30 } },
      { kind: 'proration_charge', amount: charge, fraction: { days: 15, periodDays: 30 } },
    ]);
    expect(invoiced?.data.total).toBe(net);
    // The preview runs the same decision, with create_prorations the same two lines wait for the next invoice.
    expect(previewChange(stateOf(history), { ...change.data, prorationBehavior: 'create_prorations' }).lines.map((line) => line.amount)).toEqual([credit, charge]);
  });
});

/** Runs the scheduler over `days` days from the creation: every piece of due work, in order, on its due date. */
function schedulerRun(create: SubscriptionCommand, until: string): { events: SubscriptionEvent[]; state: SubscriptionState } {
  let state = subscriptionDecider.decide(create, subscriptionDecider.initialState).reduce(subscriptionDecider.evolve, subscriptionDecider.initialState);
  const events: SubscriptionEvent[] = [];
  for (let step = 0; step < 100; step += 1) {
    const work = dueWork(state)[0];
    if (work === undefined || work.dueDate > until) break;
    const decided = subscriptionDecider.decide(commandForDueWork(work, { today: work.dueDate, now: instantOn(work.dueDate), invoiceId: `inv-${work.key}` }), state);
    state = decided.reduce(subscriptionDecider.evolve, state);
    events.push(...decided);
  }
  return { events, state };
}

describe('anchor day 31, monthly', () => {
  it.each([
    ['2025', '2025-01-31', ['2025-01-31', '2025-02-28', '2025-03-31', '2025-04-30', '2025-05-31']],
    ['2024 (leap year)', '2024-01-31', ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']],
  ])('in %s bills on the last day of short months and the 31st of long ones', (_year, start, billedOn) => {
    const { events } = schedulerRun(commands.create({ startDate: start, today: start }), billedOn.at(-1) as string);
    const bills = eventsOfType(events, 'SubscriptionPeriodBilled');
    expect(bills.map((bill) => bill.data.billedOn)).toEqual(billedOn);
    expect(bills.map((bill) => bill.data.period.start)).toEqual(billedOn);
    // Whole periods of 28 to 31 days, each billed at the full price.
    expect(bills.map((bill) => bill.data.total)).toEqual(billedOn.map(() => '10.00'));
  });
});

describe('calendar-aligned 50.00 a month starting August 10', () => {
  it('bills 22/31 of the month first (35.48), then whole months', () => {
    const create = commands.create({ ...withBase(planTerms({ name: 'Fibre 100', unitPrice: '50.00' })), startDate: '2025-08-10', today: '2025-08-10', alignment: 'calendar' });
    const { events } = schedulerRun(create, '2025-09-01');
    const [first, second] = eventsOfType(events, 'SubscriptionPeriodBilled');
    expect(first?.data.lines.map(({ description, amount, fraction }) => ({ description, amount, fraction }))).toEqual([
      { description: 'Fibre 100 (2025-08-10 to 2025-08-31, 22/31 of monthly)', amount: '35.48', fraction: { days: 22, periodDays: 31 } },
    ]);
    expect(first?.data.total).toBe('35.48');
    expect(second?.data).toMatchObject({ period: { start: '2025-09-01', end: '2025-10-01' }, total: '50.00' });
  });

  it.each([
    // 5000 x 22 / 31 = 3548.39 and 50.125 x 22 / 31 = 35.5726: one rounding each, half-up.
    ['JPY', '5000', '3548'],
    ['KWD', '50.125', '35.573'],
  ])('in %s rounds the prorated first period once to the currency: %s -> %s', (currency, unitPrice, amount) => {
    const terms = planTerms({ currency, unitPrice });
    const create = commands.create({ currency, ...withBase(terms), startDate: '2025-08-10', today: '2025-08-10', alignment: 'calendar' });
    const { events } = schedulerRun(create, '2025-08-10');
    expect(eventsOfType(events, 'SubscriptionPeriodBilled')[0]?.data.total).toBe(amount);
  });
});

describe('a setup fee', () => {
  it('is billed once, on the first invoice, after the trial', () => {
    const create = commands.create({ ...withBase(planTerms({ setupFee: '25.00', trialDays: 7 })), startDate: '2025-04-01', today: '2025-04-01' });
    const { events } = schedulerRun(create, '2025-06-08');
    const bills = eventsOfType(events, 'SubscriptionPeriodBilled');
    expect(bills.map((bill) => [bill.data.period.start, bill.data.total])).toEqual([
      ['2025-04-08', '35.00'],
      ['2025-05-08', '10.00'],
      ['2025-06-08', '10.00'],
    ]);
  });
});
