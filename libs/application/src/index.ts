export * from './stream-names.js';
export * from './deterministic-id.js';
export * from './event-envelope.js';
export * from './stream-loader.js';
export * from './command-executor.js';
export * from './aggregates.js';
