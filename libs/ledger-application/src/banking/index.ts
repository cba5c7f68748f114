export * from './banking.inputs.js';
export * from './bank-accounts.handlers.js';
export * from './automatic-matching.js';
export * from './import-bank-statement.handler.js';
export * from './matching-rules.handlers.js';
export * from './reconciliation-decisions.handlers.js';
export * from './reconciliation-report.js';
export * from './reconciliation-sessions.handlers.js';
