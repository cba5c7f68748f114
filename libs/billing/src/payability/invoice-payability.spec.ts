import { describe, expect, it } from '@jest/globals';
import { DecisionSpecification } from '../../../testing/src/decision-spec.js';
import { defaultBillingSettings, type BillingSettings } from '../billing-settings/index.js';
import { invoiceDecider, type InvoiceCommand, type InvoiceEvent } from '../invoice/index.js';
import { customerId, draftInvoice, earlier, eventsOf, issuedInvoice, payment, paymentApplied, settings } from '../money-movement.test-helper.js';
import { paymentMethodDecider, type PaymentMethodCommand, type PaymentMethodEvent } from '../payment-method/index.js';
import { paymentDecider, type PaymentEvent } from '../payment/index.js';
import { fold } from '../common/decider.js';
import { creditableOnInvoice, isPayableBy, requireAcceptablePayment, requirePaymentOnInvoice } from './invoice-payability.js';

/** Whether an invoice can take money or credit now, judged on the states a handler read. */
const at = { now: earlier };
const paid = (invoiceId: string, total: string) => issuedInvoice(invoiceId, total, { then: [paymentApplied(invoiceId, 'pay-0', total, total)] });
const voided = (invoiceId: string) => issuedInvoice(invoiceId, '40.00', { then: [{ type: 'VoidInvoice', data: { invoiceId, reason: 'Issued in error' } }] });
const writtenOff = (invoiceId: string) => issuedInvoice(invoiceId, '40.00', { then: [{ type: 'WriteOffInvoice', data: { invoiceId, reason: 'Customer insolvent' } } as Omit<InvoiceCommand, 'metadata'>] });
const card = (paymentMethodId: string, commands: Omit<PaymentMethodCommand, 'metadata'>[] = [], owner = customerId): PaymentMethodEvent[] =>
  eventsOf(
    paymentMethodDecider,
    [
      { type: 'AddPaymentMethod', data: { paymentMethodId, customerId: owner, type: 'card', brand: 'Visa', last4: '4242', expiryMonth: 12, expiryYear: 2030, gatewayToken: 'pm_1', gatewayTokenRef: 'sec_00000000-0000-5000-8000-000000000001' } },
      ...commands,
    ].map((command) => ({ ...command, metadata: at }) as PaymentMethodCommand),
  );

describe('isPayableBy', () => {
  const payer = { customerId, currency: 'USD' };
  it('an issued invoice of the payer, in its currency, with something due', () => {
    expect(isPayableBy(fold(invoiceDecider, issuedInvoice('inv-1', '40.00')), payer)).toBe(true);
    expect(isPayableBy(fold(invoiceDecider, issuedInvoice('inv-1', '40.00', { then: [paymentApplied('inv-1', 'pay-0', '10.00', '10.00')] })), payer)).toBe(true);
  });

  it('not a draft, a paid, void or written-off invoice, another customer’s, or one in another currency', () => {
    for (const events of [draftInvoice('inv-1', '40.00'), paid('inv-1', '40.00'), voided('inv-1'), writtenOff('inv-1')]) expect(isPayableBy(fold(invoiceDecider, events), payer)).toBe(false);
    expect(isPayableBy(fold(invoiceDecider, issuedInvoice('inv-1', '40.00', { customerId: 'cus-2' })), payer)).toBe(false);
    expect(isPayableBy(fold(invoiceDecider, issuedInvoice('inv-1', '500', { currency: 'JPY' })), payer)).toBe(false);
  });
});

describe('requireAcceptablePayment', () => {
  interface Given {
    payment: PaymentEvent[];
    paymentMethod?: PaymentMethodEvent[];
    invoices?: Record<string, InvoiceEvent[]>;
  }
  const spec = DecisionSpecification.for(
    (given: Given) => ({
      payment: fold(paymentDecider, given.payment),
      paymentMethod: given.paymentMethod === undefined ? null : fold(paymentMethodDecider, given.paymentMethod),
      invoices: Object.entries(given.invoices ?? {}).map(([invoiceId, events]) => ({ invoiceId, state: fold(invoiceDecider, events) })),
    }),
    (states, _when: object) => requireAcceptablePayment(states),
  );
  const explicit = (...invoiceIds: string[]) => payment('pay-1', '100.00', { allocation: { kind: 'explicit', invoices: invoiceIds.map((invoiceId) => ({ invoiceId, amount: '10.00' })) } });

  it('accepts a payment without a method on file for open invoices of the payer in its currency', () => {
    spec.given({ payment: explicit('inv-1', 'inv-2'), invoices: { 'inv-1': issuedInvoice('inv-1', '40.00'), 'inv-2': issuedInvoice('inv-2', '40.00') } }).when({}).then(undefined);
  });

  it('accepts an oldest-due-first payment without looking at any invoice', () => {
    spec.given({ payment: payment('pay-1', '100.00') }).when({}).then(undefined);
  });

  it('refuses an invoice that does not exist (NOT_FOUND), another customer’s (VALIDATION_FAILED), in another currency (CURRENCY_MISMATCH)', () => {
    spec.given({ payment: explicit('inv-1'), invoices: { 'inv-1': [] } }).when({}).thenThrows('NOT_FOUND', /Invoice inv-1 does not exist/);
    spec.given({ payment: explicit('inv-1'), invoices: { 'inv-1': issuedInvoice('inv-1', '40.00', { customerId: 'cus-2' }) } }).when({}).thenThrows('VALIDATION_FAILED', /another customer/);
    spec.given({ payment: explicit('inv-1'), invoices: { 'inv-1': issuedInvoice('inv-1', '500', { currency: 'JPY' }) } }).when({}).thenThrows('CURRENCY_MISMATCH');
  });

  it('refuses a draft, paid, void or written-off invoice (INVOICE_NOT_OPEN), naming the allocation in its details', () => {
    for (const events of [draftInvoice('inv-2', '40.00'), paid('inv-2', '40.00'), voided('inv-2'), writtenOff('inv-2')]) {
      spec.given({ payment: explicit('inv-1', 'inv-2'), invoices: { 'inv-1': issuedInvoice('inv-1', '40.00'), 'inv-2': events } }).when({}).thenThrows('INVOICE_NOT_OPEN', /nothing can be paid on it/);
    }
    const states = { payment: fold(paymentDecider, explicit('inv-1', 'inv-2')), paymentMethod: null, invoices: [{ invoiceId: 'inv-1', state: fold(invoiceDecider, issuedInvoice('inv-1', '40.00')) }, { invoiceId: 'inv-2', state: fold(invoiceDecider, paid('inv-2', '40.00')) }] };
    expect(() => requireAcceptablePayment(states)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'allocations[1].invoiceId', invoiceId: 'inv-2' }) }));
  });

  describe('a payment charged to a method on file', () => {
    const charged = payment('pay-1', '100.00', { method: 'card', paymentMethodId: 'pm-1' });

    it('accepts the payer’s active method of the payment’s type', () => {
      spec.given({ payment: charged, paymentMethod: card('pm-1') }).when({}).then(undefined);
    });

    it('refuses a method that does not exist or is another customer’s (NOT_FOUND), of another type (VALIDATION_FAILED), or not active (PAYMENT_METHOD_INACTIVE)', () => {
      spec.given({ payment: charged, paymentMethod: [] }).when({}).thenThrows('NOT_FOUND', /has no payment method pm-1/);
      spec.given({ payment: charged, paymentMethod: card('pm-1', [], 'cus-2') }).when({}).thenThrows('NOT_FOUND');
      spec.given({ payment: payment('pay-1', '100.00', { method: 'cash', paymentMethodId: 'pm-1' }), paymentMethod: card('pm-1') }).when({}).thenThrows('VALIDATION_FAILED', /is a card, not a cash/);
      spec.given({ payment: charged, paymentMethod: card('pm-1', [{ type: 'DeactivatePaymentMethod', data: { paymentMethodId: 'pm-1', reason: 'Removed' } }]) }).when({}).thenThrows('PAYMENT_METHOD_INACTIVE');
    });

    it('checks the method before the invoices', () => {
      const both = payment('pay-1', '100.00', { method: 'card', paymentMethodId: 'pm-1', allocation: { kind: 'explicit', invoices: [{ invoiceId: 'inv-1', amount: '10.00' }] } });
      spec.given({ payment: both, paymentMethod: [], invoices: { 'inv-1': [] } }).when({}).thenThrows('NOT_FOUND', /payment method/);
    });
  });
});

describe('requirePaymentOnInvoice', () => {
  const spec = DecisionSpecification.for(
    (given: { settings?: BillingSettings; invoice: InvoiceEvent[] }) => ({ settings: given.settings ?? settings, invoice: fold(invoiceDecider, given.invoice) }),
    (states, when: { method?: 'cash' | 'card'; currency?: string }) => requirePaymentOnInvoice({ ...states, command: { invoiceId: 'inv-1', method: when.method ?? 'cash', currency: when.currency ?? 'USD' } }).invoiceId,
  );
  const noPayments = { ...settings, features: { ...settings.features, payments: false } };

  it('returns the invoice when it can take the payment', () => {
    spec.given({ invoice: issuedInvoice('inv-1', '40.00') }).when({}).then('inv-1');
  });

  it('refuses in this order: the payments feature, the invoice, its status, the currency, then the method and currency settings', () => {
    spec.given({ settings: noPayments, invoice: [] }).when({}).thenThrows('FEATURE_DISABLED');
    spec.given({ invoice: [] }).when({}).thenThrows('NOT_FOUND', /Invoice "inv-1" does not exist/);
    spec.given({ invoice: draftInvoice('inv-1', '40.00') }).when({}).thenThrows('INVOICE_NOT_OPEN', /is a draft/);
    spec.given({ invoice: voided('inv-1') }).when({}).thenThrows('INVOICE_NOT_OPEN', /is void/);
    spec.given({ invoice: paid('inv-1', '40.00') }).when({}).thenThrows('INVOICE_NOT_OPEN', /record the extra payment to the customer's account/);
    spec.given({ invoice: writtenOff('inv-1') }).when({}).thenThrows('INVOICE_NOT_OPEN', /was written off/);
    spec.given({ invoice: issuedInvoice('inv-1', '40.00') }).when({ currency: 'usd' }).thenThrows('VALIDATION_FAILED');
    spec.given({ invoice: issuedInvoice('inv-1', '40.00') }).when({ currency: 'JPY' }).thenThrows('CURRENCY_MISMATCH');
    const cashOnly = { ...settings, payment: { ...settings.payment, enabledMethods: ['cash' as const] } };
    spec.given({ settings: cashOnly, invoice: issuedInvoice('inv-1', '40.00') }).when({ method: 'card' }).thenThrows('PAYMENT_METHOD_DISABLED');
    spec.given({ settings: defaultBillingSettings, invoice: issuedInvoice('inv-1', '500', { currency: 'JPY' }) }).when({ currency: 'JPY' }).thenThrows('CURRENCY_NOT_SUPPORTED');
  });
});

describe('creditableOnInvoice', () => {
  const spec = DecisionSpecification.for(
    (given: InvoiceEvent[]) => fold(invoiceDecider, given),
    (invoice, _when: object) => creditableOnInvoice(invoice, 'inv-1'),
  );

  it('what credit notes may still take from an issued invoice, paid or not', () => {
    spec.given(issuedInvoice('inv-1', '40.00')).when({}).then('40.00');
    spec.given(paid('inv-1', '40.00')).when({}).then('40.00');
    spec.given(issuedInvoice('inv-1', '40.00', { then: [{ type: 'RegisterCreditNote', data: { invoiceId: 'inv-1', creditNoteId: 'cn-1', amount: '15.00', currency: 'USD' } }] })).when({}).then('25.00');
  });

  it('refuses an invoice never issued or void (INVOICE_NOT_OPEN)', () => {
    spec.given([]).when({}).thenThrows('INVOICE_NOT_OPEN', /only an issued invoice can be credited/);
    spec.given(draftInvoice('inv-1', '40.00')).when({}).thenThrows('INVOICE_NOT_OPEN');
    spec.given(voided('inv-1')).when({}).thenThrows('INVOICE_NOT_OPEN');
  });
});
