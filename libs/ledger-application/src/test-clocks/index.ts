export * from './test-clock.inputs.js';
export * from './test-clock-outcome.js';
export * from './create-test-clock.handler.js';
export * from './advance-test-clock.handler.js';
export * from './delete-test-clock.handler.js';
export * from './tenant-test-clock.query.js';
