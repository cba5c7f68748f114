import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collectSubscription, connectWebSocket, pause, type WebSocketConnection } from '../support/graphql-ws.collector.js';
import { BILLING_EVENTS_SUBSCRIPTION, type BillingEventMessage, type InvoicePayload } from '../support/invoice-api.documents.js';
import { draftInput, issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { requireData } from '../support/graphql-http.client.js';

/**
 * The invoice slice end to end: GraphQL over HTTP and WebSocket against the real API, event store and projections.
 * Tests share one API; each uses its own customer ids so that lists filtered by customer see only its invoices.
 */

const INVOICE_NUMBER = /^INV-\d{4}-\d{6}$/;

function sequenceOf(number: string | null): number {
  if (number === null || !INVOICE_NUMBER.test(number)) throw new Error(`not an invoice number: ${number}`);
  return Number(number.slice(-6));
}

interface PaymentSummary {
  reference: string;
  method: string;
  amount: { amount: string };
  allocations: { invoiceId: string; amount: { amount: string } }[];
  creditAmount: { amount: string } | null;
}
const PAYMENTS_OF_CUSTOMER = `query ($customerId: String!, $minPosition: String) {
  payments(filter: { customerId: $customerId }, minPosition: $minPosition) { edges { node { reference method amount { amount } allocations { invoiceId amount { amount } } creditAmount { amount } } } } }`;
const PAYMENT_APPLICATIONS = 'query ($id: ID!) { invoice(id: $id) { paymentApplications { paymentId appliedAmount { amount } } } }';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

describe('a draft invoice', () => {
  it('prices its lines: 3 x 19.99 at 20% is 59.97 + tax 11.99 = 71.96', async () => {
    const { invoice } = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'draft-customer' }));

    expect(invoice).toMatchObject({ status: 'DRAFT', number: null, customerId: 'draft-customer', currency: 'USD', issuedAt: null, dueDate: null });
    expect(invoice.lines).toEqual([
      { id: expect.any(String), description: 'Consulting hours', quantity: '3', unitPrice: '19.99', taxRate: '20', amount: { amount: '59.97', currency: 'USD' }, taxAmount: { amount: '11.99', currency: 'USD' } },
    ]);
    expect([invoice.subtotal.amount, invoice.taxTotal.amount, invoice.total.amount]).toEqual(['59.97', '11.99', '71.96']);
    expect([invoice.amountPaid.amount, invoice.balanceDue.amount]).toEqual(['0.00', '0.00']);
  });

  it('recomputes the totals when a line is added and when one is removed', async () => {
    const created = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'draft-lines-customer' }));
    const firstLineId = created.invoice.lines[0]?.id;

    const added = await ledger.mutateOk('addInvoiceLine', { invoiceId: created.invoice.id, line: { description: 'Hosting', quantity: '2', unitPrice: '5.25' } });
    expect(added.invoice.lines.map((line) => line.description)).toEqual(['Consulting hours', 'Hosting']);
    expect(added.invoice.lines[1]).toMatchObject({ taxRate: null, amount: { amount: '10.50', currency: 'USD' }, taxAmount: { amount: '0.00', currency: 'USD' } });
    expect([added.invoice.subtotal.amount, added.invoice.taxTotal.amount, added.invoice.total.amount]).toEqual(['70.47', '11.99', '82.46']);

    const removed = await ledger.mutateOk('removeInvoiceLine', { invoiceId: created.invoice.id, lineId: firstLineId });
    expect(removed.invoice.lines.map((line) => line.description)).toEqual(['Hosting']);
    expect([removed.invoice.subtotal.amount, removed.invoice.taxTotal.amount, removed.invoice.total.amount]).toEqual(['10.50', '0.00', '10.50']);

    // Reading with minPosition = the last write's position returns exactly what the mutation returned.
    expect(await ledger.invoice(created.invoice.id, removed.position)).toEqual(removed.invoice);
  });

  it('writes decimals in one canonical form in mutation payloads and queries alike ("2.50" is "2.5")', async () => {
    const created = await ledger.mutateOk('createInvoice', {
      customerId: 'canonical-customer',
      currency: 'USD',
      lines: [{ description: 'Metered data', quantity: '2.50', unitPrice: '0.0450', taxRate: '20.0' }],
    });
    expect(created.invoice.lines[0]).toMatchObject({ quantity: '2.5', unitPrice: '0.045', taxRate: '20', amount: { amount: '0.11', currency: 'USD' } });
    expect(await ledger.invoice(created.invoice.id, created.position)).toEqual(created.invoice);
  });
});

describe('issuing', () => {
  it('assigns an INV-YYYY-NNNNNN number, freezes the totals and makes it due 30 days after the issue date', async () => {
    ledger.clock.setInstant('2026-03-20T10:00:00.000Z');
    const { invoice } = await issuedInvoice(ledger, { customerId: 'issue-customer' });

    expect(invoice.number).toMatch(INVOICE_NUMBER);
    expect(invoice.number?.slice(4, 8)).toBe('2026');
    expect(invoice).toMatchObject({ status: 'OPEN', issueDate: '2026-03-20', dueDate: '2026-04-19', paymentTermsDays: 30 });
    expect(invoice.issuedAt?.slice(0, 10)).toBe('2026-03-20');
    expect([invoice.total.amount, invoice.amountPaid.amount, invoice.balanceDue.amount]).toEqual(['71.96', '0.00', '71.96']);
  });

  it('keeps an explicit due date', async () => {
    ledger.clock.setInstant('2026-03-21T10:00:00.000Z');
    const { invoice } = await issuedInvoice(ledger, { customerId: 'due-date-customer', dueDate: '2026-05-31' });
    expect(invoice).toMatchObject({ status: 'OPEN', issueDate: '2026-03-21', dueDate: '2026-05-31' });
  });

  it('gives two invoices issued one after the other consecutive numbers', async () => {
    const first = await issuedInvoice(ledger, { customerId: 'numbering-customer' });
    const second = await issuedInvoice(ledger, { customerId: 'numbering-customer' });
    expect(sequenceOf(second.invoice.number)).toBe(sequenceOf(first.invoice.number) + 1);
  });
});

describe('payments', () => {
  it('a partial payment leaves it PARTIALLY_PAID; an overpayment makes it PAID and the excess becomes customer credit', async () => {
    const issued = await issuedInvoice(ledger, { customerId: 'paying-customer' });
    const invoiceId = issued.invoice.id;

    const partial = await ledger.mutateOk('recordPayment', { invoiceId, amount: '50.00', currency: 'USD', method: 'CARD', reference: 'ch_partial' });
    expect(partial.invoice).toMatchObject({ status: 'PARTIALLY_PAID', amountPaid: { amount: '50.00' }, balanceDue: { amount: '21.96' } });

    const over = await ledger.mutateOk('recordPayment', { invoiceId, amount: '30.00', currency: 'USD', method: 'BANK_ACCOUNT', reference: 'tr_over' });
    expect(over.invoice).toMatchObject({ status: 'PAID', amountPaid: { amount: '71.96' }, balanceDue: { amount: '0.00', currency: 'USD' } });
    // Each payment is a Payment of its own, allocated to the invoice: what it applied there, and its excess as credit.
    const { payments } = requireData(await ledger.graphql<{ payments: { edges: { node: PaymentSummary }[] } }>(PAYMENTS_OF_CUSTOMER, { customerId: 'paying-customer', minPosition: over.position }), 'payments');
    expect(
      payments.edges
        .map(({ node }) => [node.reference, node.method, node.amount.amount, node.allocations.find((allocation) => allocation.invoiceId === invoiceId)?.amount.amount, node.creditAmount?.amount])
        .reverse(),
    ).toEqual([
      ['ch_partial', 'CARD', '50.00', '50.00', '0.00'],
      ['tr_over', 'BANK_ACCOUNT', '30.00', '21.96', '8.04'],
    ]);
    const applications = requireData(await ledger.graphql<{ invoice: { paymentApplications: { paymentId: string; appliedAmount: { amount: string } }[] } }>(PAYMENT_APPLICATIONS, { id: invoiceId }), 'invoice');
    expect(applications.invoice.paymentApplications.map((application) => application.appliedAmount.amount)).toEqual(['50.00', '21.96']);

    expect(await ledger.invoice(invoiceId, over.position)).toEqual(over.invoice);
    expect(await ledger.customerCredit('paying-customer', over.position)).toEqual([{ amount: '8.04', currency: 'USD' }]);
  });
});

describe('voiding', () => {
  it('voids an issued invoice without payments; it keeps its number', async () => {
    const issued = await issuedInvoice(ledger, { customerId: 'void-customer' });
    const voided = await ledger.mutateOk('voidInvoice', { invoiceId: issued.invoice.id, reason: 'Sent to the wrong customer' });

    expect(voided.invoice).toMatchObject({ status: 'VOID', number: issued.invoice.number, voidReason: 'Sent to the wrong customer' });
    expect(voided.invoice.voidedAt).not.toBeNull();
    expect(await ledger.invoice(issued.invoice.id, voided.position)).toMatchObject({ status: 'VOID', number: issued.invoice.number });
  });
});

describe('the invoice and invoices queries', () => {
  it('invoice(id) returns null for an id that does not exist', async () => {
    expect(await ledger.invoice('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('filters by status and customer', async () => {
    const customerId = 'status-filter-customer';
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId }));
    const open = await issuedInvoice(ledger, { customerId });
    const partlyPaid = await issuedInvoice(ledger, { customerId });
    await ledger.mutateOk('recordPayment', { invoiceId: partlyPaid.invoice.id, amount: '1.00', currency: 'USD', method: 'CASH', reference: 'cash-1' });
    const paid = await issuedInvoice(ledger, { customerId });
    await ledger.mutateOk('recordPayment', { invoiceId: paid.invoice.id, amount: '71.96', currency: 'USD', method: 'CARD', reference: 'ch_full' });
    const voided = await issuedInvoice(ledger, { customerId });
    const last = await ledger.mutateOk('voidInvoice', { invoiceId: voided.invoice.id, reason: 'Duplicate' });

    const idsWith = async (status: string) =>
      (await ledger.invoices({ filter: { customerId, status }, minPosition: last.position })).edges.map((edge) => edge.node.id);
    expect(await idsWith('DRAFT')).toEqual([draft.invoice.id]);
    expect(await idsWith('OPEN')).toEqual([open.invoice.id]);
    expect(await idsWith('PARTIALLY_PAID')).toEqual([partlyPaid.invoice.id]);
    expect(await idsWith('PAID')).toEqual([paid.invoice.id]);
    expect(await idsWith('VOID')).toEqual([voided.invoice.id]);
    expect(await idsWith('OVERDUE')).toEqual([]);

    const all = await ledger.invoices({ filter: { customerId } });
    expect(all.edges.map((edge) => edge.node.customerId)).toEqual(Array(5).fill(customerId));
    const otherCustomer = await ledger.invoices({ filter: { customerId: 'nobody-at-all' } });
    expect(otherCustomer).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('filters by issue date, both bounds inclusive', async () => {
    const customerId = 'date-filter-customer';
    const issueOn = async (day: string) => {
      ledger.clock.setInstant(`${day}T12:00:00.000Z`);
      return issuedInvoice(ledger, { customerId });
    };
    const may1 = await issueOn('2026-05-01');
    const may15 = await issueOn('2026-05-15');
    const june1 = await issueOn('2026-06-01');

    const idsIssued = async (filter: Record<string, string>) =>
      new Set((await ledger.invoices({ filter: { customerId, ...filter }, minPosition: june1.position })).edges.map((edge) => edge.node.id));
    expect(await idsIssued({ issuedFrom: '2026-05-10' })).toEqual(new Set([may15.invoice.id, june1.invoice.id]));
    expect(await idsIssued({ issuedTo: '2026-05-15' })).toEqual(new Set([may1.invoice.id, may15.invoice.id]));
    expect(await idsIssued({ issuedFrom: '2026-05-15', issuedTo: '2026-05-15' })).toEqual(new Set([may15.invoice.id]));
    expect(await idsIssued({ issuedFrom: '2026-05-02', issuedTo: '2026-05-14' })).toEqual(new Set());
  });

  it('pages with first/after: every invoice once, newest first, hasNextPage true until the last page', async () => {
    const customerId = 'paging-customer';
    const created: InvoicePayload[] = [];
    for (let index = 0; index < 5; index += 1) created.push(await ledger.mutateOk('createInvoice', draftInput({ customerId })));
    const minPosition = created.at(-1)?.position;

    const pages = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const connection = await ledger.invoices({ filter: { customerId }, first: 2, after, minPosition });
      pages.push(connection);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }

    expect(pages.map((page) => [page.edges.length, page.pageInfo.hasNextPage])).toEqual([
      [2, true],
      [2, true],
      [1, false],
    ]);
    for (const page of pages) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
    const seen = pages.flatMap((page) => page.edges.map((edge) => edge.node.id));
    expect(seen).toEqual(created.map((payload) => payload.invoice.id).reverse());
  });
});

describe('the billingEvents subscription', () => {
  let connection: WebSocketConnection;

  beforeAll(async () => {
    connection = await connectWebSocket(ledger.url, ledger.adminKey);
  });

  afterAll(async () => {
    await connection?.close();
  });

  it("delivers a mutation's events, with their data, to a subscription started before it", async () => {
    const earlier = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'live-customer' }));
    const sentinel = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'live-customer' }));
    // Only the types these commands append: background work (e-mails on issue, overdue marks as the clock moves) appends too.
    const types = ['InvoiceDrafted', 'DocumentNumberAssigned', 'InvoiceIssued', 'PaymentReferenceReserved', 'PaymentRecorded', 'PaymentSucceeded', 'PaymentAllocated', 'InvoicePaymentApplied'];
    const subscription = collectSubscription<BillingEventMessage>(connection, 'billingEvents', BILLING_EVENTS_SUBSCRIPTION, { fromPosition: earlier.position, types });
    try {
      // Receiving the sentinel shows the subscription is running before the mutation below is sent.
      await subscription.waitForCount(1);
      expect(subscription.items[0]).toMatchObject({ type: 'InvoiceDrafted', position: sentinel.position, data: { invoiceId: sentinel.invoice.id } });

      const issued = await ledger.mutateOk('issueInvoice', { invoiceId: sentinel.invoice.id });
      const paid = await ledger.mutateOk('recordPayment', { invoiceId: sentinel.invoice.id, amount: '10.00', currency: 'USD', method: 'CARD', reference: 'ch_live' });
      const received = await subscription.waitForCount(4);

      expect(received[0]?.type).toBe('InvoiceDrafted');
      // Issuing appends to two streams in one transaction; the order of the two events inside it is not a contract.
      const issueEvents = received.slice(1, 3);
      expect(issueEvents.map((event) => event.type).sort()).toEqual(['DocumentNumberAssigned', 'InvoiceIssued']);
      // The payload's position is that of the last event the mutation wrote: reading at it sees the whole change.
      expect(issueEvents[1]?.position).toBe(issued.position);
      expect(issueEvents.find((event) => event.type === 'DocumentNumberAssigned')).toMatchObject({
        streamId: expect.stringMatching(/^dev:number_sequence-/),
        data: { documentId: sentinel.invoice.id, number: issued.invoice.number },
      });
      expect(issueEvents.find((event) => event.type === 'InvoiceIssued')).toMatchObject({
        streamId: `dev:invoice-${sentinel.invoice.id}`,
        data: { invoiceId: sentinel.invoice.id, number: issued.invoice.number, total: '71.96', dueDate: issued.invoice.dueDate },
      });
      // recordPayment is ONE append of the reference, the payment (recorded, succeeded, allocated) and the invoice.
      const paymentEvents = (await subscription.waitForCount(8)).slice(3, 8);
      expect(paymentEvents.map((event) => event.type).sort()).toEqual(['InvoicePaymentApplied', 'PaymentAllocated', 'PaymentRecorded', 'PaymentReferenceReserved', 'PaymentSucceeded']);
      expect(paymentEvents.at(-1)?.position).toBe(paid.position);
      const ofType = (type: string) => paymentEvents.find((event) => event.type === type);
      expect(ofType('PaymentRecorded')).toMatchObject({ data: { amount: '10.00', reference: 'ch_live', method: 'card', allocation: { kind: 'explicit', invoices: [{ invoiceId: sentinel.invoice.id, amount: '10.00' }] } } });
      expect(ofType('PaymentAllocated')).toMatchObject({ data: { allocations: [{ invoiceId: sentinel.invoice.id, amount: '10.00' }], creditAmount: '0.00' } });
      expect(ofType('InvoicePaymentApplied')).toMatchObject({
        streamId: `dev:invoice-${sentinel.invoice.id}`,
        data: { invoiceId: sentinel.invoice.id, amount: '10.00', balanceDueAfter: '61.96', paymentId: (ofType('PaymentRecorded')?.data as { paymentId: string }).paymentId },
      });
      for (const event of received) expect(Number.isNaN(Date.parse(event.recordedAt))).toBe(false);
    } finally {
      subscription.stop();
    }
  });

  it('replays every earlier event in log order, from "0.0" and without fromPosition', async () => {
    const stored = await ledger.tenantEvents();
    const expected = stored.map((event) => ({ eventId: event.eventId, type: event.type, streamId: event.streamId }));
    for (const variables of [{ fromPosition: '0.0' }, {}]) {
      const replay = collectSubscription<BillingEventMessage>(connection, 'billingEvents', BILLING_EVENTS_SUBSCRIPTION, variables);
      try {
        // Background work (e-mails, overdue marks) may append after the read above: those come after the stored ones.
        const received = (await replay.waitForCount(expected.length, 10_000)).slice(0, expected.length);
        expect(received.map(({ eventId, type, streamId }) => ({ eventId, type, streamId }))).toEqual(expected);
        expect(received.map((event) => event.position)).toEqual(stored.map((event) => `${event.position.commit}.${event.position.prepare}`));
      } finally {
        replay.stop();
      }
    }
  });

  it('delivers only the requested types', async () => {
    const stored = await ledger.tenantEvents();
    const expected = stored.filter((event) => event.type === 'InvoiceIssued' || event.type === 'InvoiceVoided').map((event) => event.eventId);
    const filtered = collectSubscription<BillingEventMessage>(connection, 'billingEvents', BILLING_EVENTS_SUBSCRIPTION, { fromPosition: '0.0', types: ['InvoiceIssued', 'InvoiceVoided'] });
    try {
      await filtered.waitForCount(expected.length, 10_000);
      // A live draft after the replay must not arrive, while a live issue must.
      const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'types-customer' }));
      const issued = await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id });
      const received = await filtered.waitForCount(expected.length + 1);
      await pause(200);
      expect(received.map((event) => event.eventId)).toEqual([...expected, expect.any(String)]);
      expect(received.at(-1)).toMatchObject({ type: 'InvoiceIssued', data: { invoiceId: draft.invoice.id, number: issued.invoice.number } });
    } finally {
      filtered.stop();
    }
  });
});

describe('the billingEvents stream filters', () => {
  let connection: WebSocketConnection;

  beforeAll(async () => {
    connection = await connectWebSocket(ledger.url, ledger.adminKey);
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('delivers one exact stream (never a stream whose name merely starts with it), or a whole category', async () => {
    const first = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'stream-filter-customer' }));
    await ledger.mutateOk('issueInvoice', { invoiceId: first.invoice.id });
    const stored = await ledger.tenantEvents();
    const streamId = stored.find((event) => event.data.invoiceId === first.invoice.id)?.streamId as string;
    const relative = streamId.slice(streamId.indexOf(':') + 1);
    const expectedForStream = stored.filter((event) => event.streamId === streamId).map((event) => event.eventId);
    const expectedForCategory = stored.filter((event) => event.streamId.startsWith('dev:number_sequence-')).map((event) => event.eventId);
    expect(expectedForStream.length).toBeGreaterThanOrEqual(2);
    expect(expectedForCategory.length).toBeGreaterThanOrEqual(1);

    // A prefix of the stream name must not match: the stream filter is exact.
    const exact = collectSubscription<BillingEventMessage>(connection, 'billingEvents', BILLING_EVENTS_SUBSCRIPTION, { fromPosition: '0.0', streams: [relative, relative.slice(0, -4)] });
    const category = collectSubscription<BillingEventMessage>(connection, 'billingEvents', BILLING_EVENTS_SUBSCRIPTION, { fromPosition: '0.0', categories: ['number_sequence'] });
    try {
      await exact.waitForCount(expectedForStream.length, 10_000);
      await category.waitForCount(expectedForCategory.length, 10_000);
      await pause(300);
      expect(exact.items.map((event) => event.eventId)).toEqual(expectedForStream);
      expect(category.items.map((event) => event.eventId)).toEqual(expectedForCategory);
      expect(category.items.every((event) => event.streamId.startsWith('dev:number_sequence-'))).toBe(true);
    } finally {
      exact.stop();
      category.stop();
    }
  });

  it('refuses a malformed category or stream with VALIDATION_FAILED', async () => {
    for (const variables of [{ categories: ['Invoice!'] }, { streams: ['other:invoice-1'] }]) {
      const refused = collectSubscription<BillingEventMessage>(connection, 'billingEvents', BILLING_EVENTS_SUBSCRIPTION, variables);
      try {
        await refused.waitFor('an error', () => refused.errors.length > 0, 5_000).catch(() => undefined);
        expect(JSON.stringify(refused.errors)).toContain('VALIDATION_FAILED');
        expect(refused.items).toHaveLength(0);
      } finally {
        refused.stop();
      }
    }
  });
});

describe('tenant isolation', () => {
  it("never shows one tenant's events, invoices or credit to another", async () => {
    const otherKey = await ledger.createKey('other', 'admin');
    const devConnection = await connectWebSocket(ledger.url, ledger.adminKey);
    const otherConnection = await connectWebSocket(ledger.url, otherKey);
    try {
      const devEventCount = (await ledger.tenantEvents('dev')).length;
      const devEvents = collectSubscription<BillingEventMessage>(devConnection, 'billingEvents', BILLING_EVENTS_SUBSCRIPTION, {});
      await devEvents.waitForCount(devEventCount, 10_000);

      // The same customer id in both tenants: still two different customers.
      const customerId = 'shared-customer';
      const otherIssued = await issuedInvoice(ledger, { customerId }, otherKey);
      const otherPaid = await ledger.mutateOk('recordPayment', { invoiceId: otherIssued.invoice.id, amount: '100.00', currency: 'USD', method: 'WIRE_TRANSFER', reference: 'wire-other' }, otherKey);
      expect(otherPaid.invoice.status).toBe('PAID');
      // Dev's own write comes after the other tenant's in the log: once it arrives, anything leaked would have too.
      const devSentinel = await ledger.mutateOk('createInvoice', draftInput({ customerId }));
      await devEvents.waitFor('the dev sentinel', (items) => items.some((event) => event.data.invoiceId === devSentinel.invoice.id));
      devEvents.stop();
      expect(devEvents.items.filter((event) => !event.streamId.startsWith('dev:'))).toEqual([]);
      expect(devEvents.items.filter((event) => event.data.invoiceId === otherIssued.invoice.id)).toEqual([]);

      const otherStored = await ledger.tenantEvents('other');
      const otherEvents = collectSubscription<BillingEventMessage>(otherConnection, 'billingEvents', BILLING_EVENTS_SUBSCRIPTION, { fromPosition: '0.0' });
      await otherEvents.waitForCount(otherStored.length);
      await pause(200);
      otherEvents.stop();
      expect(otherEvents.items.map((event) => event.eventId)).toEqual(otherStored.map((event) => event.eventId));
      expect(otherEvents.items.every((event) => event.streamId.startsWith('other:'))).toBe(true);

      // devSentinel was written after otherPaid, so its position covers both tenants' writes.
      const position = devSentinel.position;
      expect(await ledger.invoice(otherIssued.invoice.id, otherPaid.position)).toBeNull();
      expect(await ledger.invoice(otherIssued.invoice.id, otherPaid.position, otherKey)).toMatchObject({ status: 'PAID' });
      const devList = await ledger.invoices({ filter: { customerId }, minPosition: position });
      expect(devList.edges.map((edge) => edge.node.id)).toEqual([devSentinel.invoice.id]);
      const otherList = await ledger.invoices({ first: 100, minPosition: position }, otherKey);
      expect(otherList.edges.map((edge) => edge.node.id)).toEqual([otherIssued.invoice.id]);
      expect(await ledger.customerCredit(customerId, otherPaid.position)).toEqual([]);
      expect(await ledger.customerCredit(customerId, otherPaid.position, otherKey)).toEqual([{ amount: '28.04', currency: 'USD' }]);
    } finally {
      await devConnection.close();
      await otherConnection.close();
    }
  });

  it('the other tenant numbers its invoices on its own sequence', async () => {
    const otherKey = await ledger.createKey('numbering-other', 'finance');
    const first = await issuedInvoice(ledger, { customerId: 'x' }, otherKey);
    expect(sequenceOf(first.invoice.number)).toBe(1);
  });
});
