import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { InvoiceQueries } from '../../projections/invoices/invoices.queries.js';
import { invoicesProjection } from '../../projections/invoices/invoices.projection.js';
import { inStream, ProjectionSpecification } from '../../libs/testing/src/projection-spec.js';
import { invoiceDrafted, invoiceIssued, invoicePaymentApplied, invoicePaymentRefunded, invoiceVoided, type PaymentFixture } from './billing-events.fixtures.js';
import type { InvoiceEvent } from '../../libs/billing/src/index.js';
import { startProjectionSpecDatabase, type ProjectionSpecDatabase } from './projection-spec.support.js';

/**
 * The invoices projection on its own, on real PostgreSQL: given invoice events as the store records them, then these
 * exact rows (numerics as numeric(38, 12) prints them; recordedAt of the n-th event is 2026-01-01T00:00:0n-1Z).
 */
describe('invoices projection', () => {
  let database: ProjectionSpecDatabase;

  beforeAll(async () => {
    database = await startProjectionSpecDatabase();
  });

  afterAll(async () => {
    await database?.stop();
  });

  const spec = () => ProjectionSpecification.for({ projection: invoicesProjection, db: database.db });
  const stream = 'acme:invoice-inv-1';
  const at = (second: number) => `2026-01-01T00:00:0${second}.000Z`;
  const zero = '0.000000000000';
  const breakdown = [{ rateId: null, name: '20%', rate: '20', jurisdiction: null, compound: false, inclusive: false, taxableAmount: '59.97', taxAmount: '11.99' }];
  const payment: PaymentFixture = { paymentId: 'pay-1', amount: '71.96', reference: 'CASH-0001', recordedAt: '2026-03-05T12:00:00.000Z' };

  /** The row of inv-1 as its draft leaves it; cases override what later events change. */
  const draftRow = (overrides: Record<string, unknown> = {}) => ({
    tenant_id: 'acme',
    invoice_id: 'inv-1',
    customer_id: 'customer-1',
    number: null,
    status: 'draft',
    currency: 'USD',
    subtotal: '59.970000000000',
    tax_total: '11.990000000000',
    total: '71.960000000000',
    amount_paid: zero,
    amount_credited: zero,
    amount_refunded: zero,
    amount_written_off: zero,
    creditable_amount: zero,
    // A draft owes nothing yet.
    balance_due: zero,
    payment_terms_days: 30,
    requested_due_date: null,
    issue_date: null,
    issued_at: null,
    due_date: null,
    drafted_at: '2026-03-02T09:00:00.000Z',
    voided_at: null,
    void_reason: null,
    written_off_at: null,
    write_off_reason: null,
    line_count: 1,
    tax_breakdown: breakdown,
    reporting_currency: null,
    exchange_rate: null,
    reporting_total: null,
    became_overdue_at: null,
    payment_reminders: [],
    last_event_at: at(0),
    ...overrides,
  });
  /** What InvoiceIssued sets on top of the draft's row. */
  const issued = {
    number: 'INV-2026-000001',
    status: 'open',
    balance_due: '71.960000000000',
    creditable_amount: '71.960000000000',
    issue_date: '2026-03-02',
    issued_at: '2026-03-02T10:00:00.000Z',
    due_date: '2026-04-01',
    reporting_currency: 'USD',
    reporting_total: '71.960000000000',
  };
  const lineRow = {
    tenant_id: 'acme',
    invoice_id: 'inv-1',
    line_id: 'line-1',
    sort_order: 0,
    description: 'Consulting hours',
    quantity: '3.000000000000',
    unit_price: '19.990000000000',
    tax_rate: '20.0000',
    amount: '59.970000000000',
    net_amount: '59.970000000000',
    tax_amount: '11.990000000000',
    taxes: [{ rateId: null, name: '20%', rate: '20', jurisdiction: null, compound: false, inclusive: false, amount: '11.99' }],
  };

  it('a draft: its row with the totals of its lines and nothing due, and its priced line', async () => {
    await spec()
      .given([inStream(stream, invoiceDrafted('inv-1'))])
      .then({ invoices: [draftRow()], invoice_lines: [lineRow], invoice_payments: [], invoice_payment_applications: [], invoice_credit_applications: [] });
  });

  it('issued and partly paid: numbered, due, partially paid, the payment listed and its application open', async () => {
    await spec()
      .given([
        inStream(stream, invoiceDrafted('inv-1')),
        inStream(stream, invoiceIssued('inv-1', 'INV-2026-000001')),
        inStream(stream, invoicePaymentApplied('inv-1', { ...payment, amount: '20.00' }, { amount: '20.00', balanceDueAfter: '51.96', appliedAt: payment.recordedAt })),
      ])
      .then({
        invoices: [draftRow({ ...issued, status: 'partially_paid', amount_paid: '20.000000000000', balance_due: '51.960000000000', last_event_at: at(2) })],
        invoice_lines: [lineRow],
        invoice_payments: [
          {
            tenant_id: 'acme',
            invoice_id: 'inv-1',
            payment_id: 'pay-1',
            method: 'cash',
            reference: 'CASH-0001',
            currency: 'USD',
            amount: '20.000000000000',
            applied_amount: '20.000000000000',
            excess_amount: zero,
            recorded_at: '2026-03-05T12:00:00.000Z',
          },
        ],
        invoice_payment_applications: [
          { tenant_id: 'acme', invoice_id: 'inv-1', sort_order: 0, payment_id: 'pay-1', applied_amount: '20.000000000000', reopened_amount: zero, applied_at: '2026-03-05T12:00:00.000Z' },
        ],
      });
  });

  it('paid, then partly refunded in a later batch: the refund reopens the balance and the payment’s application', async () => {
    await spec()
      .given([
        inStream(stream, invoiceDrafted('inv-1')),
        inStream(stream, invoiceIssued('inv-1', 'INV-2026-000001')),
        inStream(stream, invoicePaymentApplied('inv-1', payment, { amount: '71.96', balanceDueAfter: '0.00', appliedAt: payment.recordedAt })),
      ])
      .when([inStream(stream, invoicePaymentRefunded({ invoiceId: 'inv-1', paymentId: 'pay-1', refundId: 'refund-1', amount: '20.00', balanceDueAfter: '20.00', refundedAt: '2026-03-09T15:30:00.000Z' }))])
      .then({
        invoices: [
          draftRow({ ...issued, status: 'partially_paid', amount_paid: '71.960000000000', amount_refunded: '20.000000000000', balance_due: '20.000000000000', last_event_at: at(3) }),
        ],
        invoice_payment_applications: [
          {
            tenant_id: 'acme',
            invoice_id: 'inv-1',
            sort_order: 0,
            payment_id: 'pay-1',
            applied_amount: '71.960000000000',
            reopened_amount: '20.000000000000',
            applied_at: '2026-03-05T12:00:00.000Z',
          },
        ],
      });
  });

  it('voided: status void, nothing due, the reason and instant kept; the number stays', async () => {
    await spec()
      .given([inStream(stream, invoiceDrafted('inv-1')), inStream(stream, invoiceIssued('inv-1', 'INV-2026-000001'))])
      .when([inStream(stream, invoiceVoided('inv-1', 'Issued to the wrong customer', '2026-03-03T08:00:00.000Z'))])
      .then({
        invoices: [draftRow({ ...issued, status: 'void', balance_due: zero, voided_at: '2026-03-03T08:00:00.000Z', void_reason: 'Issued to the wrong customer', last_event_at: at(2) })],
      });
  });

  it('keeps tenants apart: the same invoice id in two tenants is two rows', async () => {
    await spec()
      .given([inStream(stream, invoiceDrafted('inv-1')), inStream('globex:invoice-inv-1', invoiceDrafted('inv-1'))])
      .then({ invoices: [draftRow(), draftRow({ tenant_id: 'globex', last_event_at: at(1) })] });
  });

  it('InvoiceQueries.getInvoice reads the rows back: amounts at the currency’s scale, overdue derived from today', async () => {
    await spec()
      .given([
        inStream(stream, invoiceDrafted('inv-1')),
        inStream(stream, invoiceIssued('inv-1', 'INV-2026-000001')),
        inStream(stream, invoicePaymentApplied('inv-1', { ...payment, amount: '20.00' }, { amount: '20.00', balanceDueAfter: '51.96', appliedAt: payment.recordedAt })),
      ])
      .thenQuery((db, schema) => new InvoiceQueries(db, schema).getInvoice('acme', 'inv-1', '2026-04-15'), {
        id: 'inv-1',
        number: 'INV-2026-000001',
        customerId: 'customer-1',
        // Due 2026-04-01 with 51.96 left: overdue on 2026-04-15.
        status: 'overdue',
        currency: 'USD',
        lines: [
          {
            id: 'line-1',
            description: 'Consulting hours',
            quantity: '3',
            unitPrice: '19.99',
            taxRate: '20',
            amount: '59.97',
            netAmount: '59.97',
            taxAmount: '11.99',
            taxes: lineRow.taxes,
          },
        ],
        taxBreakdown: breakdown,
        subtotal: '59.97',
        taxTotal: '11.99',
        total: '71.96',
        amountPaid: '20.00',
        amountCredited: '0.00',
        amountRefunded: '0.00',
        amountWrittenOff: '0.00',
        creditableAmount: '71.96',
        balanceDue: '51.96',
        payments: [{ paymentId: 'pay-1', method: 'cash', reference: 'CASH-0001', amount: '20.00', appliedAmount: '20.00', excessAmount: '0.00', recordedAt: '2026-03-05T12:00:00.000Z' }],
        paymentApplications: [{ paymentId: 'pay-1', appliedAmount: '20.00', reopenedAmount: '0.00', appliedAt: '2026-03-05T12:00:00.000Z' }],
        creditApplications: [],
        paymentTermsDays: 30,
        issueDate: '2026-03-02',
        issuedAt: '2026-03-02T10:00:00.000Z',
        dueDate: '2026-04-01',
        voidedAt: null,
        voidReason: null,
        writtenOffAt: null,
        writeOffReason: null,
        becameOverdueAt: null,
        paymentReminders: [],
        reportingCurrency: 'USD',
        exchangeRate: null,
        reportingTotal: { amount: '71.96', currency: 'USD' },
      });
  });

  const reminderDue = (daysBeforeDue: number, dueAt: string): InvoiceEvent => ({
    type: 'InvoicePaymentReminderDue',
    data: { invoiceId: 'inv-1', customerId: 'customer-1', dueDate: '2026-04-01', daysBeforeDue, balanceDue: '71.96', currency: 'USD', dueAt },
  });
  const becameOverdue: InvoiceEvent = {
    type: 'InvoiceBecameOverdue',
    data: { invoiceId: 'inv-1', customerId: 'customer-1', dueDate: '2026-04-01', balanceDue: '71.96', currency: 'USD', becameOverdueAt: '2026-04-02T04:00:00.000Z' },
  };

  it('reminders and overdue: the reminders that fell due in order, when it became overdue; the settlement status stays open', async () => {
    await spec()
      .given([inStream(stream, invoiceDrafted('inv-1')), inStream(stream, invoiceIssued('inv-1', 'INV-2026-000001'))])
      .when([
        inStream(stream, reminderDue(7, '2026-03-25T04:00:00.000Z')),
        inStream(stream, reminderDue(1, '2026-03-31T04:00:00.000Z')),
        inStream(stream, becameOverdue),
      ])
      .then({
        invoices: [
          draftRow({
            ...issued,
            payment_reminders: [
              { daysBeforeDue: 7, dueAt: '2026-03-25T04:00:00.000Z' },
              { daysBeforeDue: 1, dueAt: '2026-03-31T04:00:00.000Z' },
            ],
            became_overdue_at: '2026-04-02T04:00:00.000Z',
            last_event_at: at(4),
          }),
        ],
      });
  });

  it('InvoiceQueries: the due date decides the status shown and the lists alike; a recorded mark is reported beside it', async () => {
    const given = () =>
      spec().given([inStream(stream, invoiceDrafted('inv-1')), inStream(stream, invoiceIssued('inv-1', 'INV-2026-000001')), inStream(stream, becameOverdue)]);
    const seen = (today: string) => async (db: Parameters<Parameters<ReturnType<typeof given>['thenQuery']>[0]>[0], schema: string) => {
      const queries = new InvoiceQueries(db, schema);
      const invoice = await queries.getInvoice('acme', 'inv-1', today);
      const ids = async (status: 'overdue' | 'open') => (await queries.listInvoices('acme', { status }, 10, null, today)).edges.map((edge) => edge.node.id);
      return { status: invoice?.status, becameOverdueAt: invoice?.becameOverdueAt, overdue: await ids('overdue'), open: await ids('open') };
    };
    // After the due date: overdue, and listed under overdue only.
    await given().thenQuery(seen('2026-04-15'), { status: 'overdue', becameOverdueAt: '2026-04-02T04:00:00.000Z', overdue: ['inv-1'], open: [] });
    // A clock behind the mark (a sandbox tenant back on real time): open by the date, and listed so; the mark stays.
    await given().thenQuery(seen('2026-04-01'), { status: 'open', becameOverdueAt: '2026-04-02T04:00:00.000Z', overdue: [], open: ['inv-1'] });
  });

  it('a payment that settles an overdue invoice shows it paid', async () => {
    await spec()
      .given([inStream(stream, invoiceDrafted('inv-1')), inStream(stream, invoiceIssued('inv-1', 'INV-2026-000001')), inStream(stream, becameOverdue)])
      .when([inStream(stream, invoicePaymentApplied('inv-1', payment, { amount: '71.96', balanceDueAfter: '0.00', appliedAt: payment.recordedAt }))])
      .thenQuery(async (db, schema) => (await new InvoiceQueries(db, schema).getInvoice('acme', 'inv-1', '2026-04-15'))?.status, 'paid');
  });
});
