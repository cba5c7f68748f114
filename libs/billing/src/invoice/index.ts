export * from './invoice.commands.js';
export * from './invoice.events.js';
export * from './invoice.state.js';
export * from './invoice.totals.js';
export * from './invoice.tax.js';
export * from './invoice.number.js';
export * from './invoice.settings-context.js';
export { invoiceLimits } from './invoice.limits.js';
export { decideInvoice, invoiceDecider } from './invoice.decider.js';
