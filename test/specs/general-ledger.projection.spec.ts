import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { generalLedgerProjection } from '../../projections/general-ledger/general-ledger.projection.js';
import { GeneralLedgerQueries } from '../../projections/general-ledger/general-ledger.queries.js';
import { inStream, ProjectionSpecification } from '../../libs/testing/src/projection-spec.js';
import { invoiceIssued, invoicePaymentApplied, paymentAllocated, type PaymentFixture } from './billing-events.fixtures.js';
import { startProjectionSpecDatabase, type ProjectionSpecDatabase } from './projection-spec.support.js';

/**
 * The general-ledger projection on its own, on real PostgreSQL: the balanced journal entry one payment posts, the
 * events that post nothing, and the trial balance over an invoice and its payment.
 */
describe('general-ledger projection', () => {
  let database: ProjectionSpecDatabase;

  beforeAll(async () => {
    database = await startProjectionSpecDatabase();
  });

  afterAll(async () => {
    await database?.stop();
  });

  const spec = () => ProjectionSpecification.for({ projection: generalLedgerProjection, db: database.db });
  const ALLOCATED_AT = '2026-03-05T12:00:01.000Z';
  const ALLOCATION_EVENT = '0f6d7c1e-4b8a-4d2e-9c31-5a7e2b9d8f10';
  const ISSUE_EVENT = '7a1c2e3d-5f60-4b71-8c92-a3b4c5d6e7f8';
  const zero = '0.000000000000';
  /** 100.00 cash: 71.96 to inv-1, the 28.04 beyond its balance to the customer's credit. */
  const overpayment = (recordedAt?: string) =>
    inStream('acme:payment-pay-1', paymentAllocated('pay-1', [{ invoiceId: 'inv-1', amount: '71.96' }], '28.04', ALLOCATED_AT), {
      eventId: ALLOCATION_EVENT,
      position: { commit: 7n, prepare: 3n },
      ...(recordedAt === undefined ? {} : { recordedAt }),
    });

  it('one payment posts one balanced entry: cash in, the receivable settled, the excess owed to the customer', async () => {
    await spec()
      .given([overpayment('2026-03-05T12:00:02.000Z')])
      .then({
        journal_entries: [
          {
            tenant_id: 'acme',
            entry_id: `${ALLOCATION_EVENT}:0`,
            source_event_id: ALLOCATION_EVENT,
            source_event_type: 'PaymentAllocated',
            source_id: 'pay-1',
            customer_id: 'customer-1',
            currency: 'USD',
            description: 'Payment pay-1 applied to invoice(s) inv-1',
            occurred_at: ALLOCATED_AT,
            recorded_at: '2026-03-05T12:00:02.000Z',
            position: '7.3',
            commit_position: '7',
            prepare_position: '3',
          },
        ],
        // Debits 100.00 = credits 71.96 + 28.04.
        journal_lines: [
          { tenant_id: 'acme', entry_id: `${ALLOCATION_EVENT}:0`, line_no: 0, account: 'cash_clearing', debit: '100.000000000000', credit: zero, tax: null },
          { tenant_id: 'acme', entry_id: `${ALLOCATION_EVENT}:0`, line_no: 1, account: 'accounts_receivable', debit: zero, credit: '71.960000000000', tax: null },
          { tenant_id: 'acme', entry_id: `${ALLOCATION_EVENT}:0`, line_no: 2, account: 'customer_credit', debit: zero, credit: '28.040000000000', tax: null },
        ],
        gl_issued_invoices: [],
      });
  });

  it('the invoice side of the same payment posts nothing: the payment’s PaymentAllocated is the one posting', async () => {
    const payment: PaymentFixture = { paymentId: 'pay-1', amount: '100.00', reference: 'CASH-0001', recordedAt: ALLOCATED_AT };
    await spec()
      .given([inStream('acme:invoice-inv-1', invoicePaymentApplied('inv-1', payment, { amount: '71.96', balanceDueAfter: '0.00', appliedAt: ALLOCATED_AT }))])
      .then({ journal_entries: [], journal_lines: [] });
  });

  it('the trial balance over the invoice and its payment sums to zero, the receivable settled', async () => {
    await spec()
      .given([inStream('acme:invoice-inv-1', invoiceIssued('inv-1', 'INV-2026-000001'), { eventId: ISSUE_EVENT, position: { commit: 5n, prepare: 1n } }), overpayment()])
      .thenQuery((db, schema) => new GeneralLedgerQueries(db, schema).trialBalance('acme', '2026-03-31T23:59:59.000Z', 'USD'), {
        asOf: '2026-03-31T23:59:59.000Z',
        currency: 'USD',
        rows: [
          { account: 'accounts_receivable', debit: '71.96', credit: '71.96', balance: '0.00' },
          { account: 'revenue', debit: '0.00', credit: '59.97', balance: '-59.97' },
          { account: 'tax_payable', debit: '0.00', credit: '11.99', balance: '-11.99' },
          { account: 'cash_clearing', debit: '100.00', credit: '0.00', balance: '100.00' },
          { account: 'customer_credit', debit: '0.00', credit: '28.04', balance: '-28.04' },
          { account: 'refunds', debit: '0.00', credit: '0.00', balance: '0.00' },
          { account: 'bad_debt', debit: '0.00', credit: '0.00', balance: '0.00' },
          { account: 'fx_gain_loss', debit: '0.00', credit: '0.00', balance: '0.00' },
          { account: 'credit_notes', debit: '0.00', credit: '0.00', balance: '0.00' },
          { account: 'bank', debit: '0.00', credit: '0.00', balance: '0.00' },
          { account: 'bank_fees', debit: '0.00', credit: '0.00', balance: '0.00' },
          { account: 'reconciliation_suspense', debit: '0.00', credit: '0.00', balance: '0.00' },
          { account: 'other_income', debit: '0.00', credit: '0.00', balance: '0.00' },
          { account: 'opening_balance_equity', debit: '0.00', credit: '0.00', balance: '0.00' },
        ],
        totalDebit: '171.96',
        totalCredit: '171.96',
      });
  });

  it('an issued invoice keeps what it posted, for the reversal its void will post', async () => {
    await spec()
      .given([inStream('acme:invoice-inv-1', invoiceIssued('inv-1', 'INV-2026-000001'), { eventId: ISSUE_EVENT })])
      .then({
        gl_issued_invoices: [
          {
            tenant_id: 'acme',
            invoice_id: 'inv-1',
            figures: {
              invoiceId: 'inv-1',
              customerId: 'customer-1',
              number: 'INV-2026-000001',
              currency: 'USD',
              subtotal: '59.97',
              taxTotal: '11.99',
              total: '71.96',
              taxBreakdown: [{ rateId: null, name: '20%', rate: '20', jurisdiction: null, compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '11.99' }],
            },
          },
        ],
        journal_lines: [
          { tenant_id: 'acme', entry_id: `${ISSUE_EVENT}:0`, line_no: 0, account: 'accounts_receivable', debit: '71.960000000000', credit: zero, tax: null },
          { tenant_id: 'acme', entry_id: `${ISSUE_EVENT}:0`, line_no: 1, account: 'revenue', debit: zero, credit: '59.970000000000', tax: null },
          { tenant_id: 'acme', entry_id: `${ISSUE_EVENT}:0`, line_no: 2, account: 'tax_payable', debit: zero, credit: '11.990000000000', tax: { rateId: null, name: '20%', rate: '20', jurisdiction: null } },
        ],
      });
  });
});
