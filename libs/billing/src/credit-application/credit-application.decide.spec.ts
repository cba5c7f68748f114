import { describe, expect, it } from '@jest/globals';
import { DecisionSpecification } from '../../../testing/src/decision-spec.js';
import { defaultBillingSettings, type BillingSettings } from '../billing-settings/index.js';
import { creditNoteDecider, type CreditApplicationType, type CreditNoteEvent } from '../credit-note/index.js';
import { customerAccountDecider, type CustomerAccountEvent } from '../customer-account/index.js';
import { invoiceDecider, type InvoiceEvent } from '../invoice/index.js';
import { account, creditNote, customerId, draftInvoice, issuedInvoice, now, overpaid, paymentApplied, settings } from '../money-movement.test-helper.js';
import { fold } from '../common/decider.js';
import { creditNoteApplicationReadsOf, decideCreditNoteApplication, decideCreditNoteDraft, decideCustomerCreditApplication } from './credit-application.decide.js';

/** Credit that moves between aggregates: customer credit spent on an invoice, a credit note applied or drafted. */
const fromInvoice = (events: InvoiceEvent[]) => fold(invoiceDecider, events);

describe('decideCustomerCreditApplication', () => {
  const spec = DecisionSpecification.for(
    (given: { invoice: InvoiceEvent[]; account: CustomerAccountEvent[] }) => ({ invoice: fromInvoice(given.invoice), account: fold(customerAccountDecider, given.account) }),
    (states, when: { amount: string; invoiceId?: string; currency?: string }) =>
      decideCustomerCreditApplication({ ...states, command: { customerId, invoiceId: when.invoiceId ?? 'inv-1', amount: when.amount, currency: when.currency ?? 'USD' }, ids: { applicationId: 'app-1' }, now }),
  );
  const credit = account(overpaid('30.00', 'pay-0'));

  it('spends the credit on the invoice: both sides under one application id', () => {
    spec
      .given({ invoice: issuedInvoice('inv-1', '50.00'), account: credit })
      .when({ amount: '20.00' })
      .then({
        invoice: [{ type: 'InvoiceCreditApplied', data: { invoiceId: 'inv-1', customerId, applicationId: 'app-1', source: 'customer_credit', sourceId: customerId, currency: 'USD', amount: '20.00', balanceDueAfter: '30.00', appliedAt: now } }],
        account: [{ type: 'CustomerCreditApplied', data: { customerId, applicationId: 'app-1', invoiceId: 'inv-1', amount: '20.00', currency: 'USD', balanceAfter: '10.00', appliedAt: now } }],
      });
  });

  it('refuses in this order: an invoice that is not the customer’s, the invoice’s rules, then the credit', () => {
    spec.given({ invoice: [], account: credit }).when({ amount: '20.00' }).thenThrows('NOT_FOUND');
    spec.given({ invoice: issuedInvoice('inv-1', '50.00', { customerId: 'cus-2' }), account: credit }).when({ amount: '20.00' }).thenThrows('VALIDATION_FAILED', /another customer/);
    spec.given({ invoice: issuedInvoice('inv-1', '10.00'), account: credit }).when({ amount: '20.00' }).thenThrows('AMOUNT_EXCEEDS_BALANCE');
    spec.given({ invoice: draftInvoice('inv-1', '50.00'), account: credit }).when({ amount: '20.00' }).thenThrows('INVOICE_NOT_OPEN');
    spec.given({ invoice: issuedInvoice('inv-1', '50.00'), account: credit }).when({ amount: '40.00' }).thenThrows('INSUFFICIENT_CREDIT');
  });
});

describe('decideCreditNoteApplication', () => {
  interface Given {
    note: CreditNoteEvent[];
    invoice?: InvoiceEvent[];
    account?: CustomerAccountEvent[];
  }
  const spec = DecisionSpecification.for(
    (given: Given) => ({
      note: fold(creditNoteDecider, given.note),
      invoice: given.invoice === undefined ? null : fromInvoice(given.invoice),
      account: given.account === undefined ? null : fold(customerAccountDecider, given.account),
    }),
    (states, when: { applicationType: CreditApplicationType; amount: string; invoiceId?: string | null }) =>
      decideCreditNoteApplication({ ...states, command: { creditNoteId: 'cn-1', applicationType: when.applicationType, invoiceId: when.invoiceId ?? null, amount: when.amount }, ids: { applicationId: 'cna-1' }, now }),
  );
  const note = creditNote('cn-1', '40.00');
  const applied = (applicationType: CreditApplicationType, invoiceId: string | null, amount: string, remaining: string): CreditNoteEvent => ({
    type: 'CreditNoteApplied',
    data: { creditNoteId: 'cn-1', customerId, applicationId: 'cna-1', applicationType, invoiceId, currency: 'USD', amount, remaining, status: remaining === '0.00' ? 'applied' : 'partially_applied', appliedAt: now },
  });

  it('to an invoice: the note’s application and the invoice’s credit', () => {
    spec
      .given({ note, invoice: issuedInvoice('inv-1', '50.00') })
      .when({ applicationType: 'invoice', invoiceId: 'inv-1', amount: '15.00' })
      .then({
        note: [applied('invoice', 'inv-1', '15.00', '25.00')],
        invoice: [{ type: 'InvoiceCreditApplied', data: { invoiceId: 'inv-1', customerId, applicationId: 'cna-1', source: 'credit_note', sourceId: 'cn-1', currency: 'USD', amount: '15.00', balanceDueAfter: '35.00', appliedAt: now } }],
        account: [],
      });
  });

  it('to the customer account: the note’s application and the account’s credit, the application id as its entry', () => {
    spec
      .given({ note, account: [] })
      .when({ applicationType: 'customer_account', amount: '40.00' })
      .then({
        note: [applied('customer_account', null, '40.00', '0.00')],
        invoice: [],
        account: [{ type: 'CustomerAccountCredited', data: { customerId, entryId: 'cna-1', amount: '40.00', currency: 'USD', source: 'credit_note', sourceId: 'cn-1', balanceAfter: '40.00', creditedAt: now } }],
      });
  });

  it('as a refund: the note’s own event is the whole record', () => {
    spec.given({ note }).when({ applicationType: 'refund', amount: '10.00' }).then({ note: [applied('refund', null, '10.00', '30.00')], invoice: [], account: [] });
  });

  it('refuses the note’s rules first: a draft (CREDIT_NOTE_NOT_OPEN), more than remains (AMOUNT_EXCEEDS_REMAINING_CREDIT)', () => {
    spec.given({ note: creditNote('cn-1', '40.00', { draft: true }), invoice: [] }).when({ applicationType: 'invoice', invoiceId: 'inv-1', amount: '15.00' }).thenThrows('CREDIT_NOTE_NOT_OPEN');
    spec.given({ note, invoice: issuedInvoice('inv-1', '10.00') }).when({ applicationType: 'invoice', invoiceId: 'inv-1', amount: '45.00' }).thenThrows('AMOUNT_EXCEEDS_REMAINING_CREDIT');
  });

  it('then the invoice’s: it exists and is the customer’s, open, within its balance', () => {
    spec.given({ note, invoice: [] }).when({ applicationType: 'invoice', invoiceId: 'inv-1', amount: '15.00' }).thenThrows('NOT_FOUND');
    spec.given({ note, invoice: issuedInvoice('inv-1', '50.00', { customerId: 'cus-2' }) }).when({ applicationType: 'invoice', invoiceId: 'inv-1', amount: '15.00' }).thenThrows('VALIDATION_FAILED');
    spec
      .given({ note, invoice: issuedInvoice('inv-1', '10.00', { then: [paymentApplied('inv-1', 'pay-0', '10.00', '10.00')] }) })
      .when({ applicationType: 'invoice', invoiceId: 'inv-1', amount: '15.00' })
      .thenThrows('INVOICE_NOT_OPEN');
    spec.given({ note, invoice: issuedInvoice('inv-1', '10.00') }).when({ applicationType: 'invoice', invoiceId: 'inv-1', amount: '15.00' }).thenThrows('AMOUNT_EXCEEDS_BALANCE');
  });

  it('an application already made decides nothing anywhere', () => {
    const appliedBefore = [...note, applied('refund', null, '10.00', '30.00')];
    spec.given({ note: appliedBefore }).when({ applicationType: 'refund', amount: '10.00' }).then({ note: [], invoice: [], account: [] });
  });

  it('reads the invoice credited, or the note’s customer account, and nothing for a refund', () => {
    const state = fold(creditNoteDecider, note);
    expect(creditNoteApplicationReadsOf(state, { applicationType: 'invoice', invoiceId: 'inv-1' })).toEqual({ invoiceId: 'inv-1', customerId: null });
    expect(creditNoteApplicationReadsOf(state, { applicationType: 'customer_account', invoiceId: null })).toEqual({ invoiceId: null, customerId });
    expect(creditNoteApplicationReadsOf(state, { applicationType: 'refund', invoiceId: null })).toEqual({ invoiceId: null, customerId: null });
  });
});

describe('decideCreditNoteDraft', () => {
  const spec = DecisionSpecification.for(
    (given: { settings?: BillingSettings; source?: InvoiceEvent[] }) => ({ settings: given.settings ?? settings, note: creditNoteDecider.initialState, sourceInvoice: given.source === undefined ? null : fromInvoice(given.source) }),
    (states, when: { total: string; currency?: string; sourceInvoiceId?: string }) =>
      decideCreditNoteDraft({
        ...states,
        command: {
          creditNoteId: 'cn-1',
          customerId,
          currency: when.currency ?? 'USD',
          type: 'adjustment',
          reason: 'billing_error',
          lines: [{ lineId: 'L1', description: 'Outage credit', quantity: '1', unitPrice: when.total, taxRate: null }],
          sourceInvoiceId: when.sourceInvoiceId ?? null,
        },
        now,
      }).map((event) => event.type),
  );

  it('drafts a note within what is creditable on its source, or without a source', () => {
    spec.given({ source: issuedInvoice('inv-1', '50.00') }).when({ total: '50.00', sourceInvoiceId: 'inv-1' }).then(['CreditNoteDrafted']);
    spec.given({}).when({ total: '500.00' }).then(['CreditNoteDrafted']);
  });

  it('refuses in this order: the currency setting, the source invoice (the customer’s, its currency, issued), then the note’s total', () => {
    spec.given({ settings: defaultBillingSettings, source: [] }).when({ total: '10', currency: 'JPY', sourceInvoiceId: 'inv-1' }).thenThrows('CURRENCY_NOT_SUPPORTED');
    spec.given({ source: [] }).when({ total: '10.00', sourceInvoiceId: 'inv-1' }).thenThrows('NOT_FOUND');
    spec.given({ source: issuedInvoice('inv-1', '50.00', { customerId: 'cus-2' }) }).when({ total: '10.00', sourceInvoiceId: 'inv-1' }).thenThrows('VALIDATION_FAILED');
    spec.given({ source: issuedInvoice('inv-1', '500', { currency: 'JPY' }) }).when({ total: '10.00', sourceInvoiceId: 'inv-1' }).thenThrows('CURRENCY_MISMATCH', /same currency/);
    spec.given({ source: draftInvoice('inv-1', '50.00') }).when({ total: '10.00', sourceInvoiceId: 'inv-1' }).thenThrows('INVOICE_NOT_OPEN');
    spec.given({ source: issuedInvoice('inv-1', '50.00') }).when({ total: '50.01', sourceInvoiceId: 'inv-1' }).thenThrows('AMOUNT_EXCEEDS_CREDITABLE');
  });
});
