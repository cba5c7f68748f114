import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { recordPayment } from '../../libs/ledger-application/src/payments/record-payment.handler.js';
import { createPayment } from '../../libs/ledger-application/src/payments/create-payment.handler.js';
import { refundPayment } from '../../libs/ledger-application/src/payments/refund-payment.handler.js';
import { streams, uuidV5 } from '../../libs/application/src/index.js';
import {
  CUSTOMER_ID,
  ISSUED_AT,
  cashPaymentRecorded,
  customerAccountCredited,
  invoiceDrafted,
  invoiceIssued,
  invoicePaymentApplied,
  invoicePaymentRefunded,
  paymentAllocated,
  paymentRefunded,
  type PaymentFixture,
  issuedInvoiceHistory,
} from './billing-events.fixtures.js';
import { SPEC_ACTOR, startHandlerSpecLedger, type HandlerSpecLedger } from './handler-spec.support.js';

type CreatePaymentInput = Parameters<typeof createPayment>[2];
type RecordPaymentInput = Parameters<typeof recordPayment>[2];
type RefundPaymentInput = Parameters<typeof refundPayment>[2];

/**
 * Payments and refunds through their real handlers on the real event store: what each appends, stream by stream,
 * and the refusals that append nothing.
 */
describe('payment handlers', () => {
  let h: HandlerSpecLedger;

  beforeAll(async () => {
    h = await startHandlerSpecLedger();
  });

  afterAll(async () => {
    await h?.stop();
  });

  const services = () => h.ledger.services;
  const PAID_AT = '2026-03-05T12:00:00.000Z';
  const NOW = '2026-03-09T15:30:00.000Z';

  const issuedInvoice = issuedInvoiceHistory;

  describe('recording a payment', () => {
    it('recordPayment: reserves the reference, records the payment succeeded and allocates it to the invoice, in one append', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-record-payment`;
      const paymentId = uuidV5(`${commandId}:payment`);
      const invoiceStream = streams.invoice(tenant, 'inv-1');
      const payment: PaymentFixture = { paymentId, amount: '71.96', reference: 'CASH-0001', recordedAt: PAID_AT };
      await h.spec
        .given({ [invoiceStream]: issuedInvoice() })
        .when(() =>
          recordPayment(services(), h.context(tenant, commandId, PAID_AT), { invoiceId: 'inv-1', amount: '71.96', currency: 'USD', method: 'cash', reference: 'CASH-0001' } as RecordPaymentInput),
        )
        .then({
          [streams.paymentReference(tenant, 'cash-0001')]: [
            { type: 'PaymentReferenceReserved', data: { reference: 'cash-0001', receivedReference: 'CASH-0001', paymentId, amount: '71.96', currency: 'USD', reservedAt: PAID_AT } },
          ],
          [streams.payment(tenant, paymentId)]: [
            ...cashPaymentRecorded(payment, [{ invoiceId: 'inv-1', amount: '71.96' }]),
            paymentAllocated(paymentId, [{ invoiceId: 'inv-1', amount: '71.96' }], '0.00', PAID_AT),
          ],
          [invoiceStream]: [invoicePaymentApplied('inv-1', payment, { amount: '71.96', balanceDueAfter: '0.00', appliedAt: PAID_AT })],
        });
    });

    it('createPayment: an overpayment allocated to the invoice it names, the excess credited to the customer', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-create-payment`;
      const paymentId = uuidV5(`${commandId}:payment`);
      const invoiceStream = streams.invoice(tenant, 'inv-1');
      const payment: PaymentFixture = { paymentId, amount: '100.00', reference: 'WIRE 2026/03 #17', recordedAt: PAID_AT };
      // The allocation is its own append, caused by the command (its command id derives from the reads it decided on).
      const causedByTheCommand = { actor: SPEC_ACTOR, correlationId: commandId, causationId: commandId };
      await h.spec
        .given({ [invoiceStream]: issuedInvoice() })
        .when(() =>
          createPayment(services(), h.context(tenant, commandId, PAID_AT), {
            customerId: CUSTOMER_ID,
            amount: '100.00',
            currency: 'USD',
            method: 'cash',
            reference: 'WIRE 2026/03 #17',
            allocations: [{ invoiceId: 'inv-1', amount: '71.96' }],
          } as CreatePaymentInput),
        )
        .then({
          [streams.paymentReference(tenant, 'wire 2026/03 #17')]: [
            { type: 'PaymentReferenceReserved', data: { reference: 'wire 2026/03 #17', receivedReference: 'WIRE 2026/03 #17', paymentId, amount: '100.00', currency: 'USD', reservedAt: PAID_AT } },
          ],
          [streams.payment(tenant, paymentId)]: [
            ...cashPaymentRecorded(payment, [{ invoiceId: 'inv-1', amount: '71.96' }]).map((event) => ({ ...event, metadata: { commandId } })),
            { ...paymentAllocated(paymentId, [{ invoiceId: 'inv-1', amount: '71.96' }], '28.04', PAID_AT), metadata: causedByTheCommand },
          ],
          [invoiceStream]: [{ ...invoicePaymentApplied('inv-1', payment, { amount: '71.96', balanceDueAfter: '0.00', appliedAt: PAID_AT }), metadata: causedByTheCommand }],
          [streams.customerAccount(tenant, CUSTOMER_ID)]: [
            {
              ...customerAccountCredited({ entryId: uuidV5(`${tenant}:${paymentId}:overpayment`), amount: '28.04', source: 'overpayment', sourceId: paymentId, balanceAfter: '28.04', creditedAt: PAID_AT }),
              metadata: causedByTheCommand,
            },
          ],
        });
    });

    it('createPayment: refuses an allocation to another customer’s invoice (VALIDATION_FAILED), reserving nothing', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-9')]: [invoiceDrafted('inv-9', { customerId: 'customer-2' }), invoiceIssued('inv-9', 'INV-2026-000001', { customerId: 'customer-2' })] })
        .when(() =>
          createPayment(services(), h.context(tenant, `${tenant}-create-payment`, PAID_AT), {
            customerId: CUSTOMER_ID,
            amount: '10.00',
            currency: 'USD',
            method: 'cash',
            reference: 'CASH-0002',
            allocations: [{ invoiceId: 'inv-9', amount: '10.00' }],
          } as CreatePaymentInput),
        )
        .thenFails('VALIDATION_FAILED', /belongs to another customer than customer-1/);
    });
  });

  describe('refunds', () => {
    /** pay-1: 71.96 cash, all of it applied to inv-1 (now paid). */
    const payment: PaymentFixture = { paymentId: 'pay-1', amount: '71.96', reference: 'CASH-0001', recordedAt: PAID_AT };
    const paidInvoice = () => [...issuedInvoice(), invoicePaymentApplied('inv-1', payment, { amount: '71.96', balanceDueAfter: '0.00', appliedAt: PAID_AT })];
    const allocatedPayment = () => [...cashPaymentRecorded(payment, [{ invoiceId: 'inv-1', amount: '71.96' }]), paymentAllocated('pay-1', [{ invoiceId: 'inv-1', amount: '71.96' }], '0.00', PAID_AT)];
    const refund = (tenant: string, commandId: string, amount: string, method: string) =>
      refundPayment(services(), h.context(tenant, commandId, NOW), { paymentId: 'pay-1', amount, method, reason: 'Service cancelled' } as RefundPaymentInput);

    it('a partial refund: the payment is partially refunded and the invoice reopens by the amount', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-refund`;
      const refundId = uuidV5(`${commandId}:refund`);
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: paidInvoice(), [streams.payment(tenant, 'pay-1')]: allocatedPayment() })
        .when(() => refund(tenant, commandId, '20.00', 'original_payment'))
        .then({
          [streams.payment(tenant, 'pay-1')]: [
            paymentRefunded({
              paymentId: 'pay-1',
              refundId,
              amount: '20.00',
              method: 'original_payment',
              reason: 'Service cancelled',
              refundedTotal: '20.00',
              refundable: '51.96',
              invoices: [{ invoiceId: 'inv-1', amount: '20.00' }],
              fromCredit: '0.00',
              status: 'partially_refunded',
              refundedAt: NOW,
            }),
          ],
          [streams.invoice(tenant, 'inv-1')]: [invoicePaymentRefunded({ invoiceId: 'inv-1', paymentId: 'pay-1', refundId, amount: '20.00', balanceDueAfter: '20.00', refundedAt: NOW })],
        });
    });

    it('a full refund of what is left after a partial one: the payment is refunded, the invoice owes its whole total again', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-refund-rest`;
      const refundId = uuidV5(`${commandId}:refund`);
      const earlier = {
        paymentId: 'pay-1',
        refundId: 'refund-1',
        amount: '20.00',
        method: 'original_payment' as const,
        reason: 'Service cancelled',
        refundedTotal: '20.00',
        refundable: '51.96',
        invoices: [{ invoiceId: 'inv-1', amount: '20.00' }],
        fromCredit: '0.00',
        status: 'partially_refunded' as const,
        refundedAt: ISSUED_AT,
      };
      await h.spec
        .given({
          [streams.invoice(tenant, 'inv-1')]: [...paidInvoice(), invoicePaymentRefunded({ invoiceId: 'inv-1', paymentId: 'pay-1', refundId: 'refund-1', amount: '20.00', balanceDueAfter: '20.00', refundedAt: ISSUED_AT })],
          [streams.payment(tenant, 'pay-1')]: [...allocatedPayment(), paymentRefunded(earlier)],
        })
        .when(() => refund(tenant, commandId, '51.96', 'bank_account'))
        .then({
          [streams.payment(tenant, 'pay-1')]: [
            paymentRefunded({
              paymentId: 'pay-1',
              refundId,
              amount: '51.96',
              method: 'bank_account',
              reason: 'Service cancelled',
              refundedTotal: '71.96',
              refundable: '0.00',
              invoices: [{ invoiceId: 'inv-1', amount: '51.96' }],
              fromCredit: '0.00',
              status: 'refunded',
              refundedAt: NOW,
            }),
          ],
          [streams.invoice(tenant, 'inv-1')]: [invoicePaymentRefunded({ invoiceId: 'inv-1', paymentId: 'pay-1', refundId, amount: '51.96', balanceDueAfter: '71.96', refundedAt: NOW })],
        });
    });

    it('refuses a refund of more than is refundable (AMOUNT_EXCEEDS_REFUNDABLE), appending nothing', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: paidInvoice(), [streams.payment(tenant, 'pay-1')]: allocatedPayment() })
        .when(() => refund(tenant, `${tenant}-refund`, '71.97', 'original_payment'))
        .thenFails('AMOUNT_EXCEEDS_REFUNDABLE', /Refund of 71\.97 USD exceeds the 71\.96 USD still refundable on payment pay-1/);
    });

    it('a store-credit refund: the invoice reopens and the customer is credited instead of money going back', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-store-credit`;
      const refundId = uuidV5(`${commandId}:refund`);
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: paidInvoice(), [streams.payment(tenant, 'pay-1')]: allocatedPayment() })
        .when(() => refund(tenant, commandId, '30.00', 'store_credit'))
        .then({
          [streams.payment(tenant, 'pay-1')]: [
            paymentRefunded({
              paymentId: 'pay-1',
              refundId,
              amount: '30.00',
              method: 'store_credit',
              reason: 'Service cancelled',
              refundedTotal: '30.00',
              refundable: '41.96',
              invoices: [{ invoiceId: 'inv-1', amount: '30.00' }],
              fromCredit: '0.00',
              status: 'partially_refunded',
              refundedAt: NOW,
            }),
          ],
          [streams.invoice(tenant, 'inv-1')]: [invoicePaymentRefunded({ invoiceId: 'inv-1', paymentId: 'pay-1', refundId, amount: '30.00', balanceDueAfter: '30.00', refundedAt: NOW })],
          [streams.customerAccount(tenant, CUSTOMER_ID)]: [
            customerAccountCredited({ entryId: uuidV5(`${tenant}:${refundId}:store-credit`), amount: '30.00', source: 'store_credit_refund', sourceId: refundId, balanceAfter: '30.00', creditedAt: NOW }),
          ],
        });
    });

    it('a refund beyond what the invoices got takes the rest back from the credit the payment’s excess created', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-refund`;
      const refundId = uuidV5(`${commandId}:refund`);
      const overpayment: PaymentFixture = { paymentId: 'pay-1', amount: '100.00', reference: 'CASH-0001', recordedAt: PAID_AT };
      await h.spec
        .given({
          [streams.invoice(tenant, 'inv-1')]: [...issuedInvoice(), invoicePaymentApplied('inv-1', overpayment, { amount: '71.96', balanceDueAfter: '0.00', appliedAt: PAID_AT })],
          [streams.payment(tenant, 'pay-1')]: [...cashPaymentRecorded(overpayment, [{ invoiceId: 'inv-1', amount: '71.96' }]), paymentAllocated('pay-1', [{ invoiceId: 'inv-1', amount: '71.96' }], '28.04', PAID_AT)],
          [streams.customerAccount(tenant, CUSTOMER_ID)]: [customerAccountCredited({ entryId: 'entry-1', amount: '28.04', source: 'overpayment', sourceId: 'pay-1', balanceAfter: '28.04', creditedAt: PAID_AT })],
        })
        .when(() => refund(tenant, commandId, '90.00', 'original_payment'))
        .then({
          [streams.payment(tenant, 'pay-1')]: [
            paymentRefunded({
              paymentId: 'pay-1',
              refundId,
              amount: '90.00',
              method: 'original_payment',
              reason: 'Service cancelled',
              refundedTotal: '90.00',
              refundable: '10.00',
              invoices: [{ invoiceId: 'inv-1', amount: '71.96' }],
              fromCredit: '18.04',
              status: 'partially_refunded',
              refundedAt: NOW,
            }),
          ],
          [streams.invoice(tenant, 'inv-1')]: [invoicePaymentRefunded({ invoiceId: 'inv-1', paymentId: 'pay-1', refundId, amount: '71.96', balanceDueAfter: '71.96', refundedAt: NOW })],
          [streams.customerAccount(tenant, CUSTOMER_ID)]: [
            {
              type: 'CustomerAccountDebited',
              data: { customerId: CUSTOMER_ID, entryId: uuidV5(`${tenant}:${refundId}:debit`), amount: '18.04', currency: 'USD', reason: 'refund', sourceId: refundId, balanceAfter: '10.00', debitedAt: NOW },
            },
          ],
        });
    });
  });
});
