import { sql, type Kysely } from 'kysely';
import { customerAccountEventSchemas, invoicePaymentRecordedSchema } from '../../libs/billing/src/index.js';
import { storedEventData, tenantOfStream } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext, ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { parseComputedDecimal } from '../../libs/money/src/index.js';
import { keyOf, loadRows, upsertRows, type Row, type RowKey } from '../common/batch-rows.js';
import { atScale } from '../common/batch-fold.js';

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
 * A batch costs four statements: one load and one write per table.
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
  applyBatch: applyCustomerBalanceBatch,
};

/** NUMERIC(38, 12): the scale every amount of both tables is stored at. */
const SCALE = 12;

interface LegacyOverpayment {
  readonly tenantId: string;
  readonly customerId: string;
  readonly paymentId: string;
  readonly currency: string;
  excess: string | null;
  creditedOnAccount: boolean;
}

interface Balance {
  readonly tenantId: string;
  readonly customerId: string;
  readonly currency: string;
  account: string;
  legacy: string;
  credit: string;
  updatedAt: Date;
}

type Change =
  | { kind: 'legacy_payment'; tenantId: string; customerId: string; paymentId: string; currency: string; excess: string | null; at: Date }
  | { kind: 'account'; tenantId: string; customerId: string; currency: string; balanceAfter: string; overpaymentOf: string | null; at: Date };

function changeOf(recorded: RecordedEvent): Change {
  const tenantId = tenantOfStream(recorded.streamId);
  const at = recorded.recordedAt;
  switch (recorded.type) {
    case 'InvoicePaymentRecorded': {
      const data = storedEventData(invoicePaymentRecordedSchema, recorded);
      return { kind: 'legacy_payment', tenantId, customerId: data.customerId, paymentId: data.paymentId, currency: data.currency, excess: data.excessAmount, at };
    }
    case 'CustomerAccountCredited': {
      const data = storedEventData(customerAccountEventSchemas.CustomerAccountCredited, recorded);
      return { kind: 'account', tenantId, customerId: data.customerId, currency: data.currency, balanceAfter: data.balanceAfter, overpaymentOf: data.source === 'overpayment' ? data.sourceId : null, at };
    }
    case 'CustomerCreditApplied': {
      const data = storedEventData(customerAccountEventSchemas.CustomerCreditApplied, recorded);
      return { kind: 'account', tenantId, customerId: data.customerId, currency: data.currency, balanceAfter: data.balanceAfter, overpaymentOf: null, at };
    }
    case 'CustomerAccountDebited': {
      const data = storedEventData(customerAccountEventSchemas.CustomerAccountDebited, recorded);
      return { kind: 'account', tenantId, customerId: data.customerId, currency: data.currency, balanceAfter: data.balanceAfter, overpaymentOf: null, at };
    }
    default:
      throw new Error(`customer_balances: not an event of this projection: ${recorded.type}`);
  }
}

/**
 * The batch folded in memory, with the per-event rules (see above): the balances and legacy overpayments it touches
 * are loaded in one statement per table, each event changes them in log order, and the rows touched are written in
 * one statement per table. The legacy sum covers every overpayment of the customer and currency, so those are all
 * loaded, not only the ones the batch names. Sums are exact decimals at the columns' scale, as PostgreSQL made them.
 */
async function applyCustomerBalanceBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const changes = events.map(changeOf);
  const paymentOf = (change: Change) => (change.kind === 'legacy_payment' ? change.paymentId : change.overpaymentOf);
  const paymentKeys = changes.flatMap((change) => {
    const paymentId = paymentOf(change);
    return paymentId === null ? [] : [[change.tenantId, change.customerId, paymentId]];
  });
  const balanceKeys = changes.map((change) => [change.tenantId, change.customerId, change.currency]);
  // Every overpayment whose sum a refresh needs (the customer and currency of each legacy change), and every one the
  // batch names (whose stored currency may differ from the event's: the per-event upsert never changed it).
  const refreshKeys = changes.flatMap((change) => (paymentOf(change) === null ? [] : [[change.tenantId, change.customerId, change.currency]]));
  const [balanceRows, overpaymentRows] = [
    await loadRows(context, 'customer_balances', ['tenant_id', 'customer_id', 'currency'], balanceKeys),
    await loadOverpayments(context, paymentKeys, refreshKeys),
  ];
  const balances = new Map<string, Balance>();
  for (const row of balanceRows) {
    const balance: Balance = {
      tenantId: row.tenant_id as string,
      customerId: row.customer_id as string,
      currency: row.currency as string,
      account: row.account_balance as string,
      legacy: row.legacy_credit as string,
      credit: row.credit_balance as string,
      updatedAt: row.updated_at as Date,
    };
    balances.set(keyOf(balance.tenantId, balance.customerId, balance.currency), balance);
  }
  const overpayments = new Map<string, LegacyOverpayment>();
  for (const row of overpaymentRows) {
    const overpayment: LegacyOverpayment = {
      tenantId: row.tenant_id as string,
      customerId: row.customer_id as string,
      paymentId: row.payment_id as string,
      currency: row.currency as string,
      excess: row.excess_amount as string | null,
      creditedOnAccount: row.credited_on_account as boolean,
    };
    overpayments.set(keyOf(overpayment.tenantId, overpayment.customerId, overpayment.paymentId), overpayment);
  }
  const touchedBalances = new Set<string>();
  const touchedOverpayments = new Set<string>();

  const setAccountBalance = (change: Change & { kind: 'account' }) => {
    const key = keyOf(change.tenantId, change.customerId, change.currency);
    const account = atScale(change.balanceAfter, SCALE);
    const current = balances.get(key);
    const legacy = current === undefined ? atScale('0', SCALE) : current.legacy;
    balances.set(key, { tenantId: change.tenantId, customerId: change.customerId, currency: change.currency, account, legacy, credit: sumAtScale(account, legacy), updatedAt: change.at });
    touchedBalances.add(key);
  };
  const refreshLegacyCredit = (change: Change) => {
    let legacySum = atScale('0', SCALE);
    for (const overpayment of overpayments.values()) {
      const counted = overpayment.tenantId === change.tenantId && overpayment.customerId === change.customerId && overpayment.currency === change.currency;
      if (counted && !overpayment.creditedOnAccount && overpayment.excess !== null) legacySum = sumAtScale(legacySum, overpayment.excess);
    }
    const key = keyOf(change.tenantId, change.customerId, change.currency);
    const current = balances.get(key);
    const account = current === undefined ? atScale('0', SCALE) : current.account;
    balances.set(key, { tenantId: change.tenantId, customerId: change.customerId, currency: change.currency, account, legacy: legacySum, credit: sumAtScale(account, legacySum), updatedAt: change.at });
    touchedBalances.add(key);
  };
  const upsertOverpayment = (tenantId: string, customerId: string, paymentId: string, inserted: LegacyOverpayment, update: (row: LegacyOverpayment) => void) => {
    const key = keyOf(tenantId, customerId, paymentId);
    const current = overpayments.get(key);
    if (current === undefined) overpayments.set(key, inserted);
    else update(current);
    touchedOverpayments.add(key);
  };

  for (const change of changes) {
    if (change.kind === 'legacy_payment') {
      const excess = change.excess === null ? null : atScale(change.excess, SCALE);
      const inserted = { tenantId: change.tenantId, customerId: change.customerId, paymentId: change.paymentId, currency: change.currency, excess, creditedOnAccount: false };
      upsertOverpayment(change.tenantId, change.customerId, change.paymentId, inserted, (row) => {
        row.excess = excess;
      });
      refreshLegacyCredit(change);
      continue;
    }
    if (change.overpaymentOf !== null) {
      const inserted = { tenantId: change.tenantId, customerId: change.customerId, paymentId: change.overpaymentOf, currency: change.currency, excess: null, creditedOnAccount: true };
      upsertOverpayment(change.tenantId, change.customerId, change.overpaymentOf, inserted, (row) => {
        row.creditedOnAccount = true;
      });
    }
    setAccountBalance(change);
    if (change.overpaymentOf !== null) refreshLegacyCredit(change);
  }

  await upsertRows(
    context,
    'customer_legacy_overpayments',
    ['tenant_id', 'customer_id', 'payment_id'],
    [...touchedOverpayments].map((key) => {
      const row = overpayments.get(key) as LegacyOverpayment;
      return { tenant_id: row.tenantId, customer_id: row.customerId, payment_id: row.paymentId, currency: row.currency, excess_amount: row.excess, credited_on_account: row.creditedOnAccount };
    }),
  );
  await upsertRows(
    context,
    'customer_balances',
    ['tenant_id', 'customer_id', 'currency'],
    [...touchedBalances].map((key) => {
      const row = balances.get(key) as Balance;
      return { tenant_id: row.tenantId, customer_id: row.customerId, currency: row.currency, account_balance: row.account, legacy_credit: row.legacy, credit_balance: row.credit, updated_at: row.updatedAt };
    }),
  );
}

/** The sum of two amounts at the columns' scale (both already at it, so the sum is exact: the rounding never acts). */
function sumAtScale(left: string, right: string): string {
  return atScale(parseComputedDecimal(left).plus(parseComputedDecimal(right)), SCALE);
}

/** The overpayments the batch names, and every one of the customers and currencies it refreshes: one statement. */
async function loadOverpayments({ trx, schema }: ProjectionContext, paymentKeys: readonly RowKey[], refreshKeys: readonly RowKey[]): Promise<Row[]> {
  if (paymentKeys.length === 0 && refreshKeys.length === 0) return [];
  const column = (keys: readonly RowKey[], index: number) => sql`${keys.map((key) => key[index] as string)}::text[]`;
  const { rows } = await sql<Row>`
    select t.* from ${sql.table(`${schema}.customer_legacy_overpayments`)} t
     where (t.tenant_id, t.customer_id, t.payment_id) in (select * from unnest(${column(paymentKeys, 0)}, ${column(paymentKeys, 1)}, ${column(paymentKeys, 2)}))
        or (t.tenant_id, t.customer_id, t.currency) in (select * from unnest(${column(refreshKeys, 0)}, ${column(refreshKeys, 1)}, ${column(refreshKeys, 2)}))`.execute(trx);
  return rows;
}
