import type { Decider } from '../common/decider.js';
import type { InvoiceCommand } from './invoice.commands.js';
import { decideInvoice } from './invoice.decide.js';
import type { InvoiceEvent } from './invoice.events.js';
import { evolveInvoice, initialInvoiceState, type InvoiceState } from './invoice.state.js';

export { decideInvoice } from './invoice.decide.js';
export { invoiceLimits } from './invoice.limits.js';

export const invoiceDecider: Decider<InvoiceCommand, InvoiceEvent, InvoiceState> = {
  decide: decideInvoice,
  evolve: evolveInvoice,
  initialState: initialInvoiceState,
};
