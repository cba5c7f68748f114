export * from './invoice.commands.js';
export * from './invoice.events.js';
export * from './invoice.state.js';
export * from './invoice.totals.js';
export { decideInvoice, invoiceDecider, invoiceLimits } from './invoice.decider.js';
