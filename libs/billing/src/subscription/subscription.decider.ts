import type { Decider } from '../common/decider.js';
import type { SubscriptionCommand } from './subscription.commands.js';
import { decideSubscription } from './subscription.decide.js';
import type { SubscriptionEvent } from './subscription.events.js';
import { evolveSubscription, initialSubscriptionState, type SubscriptionState } from './subscription.state.js';

export { decideSubscription } from './subscription.decide.js';

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionState> = {
  decide: decideSubscription,
  evolve: evolveSubscription,
  initialState: initialSubscriptionState,
};
