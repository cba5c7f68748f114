export * from './subscription.commands.js';
export * from './subscription.events.js';
export {
  initialSubscriptionState,
  evolveSubscription,
  type PendingChange,
  type ScheduledCancellation,
  type SubscriptionState,
  type SubscriptionStatus,
  type Suspension,
  type Trial,
} from './subscription.state.js';
export type { ItemConfig, ItemRole, ItemSegment, Pause, Piece, SubscriptionItemState } from './subscription.timeline.js';
export { currentConfig } from './subscription.timeline.js';
export { subscriptionLimits } from './subscription.limits.js';
export { requirePlanTerms, requireQuantity } from './subscription.validation.js';
export { decideSubscription, subscriptionDecider } from './subscription.decider.js';
export { commandForDueWork, currentPeriod, dueWork, dueWorkKinds, nextBillDate, type DueWorkItem, type DueWorkKind } from './subscription.due-work.js';
export { previewChange, upcomingCharges, type ChangePreview, type UpcomingCharges } from './subscription.preview.js';
