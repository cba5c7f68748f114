import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type {
  ApplyCreditToInvoice,
  ApplyPaymentToInvoice,
  InvoiceCommand,
  InvoiceSettingsContext,
  RecordInvoicePayment,
  RefundInvoicePayment,
  RegisterCreditNote,
  ReleaseCreditNote,
  VoidInvoice,
  WriteOffInvoice,
} from './invoice.commands.js';
import { invoiceDecider } from './invoice.decider.js';
import type { PaymentMethodType } from '../payment/payment.method-types.js';
import {
  invoiceEventSchemas,
  type InvoiceCreditApplied,
  type InvoiceCreditNoteRegistered,
  type InvoiceCreditNoteReleased,
  type InvoiceDrafted,
  type InvoiceEvent,
  type InvoiceIssued,
  type InvoicePaymentApplied,
  type InvoicePaymentRecorded,
  type InvoicePaymentRefunded,
  type InvoiceWrittenOff,
} from './invoice.events.js';
import type { InvoiceState } from './invoice.state.js';

/**
 * How money settles an issued invoice: payments applied by the payment allocator, credit applied from credit notes or
 * the customer's balance, refunds that reopen the balance, write-offs, and the credit notes that take from what is
 * creditable. Every spec of a state also checks the balance invariant (docs/domain.md, "Invoices"):
 * balanceDue = total - paid - credited + refunded - written off, never negative.
 */
const spec = DeciderSpecification.for(invoiceDecider);

const issuedAt = '2024-01-15T09:30:00.000Z';
const now = '2024-01-20T14:00:00.000Z';
const invoiceId = 'inv-1';
const customerId = 'cus-1';
const unchecked = <T>(value: unknown): T => value as T;

function applyPayment(data: Partial<ApplyPaymentToInvoice['data']> = {}): ApplyPaymentToInvoice {
  return {
    type: 'ApplyPaymentToInvoice',
    data: { invoiceId, paymentId: 'pay-1', amount: '20.00', currency: 'USD', method: 'card', reference: 'ch_123', paymentAmount: '100.00', ...data },
    metadata: { now },
  };
}
function applyCredit(data: Partial<ApplyCreditToInvoice['data']> = {}): ApplyCreditToInvoice {
  return {
    type: 'ApplyCreditToInvoice',
    data: { invoiceId, applicationId: 'app-1', source: 'credit_note', sourceId: 'cn-1', amount: '30.00', currency: 'USD', ...data },
    metadata: { now },
  };
}
function refundPayment(data: Partial<RefundInvoicePayment['data']> = {}): RefundInvoicePayment {
  return { type: 'RefundInvoicePayment', data: { invoiceId, paymentId: 'pay-1', refundId: 'ref-1', amount: '15.00', currency: 'USD', ...data }, metadata: { now } };
}
function writeOff(data: Partial<WriteOffInvoice['data']> = {}): WriteOffInvoice {
  return { type: 'WriteOffInvoice', data: { invoiceId, reason: 'Customer insolvent', ...data }, metadata: { now } };
}
function registerNote(data: Partial<RegisterCreditNote['data']> = {}): RegisterCreditNote {
  return { type: 'RegisterCreditNote', data: { invoiceId, creditNoteId: 'cn-1', amount: '50.00', currency: 'USD', ...data }, metadata: { now } };
}
function releaseNote(data: Partial<ReleaseCreditNote['data']> = {}): ReleaseCreditNote {
  return { type: 'ReleaseCreditNote', data: { invoiceId, creditNoteId: 'cn-1', amount: '50.00', currency: 'USD', ...data }, metadata: { now } };
}
function voidInvoice(): VoidInvoice {
  return { type: 'VoidInvoice', data: { invoiceId, reason: 'Issued to the wrong customer' }, metadata: { now } };
}
function recordPayment(data: Partial<RecordInvoicePayment['data']> = {}): RecordInvoicePayment {
  return {
    type: 'RecordInvoicePayment',
    data: { invoiceId, paymentId: 'pay-9', amount: '5.00', currency: 'USD', method: 'cash', reference: 'till-1', ...data },
    metadata: { now },
  };
}

function drafted(): InvoiceDrafted {
  return {
    type: 'InvoiceDrafted',
    data: {
      invoiceId,
      customerId,
      currency: 'USD',
      lines: [{ lineId: 'L1', description: 'Broadband', quantity: '3', unitPrice: '19.99', taxRate: '20', amount: '59.97', taxAmount: '11.99' }],
      dueDate: null,
      paymentTermsDays: 30,
      draftedAt: issuedAt,
    },
  };
}
// Total 71.96 USD.
function issued(data: Partial<InvoiceIssued['data']> = {}): InvoiceIssued {
  return {
    type: 'InvoiceIssued',
    data: {
      invoiceId,
      customerId,
      number: 'INV-2024-000001',
      currency: 'USD',
      issueDate: '2024-01-15',
      issuedAt,
      dueDate: '2024-02-14',
      subtotal: '59.97',
      taxTotal: '11.99',
      total: '71.96',
      ...data,
    },
  };
}
function paymentApplied(data: Partial<InvoicePaymentApplied['data']> = {}): InvoicePaymentApplied {
  return {
    type: 'InvoicePaymentApplied',
    data: {
      invoiceId,
      customerId,
      paymentId: 'pay-1',
      method: 'card',
      reference: 'ch_123',
      currency: 'USD',
      amount: '20.00',
      paymentAmount: '100.00',
      balanceDueAfter: '51.96',
      appliedAt: now,
      ...data,
    },
  };
}
function creditApplied(data: Partial<InvoiceCreditApplied['data']> = {}): InvoiceCreditApplied {
  return {
    type: 'InvoiceCreditApplied',
    data: {
      invoiceId,
      customerId,
      applicationId: 'app-1',
      source: 'credit_note',
      sourceId: 'cn-1',
      currency: 'USD',
      amount: '30.00',
      balanceDueAfter: '41.96',
      appliedAt: now,
      ...data,
    },
  };
}
function paymentRefunded(data: Partial<InvoicePaymentRefunded['data']> = {}): InvoicePaymentRefunded {
  return {
    type: 'InvoicePaymentRefunded',
    data: { invoiceId, customerId, paymentId: 'pay-1', refundId: 'ref-1', currency: 'USD', amount: '15.00', balanceDueAfter: '66.96', refundedAt: now, ...data },
  };
}
function writtenOff(data: Partial<InvoiceWrittenOff['data']> = {}): InvoiceWrittenOff {
  return { type: 'InvoiceWrittenOff', data: { invoiceId, customerId, currency: 'USD', amount: '51.96', reason: 'Customer insolvent', writtenOffAt: now, ...data } };
}
function noteRegistered(data: Partial<InvoiceCreditNoteRegistered['data']> = {}): InvoiceCreditNoteRegistered {
  return { type: 'InvoiceCreditNoteRegistered', data: { invoiceId, creditNoteId: 'cn-1', currency: 'USD', amount: '50.00', creditableAfter: '21.96', registeredAt: now, ...data } };
}
function noteReleased(data: Partial<InvoiceCreditNoteReleased['data']> = {}): InvoiceCreditNoteReleased {
  return { type: 'InvoiceCreditNoteReleased', data: { invoiceId, creditNoteId: 'cn-1', currency: 'USD', amount: '50.00', creditableAfter: '71.96', releasedAt: now, ...data } };
}
function paymentRecorded(data: Partial<InvoicePaymentRecorded['data']> = {}): InvoicePaymentRecorded {
  return {
    type: 'InvoicePaymentRecorded',
    data: {
      invoiceId,
      customerId,
      paymentId: 'pay-1',
      method: 'card',
      reference: 'ch_123',
      currency: 'USD',
      amount: '20.00',
      appliedAmount: '20.00',
      excessAmount: '0.00',
      balanceDueAfter: '51.96',
      recordedAt: now,
      ...data,
    },
  };
}

/** docs/domain.md, "Invoices": balance due = total - paid - credited + refunded - written off, and never negative. */
function expectBalanceInvariant(state: InvoiceState): void {
  const expected = new Big(state.total).minus(state.amountPaid).minus(state.amountCredited).plus(state.amountRefunded).minus(state.amountWrittenOff);
  expect(state.balanceDue).toBe(expected.toFixed(2));
  expect(new Big(state.balanceDue).gte(0)).toBe(true);
}

function stateAfter(events: InvoiceEvent[]): InvoiceState {
  const state = fold(invoiceDecider, events);
  expectBalanceInvariant(state);
  return state;
}

const draftHistory: InvoiceEvent[] = [drafted()];
const openHistory: InvoiceEvent[] = [drafted(), issued()];
const partlyPaidHistory: InvoiceEvent[] = [...openHistory, paymentApplied()];
const refundedHistory: InvoiceEvent[] = [...partlyPaidHistory, paymentRefunded()];
const creditedHistory: InvoiceEvent[] = [...openHistory, creditApplied({ balanceDueAfter: '41.96' })];
const noteHistory: InvoiceEvent[] = [...openHistory, noteRegistered()];
const paidHistory: InvoiceEvent[] = [...openHistory, paymentApplied({ amount: '71.96', balanceDueAfter: '0.00' })];
const writtenOffHistory: InvoiceEvent[] = [...partlyPaidHistory, writtenOff()];
const voidHistory: InvoiceEvent[] = [...openHistory, { type: 'InvoiceVoided', data: { invoiceId, reason: 'Wrong customer', voidedAt: now } }];

describe('no invoice', () => {
  it.each<[string, InvoiceCommand]>([
    ['ApplyPaymentToInvoice', applyPayment()],
    ['ApplyCreditToInvoice', applyCredit()],
    ['RefundInvoicePayment', refundPayment()],
    ['WriteOffInvoice', writeOff()],
    ['RegisterCreditNote', registerNote()],
    ['ReleaseCreditNote', releaseNote()],
  ])('%s fails NOT_FOUND', (_name, command) => {
    spec.given([]).when(command).thenThrows('NOT_FOUND', /Invoice "inv-1" does not exist/);
  });
});

describe('draft', () => {
  it.each<[string, InvoiceCommand, RegExp]>([
    ['ApplyPaymentToInvoice', applyPayment(), /is a draft: issue it before it can take payments/],
    ['ApplyCreditToInvoice', applyCredit(), /is a draft: issue it before it can take credit/],
    ['RefundInvoicePayment', refundPayment(), /is draft: no payment was applied to it/],
    ['WriteOffInvoice', writeOff(), /is draft: only an issued invoice with a balance due can be written off/],
    ['RegisterCreditNote', registerNote(), /is draft: only an issued invoice can be credited/],
  ])('%s fails INVOICE_NOT_OPEN', (_name, command, message) => {
    spec.given(draftHistory).when(command).thenThrows('INVOICE_NOT_OPEN', message);
  });

  it('ReleaseCreditNote fails NOT_FOUND: no note was registered', () => {
    spec.given(draftHistory).when(releaseNote()).thenThrows('NOT_FOUND', /Credit note cn-1 was never registered on invoice inv-1/);
  });
});

describe('open', () => {
  it('owes its total, all of it creditable', () => {
    expect(stateAfter(openHistory)).toMatchObject({
      status: 'open',
      balanceDue: '71.96',
      creditableAmount: '71.96',
      amountPaid: '0.00',
      amountCredited: '0.00',
      amountRefunded: '0.00',
      amountWrittenOff: '0.00',
    });
  });

  it('ApplyPaymentToInvoice of part applies it and makes the invoice partially paid', () => {
    spec.given(openHistory).when(applyPayment()).then([paymentApplied()]);
    expect(stateAfter(partlyPaidHistory)).toMatchObject({
      status: 'partially_paid',
      amountPaid: '20.00',
      balanceDue: '51.96',
      paymentIds: ['pay-1'],
      paymentApplications: [{ paymentId: 'pay-1', appliedAmount: '20.00', reopenedAmount: '0.00', appliedAt: now }],
    });
  });

  it('ApplyPaymentToInvoice lists the payment with its method and reference; the rest of the payment is its excess', () => {
    // 100.00 paid, 20.00 applied here: the other 80.00 went to other invoices or to the customer's credit.
    expect(stateAfter(partlyPaidHistory).payments).toEqual([
      { paymentId: 'pay-1', method: 'card', reference: 'ch_123', amount: '100.00', appliedAmount: '20.00', excessAmount: '80.00', recordedAt: now },
    ]);
    const whole = stateAfter([...openHistory, paymentApplied({ amount: '71.96', paymentAmount: '71.96', balanceDueAfter: '0.00' })]);
    expect(whole.payments).toEqual([
      { paymentId: 'pay-1', method: 'card', reference: 'ch_123', amount: '71.96', appliedAmount: '71.96', excessAmount: '0.00', recordedAt: now },
    ]);
  });

  it('ApplyPaymentToInvoice of exactly the balance makes it paid', () => {
    spec.given(openHistory).when(applyPayment({ amount: '71.96' })).then([paymentApplied({ amount: '71.96', balanceDueAfter: '0.00' })]);
    expect(stateAfter(paidHistory)).toMatchObject({ status: 'paid', balanceDue: '0.00' });
  });

  it('ApplyPaymentToInvoice of more than the balance fails AMOUNT_EXCEEDS_BALANCE (the allocator sends the excess to credit)', () => {
    spec
      .given(openHistory)
      .when(applyPayment({ amount: '71.97' }))
      .thenThrows('AMOUNT_EXCEEDS_BALANCE', /Payment pay-1 of 71.97 USD exceeds the 71.96 USD due on invoice inv-1/);
  });

  it('ApplyPaymentToInvoice in another currency fails CURRENCY_MISMATCH', () => {
    spec.given(openHistory).when(applyPayment({ currency: 'EUR' })).thenThrows('CURRENCY_MISMATCH', /is in EUR but invoice inv-1 is in USD/);
  });

  it.each([
    ['a zero amount', { amount: '0.00' }, /amount must be greater than 0/],
    ['a negative amount', { amount: '-1.00' }, /amount must be greater than 0/],
    ['too many decimals', { amount: '1.001' }, /decimal place/],
    ['a float amount', { amount: unchecked<string>(20) }, /decimal string/],
    ['no payment id', { paymentId: '' }, /paymentId/],
    ['a bad currency', { currency: 'usd' }, /currency must be a supported ISO 4217 currency code/],
    ['an unknown method', { method: unchecked<PaymentMethodType>('barter') }, /method/],
    ['no method', { method: unchecked<PaymentMethodType>(undefined) }, /method/],
    ['an empty reference', { reference: '' }, /reference/],
    ['a reference too long', { reference: 'r'.repeat(201) }, /reference/],
    ['a payment amount below the applied amount', { amount: '20.00', paymentAmount: '19.99' }, /paymentAmount 19.99 is less than the 20.00 applied from it/],
    ['a float payment amount', { paymentAmount: unchecked<string>(100) }, /decimal string/],
    ['too many decimals in the payment amount', { paymentAmount: '100.001' }, /decimal place/],
  ])('ApplyPaymentToInvoice with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given(openHistory).when(applyPayment(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('ApplyCreditToInvoice of part applies it and makes the invoice partially paid', () => {
    spec.given(openHistory).when(applyCredit()).then([creditApplied()]);
    expect(stateAfter(creditedHistory)).toMatchObject({
      status: 'partially_paid',
      amountCredited: '30.00',
      balanceDue: '41.96',
      creditApplications: [{ applicationId: 'app-1', source: 'credit_note', sourceId: 'cn-1', amount: '30.00', appliedAt: now }],
    });
  });

  it('ApplyCreditToInvoice from the customer credit of the whole balance makes it paid', () => {
    const applied = creditApplied({ source: 'customer_credit', sourceId: customerId, amount: '71.96', balanceDueAfter: '0.00' });
    spec.given(openHistory).when(applyCredit({ source: 'customer_credit', sourceId: customerId, amount: '71.96' })).then([applied]);
    expect(stateAfter([...openHistory, applied])).toMatchObject({ status: 'paid', balanceDue: '0.00', amountCredited: '71.96' });
  });

  it('ApplyCreditToInvoice of more than the balance fails AMOUNT_EXCEEDS_BALANCE', () => {
    spec
      .given(openHistory)
      .when(applyCredit({ amount: '72.00' }))
      .thenThrows('AMOUNT_EXCEEDS_BALANCE', /Credit application app-1 of 72.00 USD exceeds the 71.96 USD due/);
  });

  it('ApplyCreditToInvoice in another currency fails CURRENCY_MISMATCH', () => {
    spec.given(openHistory).when(applyCredit({ currency: 'GBP' })).thenThrows('CURRENCY_MISMATCH');
  });

  it.each([
    ['an unknown source', { source: unchecked<'credit_note'>('gift_card') }, /source must be one of credit_note, customer_credit/],
    ['no source id', { sourceId: '' }, /sourceId/],
    ['no application id', { applicationId: '' }, /applicationId/],
    ['a zero amount', { amount: '0' }, /amount must be greater than 0/],
  ])('ApplyCreditToInvoice with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given(openHistory).when(applyCredit(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('RefundInvoicePayment of a payment never applied here fails AMOUNT_EXCEEDS_REFUNDABLE', () => {
    spec
      .given(openHistory)
      .when(refundPayment())
      .thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /only 0.00 USD of it is applied there and not yet refunded/);
  });

  it('WriteOffInvoice writes the whole balance off', () => {
    const off = writtenOff({ amount: '71.96' });
    spec.given(openHistory).when(writeOff()).then([off]);
    expect(stateAfter([...openHistory, off])).toMatchObject({
      status: 'written_off',
      balanceDue: '0.00',
      amountWrittenOff: '71.96',
      writtenOffAt: now,
      writeOffReason: 'Customer insolvent',
    });
  });

  it('WriteOffInvoice without a reason fails VALIDATION_FAILED', () => {
    spec.given(openHistory).when(writeOff({ reason: ' ' })).thenThrows('VALIDATION_FAILED', /reason/);
  });

  it('WriteOffInvoice with invoicing turned off fails FEATURE_DISABLED', () => {
    const settings = unchecked<InvoiceSettingsContext>({ invoicingEnabled: false, paymentsEnabled: true });
    spec.given(openHistory).when(writeOff({ settings })).thenThrows('FEATURE_DISABLED', /features\.invoicing/);
  });

  it('RegisterCreditNote takes its total from what is creditable and leaves the balance alone', () => {
    spec.given(openHistory).when(registerNote()).then([noteRegistered()]);
    expect(stateAfter(noteHistory)).toMatchObject({
      status: 'open',
      balanceDue: '71.96',
      creditableAmount: '21.96',
      creditNotes: [{ creditNoteId: 'cn-1', amount: '50.00', releasedAmount: null, registeredAt: now }],
    });
  });

  it('RegisterCreditNote of the whole total is allowed; one minor unit more fails AMOUNT_EXCEEDS_CREDITABLE', () => {
    spec.given(openHistory).when(registerNote({ amount: '71.96' })).then([noteRegistered({ amount: '71.96', creditableAfter: '0.00' })]);
    spec
      .given(openHistory)
      .when(registerNote({ amount: '71.97' }))
      .thenThrows('AMOUNT_EXCEEDS_CREDITABLE', /Credit note cn-1 of 71.97 USD exceeds the 71.96 USD still creditable on invoice inv-1/);
  });

  it('RegisterCreditNote in another currency fails CURRENCY_MISMATCH; a bad amount or id fails VALIDATION_FAILED', () => {
    spec.given(openHistory).when(registerNote({ currency: 'EUR' })).thenThrows('CURRENCY_MISMATCH');
    spec.given(openHistory).when(registerNote({ amount: '0' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given(openHistory).when(registerNote({ creditNoteId: '' })).thenThrows('VALIDATION_FAILED', /creditNoteId/);
  });

  it('ReleaseCreditNote of a note never registered fails NOT_FOUND', () => {
    spec.given(openHistory).when(releaseNote()).thenThrows('NOT_FOUND', /was never registered/);
  });
});

describe('partially paid by an applied payment', () => {
  it('ApplyPaymentToInvoice re-delivered (same payment, same amount) is acknowledged without an event', () => {
    spec.given(partlyPaidHistory).when(applyPayment()).thenNothing();
  });

  it('ApplyPaymentToInvoice of the same payment with another amount fails ALREADY_EXISTS', () => {
    spec
      .given(partlyPaidHistory)
      .when(applyPayment({ amount: '25.00' }))
      .thenThrows('ALREADY_EXISTS', /Payment pay-1 was already applied to invoice inv-1 with 20.00 USD, not 25.00/);
  });

  it('ApplyPaymentToInvoice of another payment for the rest makes it paid; one minor unit more fails AMOUNT_EXCEEDS_BALANCE', () => {
    spec
      .given(partlyPaidHistory)
      .when(applyPayment({ paymentId: 'pay-2', amount: '51.96' }))
      .then([paymentApplied({ paymentId: 'pay-2', amount: '51.96', balanceDueAfter: '0.00' })]);
    spec.given(partlyPaidHistory).when(applyPayment({ paymentId: 'pay-2', amount: '51.97' })).thenThrows('AMOUNT_EXCEEDS_BALANCE');
  });

  it('ApplyCreditToInvoice of the rest makes it paid', () => {
    const applied = creditApplied({ amount: '51.96', balanceDueAfter: '0.00' });
    spec.given(partlyPaidHistory).when(applyCredit({ amount: '51.96' })).then([applied]);
    expect(stateAfter([...partlyPaidHistory, applied])).toMatchObject({ status: 'paid', amountPaid: '20.00', amountCredited: '51.96' });
  });

  it('RefundInvoicePayment of part of the payment reopens that much; the invoice stays partially paid', () => {
    spec.given(partlyPaidHistory).when(refundPayment()).then([paymentRefunded()]);
    expect(stateAfter(refundedHistory)).toMatchObject({
      status: 'partially_paid',
      amountPaid: '20.00',
      amountRefunded: '15.00',
      balanceDue: '66.96',
      paymentApplications: [{ paymentId: 'pay-1', appliedAmount: '20.00', reopenedAmount: '15.00' }],
      refunds: [{ refundId: 'ref-1', paymentId: 'pay-1', amount: '15.00', refundedAt: now }],
    });
  });

  it('RefundInvoicePayment of the whole payment reopens the whole of it: nothing is paid any more, so it is open', () => {
    const refunded = paymentRefunded({ amount: '20.00', balanceDueAfter: '71.96' });
    spec.given(partlyPaidHistory).when(refundPayment({ amount: '20.00' })).then([refunded]);
    expect(stateAfter([...partlyPaidHistory, refunded])).toMatchObject({ status: 'open', balanceDue: '71.96' });
  });

  it('RefundInvoicePayment of more than the payment applied here fails AMOUNT_EXCEEDS_REFUNDABLE', () => {
    spec
      .given(partlyPaidHistory)
      .when(refundPayment({ amount: '20.01' }))
      .thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /would reopen 20.01 USD of payment pay-1 on invoice inv-1, but only 20.00 USD/);
  });

  it('RefundInvoicePayment of another payment fails AMOUNT_EXCEEDS_REFUNDABLE', () => {
    spec.given(partlyPaidHistory).when(refundPayment({ paymentId: 'pay-2' })).thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /only 0.00 USD/);
  });

  it('RefundInvoicePayment in another currency fails CURRENCY_MISMATCH; bad data fails VALIDATION_FAILED', () => {
    spec.given(partlyPaidHistory).when(refundPayment({ currency: 'EUR' })).thenThrows('CURRENCY_MISMATCH');
    spec.given(partlyPaidHistory).when(refundPayment({ amount: '0' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given(partlyPaidHistory).when(refundPayment({ refundId: '' })).thenThrows('VALIDATION_FAILED', /refundId/);
    spec.given(partlyPaidHistory).when(refundPayment({ paymentId: '' })).thenThrows('VALIDATION_FAILED', /paymentId/);
  });

  it('WriteOffInvoice writes off what is left', () => {
    spec.given(partlyPaidHistory).when(writeOff()).then([writtenOff()]);
  });

  it('VoidInvoice fails INVOICE_HAS_PAYMENTS', () => {
    spec.given(partlyPaidHistory).when(voidInvoice()).thenThrows('INVOICE_HAS_PAYMENTS', /has 1 payment\(s\) applied: it cannot be voided/);
  });

  it('RecordInvoicePayment (legacy) of the same payment id is acknowledged without an event', () => {
    spec.given(partlyPaidHistory).when(recordPayment({ paymentId: 'pay-1' })).thenNothing();
  });
});

describe('after a refund reopened part of a payment', () => {
  it('RefundInvoicePayment re-delivered (same refund, same amount) is acknowledged without an event', () => {
    spec.given(refundedHistory).when(refundPayment()).thenNothing();
  });

  it('RefundInvoicePayment with the same refund id and another amount fails ALREADY_EXISTS', () => {
    spec.given(refundedHistory).when(refundPayment({ amount: '5.00' })).thenThrows('ALREADY_EXISTS', /Refund ref-1 already reopened 15.00 USD of payment pay-1/);
  });

  it('RefundInvoicePayment of what the payment still has here (5.00) is accepted; one minor unit more fails AMOUNT_EXCEEDS_REFUNDABLE', () => {
    spec
      .given(refundedHistory)
      .when(refundPayment({ refundId: 'ref-2', amount: '5.00' }))
      .then([paymentRefunded({ refundId: 'ref-2', amount: '5.00', balanceDueAfter: '71.96' })]);
    spec.given(refundedHistory).when(refundPayment({ refundId: 'ref-2', amount: '5.01' })).thenThrows('AMOUNT_EXCEEDS_REFUNDABLE', /only 5.00 USD/);
  });

  it('the reopened balance can be paid again', () => {
    spec
      .given(refundedHistory)
      .when(applyPayment({ paymentId: 'pay-2', amount: '66.96' }))
      .then([paymentApplied({ paymentId: 'pay-2', amount: '66.96', balanceDueAfter: '0.00' })]);
  });
});

describe('credited', () => {
  it('ApplyCreditToInvoice re-delivered (same application, same amount) is acknowledged without an event', () => {
    spec.given(creditedHistory).when(applyCredit()).thenNothing();
  });

  it('ApplyCreditToInvoice with the same application id and another amount fails ALREADY_EXISTS', () => {
    spec.given(creditedHistory).when(applyCredit({ amount: '31.00' })).thenThrows('ALREADY_EXISTS', /Credit application app-1 was already made on invoice inv-1/);
  });

  it('ApplyCreditToInvoice of another application adds to the credit', () => {
    spec
      .given(creditedHistory)
      .when(applyCredit({ applicationId: 'app-2', source: 'customer_credit', sourceId: customerId, amount: '41.96' }))
      .then([creditApplied({ applicationId: 'app-2', source: 'customer_credit', sourceId: customerId, amount: '41.96', balanceDueAfter: '0.00' })]);
  });

  it('VoidInvoice fails INVOICE_HAS_PAYMENTS: nothing credited may be voided', () => {
    spec.given(creditedHistory).when(voidInvoice()).thenThrows('INVOICE_HAS_PAYMENTS', /has been credited \(1 credit application\(s\), 0 credit note\(s\)\)/);
  });
});

describe('with a credit note registered', () => {
  it('RegisterCreditNote re-delivered (same note, same amount) is acknowledged without an event', () => {
    spec.given(noteHistory).when(registerNote()).thenNothing();
  });

  it('RegisterCreditNote of the same note with another amount fails ALREADY_EXISTS', () => {
    spec.given(noteHistory).when(registerNote({ amount: '40.00' })).thenThrows('ALREADY_EXISTS', /Credit note cn-1 was already registered on invoice inv-1 for 50.00 USD/);
  });

  it('RegisterCreditNote of a second note takes the rest; more fails AMOUNT_EXCEEDS_CREDITABLE', () => {
    spec
      .given(noteHistory)
      .when(registerNote({ creditNoteId: 'cn-2', amount: '21.96' }))
      .then([noteRegistered({ creditNoteId: 'cn-2', amount: '21.96', creditableAfter: '0.00' })]);
    spec
      .given(noteHistory)
      .when(registerNote({ creditNoteId: 'cn-2', amount: '21.97' }))
      .thenThrows('AMOUNT_EXCEEDS_CREDITABLE', /exceeds the 21.96 USD still creditable/);
  });

  it('ReleaseCreditNote gives the note back to what is creditable', () => {
    spec.given(noteHistory).when(releaseNote()).then([noteReleased()]);
    expect(stateAfter([...noteHistory, noteReleased()])).toMatchObject({
      creditableAmount: '71.96',
      creditNotes: [{ creditNoteId: 'cn-1', amount: '50.00', releasedAmount: '50.00' }],
    });
  });

  it('ReleaseCreditNote of part of the note (what was never applied) releases that part only', () => {
    spec.given(noteHistory).when(releaseNote({ amount: '10.00' })).then([noteReleased({ amount: '10.00', creditableAfter: '31.96' })]);
  });

  it('ReleaseCreditNote of more than the note took fails VALIDATION_FAILED', () => {
    spec.given(noteHistory).when(releaseNote({ amount: '50.01' })).thenThrows('VALIDATION_FAILED', /50.01 is more than the 50.00 USD credit note cn-1 took/);
  });

  it('ReleaseCreditNote in another currency fails CURRENCY_MISMATCH', () => {
    spec.given(noteHistory).when(releaseNote({ currency: 'EUR' })).thenThrows('CURRENCY_MISMATCH');
  });

  it('VoidInvoice fails INVOICE_HAS_PAYMENTS: a credited invoice cannot be voided', () => {
    spec.given(noteHistory).when(voidInvoice()).thenThrows('INVOICE_HAS_PAYMENTS', /0 credit application\(s\), 1 credit note\(s\)/);
  });

  describe('then released', () => {
    const history = [...noteHistory, noteReleased()];

    it('ReleaseCreditNote re-delivered is acknowledged without an event; another amount fails ALREADY_EXISTS', () => {
      spec.given(history).when(releaseNote()).thenNothing();
      spec.given(history).when(releaseNote({ amount: '1.00' })).thenThrows('ALREADY_EXISTS', /was already released on invoice inv-1 for 50.00 USD/);
    });

    it('RegisterCreditNote of a new note may take the whole total again', () => {
      spec
        .given(history)
        .when(registerNote({ creditNoteId: 'cn-2', amount: '71.96' }))
        .then([noteRegistered({ creditNoteId: 'cn-2', amount: '71.96', creditableAfter: '0.00' })]);
    });
  });
});

describe('paid', () => {
  it('ApplyPaymentToInvoice of a new payment fails INVOICE_NOT_OPEN; the same one re-delivered is acknowledged', () => {
    spec.given(paidHistory).when(applyPayment({ paymentId: 'pay-2', amount: '1.00' })).thenThrows('INVOICE_NOT_OPEN', /is paid: nothing is due on it, so it cannot take payments/);
    spec.given(paidHistory).when(applyPayment({ amount: '71.96' })).thenNothing();
  });

  it('ApplyCreditToInvoice fails INVOICE_NOT_OPEN', () => {
    spec.given(paidHistory).when(applyCredit()).thenThrows('INVOICE_NOT_OPEN', /is paid: nothing is due on it, so it cannot take credit/);
  });

  it('WriteOffInvoice fails INVOICE_NOT_WRITABLE_OFF: nothing is due', () => {
    spec.given(paidHistory).when(writeOff()).thenThrows('INVOICE_NOT_WRITABLE_OFF', /Invoice inv-1 is paid with nothing due: there is nothing to write off/);
  });

  it('RefundInvoicePayment reopens the balance of a paid invoice', () => {
    const refunded = paymentRefunded({ amount: '10.00', balanceDueAfter: '10.00' });
    spec.given(paidHistory).when(refundPayment({ amount: '10.00' })).then([refunded]);
    expect(stateAfter([...paidHistory, refunded])).toMatchObject({ status: 'partially_paid', balanceDue: '10.00' });
  });

  it('RegisterCreditNote is allowed: a paid invoice is credited through a note', () => {
    spec.given(paidHistory).when(registerNote()).then([noteRegistered()]);
  });

  it('VoidInvoice fails INVOICE_HAS_PAYMENTS', () => {
    spec.given(paidHistory).when(voidInvoice()).thenThrows('INVOICE_HAS_PAYMENTS');
  });

  it('a zero-total invoice (paid at issue) cannot be written off: INVOICE_NOT_WRITABLE_OFF', () => {
    spec.given([drafted(), issued({ subtotal: '0.00', taxTotal: '0.00', total: '0.00' })]).when(writeOff()).thenThrows('INVOICE_NOT_WRITABLE_OFF');
  });
});

describe('paid by legacy recorded payments', () => {
  const history: InvoiceEvent[] = [
    ...openHistory,
    paymentRecorded(),
    paymentRecorded({ paymentId: 'pay-2', amount: '60.00', appliedAmount: '51.96', excessAmount: '8.04', balanceDueAfter: '0.00', reference: 'ch_456' }),
  ];

  it('counts the applied parts (not the excess) as paid', () => {
    expect(stateAfter(history)).toMatchObject({
      status: 'paid',
      amountPaid: '71.96',
      balanceDue: '0.00',
      paymentApplications: [
        { paymentId: 'pay-1', appliedAmount: '20.00', reopenedAmount: '0.00' },
        { paymentId: 'pay-2', appliedAmount: '51.96', reopenedAmount: '0.00' },
      ],
    });
  });

  it('RefundInvoicePayment may reopen at most the applied part of a recorded payment', () => {
    spec
      .given(history)
      .when(refundPayment({ paymentId: 'pay-2', amount: '51.96' }))
      .then([paymentRefunded({ paymentId: 'pay-2', amount: '51.96', balanceDueAfter: '51.96' })]);
    spec.given(history).when(refundPayment({ paymentId: 'pay-2', amount: '51.97' })).thenThrows('AMOUNT_EXCEEDS_REFUNDABLE');
  });
});

describe('written off', () => {
  it('owes nothing, the rest of the balance written off', () => {
    expect(stateAfter(writtenOffHistory)).toMatchObject({ status: 'written_off', balanceDue: '0.00', amountPaid: '20.00', amountWrittenOff: '51.96' });
  });

  it.each<[string, InvoiceCommand, RegExp]>([
    ['ApplyPaymentToInvoice', applyPayment({ paymentId: 'pay-2' }), /is written off: nothing is due on it, so it cannot take payments/],
    ['ApplyCreditToInvoice', applyCredit(), /is written off: nothing is due on it, so it cannot take credit/],
    ['WriteOffInvoice', writeOff(), /is already written off/],
    ['VoidInvoice', voidInvoice(), /is written off: it cannot be voided/],
    ['RecordInvoicePayment', recordPayment(), /is written off: it takes no payments/],
  ])('%s fails INVOICE_NOT_OPEN', (_name, command, message) => {
    spec.given(writtenOffHistory).when(command).thenThrows('INVOICE_NOT_OPEN', message);
  });

  it('ApplyPaymentToInvoice re-delivered for the payment applied before the write-off is acknowledged', () => {
    spec.given(writtenOffHistory).when(applyPayment()).thenNothing();
  });

  it('RefundInvoicePayment of the payment applied before the write-off reopens a balance, which can be written off again', () => {
    const refunded = paymentRefunded({ amount: '20.00', balanceDueAfter: '20.00' });
    spec.given(writtenOffHistory).when(refundPayment({ amount: '20.00' })).then([refunded]);
    const reopened = [...writtenOffHistory, refunded];
    expect(stateAfter(reopened)).toMatchObject({ status: 'open', balanceDue: '20.00', amountWrittenOff: '51.96' });
    spec.given(reopened).when(writeOff()).then([writtenOff({ amount: '20.00' })]);
    expect(stateAfter([...reopened, writtenOff({ amount: '20.00' })])).toMatchObject({ status: 'written_off', amountWrittenOff: '71.96' });
  });
});

describe('void', () => {
  it.each<[string, InvoiceCommand, string]>([
    ['ApplyPaymentToInvoice', applyPayment(), 'INVOICE_NOT_OPEN'],
    ['ApplyCreditToInvoice', applyCredit(), 'INVOICE_NOT_OPEN'],
    ['RefundInvoicePayment', refundPayment(), 'INVOICE_NOT_OPEN'],
    ['WriteOffInvoice', writeOff(), 'INVOICE_NOT_OPEN'],
    ['RegisterCreditNote', registerNote(), 'INVOICE_NOT_OPEN'],
    ['ReleaseCreditNote', releaseNote(), 'NOT_FOUND'],
  ])('%s fails %s', (_name, command, code) => {
    spec.given(voidHistory).when(command).thenThrows(code, /inv-1/);
  });
});

describe('event contracts of the settlement events', () => {
  it('every event the settlement commands emit matches its zod schema, and the balance invariant holds after each', () => {
    const commands: InvoiceCommand[] = [
      registerNote({ amount: '30.00' }),
      applyPayment({ amount: '20.00' }),
      applyCredit({ amount: '30.00' }),
      refundPayment({ amount: '5.00' }),
      releaseNote({ amount: '30.00' }),
      writeOff(),
    ];
    let state = fold(invoiceDecider, openHistory);
    const emitted: InvoiceEvent[] = [];
    for (const command of commands) {
      for (const event of invoiceDecider.decide(command, state)) {
        emitted.push(event);
        state = invoiceDecider.evolve(state, event);
        expectBalanceInvariant(state);
      }
    }
    expect(emitted.map((event) => event.type)).toEqual([
      'InvoiceCreditNoteRegistered',
      'InvoicePaymentApplied',
      'InvoiceCreditApplied',
      'InvoicePaymentRefunded',
      'InvoiceCreditNoteReleased',
      'InvoiceWrittenOff',
    ]);
    for (const event of emitted) expect(invoiceEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
    // 71.96 - 20.00 paid - 30.00 credited + 5.00 refunded = 26.96 written off.
    expect(state).toMatchObject({ status: 'written_off', balanceDue: '0.00', amountWrittenOff: '26.96', creditableAmount: '71.96' });
  });

  it('each balanceDueAfter an event reports is the balance the state then has', () => {
    const commands: InvoiceCommand[] = [applyPayment({ amount: '20.00' }), applyCredit({ amount: '30.00' }), refundPayment({ amount: '20.00' })];
    let state = fold(invoiceDecider, openHistory);
    for (const command of commands) {
      for (const event of invoiceDecider.decide(command, state)) {
        state = invoiceDecider.evolve(state, event);
        if ('balanceDueAfter' in event.data) expect(event.data.balanceDueAfter).toBe(state.balanceDue);
      }
    }
    expect(state).toMatchObject({ balanceDue: '41.96', status: 'partially_paid' });
  });
});
