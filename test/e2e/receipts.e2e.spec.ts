import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pdfText } from '../support/pdf-text.js';
import { receiptIssuer, RECEIPT_ISSUER_NAME } from '../../libs/ledger-application/src/receipts/receipt-issuer.process-manager.js';
import { ProjectionRunner, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { requireData } from '../support/graphql-http.client.js';
import { DEV_TENANT_ID, draftInput, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant, UPDATE_COMPANY_SETTINGS, UPSERT_CUSTOMER } from '../support/settings-effect.support.js';

/**
 * Receipts (docs/domain.md, "Receipts"): the receipt process manager issues one for every succeeded payment once it is
 * allocated (PaymentAllocated: the receipt lists the invoices paid), numbered gaplessly from the tenant's receipt template, exactly once even when the events
 * are delivered again; read through GraphQL and as a PDF with the same authentication and tenant scope.
 */

interface MoneyView {
  amount: string;
  currency: string;
}
interface ReceiptView {
  id: string;
  number: string;
  paymentId: string;
  issuedAt: string;
  issueDate: string;
  payer: { customerId: string; name: string | null };
  amount: MoneyView;
  methodDescription: string;
  paymentReference: string | null;
  invoicesPaid: { invoiceId: string; number: string; amount: MoneyView }[];
  creditedAmount: MoneyView;
  company: { name: string; legalName: string | null; taxId: string | null; addressLines: string[] };
  pdfPath: string;
}
interface ReceiptConnection {
  edges: { cursor: string; node: ReceiptView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const RECEIPT_FIELDS = `id number paymentId issuedAt issueDate payer { customerId name } amount { amount currency } methodDescription paymentReference
  invoicesPaid { invoiceId number amount { amount currency } } creditedAmount { amount currency } company { name legalName taxId addressLines } pdfPath`;
const RECEIPT_QUERY = `query ($id: ID!, $minPosition: String) { receipt(id: $id, minPosition: $minPosition) { ${RECEIPT_FIELDS} } }`;
const RECEIPTS_QUERY = `query ($filter: ReceiptFilterInput, $first: Int, $after: String, $minPosition: String) {
  receipts(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { ${RECEIPT_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

const WAIT_MS_MAX = 15_000;
const clock = new TestClock('2026-03-02T09:00:00.000Z');
let ledger: TestLedger;
let baseUrl: string;

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
  baseUrl = ledger.url.replace(/\/graphql$/, '');
  requireData(
    await ledger.graphql(UPDATE_COMPANY_SETTINGS, {
      input: { name: 'Fibre Networks GmbH', legalName: 'Fibre Networks Gesellschaft mbH', taxId: 'DE123456789', address: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' } },
    }),
    'updateCompanySettings',
  );
  requireData(
    await ledger.graphql(UPSERT_CUSTOMER, {
      input: { customerId: 'cust-r', name: 'Acme Fibre Inc.', billingAddress: { line1: '1 Main Street', city: 'Springfield', postalCode: '62701', country: 'US' }, taxExempt: false },
    }),
    'upsertCustomer',
  );
});

afterAll(async () => {
  await ledger?.stop();
});

/** Issues an invoice of 71.96 USD (3 x 19.99 + 20% tax) to the customer and pays it; returns the ids. */
async function payAnInvoice(options: { customerId: string; amount: string; method: string; reference: string; key?: string }) {
  const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: options.customerId }), options.key);
  const issued = await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, options.key);
  const paid = await ledger.mutateOk('recordPayment', { invoiceId: issued.invoice.id, amount: options.amount, currency: 'USD', method: options.method, reference: options.reference }, options.key);
  return { invoiceId: issued.invoice.id, invoiceNumber: issued.invoice.number as string, position: paid.position };
}

async function receipts(variables: Record<string, unknown>, key?: string): Promise<ReceiptConnection> {
  return requireData(await ledger.graphql<{ receipts: ReceiptConnection }>(RECEIPTS_QUERY, variables, key), 'receipts').receipts;
}

/** Receipts are issued asynchronously (after the payment): poll, with a deadline, until `count` are listed. */
async function waitForReceipts(filter: Record<string, unknown>, count: number, key?: string): Promise<ReceiptView[]> {
  const deadline = Date.now() + WAIT_MS_MAX;
  for (;;) {
    const page = await receipts({ filter, first: 100 }, key);
    if (page.edges.length >= count) return page.edges.map((edge) => edge.node);
    if (Date.now() > deadline) throw new Error(`expected ${count} receipts for ${JSON.stringify(filter)} within ${WAIT_MS_MAX} ms, found ${page.edges.length}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const isReceiptNumbering = (event: RecordedEvent) => event.type === 'DocumentNumberAssigned' && event.streamId.includes(':number_sequence-receipt-');

async function receiptEventCounts(tenantId: string = DEV_TENANT_ID) {
  const events = await ledger.tenantEvents(tenantId);
  return { receiptsIssued: events.filter((event) => event.type === 'ReceiptIssued').length, numbersAssigned: events.filter(isReceiptNumbering).length, events };
}

let first: ReceiptView;
let second: ReceiptView;
let firstPayment: Awaited<ReturnType<typeof payAnInvoice>>;

describe('a receipt for every succeeded payment', () => {
  it('a payment makes exactly one receipt, REC-2026-000001, listing payer, amount, method, the invoice paid and the company', async () => {
    firstPayment = await payAnInvoice({ customerId: 'cust-r', amount: '71.96', method: 'CARD', reference: 'ch_1' });
    [first] = (await waitForReceipts({ customerId: 'cust-r' }, 1)) as [ReceiptView];
    expect(first).toMatchObject({
      number: 'REC-2026-000001',
      issueDate: '2026-03-02',
      payer: { customerId: 'cust-r', name: 'Acme Fibre Inc.' },
      amount: { amount: '71.96', currency: 'USD' },
      methodDescription: 'card',
      paymentReference: 'ch_1',
      invoicesPaid: [{ invoiceId: firstPayment.invoiceId, number: firstPayment.invoiceNumber, amount: { amount: '71.96', currency: 'USD' } }],
      creditedAmount: { amount: '0.00', currency: 'USD' },
      company: { name: 'Fibre Networks GmbH', legalName: 'Fibre Networks Gesellschaft mbH', taxId: 'DE123456789', addressLines: ['Hauptstraße 1', 'Berlin, 10115', 'DE'] },
      pdfPath: `/receipts/${first.id}.pdf`,
    });
    expect(await receiptEventCounts()).toMatchObject({ receiptsIssued: 1, numbersAssigned: 1 });
  });

  it('the next payment takes the next number, REC-2026-000002 (gapless); the excess is shown as credited', async () => {
    await payAnInvoice({ customerId: 'cust-r', amount: '100.00', method: 'BANK_ACCOUNT', reference: 'wire-77' });
    const listed = await waitForReceipts({ customerId: 'cust-r' }, 2);
    second = listed[0] as ReceiptView;
    expect(listed.map((receipt) => receipt.number)).toEqual(['REC-2026-000002', 'REC-2026-000001']);
    expect(second).toMatchObject({ methodDescription: 'bank account', amount: { amount: '100.00' }, creditedAmount: { amount: '28.04' }, invoicesPaid: [{ amount: { amount: '71.96' } }] });
    expect(await receiptEventCounts()).toMatchObject({ receiptsIssued: 2, numbersAssigned: 2 });
  });

  it('redelivery: the process manager run again from position zero issues no second receipt and takes no number', async () => {
    const before = await receiptEventCounts();
    const { services } = ledger;
    const connectionString = services.config.databaseUrl as string;
    const name = `${RECEIPT_ISSUER_NAME}_redelivery`;
    const runner = new ProjectionRunner({ store: services.store, db: services.db, connectionString, projections: [receiptIssuer({ store: services.store, clock: services.clock }, { name })] });
    await runner.start();
    try {
      expect(await waitForProjections(services.db, [name], await services.store.headPosition(), WAIT_MS_MAX)).toBe(true);
    } finally {
      await runner.stop();
    }
    const after = await receiptEventCounts();
    expect(after).toMatchObject({ receiptsIssued: 2, numbersAssigned: 2 });
    expect(after.events.length).toBe(before.events.length);
    // Each payment still has exactly one receipt.
    const issued = after.events.filter((event) => event.type === 'ReceiptIssued').map((event) => (event.data as { paymentId: string }).paymentId);
    expect(new Set(issued).size).toBe(issued.length);
  });

  it('each tenant numbers its own receipts and sees only its own', async () => {
    const other = await newTenant(ledger, 'receipts');
    await payAnInvoice({ customerId: 'cust-elsewhere', amount: '71.96', method: 'CASH', reference: 'till-3', key: other.key });
    const [theirs] = (await waitForReceipts({}, 1, other.key)) as [ReceiptView];
    expect(theirs).toMatchObject({ number: 'REC-2026-000001', payer: { customerId: 'cust-elsewhere', name: null }, methodDescription: 'cash', company: { name: other.tenantId } });
    expect((await receipts({ first: 100 }, other.key)).edges.map((edge) => edge.node.id)).toEqual([theirs.id]);
    const crossRead = requireData(await ledger.graphql<{ receipt: ReceiptView | null }>(RECEIPT_QUERY, { id: first.id }, other.key), 'receipt');
    expect(crossRead.receipt).toBeNull();
    expect((await receipts({ first: 100 })).edges.map((edge) => edge.node.number)).toEqual(['REC-2026-000002', 'REC-2026-000001']);
  });
});

describe('receipt queries', () => {
  it('receipt(id, minPosition) reads one receipt', async () => {
    const { receipt } = requireData(await ledger.graphql<{ receipt: ReceiptView | null }>(RECEIPT_QUERY, { id: first.id, minPosition: firstPayment.position }), 'receipt');
    expect(receipt).toEqual(first);
    expect(requireData(await ledger.graphql<{ receipt: ReceiptView | null }>(RECEIPT_QUERY, { id: 'no-such-receipt' }), 'receipt').receipt).toBeNull();
  });

  it('filters by payment, customer and issue dates, and pages newest first with opaque cursors', async () => {
    expect((await receipts({ filter: { paymentId: first.paymentId } })).edges.map((edge) => edge.node.id)).toEqual([first.id]);
    expect((await receipts({ filter: { customerId: 'nobody' } })).edges).toEqual([]);
    expect((await receipts({ filter: { issuedFrom: '2026-03-02', issuedTo: '2026-03-02' } })).edges).toHaveLength(2);
    expect((await receipts({ filter: { issuedFrom: '2026-03-03' } })).edges).toEqual([]);
    expect((await receipts({ filter: { issuedTo: '2026-03-01' } })).edges).toEqual([]);
    const pageOne = await receipts({ first: 1 });
    expect(pageOne.edges.map((edge) => edge.node.number)).toEqual(['REC-2026-000002']);
    expect(pageOne.pageInfo.hasNextPage).toBe(true);
    const pageTwo = await receipts({ first: 1, after: pageOne.pageInfo.endCursor });
    expect(pageTwo.edges.map((edge) => edge.node.number)).toEqual(['REC-2026-000001']);
    expect(pageTwo.pageInfo.hasNextPage).toBe(false);
    const bad = await ledger.graphql(RECEIPTS_QUERY, { first: 1, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /receipts/:id.pdf', () => {
  it('answers the PDF, whose text holds the number, the amount and the company name', async () => {
    const response = await fetch(`${baseUrl}/receipts/${first.id}.pdf`, { headers: { authorization: `Bearer ${ledger.adminKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="REC-2026-000001.pdf"');
    const text = await pdfText(await response.arrayBuffer());
    expect(text).toContain('REC-2026-000001');
    // pdfjs reads a table row as its cells separated by a space item: the total row is "Amount paid", then "$71.96".
    expect(text).toContain(['Amount paid', '$71.96'].join('\n \n'));
    expect(text).toContain('Fibre Networks GmbH');
    expect(text).toContain('Acme Fibre Inc.');
    expect(text).toContain(firstPayment.invoiceNumber);
  });

  it('401 without a key or with a wrong one; 404 for an unknown receipt and for another tenant\'s', async () => {
    expect((await fetch(`${baseUrl}/receipts/${first.id}.pdf`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/receipts/${first.id}.pdf`, { headers: { authorization: 'Bearer wrong-key-wrong-key-wrong-key' } })).status).toBe(401);
    expect((await fetch(`${baseUrl}/receipts/no-such-receipt.pdf`, { headers: { authorization: `Bearer ${ledger.adminKey}` } })).status).toBe(404);
    expect((await fetch(`${baseUrl}/receipts/${first.id}`, { headers: { authorization: `Bearer ${ledger.adminKey}` } })).status).toBe(404);
    const other = await newTenant(ledger, 'receipts-pdf');
    expect((await fetch(`${baseUrl}/receipts/${first.id}.pdf`, { headers: { authorization: `Bearer ${other.key}` } })).status).toBe(404);
  });
});
