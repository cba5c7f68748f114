import { describe, it } from '@jest/globals';
import { DecisionSpecification } from '../../../testing/src/decision-spec.js';
import { customerAccountDecider, type CustomerAccountEvent } from '../customer-account/index.js';
import { invoiceDecider, type InvoiceEvent } from '../invoice/index.js';
import { account, customerId, issuedInvoice, now, overpaid, payment, paymentApplied } from '../money-movement.test-helper.js';
import { paymentDecider, type InvoiceAllocation, type PaymentEvent } from '../payment/index.js';
import { fold } from '../common/decider.js';
import { planAllocation } from './allocation.plan.js';

/** An allocation of a succeeded payment over the invoices read, and its excess to the customer's credit. */
const paymentId = 'pay-1';

interface Given {
  payment: PaymentEvent[];
  invoices: Record<string, InvoiceEvent[]>;
  account?: CustomerAccountEvent[];
}

const spec = DecisionSpecification.for(
  (given: Given) => ({
    payment: fold(paymentDecider, given.payment),
    invoices: Object.entries(given.invoices).map(([invoiceId, events]) => ({ invoiceId, state: fold(invoiceDecider, events) })),
    account: fold(customerAccountDecider, given.account ?? []),
  }),
  (states, when: { received?: boolean }) => {
    const plan = planAllocation({ ...states, ids: { overpaymentEntryId: 'pay-1:overpayment' }, now, ...when });
    // The excess as text: Money's inner representation is not the point.
    return { ...plan, split: { allocations: plan.split.allocations, creditAmount: plan.split.creditAmount.toString() } };
  },
);

function allocatedEvent(allocations: InvoiceAllocation[], creditAmount: string): PaymentEvent {
  return { type: 'PaymentAllocated', data: { paymentId, customerId, currency: 'USD', allocations, creditAmount, allocatedAt: now } };
}
function applied(invoiceId: string, amount: string, balanceDueAfter: string, paymentAmount = '100.00'): InvoiceEvent[] {
  return [
    {
      type: 'InvoicePaymentApplied',
      data: { invoiceId, customerId, paymentId, method: 'cash', reference: `ref-${paymentId}`, currency: 'USD', amount, paymentAmount, balanceDueAfter, appliedAt: now },
    },
  ];
}
function credited(amount: string, balanceAfter: string): CustomerAccountEvent[] {
  return [{ type: 'CustomerAccountCredited', data: { customerId, entryId: 'pay-1:overpayment', amount, currency: 'USD', source: 'overpayment', sourceId: paymentId, balanceAfter, creditedAt: now } }];
}

describe('planAllocation', () => {
  describe('oldest due first', () => {
    const invoices = {
      'inv-late': issuedInvoice('inv-late', '40.00', { paymentTermsDays: 30 }),
      'inv-soon': issuedInvoice('inv-soon', '30.00', { paymentTermsDays: 10 }),
      'inv-other-customer': issuedInvoice('inv-other-customer', '50.00', { customerId: 'cus-2', paymentTermsDays: 1 }),
      'inv-yen': issuedInvoice('inv-yen', '500', { currency: 'JPY', paymentTermsDays: 1 }),
      'inv-paid': issuedInvoice('inv-paid', '20.00', { paymentTermsDays: 1, then: [paymentApplied('inv-paid', 'pay-0', '20.00', '20.00')] }),
    };

    it('pays the payer’s open invoices in its currency by due date, and the excess becomes the customer’s credit', () => {
      spec
        .given({ payment: payment(paymentId, '100.00'), invoices, account: account(overpaid('5.00', 'pay-0')) })
        .when({})
        .then({
          split: {
            allocations: [
              { invoiceId: 'inv-soon', amount: '30.00' },
              { invoiceId: 'inv-late', amount: '40.00' },
            ],
            creditAmount: '30.00',
          },
          payment: [
            allocatedEvent(
              [
                { invoiceId: 'inv-soon', amount: '30.00' },
                { invoiceId: 'inv-late', amount: '40.00' },
              ],
              '30.00',
            ),
          ],
          invoices: new Map([
            ['inv-soon', applied('inv-soon', '30.00', '0.00')],
            ['inv-late', applied('inv-late', '40.00', '0.00')],
          ]),
          account: credited('30.00', '35.00'),
        });
    });

    it('on equal due dates pays the lower number first, and stops when the money runs out (nothing to credit)', () => {
      spec
        .given({
          payment: payment(paymentId, '50.00'),
          invoices: {
            'inv-b': issuedInvoice('inv-b', '40.00', { number: 'INV-2024-000002' }),
            'inv-a': issuedInvoice('inv-a', '40.00', { number: 'INV-2024-000001' }),
          },
        })
        .when({})
        .then({
          split: {
            allocations: [
              { invoiceId: 'inv-a', amount: '40.00' },
              { invoiceId: 'inv-b', amount: '10.00' },
            ],
            creditAmount: '0.00',
          },
          payment: [
            allocatedEvent(
              [
                { invoiceId: 'inv-a', amount: '40.00' },
                { invoiceId: 'inv-b', amount: '10.00' },
              ],
              '0.00',
            ),
          ],
          invoices: new Map([
            ['inv-a', applied('inv-a', '40.00', '0.00', '50.00')],
            ['inv-b', applied('inv-b', '10.00', '30.00', '50.00')],
          ]),
          account: [],
        });
    });
  });

  describe('explicit', () => {
    const request = {
      kind: 'explicit' as const,
      invoices: [
        { invoiceId: 'inv-2', amount: '25.00' },
        { invoiceId: 'inv-1', amount: '60.00' },
      ],
    };

    it('pays the named invoices in the payer’s order, each at most what was asked and at most its balance', () => {
      spec
        .given({ payment: payment(paymentId, '100.00', { allocation: request }), invoices: { 'inv-1': issuedInvoice('inv-1', '50.00'), 'inv-2': issuedInvoice('inv-2', '80.00') } })
        .when({})
        .then({
          split: {
            allocations: [
              { invoiceId: 'inv-2', amount: '25.00' },
              { invoiceId: 'inv-1', amount: '50.00' },
            ],
            creditAmount: '25.00',
          },
          payment: [
            allocatedEvent(
              [
                { invoiceId: 'inv-2', amount: '25.00' },
                { invoiceId: 'inv-1', amount: '50.00' },
              ],
              '25.00',
            ),
          ],
          invoices: new Map([
            ['inv-2', applied('inv-2', '25.00', '55.00')],
            ['inv-1', applied('inv-1', '50.00', '0.00')],
          ]),
          account: credited('25.00', '25.00'),
        });
    });

    it('gives an invoice paid meanwhile nothing: its part goes to the customer’s credit', () => {
      spec
        .given({
          payment: payment(paymentId, '100.00', { allocation: request }),
          invoices: { 'inv-1': issuedInvoice('inv-1', '50.00', { then: [paymentApplied('inv-1', 'pay-0', '50.00', '50.00')] }), 'inv-2': issuedInvoice('inv-2', '80.00') },
        })
        .when({})
        .then({
          split: { allocations: [{ invoiceId: 'inv-2', amount: '25.00' }], creditAmount: '75.00' },
          payment: [allocatedEvent([{ invoiceId: 'inv-2', amount: '25.00' }], '75.00')],
          invoices: new Map([['inv-2', applied('inv-2', '25.00', '55.00')]]),
          account: credited('75.00', '75.00'),
        });
    });
  });

  describe('a payment waiting for its gateway', () => {
    const pending = payment(paymentId, '30.00', { method: 'card', allocation: { kind: 'explicit', invoices: [{ invoiceId: 'inv-1', amount: '30.00' }] } });

    it('is refused: only a succeeded payment is allocated (PAYMENT_NOT_SUCCEEDED)', () => {
      spec.given({ payment: pending, invoices: { 'inv-1': issuedInvoice('inv-1', '50.00') } }).when({}).thenThrows('PAYMENT_NOT_SUCCEEDED');
    });

    it('money already received: is marked succeeded first, then allocated, in the same decision', () => {
      spec
        .given({ payment: pending, invoices: { 'inv-1': issuedInvoice('inv-1', '50.00') } })
        .when({ received: true })
        .then({
          split: { allocations: [{ invoiceId: 'inv-1', amount: '30.00' }], creditAmount: '0.00' },
          payment: [
            { type: 'PaymentSucceeded', data: { paymentId, customerId, amount: '30.00', currency: 'USD', method: 'card', gatewayReference: null, succeededAt: now } },
            allocatedEvent([{ invoiceId: 'inv-1', amount: '30.00' }], '0.00'),
          ],
          invoices: new Map([
            [
              'inv-1',
              [
                {
                  type: 'InvoicePaymentApplied',
                  data: { invoiceId: 'inv-1', customerId, paymentId, method: 'card', reference: `ref-${paymentId}`, currency: 'USD', amount: '30.00', paymentAmount: '30.00', balanceDueAfter: '20.00', appliedAt: now },
                },
              ],
            ],
          ]),
          account: [],
        });
    });
  });

  describe('a payment already allocated', () => {
    const allocatedToCredit = payment(paymentId, '10.00', { allocated: { allocations: [], creditAmount: '10.00' } });

    it('the same split again decides nothing anywhere (a redelivery)', () => {
      spec
        .given({ payment: allocatedToCredit, invoices: {} })
        .when({})
        .then({ split: { allocations: [], creditAmount: '10.00' }, payment: [], invoices: new Map(), account: [] });
    });

    it('another split is refused (PAYMENT_ALREADY_ALLOCATED)', () => {
      spec.given({ payment: allocatedToCredit, invoices: { 'inv-1': issuedInvoice('inv-1', '50.00') } }).when({}).thenThrows('PAYMENT_ALREADY_ALLOCATED');
    });
  });
});
