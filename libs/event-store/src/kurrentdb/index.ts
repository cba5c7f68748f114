export { KurrentDbEventStore, type KurrentDbClientLike, type KurrentDbEventStoreOptions } from './kurrentdb-event-store.js';
export { KurrentDbSubscription, AllCursor, StreamCursor, type SubscriptionCursor } from './kurrentdb-subscription.js';
export * from './kurrentdb-mapping.js';
