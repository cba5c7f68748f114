import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kysely, sql } from 'kysely';
import { secureTenantTables } from '../../libs/database/src/row-level-security.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { BillingSettingsQueries } from '../../projections/billing-settings/billing-settings.queries.js';
import { createBillingSettingsHistoryTables, createBillingSettingsTables } from '../../projections/billing-settings/billing-settings.tables.js';
import { encodeCursor } from '../../projections/common/opaque-cursor.js';
import { CreditNoteQueries } from '../../projections/credit-notes/credit-notes.queries.js';
import { createCreditNoteTables } from '../../projections/credit-notes/credit-notes.tables.js';
import { CustomerQueries } from '../../projections/customers/customers.queries.js';
import { createCustomerTables } from '../../projections/customers/customers.tables.js';
import { exchangeRatesProjection } from '../../projections/exchange-rates/exchange-rates.projection.js';
import { ExchangeRateQueries } from '../../projections/exchange-rates/exchange-rates.queries.js';
import { GeneralLedgerQueries } from '../../projections/general-ledger/general-ledger.queries.js';
import { createGeneralLedgerTables } from '../../projections/general-ledger/general-ledger.tables.js';
import { InvoiceQueries } from '../../projections/invoices/invoices.queries.js';
import { createInvoiceTables } from '../../projections/invoices/invoices.tables.js';
import { openInvoiceIdsOf } from '../../projections/invoices/open-invoices.queries.js';
import { PaymentMethodQueries } from '../../projections/payment-methods/payment-methods.queries.js';
import { createPaymentMethodTables } from '../../projections/payment-methods/payment-methods.tables.js';
import { PaymentQueries } from '../../projections/payments/payments.queries.js';
import { createPaymentTables } from '../../projections/payments/payments.tables.js';
import { ReceiptQueries } from '../../projections/receipts/receipts.queries.js';
import { createReceiptTables } from '../../projections/receipts/receipts.tables.js';
import { nodesOf, PlanTestDatabase, type PlanNode } from '../../libs/testing/src/explained-queries.js';

/**
 * Every list query of the read models pages through an index in its own order (docs/architecture.md, "Performance
 * rules"): for each filter the API offers, first page and a later page, the plan reads the expected index and sorts
 * nothing, so a page costs the same whatever the number of rows. The tables are filled by SQL (a large tenant and a
 * small one), analysed, and each query is built by the real query code and EXPLAINed as the tenant role with the
 * tenant set, the way a request runs it, so row-level security's policy is part of every plan.
 */

const SCHEMA = LIVE_READ_MODEL_SCHEMA;
const TENANT = 'plans-big';
const ROWS = 40_000;

let admin: Kysely<ReadModelDatabase>;
const planDatabase = new PlanTestDatabase('plans');
const explainer = planDatabase.explainer;

/**
 * A Kysely whose every SELECT is EXPLAINed on a connection set to the tenant role and tenant (as scoped-pool.ts sets a
 * request's connection) instead of being run; the query code receives no rows.
 */
function explainingDb(): Kysely<ReadModelDatabase> {
  return explainer.db();
}

/** The expression that fills a column of a seeded row (`g` is the row number), by its name, then by its type. */
function valueOf(table: string, column: string, type: string, overrides: Record<string, string>): string {
  if (column in overrides) return overrides[column] as string;
  if (column === 'tenant_id') return `case when g % 20 = 0 then 'plans-small' else '${TENANT}' end`;
  if (column === 'customer_id') return `'cust-' || (g % 400)`;
  if (column.endsWith('_id')) return `'${column.slice(0, -3)}-' || g`;
  switch (type) {
    case 'text':
      return `'${table}-${column}-' || g`;
    case 'character':
      return column === 'country' ? `'DE'` : `'USD'`;
    case 'numeric':
      return `(g % 1000)::numeric`;
    case 'smallint':
      return '1 + g % 12';
    case 'integer':
    case 'bigint':
      return 'g';
    case 'date':
      return `date '2024-01-01' + (g % 700)`;
    case 'timestamp with time zone':
      return `timestamptz '2024-01-01T00:00:00Z' + g * interval '17 minutes'`;
    case 'jsonb':
      return `'{}'::jsonb`;
    case 'ARRAY':
      return `array['invoice']::text[]`;
    case 'boolean':
      return 'false';
    default:
      throw new Error(`no seed value for ${table}.${column} of type ${type}`);
  }
}

async function seed(table: string, rows: number, overrides: Record<string, string> = {}): Promise<void> {
  const { rows: columns } = await sql<{ column_name: string; data_type: string }>`
    select column_name, data_type from information_schema.columns where table_schema = ${SCHEMA} and table_name = ${table} order by ordinal_position`.execute(admin);
  const names = columns.map((column) => column.column_name);
  const values = columns.map((column) => valueOf(table, column.column_name, column.data_type, overrides));
  await sql.raw(`insert into ${SCHEMA}.${table} (${names.join(', ')}) select ${values.join(', ')} from generate_series(1, ${rows}) g`).execute(admin);
  await sql.raw(`analyze ${SCHEMA}.${table}`).execute(admin);
}

beforeAll(async () => {
  admin = await planDatabase.open();
  await sql.raw(`create schema if not exists ${SCHEMA}`).execute(admin);
  for (const create of [
    createInvoiceTables,
    createCreditNoteTables,
    createCustomerTables,
    createPaymentTables,
    createPaymentMethodTables,
    createReceiptTables,
    createGeneralLedgerTables,
    createBillingSettingsTables,
    createBillingSettingsHistoryTables,
    exchangeRatesProjection.createTables,
  ]) {
    await create(admin, SCHEMA);
  }
  await secureTenantTables(admin);
  const statuses = (values: string[]) => `(array[${values.map((value) => `'${value}'`).join(', ')}])[1 + g % ${values.length}]`;
  await seed('invoices', ROWS, {
    status: statuses(['draft', 'open', 'partially_paid', 'paid', 'void', 'written_off', 'paid', 'paid']),
    number: `'INV-' || g`,
    currency: `(array['USD', 'EUR'])[1 + g % 2]`,
    drafted_at: `timestamptz '2024-01-01T00:00:00Z' + g * interval '13 minutes'`,
    issue_date: `date '2024-01-01' + (g / 60)`,
  });
  await seed('credit_notes', ROWS, { status: statuses(['draft', 'issued', 'applied', 'voided']), type: statuses(['adjustment', 'refund', 'goodwill']), source_invoice_id: `'inv-' || (g / 2)` });
  await seed('customers', ROWS, { customer_id: `'cust-' || g` });
  await seed('payments', ROWS, { status: statuses(['pending', 'succeeded', 'failed', 'refunded']), method: statuses(['card', 'cash', 'check', 'wire_transfer']), currency: `(array['USD', 'EUR', 'GBP'])[1 + g % 3]` });
  await seed('payment_methods', ROWS, { status: statuses(['active', 'inactive', 'expired']) });
  await seed('receipts', ROWS, { issue_date: `date '2024-01-01' + (g / 60)`, issued_at: `timestamptz '2024-01-01T00:00:00Z' + g * interval '24 minutes'` });
  await seed('journal_entries', ROWS, { currency: `(array['USD', 'EUR', 'GBP'])[1 + g % 3]`, source_id: `'source-' || (g / 3)` });
  await seed('journal_lines', ROWS, { entry_id: `'entry-' || (g / 2)`, line_no: 'g', account: statuses(['accounts_receivable', 'revenue', 'tax_payable', 'cash']) });
  await seed('billing_settings_history', ROWS, { commit_position: 'g', prepare_position: 'g', sections: `array[(array['invoice', 'payment', 'tax'])[1 + g % 3]]` });
  await seed('exchange_rates', ROWS, { base: `(array['USD', 'EUR'])[1 + g % 2]`, quote: `'GBP'`, commit_position: 'g', prepare_position: 'g' });
  await planDatabase.connectAsTenant(TENANT);
}, 180_000);

afterAll(() => planDatabase.close());

const db = () => explainingDb();
const TODAY = '2025-01-01';
const TIME = '2024-06-01T00:00:00.000000Z';

/** The plan of the first statement `run` sends: the page itself (later ones fetch the page's details). */
function planOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: PlanNode }> {
  return explainer.planOf(run);
}

/** A list query shape: what it is, how the real query code runs it, and the index its page must be read through. */
type Shape = [name: string, run: () => Promise<unknown>, index: string];

const invoices = () => new InvoiceQueries(db(), SCHEMA);
const creditNotes = () => new CreditNoteQueries(db(), SCHEMA);
const payments = () => new PaymentQueries(db(), SCHEMA);
const paymentMethods = () => new PaymentMethodQueries(db(), SCHEMA);
const receipts = () => new ReceiptQueries(db(), SCHEMA);
const ledger = () => new GeneralLedgerQueries(db(), SCHEMA);
const invoiceCursor = encodeCursor([TIME, 'invoice-20000']);
const noteCursor = encodeCursor(['credit_note', TIME, 'credit_note-20000']);
const paymentCursor = encodeCursor(['payment', TIME, 'payment-20000']);
const methodCursor = encodeCursor(['payment_method', TIME, 'payment_method-20000']);
const receiptCursor = encodeCursor(['receipt', TIME, 'receipt-20000']);
const entryCursor = encodeCursor(['20000', '20000', 'entry-20000']);

/** Each filter the API offers, alone, on the first page and after a cursor (and a few combinations). */
const shapes: Shape[] = [
  ['invoices', () => invoices().listInvoices(TENANT, {}, 50, null, TODAY), 'invoices_by_draft'],
  ['invoices, after a cursor', () => invoices().listInvoices(TENANT, {}, 50, invoiceCursor, TODAY), 'invoices_by_draft'],
  ['invoices of a status', () => invoices().listInvoices(TENANT, { status: 'paid' }, 50, null, TODAY), 'invoices_by_status_draft'],
  ['invoices of a status, after a cursor', () => invoices().listInvoices(TENANT, { status: 'draft' }, 50, invoiceCursor, TODAY), 'invoices_by_status_draft'],
  ['open invoices (not overdue)', () => invoices().listInvoices(TENANT, { status: 'open' }, 50, null, TODAY), 'invoices_by_status_draft'],
  ['partly paid invoices, after a cursor', () => invoices().listInvoices(TENANT, { status: 'partially_paid' }, 50, invoiceCursor, TODAY), 'invoices_by_status_draft'],
  ['overdue invoices', () => invoices().listInvoices(TENANT, { status: 'overdue' }, 50, null, TODAY), 'invoices_unpaid_by_draft'],
  ['overdue invoices, after a cursor', () => invoices().listInvoices(TENANT, { status: 'overdue' }, 50, invoiceCursor, TODAY), 'invoices_unpaid_by_draft'],
  ['invoices of a customer', () => invoices().listInvoices(TENANT, { customerId: 'cust-7' }, 50, null, TODAY), 'invoices_by_customer_draft'],
  ['invoices of a customer, after a cursor', () => invoices().listInvoices(TENANT, { customerId: 'cust-7' }, 50, invoiceCursor, TODAY), 'invoices_by_customer_draft'],
  ['invoices of a customer and a status', () => invoices().listInvoices(TENANT, { customerId: 'cust-7', status: 'paid' }, 50, null, TODAY), 'invoices_by_customer_draft'],
  ['invoices issued from a date', () => invoices().listInvoices(TENANT, { issuedFrom: '2024-03-01' }, 50, null, TODAY), 'invoices_by_draft'],
  ['invoices issued up to a date, after a cursor', () => invoices().listInvoices(TENANT, { issuedTo: '2024-12-31' }, 50, invoiceCursor, TODAY), 'invoices_by_draft'],
  ['the candidates of an allocation', () => openInvoiceIdsOf(db(), TENANT, 'cust-7', 'USD', 100, SCHEMA), 'invoices_unpaid_by_customer_due'],
  ['credit notes', () => creditNotes().listCreditNotes(TENANT, {}, 50, null), 'credit_notes_by_draft'],
  ['credit notes, after a cursor', () => creditNotes().listCreditNotes(TENANT, {}, 50, noteCursor), 'credit_notes_by_draft'],
  ['credit notes of a customer', () => creditNotes().listCreditNotes(TENANT, { customerId: 'cust-7' }, 50, null), 'credit_notes_by_customer_draft'],
  ['credit notes of a customer, after a cursor', () => creditNotes().listCreditNotes(TENANT, { customerId: 'cust-7' }, 50, noteCursor), 'credit_notes_by_customer_draft'],
  ['credit notes of a status', () => creditNotes().listCreditNotes(TENANT, { status: 'issued' }, 50, null), 'credit_notes_by_status_draft'],
  ['credit notes of a status, after a cursor', () => creditNotes().listCreditNotes(TENANT, { status: 'voided' }, 50, noteCursor), 'credit_notes_by_status_draft'],
  ['credit notes of a type', () => creditNotes().listCreditNotes(TENANT, { type: 'refund' }, 50, null), 'credit_notes_by_type_draft'],
  ['credit notes of a type, after a cursor', () => creditNotes().listCreditNotes(TENANT, { type: 'goodwill' }, 50, noteCursor), 'credit_notes_by_type_draft'],
  ['credit notes of a source invoice', () => creditNotes().listCreditNotes(TENANT, { sourceInvoiceId: 'inv-77' }, 50, null), 'credit_notes_by_source_invoice_draft'],
  ['credit notes of a source invoice, after a cursor', () => creditNotes().listCreditNotes(TENANT, { sourceInvoiceId: 'inv-77' }, 50, noteCursor), 'credit_notes_by_source_invoice_draft'],
  ['customers', () => new CustomerQueries(db(), SCHEMA).listCustomers(TENANT, 50, null), 'customers_pkey'],
  ['customers, after a cursor', () => new CustomerQueries(db(), SCHEMA).listCustomers(TENANT, 50, encodeCursor(['customer', 'cust-20000'])), 'customers_pkey'],
  ['payments', () => payments().listPayments(TENANT, {}, 50, null), 'payments_by_recorded'],
  ['payments, after a cursor', () => payments().listPayments(TENANT, {}, 50, paymentCursor), 'payments_by_recorded'],
  ['payments of a customer', () => payments().listPayments(TENANT, { customerId: 'cust-7' }, 50, null), 'payments_by_customer'],
  ['payments of a customer, after a cursor', () => payments().listPayments(TENANT, { customerId: 'cust-7' }, 50, paymentCursor), 'payments_by_customer'],
  ['payments of a status', () => payments().listPayments(TENANT, { status: 'succeeded' }, 50, null), 'payments_by_status'],
  ['payments of a status, after a cursor', () => payments().listPayments(TENANT, { status: 'failed' }, 50, paymentCursor), 'payments_by_status'],
  ['payments of a method', () => payments().listPayments(TENANT, { method: 'card' }, 50, null), 'payments_by_method'],
  ['payments of a method, after a cursor', () => payments().listPayments(TENANT, { method: 'cash' }, 50, paymentCursor), 'payments_by_method'],
  ['payments in a currency', () => payments().listPayments(TENANT, { currency: 'EUR' }, 50, null), 'payments_by_currency'],
  ['payments in a currency, after a cursor', () => payments().listPayments(TENANT, { currency: 'GBP' }, 50, paymentCursor), 'payments_by_currency'],
  ['payment methods', () => paymentMethods().listPaymentMethods(TENANT, {}, 50, null), 'payment_methods_by_added'],
  ['payment methods, after a cursor', () => paymentMethods().listPaymentMethods(TENANT, {}, 50, methodCursor), 'payment_methods_by_added'],
  ['payment methods of a customer', () => paymentMethods().listPaymentMethods(TENANT, { customerId: 'cust-7' }, 50, null), 'payment_methods_by_customer'],
  ['payment methods of a customer, after a cursor', () => paymentMethods().listPaymentMethods(TENANT, { customerId: 'cust-7' }, 50, methodCursor), 'payment_methods_by_customer'],
  ['payment methods of a status', () => paymentMethods().listPaymentMethods(TENANT, { status: 'active' }, 50, null), 'payment_methods_by_status'],
  ['payment methods of a status, after a cursor', () => paymentMethods().listPaymentMethods(TENANT, { status: 'expired' }, 50, methodCursor), 'payment_methods_by_status'],
  ['receipts', () => receipts().listReceipts(TENANT, {}, 50, null), 'receipts_by_issue'],
  ['receipts, after a cursor', () => receipts().listReceipts(TENANT, {}, 50, receiptCursor), 'receipts_by_issue'],
  ['receipts of a customer', () => receipts().listReceipts(TENANT, { customerId: 'cust-7' }, 50, null), 'receipts_by_customer_issue'],
  ['receipts of a customer, after a cursor', () => receipts().listReceipts(TENANT, { customerId: 'cust-7' }, 50, receiptCursor), 'receipts_by_customer_issue'],
  ['receipts of a payment', () => receipts().listReceipts(TENANT, { paymentId: 'payment-77' }, 50, null), 'receipts_by_payment_issue'],
  ['receipts issued from a date', () => receipts().listReceipts(TENANT, { issuedFrom: '2024-03-01' }, 50, null), 'receipts_by_issue'],
  ['receipts issued up to a date, after a cursor', () => receipts().listReceipts(TENANT, { issuedTo: '2024-12-31' }, 50, receiptCursor), 'receipts_by_issue'],
  ['journal entries', () => ledger().journalEntries(TENANT, {}, 50, null), 'journal_entries_by_position'],
  ['journal entries, after a cursor', () => ledger().journalEntries(TENANT, {}, 50, entryCursor), 'journal_entries_by_position'],
  ['journal entries in a currency', () => ledger().journalEntries(TENANT, { currency: 'EUR' }, 50, null), 'journal_entries_by_currency_position'],
  ['journal entries in a currency, after a cursor', () => ledger().journalEntries(TENANT, { currency: 'EUR' }, 50, entryCursor), 'journal_entries_by_currency_position'],
  ['journal entries of a customer', () => ledger().journalEntries(TENANT, { customerId: 'cust-7' }, 50, null), 'journal_entries_by_customer_position'],
  ['journal entries of a customer, after a cursor', () => ledger().journalEntries(TENANT, { customerId: 'cust-7' }, 50, entryCursor), 'journal_entries_by_customer_position'],
  ['journal entries of a source', () => ledger().journalEntries(TENANT, { sourceId: 'source-77' }, 50, null), 'journal_entries_by_source_position'],
  ['journal entries of a source, after a cursor', () => ledger().journalEntries(TENANT, { sourceId: 'source-77' }, 50, entryCursor), 'journal_entries_by_source_position'],
  ['journal entries of an account', () => ledger().journalEntries(TENANT, { account: 'revenue' }, 50, null), 'journal_entries_by_position'],
  ['journal entries from an instant', () => ledger().journalEntries(TENANT, { from: '2024-03-01T00:00:00Z' }, 50, entryCursor), 'journal_entries_by_position'],
  ['settings history', () => new BillingSettingsQueries(db(), SCHEMA).history(TENANT, null, 50, null), 'billing_settings_history_pkey'],
  ['settings history of a section, after a cursor', () => new BillingSettingsQueries(db(), SCHEMA).history(TENANT, 'invoice', 50, '20000.20000'), 'billing_settings_history_pkey'],
  ['exchange rates of a pair', () => new ExchangeRateQueries(db(), SCHEMA).history(TENANT, 'USD', 'GBP', 50, null), 'exchange_rates_by_effective_time'],
  ['exchange rates of a pair, after a cursor', () => new ExchangeRateQueries(db(), SCHEMA).history(TENANT, 'USD', 'GBP', 50, encodeCursor([TIME, '20000', '20000'])), 'exchange_rates_by_effective_time'],
];

describe('list queries read an index in their order, sorting nothing', () => {
  // A customer's overdue invoices: PostgreSQL reads that customer's unpaid invoices past due through the allocation's
  // index and sorts those few, which is as cheap as an index in draft order; what matters is that it sorts nothing more.
  it('overdue invoices of a customer sort only that customer\'s unpaid invoices', async () => {
    const { plan } = await planOf(() => invoices().listInvoices(TENANT, { customerId: 'cust-7', status: 'overdue' }, 50, null, TODAY));
    const nodes = nodesOf(plan);
    expect(nodes.filter((node) => /Seq Scan|Bitmap Heap Scan/.test(node['Node Type']))).toEqual([]);
    expect(['invoices_unpaid_by_customer_due', 'invoices_by_customer_draft']).toContain(nodes.find((node) => /^Index (Only )?Scan$/.test(node['Node Type']))?.['Index Name']);
  });

  it.each(shapes)('%s', async (_name, run, index) => {
    const { sql: text, plan } = await planOf(run);
    const nodes = nodesOf(plan);
    const described = `${text}\n${JSON.stringify(plan, null, 1)}`;
    // No sort at all: the rows come out of the index in the page's order, and the LIMIT stops the scan.
    expect({ sorts: nodes.filter((node) => /Sort/.test(node['Node Type'])).length, described }).toEqual({ sorts: 0, described });
    expect({ index: nodes.find((node) => /^Index (Only )?Scan$/.test(node['Node Type']))?.['Index Name'], described }).toEqual({ index, described });
    expect(nodes.filter((node) => /Seq Scan|Bitmap Heap Scan/.test(node['Node Type'])).map((node) => node['Relation Name'])).toEqual([]);
  });
});
