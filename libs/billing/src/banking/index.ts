export { bankingLimits } from './banking.common.js';
export * from './bank-account/index.js';
export * from './bank-account-defaults/index.js';
export * from './matching-rules/index.js';
export * from './bank-reconciliation/index.js';
export * from './reconciliation-session/index.js';
export * from './matching/index.js';
