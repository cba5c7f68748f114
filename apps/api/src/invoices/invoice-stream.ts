import { evolveInvoice, initialInvoiceState } from '../../../../libs/billing/src/index.js';
import { loadStream, streams } from '../../../../libs/application/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';
import { parseInvoiceEvent } from '../../../../projections/invoices/invoices.projection.js';

const invoiceFolder = { evolve: evolveInvoice, initialState: initialInvoiceState };

/** The invoice folded from its stream: the one loader of every command that reads or appends to an invoice. */
export function loadInvoiceStream(store: EventStore, tenantId: string, invoiceId: string, commandId?: string) {
  return loadStream(store, streams.invoice(tenantId, invoiceId), invoiceFolder, parseInvoiceEvent, commandId);
}
