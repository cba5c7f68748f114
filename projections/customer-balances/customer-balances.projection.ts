import { sql, type Kysely } from 'kysely';
import { customerAccountEventSchemas, invoicePaymentRecordedSchema } from '../../libs/billing/src/index.js';
import { tenantOfStream } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext, ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * `customer_balances`: each customer's credit per currency, in two parts.
 * - `account_balance`: the customer account stream's balance in that currency (CustomerAccountCredited adds,
 *   CustomerCreditApplied and CustomerAccountDebited take away). Each event states the balance it leaves
 *   (`balanceAfter`), and that figure is stored as it is, so the row always equals the decider's own fold.
 * - `legacy_credit`: the excess of payments recorded before the Payment aggregate existed (InvoicePaymentRecorded
 *   with an excess), which the customer account never saw. An excess that was later also credited on the account
 *   (CustomerAccountCredited of source overpayment naming the same payment) counts there only, never twice, whatever
 *   order the two events come in: `customer_legacy_overpayments` remembers both sides per payment.
 * `credit_balance` is their sum, what the customer may spend. None of these is ever negative.
 */
export const customerBalancesProjection: Projection = {
  name: 'customer_balances',
  // Version 2: the balance follows the customer account events; the legacy excess only when not credited there too.
  version: 2,
  eventTypes: ['InvoicePaymentRecorded', 'CustomerAccountCredited', 'CustomerCreditApplied', 'CustomerAccountDebited'],
  tables: ['customer_balances', 'customer_legacy_overpayments'],
  createTables: async (db: Kysely<ReadModelDatabase>, schema: string) => {
    await sql
      .raw(
        `create table if not exists ${schema}.customer_balances (
           tenant_id       text not null,
           customer_id     text not null,
           currency        char(3) not null,
           account_balance numeric(38, 12) not null check (account_balance >= 0),
           legacy_credit   numeric(38, 12) not null check (legacy_credit >= 0),
           credit_balance  numeric(38, 12) not null check (credit_balance >= 0),
           updated_at      timestamptz not null,
           primary key (tenant_id, customer_id, currency)
         );
         create table if not exists ${schema}.customer_legacy_overpayments (
           tenant_id         text not null,
           customer_id       text not null,
           payment_id        text not null,
           currency          char(3) not null,
           excess_amount     numeric(38, 12),
           credited_on_account boolean not null,
           primary key (tenant_id, customer_id, payment_id)
         )`,
      )
      .execute(db);
  },
  apply: applyCustomerBalanceEvent,
};

type Db = ReturnType<ProjectionContext['trx']['withSchema']>;

async function applyCustomerBalanceEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const db = trx.withSchema(schema);
  const at = recorded.recordedAt;
  switch (recorded.type) {
    case 'InvoicePaymentRecorded': {
      const data = invoicePaymentRecordedSchema.data.parse(recorded.data);
      await db
        .insertInto('customer_legacy_overpayments')
        .values({ tenant_id: tenantId, customer_id: data.customerId, payment_id: data.paymentId, currency: data.currency, excess_amount: data.excessAmount, credited_on_account: false })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'customer_id', 'payment_id']).doUpdateSet({ excess_amount: data.excessAmount }))
        .execute();
      await refreshLegacyCredit(db, tenantId, data.customerId, data.currency, at);
      return;
    }
    case 'CustomerAccountCredited': {
      const data = customerAccountEventSchemas.CustomerAccountCredited.data.parse(recorded.data);
      if (data.source === 'overpayment') {
        await db
          .insertInto('customer_legacy_overpayments')
          .values({ tenant_id: tenantId, customer_id: data.customerId, payment_id: data.sourceId, currency: data.currency, excess_amount: null, credited_on_account: true })
          .onConflict((conflict) => conflict.columns(['tenant_id', 'customer_id', 'payment_id']).doUpdateSet({ credited_on_account: true }))
          .execute();
      }
      await setAccountBalance(db, tenantId, data.customerId, data.currency, data.balanceAfter, at);
      if (data.source === 'overpayment') await refreshLegacyCredit(db, tenantId, data.customerId, data.currency, at);
      return;
    }
    case 'CustomerCreditApplied': {
      const data = customerAccountEventSchemas.CustomerCreditApplied.data.parse(recorded.data);
      await setAccountBalance(db, tenantId, data.customerId, data.currency, data.balanceAfter, at);
      return;
    }
    case 'CustomerAccountDebited': {
      const data = customerAccountEventSchemas.CustomerAccountDebited.data.parse(recorded.data);
      await setAccountBalance(db, tenantId, data.customerId, data.currency, data.balanceAfter, at);
      return;
    }
    default:
      throw new Error(`customer_balances: not an event of this projection: ${recorded.type}`);
  }
}

async function setAccountBalance(db: Db, tenantId: string, customerId: string, currency: string, balanceAfter: string, at: Date): Promise<void> {
  await db
    .insertInto('customer_balances')
    .values({ tenant_id: tenantId, customer_id: customerId, currency, account_balance: balanceAfter, legacy_credit: '0', credit_balance: balanceAfter, updated_at: at })
    .onConflict((conflict) =>
      conflict.columns(['tenant_id', 'customer_id', 'currency']).doUpdateSet({
        account_balance: sql`excluded.account_balance`,
        credit_balance: sql`excluded.account_balance + customer_balances.legacy_credit`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .execute();
}

/** The legacy part: every legacy excess of this customer and currency not also credited on the account. */
async function refreshLegacyCredit(db: Db, tenantId: string, customerId: string, currency: string, at: Date): Promise<void> {
  const { legacy } = (await db
    .selectFrom('customer_legacy_overpayments')
    .select(sql<string>`coalesce(sum(excess_amount) filter (where not credited_on_account), 0)::text`.as('legacy'))
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('currency', '=', currency)
    .executeTakeFirstOrThrow()) as { legacy: string };
  await db
    .insertInto('customer_balances')
    .values({ tenant_id: tenantId, customer_id: customerId, currency, account_balance: '0', legacy_credit: legacy, credit_balance: legacy, updated_at: at })
    .onConflict((conflict) =>
      conflict.columns(['tenant_id', 'customer_id', 'currency']).doUpdateSet({
        legacy_credit: sql`excluded.legacy_credit`,
        credit_balance: sql`customer_balances.account_balance + excluded.legacy_credit`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .execute();
}
