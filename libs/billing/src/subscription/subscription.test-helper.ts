import type { PlanTerms } from '../catalog/plan-terms.js';
import { DomainError } from '../common/domain-error.js';
import type {
  CancelSubscription,
  ChangeSubscription,
  CreateSubscription,
  SubscriptionCommand,
  SuspensionPolicy,
} from './subscription.commands.js';
import { subscriptionDecider } from './subscription.decider.js';
import type { SubscriptionEvent } from './subscription.events.js';
import type { SubscriptionState } from './subscription.state.js';

/** Builders shared by the subscription specs: one subscription 'sub-1' of customer 'cus-1' in USD. */

export const subscriptionId = 'sub-1';

export function planTerms(overrides: Partial<PlanTerms> = {}): PlanTerms {
  return {
    planId: 'fibre-100',
    planVersion: 1,
    productId: 'fibre',
    name: 'Fibre 100',
    serviceType: 'broadband',
    cycle: { kind: 'monthly' },
    timing: 'in_advance',
    currency: 'USD',
    unitPrice: '10.00',
    setupFee: null,
    trialDays: 0,
    taxRate: null,
    ...overrides,
  };
}

/** The base item of CreateSubscription at `terms`. */
export function withBase(terms: PlanTerms, quantity: string = '1'): Pick<CreateSubscription['data'], 'base'> {
  return { base: { itemId: 'base', terms, quantity } };
}

/** One add-on 'ip' for CreateSubscription. */
export function withAddon(terms: PlanTerms, quantity: string = '1'): Pick<CreateSubscription['data'], 'addons'> {
  return { addons: [{ itemId: 'ip', terms, quantity }] };
}

/** The instant the commands of `today` carry: 09:00 UTC that day. */
export function instantOn(today: string): string {
  return `${today}T09:00:00.000Z`;
}

export const commands = {
  create(data: Partial<CreateSubscription['data']> = {}): CreateSubscription {
    const today = data.today ?? data.startDate ?? '2025-04-01';
    return {
      type: 'CreateSubscription',
      data: {
        subscriptionId,
        customerId: 'cus-1',
        currency: 'USD',
        base: { itemId: 'base', terms: planTerms(), quantity: '1' },
        addons: [],
        startDate: '2025-04-01',
        alignment: 'anniversary',
        anchorDay: null,
        today,
        ...data,
      },
      metadata: { now: instantOn(today) },
    };
  },
  activate(today: string): SubscriptionCommand {
    return { type: 'ActivateSubscription', data: { subscriptionId, today }, metadata: { now: instantOn(today) } };
  },
  endTrial(today: string): SubscriptionCommand {
    return { type: 'EndSubscriptionTrial', data: { subscriptionId, today }, metadata: { now: instantOn(today) } };
  },
  bill(periodStart: string, today: string = periodStart, invoiceId = `inv-${periodStart}`): SubscriptionCommand {
    return { type: 'BillSubscriptionPeriod', data: { subscriptionId, periodStart, invoiceId, today }, metadata: { now: instantOn(today) } };
  },
  change(today: string, data: Partial<ChangeSubscription['data']> = {}): ChangeSubscription {
    return {
      type: 'ChangeSubscription',
      data: { subscriptionId, itemId: 'base', effective: 'now', prorationBehavior: 'create_prorations', invoiceId: null, today, ...data },
      metadata: { now: instantOn(today) },
    };
  },
  applyPending(today: string): SubscriptionCommand {
    return { type: 'ApplyPendingChange', data: { subscriptionId, today }, metadata: { now: instantOn(today) } };
  },
  suspend(today: string, policy: SuspensionPolicy = 'pause_billing', reason: string | null = null): SubscriptionCommand {
    return { type: 'SuspendSubscription', data: { subscriptionId, policy, reason, today }, metadata: { now: instantOn(today) } };
  },
  resume(today: string): SubscriptionCommand {
    return { type: 'ResumeSubscription', data: { subscriptionId, today }, metadata: { now: instantOn(today) } };
  },
  cancel(today: string, data: Partial<CancelSubscription['data']> = {}): CancelSubscription {
    return {
      type: 'CancelSubscription',
      data: { subscriptionId, at: 'now', creditUnusedTime: true, invoiceId: `inv-cancel-${today}`, today, ...data },
      metadata: { now: instantOn(today) },
    };
  },
  withdraw(today: string): SubscriptionCommand {
    return { type: 'WithdrawCancellation', data: { subscriptionId, today }, metadata: { now: instantOn(today) } };
  },
  terminate(today: string, invoiceId = `inv-end-${today}`): SubscriptionCommand {
    return { type: 'TerminateSubscription', data: { subscriptionId, invoiceId, today }, metadata: { now: instantOn(today) } };
  },
};

/** The events of `sequence` decided one after the other, each on the state the ones before left. Throws on a refusal. */
export function historyOf(sequence: readonly SubscriptionCommand[]): SubscriptionEvent[] {
  const events: SubscriptionEvent[] = [];
  let state = subscriptionDecider.initialState;
  for (const command of sequence) {
    const decided = subscriptionDecider.decide(command, state);
    for (const event of decided) state = subscriptionDecider.evolve(state, event);
    events.push(...decided);
  }
  return events;
}

export function stateOf(events: readonly SubscriptionEvent[]): SubscriptionState {
  return events.reduce(subscriptionDecider.evolve, subscriptionDecider.initialState);
}

/** The events `command` decides on the state of `history`, or the DomainError it is refused with. */
export function decideOn(history: readonly SubscriptionEvent[], command: SubscriptionCommand): SubscriptionEvent[] | DomainError {
  try {
    return subscriptionDecider.decide(command, stateOf(history));
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

/** The events of one type among `events`. */
export function eventsOfType<Type extends SubscriptionEvent['type']>(
  events: readonly SubscriptionEvent[],
  type: Type,
): Array<Extract<SubscriptionEvent, { type: Type }>> {
  return events.filter((event): event is Extract<SubscriptionEvent, { type: Type }> => event.type === type);
}
