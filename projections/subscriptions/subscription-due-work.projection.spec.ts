import { describe, expect, it } from '@jest/globals';
import { subscriptionDecider, type SubscriptionCommand, type SubscriptionState } from '../../libs/billing/src/index.js';
import { commands, planTerms, withBase } from '../../libs/billing/src/subscription/subscription.test-helper.js';
import { subscriptionDueWorkOf, subscriptionWorkKinds } from './subscription-due-work.projection.js';

/** The subscription's state after `history`, each command decided on the state the previous ones left. */
function stateAfter(history: readonly SubscriptionCommand[]): SubscriptionState {
  return history.reduce((state, command) => subscriptionDecider.decide(command, state).reduce(subscriptionDecider.evolve, state), subscriptionDecider.initialState);
}

/**
 * The scheduler runs work of one lane one piece at a time, in due order, and work of different lanes side by side: a
 * subscription's work (activation, trial end, pending change, bills, termination) must share one lane, so that its
 * pieces never overlap or overtake each other, and two subscriptions must not share one.
 */
describe('the subscriptions\' due work', () => {
  it.each<[string, SubscriptionCommand[], string[]]>([
    ['a subscription starting later (activation and first bill on its start date)', [commands.create({ today: '2025-03-20', startDate: '2026-01-31', anchorDay: 31 })], ['activate', 'bill_period']],
    ['a trial (its end and the first bill)', [commands.create({ today: '2025-04-01', ...withBase(planTerms({ trialDays: 5 })) })], ['end_trial', 'bill_period']],
    ['a cancellation at the period end (the termination)', [commands.create(), commands.bill('2025-04-01'), commands.cancel('2025-04-10', { at: 'period_end' })], ['terminate']],
  ])('%s: every piece in the lane subscription:<id>', (_name, history, kinds) => {
    const entries = subscriptionDueWorkOf(stateAfter(history));
    expect(entries.map((entry) => entry.kind).sort()).toEqual(kinds.map((kind) => subscriptionWorkKinds[kind as keyof typeof subscriptionWorkKinds]).sort());
    expect(entries.map((entry) => entry.lane)).toEqual(entries.map(() => 'subscription:sub-1'));
    expect(new Set(entries.map((entry) => entry.workKey)).size).toBe(entries.length);
  });

  it('two subscriptions are two lanes, whatever their due instants', () => {
    const first = subscriptionDueWorkOf(stateAfter([commands.create()]));
    const second = subscriptionDueWorkOf(stateAfter([commands.create({ subscriptionId: 'sub-2' })]));
    expect(first.map((entry) => entry.dueAt)).toEqual(second.map((entry) => entry.dueAt));
    expect(first.map((entry) => entry.lane)).toEqual(['subscription:sub-1']);
    expect(second.map((entry) => entry.lane)).toEqual(['subscription:sub-2']);
  });
});
