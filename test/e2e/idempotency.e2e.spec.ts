import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import type { InvoicePayload } from '../support/invoice-api.documents.js';
import { draftInput, issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Idempotency keys over HTTP: a retried request runs once and answers the same; a reused key with another input is
 * refused; parallel requests with one key execute once; keys belong to a tenant.
 */

let ledger: TestLedger;
let otherKey: string;

beforeAll(async () => {
  ledger = await startTestLedger();
  otherKey = await ledger.createKey('other', 'admin');
});

afterAll(async () => {
  await ledger?.stop();
});

async function eventCount(tenantId = 'dev'): Promise<number> {
  return (await ledger.tenantEvents(tenantId)).length;
}

describe('the same key with the same input', () => {
  it('returns the identical payload and appends nothing the second time', async () => {
    const input = draftInput({ customerId: 'retry-customer', idempotencyKey: 'create-retry-1' });
    const first = await ledger.mutateOk('createInvoice', input);
    const countAfterFirst = await eventCount();

    const second = await ledger.mutateOk('createInvoice', input);
    expect(second).toEqual(first);
    expect(await eventCount()).toBe(countAfterFirst);
  });

  it('records a retried payment once', async () => {
    const issued = await issuedInvoice(ledger, { customerId: 'retry-payment-customer' });
    const input = { invoiceId: issued.invoice.id, amount: '20.00', currency: 'USD', method: 'CARD', reference: 'ch_retry', idempotencyKey: 'payment-retry-1' };
    const first = await ledger.mutateOk('recordPayment', input);
    const countAfterFirst = await eventCount();

    const second = await ledger.mutateOk('recordPayment', input);
    expect(second).toEqual(first);
    expect(second.invoice.amountPaid).toEqual({ amount: '20.00', currency: 'USD' });
    expect(await eventCount()).toBe(countAfterFirst);
    expect((await ledger.invoice(issued.invoice.id, second.position))?.amountPaid).toEqual({ amount: '20.00', currency: 'USD' });
    // One payment recorded, applied once to the invoice.
    const events = await ledger.tenantEvents();
    expect(events.filter((event) => event.type === 'PaymentRecorded' && event.data.reference === 'ch_retry')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'InvoicePaymentApplied' && event.data.invoiceId === issued.invoice.id)).toHaveLength(1);
  });
});

describe('the same key with a different input', () => {
  it('is IDEMPOTENCY_KEY_REUSED and appends nothing', async () => {
    await ledger.mutateOk('createInvoice', draftInput({ customerId: 'reuse-customer', idempotencyKey: 'create-reuse-1' }));
    const before = await eventCount();

    const changed = await ledger.mutate('createInvoice', draftInput({ customerId: 'another-customer', idempotencyKey: 'create-reuse-1' }));
    expect(firstErrorCode(changed)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await eventCount()).toBe(before);
  });

  it('is IDEMPOTENCY_KEY_REUSED for another operation too', async () => {
    const created = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'reuse-operation-customer', idempotencyKey: 'shared-operation-key' }));
    const before = await eventCount();

    const issue = await ledger.mutate('issueInvoice', { invoiceId: created.invoice.id, idempotencyKey: 'shared-operation-key' });
    expect(firstErrorCode(issue)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await eventCount()).toBe(before);
  });
});

describe('a rejected request', () => {
  it('leaves its key free for the corrected retry', async () => {
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'corrected-customer' }));
    const input = { invoiceId: draft.invoice.id, amount: '5.00', currency: 'USD', method: 'CASH', reference: 'cash-early', idempotencyKey: 'pay-after-issue' };
    expect(firstErrorCode(await ledger.mutate('recordPayment', input))).toBe('INVOICE_NOT_OPEN');

    await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id });
    const paid = await ledger.mutateOk('recordPayment', input);
    expect(paid.invoice).toMatchObject({ status: 'PARTIALLY_PAID', amountPaid: { amount: '5.00' } });
  });
});

describe('parallel requests with one key', () => {
  it('20 concurrent createInvoice calls all succeed with one invoice and exactly one InvoiceDrafted event', async () => {
    const input = draftInput({ customerId: 'parallel-customer', idempotencyKey: 'parallel-create-1' });
    const before = await eventCount();

    const responses = await Promise.all(Array.from({ length: 20 }, () => ledger.mutate('createInvoice', input)));
    const payloads = responses.map((response) => requireData(response, 'createInvoice').createInvoice as InvoicePayload);

    const invoiceIds = new Set(payloads.map((payload) => payload.invoice.id));
    expect(invoiceIds.size).toBe(1);
    for (const payload of payloads) expect(payload).toEqual(payloads[0]);
    const [invoiceId] = invoiceIds;
    const drafted = (await ledger.tenantEvents()).filter((event) => event.type === 'InvoiceDrafted' && event.data.invoiceId === invoiceId);
    expect(drafted).toHaveLength(1);
    expect(await eventCount()).toBe(before + 1);
  });

  it('10 concurrent payments with one key record one payment', async () => {
    const issued = await issuedInvoice(ledger, { customerId: 'parallel-payment-customer' });
    const input = { invoiceId: issued.invoice.id, amount: '1.00', currency: 'USD', method: 'CARD', reference: 'ch_parallel', idempotencyKey: 'parallel-payment-1' };

    const responses = await Promise.all(Array.from({ length: 10 }, () => ledger.mutate('recordPayment', input)));
    const payloads = responses.map((response) => requireData(response, 'recordPayment').recordPayment as InvoicePayload);

    for (const payload of payloads) expect(payload).toEqual(payloads[0]);
    const events = await ledger.tenantEvents();
    expect(events.filter((event) => event.type === 'PaymentRecorded' && event.data.reference === 'ch_parallel')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'InvoicePaymentApplied' && event.data.invoiceId === issued.invoice.id)).toHaveLength(1);
  });
});

describe('keys belong to a tenant', () => {
  it("another tenant's use of the same key is independent of ours", async () => {
    const key = 'tenant-scoped-key';
    const ours = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'scoped-customer', idempotencyKey: key }));
    const ourCount = await eventCount('dev');
    const theirCountBefore = await eventCount('other');

    // The same key and input in another tenant runs there: a new invoice, a new event, in that tenant only.
    const theirs = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'scoped-customer', idempotencyKey: key }), otherKey);
    expect(theirs.invoice.id).not.toBe(ours.invoice.id);
    expect(await eventCount('other')).toBe(theirCountBefore + 1);
    expect(await eventCount('dev')).toBe(ourCount);

    // A different input under that key is theirs to refuse, and does not disturb ours.
    const theirReuse = await ledger.mutate('createInvoice', draftInput({ customerId: 'changed', idempotencyKey: key }), otherKey);
    expect(firstErrorCode(theirReuse)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ledger.mutateOk('createInvoice', draftInput({ customerId: 'scoped-customer', idempotencyKey: key }))).toEqual(ours);

    // A key used only by the other tenant is still fresh here.
    const onlyTheirs = 'used-only-by-other';
    await ledger.mutateOk('createInvoice', draftInput({ customerId: 'a', idempotencyKey: onlyTheirs }), otherKey);
    const mine = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'b', idempotencyKey: onlyTheirs }));
    expect(mine.invoice.customerId).toBe('b');
    expect(await ledger.invoice(mine.invoice.id, mine.position)).toMatchObject({ customerId: 'b' });
  });
});
