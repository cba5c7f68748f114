export * from './shared/index.js';
export * from './invoice/index.js';
export * from './number-sequence/index.js';
