import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../libs/projection-runtime/src/index.js';

/**
 * The candidates of an oldest-due-first allocation: a customer's invoices in one currency with something due, by due
 * date then number, read from the `invoices` read model (the event store has no index by customer). They are only
 * candidates: the allocator re-reads each invoice's stream and decides on its balance there, appending at the
 * revision it read, so a stale row can never over-apply a payment.
 */
export async function openInvoiceIdsOf(
  db: Kysely<ReadModelDatabase>,
  tenantId: string,
  customerId: string,
  currency: string,
  limit: number,
  schema: string = LIVE_READ_MODEL_SCHEMA,
): Promise<string[]> {
  const rows = await db
    .withSchema(schema)
    .selectFrom('invoices')
    .select(['invoice_id'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('currency', '=', currency)
    .where('status', 'in', ['open', 'partially_paid'])
    .where('balance_due', '>', '0')
    .orderBy('due_date', 'asc')
    .orderBy('number', 'asc')
    .orderBy('invoice_id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row: { invoice_id: string }) => row.invoice_id);
}
