/**
 * Which documents an event touches, for the audit trail: its stream's own id (an invoice's events are on
 * `<tenant>:invoice-<invoiceId>`), and every id in its data under a key that names an invoice, payment, credit note,
 * customer or subscription, at any depth (a payment's allocations name the invoices they pay, a refund the invoices it
 * reopens). Ids are identifiers of the tenant: two documents of different kinds are never given the same id by the
 * ledger's own id generation, and a trail lists what touched the id whatever its kind.
 */
export const DOCUMENT_ID_KEYS: ReadonlySet<string> = new Set([
  'invoiceId',
  'paymentId',
  'creditNoteId',
  'customerId',
  'subscriptionId',
  // A credit note's source invoice; an email's document (an invoice, a receipt or a payment, by its kind).
  'sourceInvoiceId',
  'documentId',
]);

/** Deeper than any event contract nests; a value deeper than this is a broken event, not a document. */
const DEPTH_MAX = 16;

/** The stream's category (`invoice`) and own id (`<invoiceId>`), from `<tenant>:<category>-<id>`. */
export function streamParts(streamId: string): { readonly category: string; readonly id: string } {
  const name = streamId.slice(streamId.indexOf(':') + 1);
  const dash = name.indexOf('-');
  return dash < 0 ? { category: name, id: name } : { category: name.slice(0, dash), id: name.slice(dash + 1) };
}

/** The distinct document ids an event touches: its stream's own id first, then those of its data in the order found. */
export function documentIdsOf(streamId: string, data: unknown): string[] {
  const found = new Set<string>([streamParts(streamId).id]);
  collect(data, found, 0);
  return [...found];
}

function collect(value: unknown, found: Set<string>, depth: number): void {
  if (depth > DEPTH_MAX || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, found, depth + 1);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (DOCUMENT_ID_KEYS.has(key) && typeof item === 'string' && item.length > 0) found.add(item);
    else collect(item, found, depth + 1);
  }
}
