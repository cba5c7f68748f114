export * from './projection.js';
export * from './checkpoint-store.js';
export * from './projection-lease.js';
export * from './projection-runner.js';
export * from './projection-apply.js';
export * from './projection-rebuild.js';
export * from './projection-lag.js';
export * from './checkpoint-notifier.js';
