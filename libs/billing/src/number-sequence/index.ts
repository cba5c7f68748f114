export * from './document-number.format.js';
export * from './number-sequence.commands.js';
export * from './number-sequence.decider.js';
export * from './number-sequence.events.js';
export * from './number-sequence.printed.js';
