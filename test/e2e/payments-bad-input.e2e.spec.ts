import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { headOfLog } from '../support/expect-rejected.js';
import { draftInput, issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant, updateSettings } from '../support/settings-effect.support.js';

/**
 * Bad input on every payment mutation: each case gets its own stable code and appends nothing (the $all head is the
 * same before and after, once the process managers have caught up). Roles: auditors write nothing; a service key
 * may report gateway events but not refund.
 */

type Mutation = 'createPayment' | 'markPaymentProcessing' | 'markPaymentSucceeded' | 'markPaymentFailed' | 'retryPayment' | 'cancelPayment' | 'refundPayment';
const inputTypes: Record<Mutation, string> = {
  createPayment: 'CreatePaymentInput',
  markPaymentProcessing: 'MarkPaymentProcessingInput',
  markPaymentSucceeded: 'MarkPaymentSucceededInput',
  markPaymentFailed: 'MarkPaymentFailedInput',
  retryPayment: 'RetryPaymentInput',
  cancelPayment: 'CancelPaymentInput',
  refundPayment: 'RefundPaymentInput',
};

interface Payload {
  position: string;
  payment: { id: string; status: string };
}

let ledger: TestLedger;
let openInvoiceId: string;
let draftInvoiceId: string;
let otherCustomersInvoiceId: string;
let pendingId: string;
let succeededId: string;
let cancelledId: string;
let failedId: string;
let auditorKey: string;
let serviceKey: string;

function send(name: Mutation, input: Record<string, unknown>, key?: string): Promise<GraphQLHttpResponse<Record<string, Payload>>> {
  return ledger.graphql<Record<string, Payload>>(`mutation ($input: ${inputTypes[name]}!) { ${name}(input: $input) { position payment { id status } } }`, { input }, key);
}

async function sendOk(name: Mutation, input: Record<string, unknown>, key?: string): Promise<Payload> {
  return requireData(await send(name, input, key), name)[name] as Payload;
}

async function expectRefused(code: string, request: () => Promise<GraphQLHttpResponse<unknown>>): Promise<GraphQLHttpResponse<unknown>> {
  const before = await headOfLog(ledger);
  const response = await request();
  expect({ code: firstErrorCode(response), message: typeof response.errors?.[0]?.message, stack: response.rawBody.includes('    at ') }).toEqual({ code, message: 'string', stack: false });
  expect(await headOfLog(ledger)).toBe(before);
  return response;
}

let references = 0;
const payment = (overrides: Record<string, unknown> = {}) => ({ customerId: 'bad-pay', amount: '10.00', currency: 'USD', method: 'CASH', reference: `ref-${(references += 1)}`, ...overrides });

beforeAll(async () => {
  ledger = await startTestLedger();
  openInvoiceId = (await issuedInvoice(ledger, { customerId: 'bad-pay' })).invoice.id;
  draftInvoiceId = (await ledger.mutateOk('createInvoice', draftInput({ customerId: 'bad-pay' }))).invoice.id;
  otherCustomersInvoiceId = (await issuedInvoice(ledger, { customerId: 'someone-else' })).invoice.id;
  pendingId = (await sendOk('createPayment', payment({ method: 'CARD', reference: 'ch_pending' }))).payment.id;
  succeededId = (await sendOk('createPayment', payment({ reference: 'till-ok', amount: '5.00' }))).payment.id;
  cancelledId = (await sendOk('createPayment', payment({ method: 'CARD', reference: 'ch_cancelled' }))).payment.id;
  await sendOk('cancelPayment', { paymentId: cancelledId, reason: 'test' });
  failedId = (await sendOk('createPayment', payment({ method: 'CARD', reference: 'ch_failed' }))).payment.id;
  await sendOk('markPaymentFailed', { paymentId: failedId, reason: 'declined' });
  auditorKey = await ledger.createKey('dev', 'auditor');
  serviceKey = await ledger.createKey('dev', 'service');
});

afterAll(async () => {
  await ledger?.stop();
});

describe('createPayment', () => {
  it.each([
    ['an amount of 0', 'VALIDATION_FAILED', { amount: '0' }],
    ['a negative amount', 'VALIDATION_FAILED', { amount: '-1.00' }],
    ['more decimals than the currency', 'VALIDATION_FAILED', { amount: '1.001' }],
    ['an exponent', 'VALIDATION_FAILED', { amount: '1e2' }],
    ['a currency that is no ISO code', 'VALIDATION_FAILED', { currency: 'usd' }],
    ['a currency outside payment.supportedCurrencies', 'CURRENCY_NOT_SUPPORTED', { currency: 'EUR' }],
    ['a blank reference', 'VALIDATION_FAILED', { reference: '   ' }],
    ['allocations adding up to more than the amount', 'VALIDATION_FAILED', { allocations: [{ invoiceId: 'x-1', amount: '6.00' }, { invoiceId: 'x-2', amount: '6.00' }] }],
    ['an empty allocation list', 'VALIDATION_FAILED', { allocations: [] }],
    ['a method on file that does not exist', 'NOT_FOUND', { method: 'CARD', paymentMethodId: 'no-such-method' }],
  ])('%s is %s', async (_case, code, overrides) => {
    await expectRefused(code, () => send('createPayment', payment(overrides)));
  });

  it('allocations naming an unknown invoice, a draft, another customer\'s invoice', async () => {
    await expectRefused('NOT_FOUND', () => send('createPayment', payment({ allocations: [{ invoiceId: 'no-such-invoice', amount: '1.00' }] })));
    await expectRefused('INVOICE_NOT_OPEN', () => send('createPayment', payment({ allocations: [{ invoiceId: draftInvoiceId, amount: '1.00' }] })));
    await expectRefused('VALIDATION_FAILED', () => send('createPayment', payment({ allocations: [{ invoiceId: otherCustomersInvoiceId, amount: '1.00' }] })));
    await expectRefused('VALIDATION_FAILED', () => send('createPayment', payment({ allocations: [{ invoiceId: openInvoiceId, amount: '1.00' }, { invoiceId: openInvoiceId, amount: '1.00' }] })));
  });

  it('a reference already used for another amount is PAYMENT_REFERENCE_CONFLICT', async () => {
    await expectRefused('PAYMENT_REFERENCE_CONFLICT', () => send('createPayment', payment({ reference: 'till-ok', amount: '5.01' })));
  });

  it('with payments off, FEATURE_DISABLED; a method not enabled, PAYMENT_METHOD_DISABLED', async () => {
    const { tenantId, key } = await newTenant(ledger, 'bad-pay-settings');
    await updateSettings(ledger, tenantId, 'payment', { enabledMethods: ['wire_transfer'] });
    await expectRefused('PAYMENT_METHOD_DISABLED', () => send('createPayment', payment(), key));
    await updateSettings(ledger, tenantId, 'features', { payments: false });
    await expectRefused('FEATURE_DISABLED', () => send('createPayment', payment({ method: 'WIRE_TRANSFER' }), key));
  });
});

describe('the gateway mutations', () => {
  it('an unknown payment is NOT_FOUND for each', async () => {
    const paymentId = '00000000-0000-4000-8000-00000000abcd';
    await expectRefused('NOT_FOUND', () => send('markPaymentProcessing', { paymentId }));
    await expectRefused('NOT_FOUND', () => send('markPaymentSucceeded', { paymentId }));
    await expectRefused('NOT_FOUND', () => send('markPaymentFailed', { paymentId, reason: 'x' }));
    await expectRefused('NOT_FOUND', () => send('retryPayment', { paymentId }));
    await expectRefused('NOT_FOUND', () => send('cancelPayment', { paymentId, reason: 'x' }));
    await expectRefused('NOT_FOUND', () => send('refundPayment', { paymentId, amount: '1.00', method: 'CARD', reason: 'x' }));
  });

  it('markPaymentProcessing of a succeeded payment is PAYMENT_NOT_PENDING', async () => {
    await expectRefused('PAYMENT_NOT_PENDING', () => send('markPaymentProcessing', { paymentId: succeededId }));
  });

  it('markPaymentSucceeded of a cancelled payment is PAYMENT_NOT_PENDING; a blank gateway reference VALIDATION_FAILED', async () => {
    await expectRefused('PAYMENT_NOT_PENDING', () => send('markPaymentSucceeded', { paymentId: cancelledId }));
    await expectRefused('VALIDATION_FAILED', () => send('markPaymentSucceeded', { paymentId: pendingId, gatewayReference: '' }));
  });

  it('markPaymentFailed without a reason is VALIDATION_FAILED; of a succeeded payment PAYMENT_NOT_PENDING', async () => {
    await expectRefused('VALIDATION_FAILED', () => send('markPaymentFailed', { paymentId: pendingId, reason: '' }));
    await expectRefused('PAYMENT_NOT_PENDING', () => send('markPaymentFailed', { paymentId: succeededId, reason: 'late failure' }));
  });

  it('retryPayment of a pending payment is PAYMENT_NOT_FAILED; before it is due RETRY_NOT_DUE', async () => {
    await expectRefused('PAYMENT_NOT_FAILED', () => send('retryPayment', { paymentId: pendingId }));
    await expectRefused('RETRY_NOT_DUE', () => send('retryPayment', { paymentId: failedId }));
  });

  it('cancelPayment of a succeeded payment is PAYMENT_NOT_PENDING; without a reason VALIDATION_FAILED', async () => {
    await expectRefused('PAYMENT_NOT_PENDING', () => send('cancelPayment', { paymentId: succeededId, reason: 'too late' }));
    await expectRefused('VALIDATION_FAILED', () => send('cancelPayment', { paymentId: pendingId, reason: '' }));
  });
});

describe('refundPayment', () => {
  it('of a pending payment is PAYMENT_NOT_SUCCEEDED; more than paid AMOUNT_EXCEEDS_REFUNDABLE; bad amounts VALIDATION_FAILED', async () => {
    await expectRefused('PAYMENT_NOT_SUCCEEDED', () => send('refundPayment', { paymentId: pendingId, amount: '1.00', method: 'CARD', reason: 'x' }));
    await expectRefused('AMOUNT_EXCEEDS_REFUNDABLE', () => send('refundPayment', { paymentId: succeededId, amount: '5.01', method: 'CARD', reason: 'x' }));
    await expectRefused('VALIDATION_FAILED', () => send('refundPayment', { paymentId: succeededId, amount: '0.001', method: 'CARD', reason: 'x' }));
    await expectRefused('VALIDATION_FAILED', () => send('refundPayment', { paymentId: succeededId, amount: '0', method: 'CARD', reason: 'x' }));
    await expectRefused('VALIDATION_FAILED', () => send('refundPayment', { paymentId: succeededId, amount: '1.00', method: 'CARD', reason: '' }));
    await expectRefused('VALIDATION_FAILED', () => send('refundPayment', { paymentId: succeededId, amount: '1.00', method: 'GIFT_CARD', reason: 'x' }));
  });

  it("as store credit, only what the payment applied to invoices: its excess is the customer's credit already", async () => {
    const allCredit = await sendOk('createPayment', payment({ customerId: 'bad-pay-no-invoices', reference: 'till-credit', amount: '20.00' }));
    await expectRefused('AMOUNT_EXCEEDS_REFUNDABLE', () => send('refundPayment', { paymentId: allCredit.payment.id, amount: '1.00', method: 'STORE_CREDIT', reason: 'x' }));
  });
});

describe('roles', () => {
  it('an auditor may run none of the payment mutations', async () => {
    await expectRefused('FORBIDDEN', () => send('createPayment', payment(), auditorKey));
    await expectRefused('FORBIDDEN', () => send('refundPayment', { paymentId: succeededId, amount: '1.00', method: 'CARD', reason: 'x' }, auditorKey));
  });

  it('a service key may report gateway events but not refund', async () => {
    const created = await sendOk('createPayment', payment({ method: 'CARD', reference: 'ch_service' }), serviceKey);
    expect((await sendOk('markPaymentProcessing', { paymentId: created.payment.id }, serviceKey)).payment.status).toBe('PROCESSING');
    await expectRefused('FORBIDDEN', () => send('refundPayment', { paymentId: succeededId, amount: '1.00', method: 'CARD', reason: 'x' }, serviceKey));
  });
});
