import { sql, type Kysely } from 'kysely';
import { invoicePaymentRecordedSchema } from '../../libs/billing/src/index.js';
import { tenantOfStream } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext, ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * `customer_balances`: each customer's credit per currency. Today credit comes from overpayments (the part of a
 * payment beyond the invoice's balance); it never disappears.
 */
export const customerBalancesProjection: Projection = {
  name: 'customer_balances',
  version: 1,
  eventTypes: ['InvoicePaymentRecorded'],
  tables: ['customer_balances'],
  createTables: async (db: Kysely<ReadModelDatabase>, schema: string) => {
    await sql
      .raw(
        `create table if not exists ${schema}.customer_balances (
           tenant_id      text not null,
           customer_id    text not null,
           currency       char(3) not null,
           credit_balance numeric(38, 12) not null,
           updated_at     timestamptz not null,
           primary key (tenant_id, customer_id, currency)
         )`,
      )
      .execute(db);
  },
  apply: async ({ trx, schema }: ProjectionContext, recorded: RecordedEvent) => {
    if (recorded.type !== 'InvoicePaymentRecorded') return;
    const data = invoicePaymentRecordedSchema.data.parse(recorded.data);
    await trx
      .withSchema(schema)
      .insertInto('customer_balances')
      .values({ tenant_id: tenantOfStream(recorded.streamId), customer_id: data.customerId, currency: data.currency, credit_balance: data.excessAmount, updated_at: recorded.recordedAt })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'customer_id', 'currency']).doUpdateSet({
          credit_balance: sql`customer_balances.credit_balance + excluded.credit_balance`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  },
};
