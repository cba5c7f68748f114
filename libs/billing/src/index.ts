export * from './shared/index.js';
export * from './invoice/index.js';
export * from './number-sequence/index.js';
export * from './tenant-calendar/index.js';
export * from './tax/index.js';
export * from './billing-settings/index.js';
export * from './exchange-rate/index.js';
export * from './customer/index.js';
