import { describe, expect, it } from '@jest/globals';
import { DecisionSpecification } from '../../../testing/src/decision-spec.js';
import { defaultBillingSettings, type BillingSettings } from '../billing-settings/index.js';
import { customerAccountDecider, type CustomerAccountEvent } from '../customer-account/index.js';
import { invoiceDecider, type InvoiceEvent } from '../invoice/index.js';
import { account, customerId, issuedInvoice, now, overpaid, payment, paymentApplied, settings } from '../money-movement.test-helper.js';
import { paymentDecider, type InvoiceAllocation, type PaymentEvent, type RefundMethodType } from '../payment/index.js';
import { fold } from '../common/decider.js';
import { decideRefund, refundReadsOf, type RefundDecision } from './refund.decide.js';

/**
 * A refund decided over the payment, the invoices it paid and the customer's account. The payment of 100.00 paid
 * inv-1 60.00 then inv-2 30.00, and its excess of 10.00 became the customer's credit.
 */
const paymentId = 'pay-1';
const refundId = 'ref-1';
const ids = { refundId, creditTakenBackEntryId: 'ref-1:debit', storeCreditEntryId: 'ref-1:store-credit' };
const allocated = { allocations: [{ invoiceId: 'inv-1', amount: '60.00' }, { invoiceId: 'inv-2', amount: '30.00' }], creditAmount: '10.00' };
const paid = payment(paymentId, '100.00', { allocated });
const invoices = {
  'inv-1': issuedInvoice('inv-1', '60.00', { then: [paymentApplied('inv-1', paymentId, '60.00', '100.00')] }),
  'inv-2': issuedInvoice('inv-2', '50.00', { then: [paymentApplied('inv-2', paymentId, '30.00', '100.00')] }),
};
const creditFromExcess = account(overpaid('10.00', paymentId));

interface Given {
  settings?: BillingSettings;
  payment: PaymentEvent[];
  invoices?: Record<string, InvoiceEvent[]>;
  account?: CustomerAccountEvent[] | null;
}

const spec = DecisionSpecification.for(
  (given: Given) => ({
    settings: given.settings ?? settings,
    payment: fold(paymentDecider, given.payment),
    invoices: new Map(Object.entries(given.invoices ?? {}).map(([invoiceId, events]) => [invoiceId, fold(invoiceDecider, events)])),
    account: given.account === null ? null : fold(customerAccountDecider, given.account ?? []),
  }),
  (states, when: { amount: string; method?: RefundMethodType; refundId?: string }) =>
    decideRefund({ ...states, command: { paymentId, amount: when.amount, method: when.method ?? 'original_payment', reason: 'Service outage' }, ids: { ...ids, refundId: when.refundId ?? refundId }, now }),
);

function refunded(amount: string, parts: InvoiceAllocation[], fromCredit: string, after: { refundedTotal: string; refundable: string }, method: RefundMethodType = 'original_payment'): PaymentEvent {
  return {
    type: 'PaymentRefunded',
    data: {
      paymentId,
      customerId,
      refundId,
      amount,
      currency: 'USD',
      method,
      reason: 'Service outage',
      ...after,
      invoices: parts,
      fromCredit,
      status: after.refundable === '0.00' ? 'refunded' : 'partially_refunded',
      refundedAt: now,
    },
  };
}
function reopened(invoiceId: string, amount: string, balanceDueAfter: string): InvoiceEvent[] {
  return [{ type: 'InvoicePaymentRefunded', data: { invoiceId, customerId, paymentId, refundId, currency: 'USD', amount, balanceDueAfter, refundedAt: now } }];
}
function decision(payment: PaymentEvent[], reopenedInvoices: [string, InvoiceEvent[]][], accountEvents: CustomerAccountEvent[] = []): RefundDecision {
  return { payment, invoices: new Map(reopenedInvoices), account: accountEvents };
}

describe('decideRefund', () => {
  describe('given a payment allocated to two invoices with an excess in credit', () => {
    const given = { payment: paid, invoices, account: creditFromExcess };

    it('reopens the invoices last allocated first, each by at most what it received, and touches no credit while the invoice parts cover it', () => {
      spec
        .given(given)
        .when({ amount: '35.00' })
        .then(
          decision(
            [refunded('35.00', [{ invoiceId: 'inv-2', amount: '30.00' }, { invoiceId: 'inv-1', amount: '5.00' }], '0.00', { refundedTotal: '35.00', refundable: '65.00' })],
            [
              ['inv-2', reopened('inv-2', '30.00', '50.00')],
              ['inv-1', reopened('inv-1', '5.00', '5.00')],
            ],
          ),
        );
    });

    it('takes back the credit the excess created once the invoice parts are used up', () => {
      spec
        .given(given)
        .when({ amount: '100.00' })
        .then(
          decision(
            [refunded('100.00', [{ invoiceId: 'inv-2', amount: '30.00' }, { invoiceId: 'inv-1', amount: '60.00' }], '10.00', { refundedTotal: '100.00', refundable: '0.00' })],
            [
              ['inv-2', reopened('inv-2', '30.00', '50.00')],
              ['inv-1', reopened('inv-1', '60.00', '60.00')],
            ],
            [{ type: 'CustomerAccountDebited', data: { customerId, entryId: 'ref-1:debit', amount: '10.00', currency: 'USD', reason: 'refund', sourceId: refundId, balanceAfter: '0.00', debitedAt: now } }],
          ),
        );
    });

    it('as store credit: credits the customer with the refund instead of paying money back', () => {
      spec
        .given(given)
        .when({ amount: '20.00', method: 'store_credit' })
        .then(
          decision(
            [refunded('20.00', [{ invoiceId: 'inv-2', amount: '20.00' }], '0.00', { refundedTotal: '20.00', refundable: '80.00' }, 'store_credit')],
            [['inv-2', reopened('inv-2', '20.00', '40.00')]],
            [
              {
                type: 'CustomerAccountCredited',
                data: { customerId, entryId: 'ref-1:store-credit', amount: '20.00', currency: 'USD', source: 'store_credit_refund', sourceId: refundId, balanceAfter: '30.00', creditedAt: now },
              },
            ],
          ),
        );
    });

    it('as store credit, refuses more than the invoice parts: the excess is already the customer credit (AMOUNT_EXCEEDS_REFUNDABLE)', () => {
      spec.given(given).when({ amount: '95.00', method: 'store_credit' }).thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /as store credit/);
    });

    it('refuses more than is refundable (AMOUNT_EXCEEDS_REFUNDABLE)', () => {
      spec.given(given).when({ amount: '100.01' }).thenThrows('AMOUNT_EXCEEDS_REFUNDABLE');
    });

    it('refuses every refund while payments are turned off, before any other rule (FEATURE_DISABLED)', () => {
      const off = { ...defaultBillingSettings, features: { ...defaultBillingSettings.features, payments: false } };
      spec.given({ ...given, settings: off }).when({ amount: '100.01' }).thenThrows('FEATURE_DISABLED');
    });
  });

  describe('given the customer has spent the credit the excess created', () => {
    it('refuses the part that would come from credit (INSUFFICIENT_CREDIT)', () => {
      const spent = account(overpaid('10.00', paymentId), { type: 'ApplyCustomerCredit', data: { customerId, applicationId: 'app-1', invoiceId: 'inv-9', amount: '10.00', currency: 'USD' } });
      spec.given({ payment: paid, invoices, account: spent }).when({ amount: '100.00' }).thenThrows('INSUFFICIENT_CREDIT');
    });

    it('still refunds what the invoice parts cover', () => {
      const spent = account(overpaid('10.00', paymentId), { type: 'ApplyCustomerCredit', data: { customerId, applicationId: 'app-1', invoiceId: 'inv-9', amount: '10.00', currency: 'USD' } });
      spec
        .given({ payment: paid, invoices, account: spent })
        .when({ amount: '30.00' })
        .then(decision([refunded('30.00', [{ invoiceId: 'inv-2', amount: '30.00' }], '0.00', { refundedTotal: '30.00', refundable: '70.00' })], [['inv-2', reopened('inv-2', '30.00', '50.00')]]));
    });
  });

  describe('given the refund was already made', () => {
    it('decides nothing on any stream (a repeated command)', () => {
      const refundedBefore = payment(paymentId, '100.00', {
        allocated,
        then: [{ type: 'RefundPayment', data: { paymentId, refundId, amount: '35.00', method: 'original_payment', reason: 'Service outage' } }],
      });
      spec.given({ payment: refundedBefore, invoices, account: creditFromExcess }).when({ amount: '35.00' }).then(decision([], []));
    });
  });

  describe('given a payment not allocated yet', () => {
    it('refuses the refund: its split waits for the allocation (PAYMENT_NOT_ALLOCATED)', () => {
      spec.given({ payment: payment(paymentId, '100.00'), account: [] }).when({ amount: '10.00' }).thenThrows('PAYMENT_NOT_ALLOCATED');
    });
  });

  describe('given no payment', () => {
    it('refuses the refund (NOT_FOUND)', () => {
      spec.given({ payment: [], account: null }).when({ amount: '10.00' }).thenThrows('NOT_FOUND');
    });
  });
});

describe('refundReadsOf', () => {
  it('names every invoice the payment was allocated to, once, and the payer', () => {
    expect(refundReadsOf(fold(paymentDecider, paid))).toEqual({ invoiceIds: ['inv-1', 'inv-2'], customerId });
  });

  it('names nothing to read for a payment that does not exist or is not allocated', () => {
    expect(refundReadsOf(fold(paymentDecider, []))).toEqual({ invoiceIds: [], customerId: null });
    expect(refundReadsOf(fold(paymentDecider, payment(paymentId, '100.00')))).toEqual({ invoiceIds: [], customerId });
  });
});
