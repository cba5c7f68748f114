import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, postGraphQL, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { connectWebSocket, WebSocketClosedError } from '../support/graphql-ws.collector.js';
import { INVOICE_QUERY, INVOICES_QUERY, invoiceMutationDocument, type InvoicePayload } from '../support/invoice-api.documents.js';
import { draftInput, issuedInvoice, newApiKey, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Bad input over HTTP: every case gets its stable error code and writes nothing (the tenant's event count is the
 * same before and after). No error response carries a stack trace.
 */

let ledger: TestLedger;
let draft: InvoicePayload;
let issued: InvoicePayload;
let voided: InvoicePayload;
let partlyPaid: InvoicePayload;
let auditorKey: string;
let serviceKey: string;
const errorBodies: string[] = [];

beforeAll(async () => {
  ledger = await startTestLedger();
  draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'bad-input-customer' }));
  issued = await issuedInvoice(ledger, { customerId: 'bad-input-customer' });
  const toVoid = await issuedInvoice(ledger, { customerId: 'bad-input-customer' });
  voided = await ledger.mutateOk('voidInvoice', { invoiceId: toVoid.invoice.id, reason: 'Test' });
  const toPay = await issuedInvoice(ledger, { customerId: 'bad-input-customer' });
  partlyPaid = await ledger.mutateOk('recordPayment', { invoiceId: toPay.invoice.id, amount: '10.00', currency: 'USD', method: 'CARD', reference: 'ch_1' });
  auditorKey = await ledger.createKey('dev', 'auditor');
  serviceKey = await ledger.createKey('dev', 'service');
});

afterAll(async () => {
  await ledger?.stop();
});

/** Sends a request, checks the code, and checks that the tenant's event log did not grow. */
async function expectRejected(code: string, send: () => Promise<GraphQLHttpResponse<unknown>>): Promise<GraphQLHttpResponse<unknown>> {
  const before = (await ledger.tenantEvents()).length;
  const response = await send();
  errorBodies.push(response.rawBody);
  expect({ code: firstErrorCode(response), message: typeof response.errors?.[0]?.message }).toEqual({ code, message: 'string' });
  const results = response.data ? Object.values(response.data as Record<string, unknown>) : [];
  expect(results.filter((result) => result !== null)).toEqual([]);
  expect((await ledger.tenantEvents()).length).toBe(before);
  return response;
}

const line = (overrides: Record<string, unknown>) => ({ description: 'Widget', quantity: '1', unitPrice: '10.00', taxRate: null, ...overrides });
const payment = (overrides: Record<string, unknown>) => ({ invoiceId: issued.invoice.id, amount: '5.00', currency: 'USD', method: 'CARD', reference: 'ch_x', ...overrides });

describe('malformed decimals are VALIDATION_FAILED', () => {
  for (const value of ['1e5', 'abc', '1.', '', ' 1', '1,5', 'NaN']) {
    it(`unitPrice ${JSON.stringify(value)}`, async () => {
      await expectRejected('VALIDATION_FAILED', () => ledger.mutate('createInvoice', draftInput({ lines: [line({ unitPrice: value })] })));
    });
  }

  it('quantity "1e5" on addInvoiceLine', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('addInvoiceLine', { invoiceId: draft.invoice.id, line: line({ quantity: '1e5' }) }));
  });

  it('a JSON number (12.5) as a variable', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('createInvoice', draftInput({ lines: [line({ unitPrice: 12.5 })] })));
  });

  it('a number literal in the document', async () => {
    const document = `mutation { recordPayment(input: { invoiceId: "${issued.invoice.id}", amount: 12.5, currency: "USD", method: CARD, reference: "r" }) { position } }`;
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(document));
  });

  it('a payment amount "1e2"', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('recordPayment', payment({ amount: '1e2' })));
  });
});

describe('currencies and quantities', () => {
  it.each([['XYZ'], ['usd']])('an invoice in %s is VALIDATION_FAILED', async (currency) => {
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('createInvoice', draftInput({ currency })));
  });

  it('a payment in "usd" is VALIDATION_FAILED', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('recordPayment', payment({ currency: 'usd' })));
  });

  it.each([['0'], ['-1'], ['0.000']])('quantity %s is VALIDATION_FAILED', async (quantity) => {
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('createInvoice', draftInput({ lines: [line({ quantity })] })));
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('addInvoiceLine', { invoiceId: draft.invoice.id, line: line({ quantity }) }));
  });

  it('a payment of 0 or less is VALIDATION_FAILED', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('recordPayment', payment({ amount: '0' })));
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('recordPayment', payment({ amount: '-5.00' })));
  });

  it('a payment with more decimals than the currency has is VALIDATION_FAILED', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('recordPayment', payment({ amount: '5.001' })));
  });
});

describe('rules of the invoice lifecycle', () => {
  it('a payment on a draft is INVOICE_NOT_OPEN', async () => {
    await expectRejected('INVOICE_NOT_OPEN', () => ledger.mutate('recordPayment', payment({ invoiceId: draft.invoice.id })));
  });

  it('a payment on a void invoice is INVOICE_NOT_OPEN', async () => {
    await expectRejected('INVOICE_NOT_OPEN', () => ledger.mutate('recordPayment', payment({ invoiceId: voided.invoice.id })));
  });

  it('a payment in another currency is CURRENCY_MISMATCH', async () => {
    const response = await expectRejected('CURRENCY_MISMATCH', () => ledger.mutate('recordPayment', payment({ currency: 'EUR' })));
    expect(response.errors?.[0]?.extensions).toMatchObject({ invoiceCurrency: 'USD', paymentCurrency: 'EUR' });
  });

  it('an unknown invoice id is NOT_FOUND', async () => {
    const unknownId = '00000000-0000-4000-8000-000000000001';
    await expectRejected('NOT_FOUND', () => ledger.mutate('recordPayment', payment({ invoiceId: unknownId })));
    await expectRejected('NOT_FOUND', () => ledger.mutate('issueInvoice', { invoiceId: unknownId }));
    await expectRejected('NOT_FOUND', () => ledger.mutate('addInvoiceLine', { invoiceId: unknownId, line: line({}) }));
    await expectRejected('NOT_FOUND', () => ledger.mutate('voidInvoice', { invoiceId: unknownId, reason: 'x' }));
  });

  it('an unknown line id is NOT_FOUND', async () => {
    await expectRejected('NOT_FOUND', () => ledger.mutate('removeInvoiceLine', { invoiceId: draft.invoice.id, lineId: 'no-such-line' }));
  });

  it('adding or removing a line on an issued invoice is INVOICE_NOT_DRAFT', async () => {
    await expectRejected('INVOICE_NOT_DRAFT', () => ledger.mutate('addInvoiceLine', { invoiceId: issued.invoice.id, line: line({}) }));
    await expectRejected('INVOICE_NOT_DRAFT', () => ledger.mutate('removeInvoiceLine', { invoiceId: issued.invoice.id, lineId: issued.invoice.lines[0]?.id }));
  });

  it('issuing an issued invoice again is INVOICE_NOT_DRAFT and takes no number', async () => {
    await expectRejected('INVOICE_NOT_DRAFT', () => ledger.mutate('issueInvoice', { invoiceId: issued.invoice.id }));
  });

  it('issuing a draft without lines is VALIDATION_FAILED and takes no number', async () => {
    const empty = await ledger.mutateOk('createInvoice', draftInput({ lines: [] }));
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('issueInvoice', { invoiceId: empty.invoice.id }));
  });

  it('voiding an invoice with payments is INVOICE_HAS_PAYMENTS', async () => {
    await expectRejected('INVOICE_HAS_PAYMENTS', () => ledger.mutate('voidInvoice', { invoiceId: partlyPaid.invoice.id, reason: 'Changed my mind' }));
  });

  it('voiding a void invoice is INVOICE_NOT_OPEN', async () => {
    await expectRejected('INVOICE_NOT_OPEN', () => ledger.mutate('voidInvoice', { invoiceId: voided.invoice.id, reason: 'Again' }));
  });
});

describe('authentication and roles', () => {
  const createDocument = invoiceMutationDocument('createInvoice');

  it('no Authorization header is UNAUTHENTICATED, for mutations and queries', async () => {
    await expectRejected('UNAUTHENTICATED', () => postGraphQL(ledger.url, { query: createDocument, variables: { input: draftInput() } }));
    await expectRejected('UNAUTHENTICATED', () => postGraphQL(ledger.url, { query: INVOICE_QUERY, variables: { id: issued.invoice.id } }));
  });

  it('a wrong key, or a malformed header, is UNAUTHENTICATED', async () => {
    await expectRejected('UNAUTHENTICATED', () => postGraphQL(ledger.url, { query: createDocument, variables: { input: draftInput() }, apiKey: newApiKey() }));
    await expectRejected('UNAUTHENTICATED', () => postGraphQL(ledger.url, { query: INVOICES_QUERY, apiKey: 'short' }));
    await expectRejected('UNAUTHENTICATED', () => postGraphQL(ledger.url, { query: INVOICES_QUERY, headers: { authorization: ledger.adminKey } }));
  });

  it('an auditor key may read but not run a mutation (FORBIDDEN)', async () => {
    await expectRejected('FORBIDDEN', () => ledger.mutate('createInvoice', draftInput(), auditorKey));
    await expectRejected('FORBIDDEN', () => ledger.mutate('recordPayment', payment({}), auditorKey));
    expect(await ledger.invoice(issued.invoice.id, undefined, auditorKey)).toMatchObject({ id: issued.invoice.id });
  });

  it('a service key may record payments only', async () => {
    await expectRejected('FORBIDDEN', () => ledger.mutate('createInvoice', draftInput(), serviceKey));
    await expectRejected('FORBIDDEN', () => ledger.mutate('voidInvoice', { invoiceId: issued.invoice.id, reason: 'x' }, serviceKey));
    const paid = await ledger.mutateOk('recordPayment', payment({ amount: '1.00', reference: 'service-payment' }), serviceKey);
    expect(paid.invoice.payments.map((entry) => entry.reference)).toContain('service-payment');
  });

  it('a WebSocket with a wrong key is closed with 4401', async () => {
    const failure = await connectWebSocket(ledger.url, newApiKey()).then(
      async (connection) => {
        await connection.close();
        throw new Error('the connection was accepted');
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WebSocketClosedError);
    expect((failure as WebSocketClosedError).code).toBe(4401);
  });
});

describe('positions, cursors and page sizes', () => {
  it.each([['abc'], ['1'], ['-1.0'], ['1.2.3'], ['']])('minPosition %j is VALIDATION_FAILED', async (minPosition) => {
    if (minPosition === '') {
      // An empty minPosition means "no minimum": it is not an error.
      expect(await ledger.invoice(issued.invoice.id, minPosition)).toMatchObject({ id: issued.invoice.id });
      return;
    }
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(INVOICE_QUERY, { id: issued.invoice.id, minPosition }));
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(INVOICES_QUERY, { minPosition }));
  });

  it('a cursor that did not come from the list is VALIDATION_FAILED', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(INVOICES_QUERY, { after: 'not-a-cursor' }));
  });

  it.each([[0], [101], [-5]])('first: %i is VALIDATION_FAILED', async (first) => {
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(INVOICES_QUERY, { first }));
  });

  it('an unknown status or a bad date in the filter is VALIDATION_FAILED', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(INVOICES_QUERY, { filter: { status: 'LATE' } }));
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(INVOICES_QUERY, { filter: { issuedFrom: '2026-02-30' } }));
  });

  it('an unknown field in the document is VALIDATION_FAILED', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql('query { invoices { edges { node { secretField } } } }'));
  });
});

describe('error responses', () => {
  it('never carry a stack trace or an exception object', async () => {
    // The bodies of every rejection above, and two more here so that this test means something when run alone.
    await expectRejected('VALIDATION_FAILED', () => ledger.mutate('createInvoice', draftInput({ currency: 'XYZ' })));
    await expectRejected('UNAUTHENTICATED', () => postGraphQL(ledger.url, { query: INVOICES_QUERY }));
    for (const body of errorBodies) {
      expect(body).not.toMatch(/stacktrace|"exception"|\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules/i);
    }
  });
});
