import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { publicSourceOf } from '../../libs/ledger-application/src/index.js';
import { publicEventCatalogue, publicEventDefinitions, publicEventsOf, webhookEvents, type PublicEvent, type WebhookEvent } from '../../libs/billing/src/index.js';
import { requireData } from '../support/graphql-http.client.js';
import { collectSubscription, connectWebSocket, pause, type SubscriptionCollector, type WebSocketConnection } from '../support/graphql-ws.collector.js';
import { issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant } from '../support/settings-effect.support.js';

/**
 * The public event catalogue through the API (docs/public-events.md): the JSON Schemas at GET /events/schema, public;
 * and the `publicEvents` subscription, which offers exactly the public events the catalogue computes from the
 * tenant's log (same ids, payloads and positions as webhooks), filtered by type, resumable from a position, and held
 * to the subscriber's tenant.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

interface PublicEventView {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  position: string;
  data: Record<string, unknown>;
}

const PUBLIC_EVENTS = 'subscription ($types: [WebhookEvent!], $fromPosition: String) { publicEvents(types: $types, fromPosition: $fromPosition) { id type version occurredAt position data } }';
const CREATE_PAYMENT = 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id } position } }';
const WAIT_MS = 15_000;

/** GraphQL names the enum values INVOICE_PAID; the catalogue invoice.paid. */
const graphqlName = (type: WebhookEvent) => type.toUpperCase().replace(/[^A-Z0-9]/g, '_');
const typeOfGraphqlName = new Map(webhookEvents.map((type) => [graphqlName(type), type]));

/** A public event as the subscription shows it. */
function asView(event: PublicEvent): PublicEventView {
  return { id: event.id, type: graphqlName(event.type), version: event.version, occurredAt: event.occurredAt, position: event.position, data: event.data as Record<string, unknown> };
}

/** What the catalogue computes from the tenant's log as it is now. */
async function expectedOf(tenantId: string): Promise<PublicEventView[]> {
  return (await ledger.tenantEvents(tenantId)).flatMap((recorded) => publicEventsOf(publicSourceOf(recorded))).map(asView);
}

async function subscribe(key: string, variables: Record<string, unknown> = {}): Promise<{ connection: WebSocketConnection; events: SubscriptionCollector<PublicEventView> }> {
  const connection = await connectWebSocket(ledger.url, key);
  return { connection, events: collectSubscription<PublicEventView>(connection, 'publicEvents', PUBLIC_EVENTS, variables) };
}

async function closeAll(...subscriptions: { connection: WebSocketConnection; events: SubscriptionCollector<PublicEventView> }[]): Promise<void> {
  for (const { connection, events } of subscriptions) {
    events.stop();
    await connection.close();
  }
}

describe('GET /events/schema: the catalogue as JSON Schema, without a key', () => {
  const url = (path: string) => new URL(path, ledger.url).toString();

  it('serves every public type with its version, description and payload schema', async () => {
    const response = await fetch(url('/events/schema'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const document = (await response.json()) as { version: number; events: Record<string, { version: number; description: string; schema: object }> };
    expect(document).toEqual(JSON.parse(JSON.stringify(publicEventCatalogue())));
    expect(Object.keys(document.events)).toEqual([...webhookEvents]);
  });

  it('serves one type at /events/schema/<type>', async () => {
    const response = await fetch(url('/events/schema/invoice.paid'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ type: 'invoice.paid', ...JSON.parse(JSON.stringify(publicEventCatalogue().events['invoice.paid'])) });
  });

  it.each(['invoice.unknown', 'INVOICE_PAID', 'toString', '__proto__', '%00', 'x'.repeat(500)])('answers 404 NOT_FOUND for %s, without echoing it', async (type) => {
    const response = await fetch(url(`/events/schema/${type}`));
    expect(response.status).toBe(404);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('NOT_FOUND');
    expect(body.message).not.toContain(type);
  });
});

describe('the publicEvents subscription', () => {
  let tenant: { tenantId: string; key: string };
  let expected: PublicEventView[];
  let paidInvoiceId: string;
  let paymentId: string;
  let live: Awaited<ReturnType<typeof subscribe>>;

  beforeAll(async () => {
    tenant = await newTenant(ledger, 'public-events');
    // Subscribed before anything happens: it sees the events live.
    live = await subscribe(tenant.key);
    const paid = await issuedInvoice(ledger, { customerId: 'pe-customer' }, tenant.key);
    paidInvoiceId = paid.invoice.id;
    const payment = requireData(
      await ledger.graphql<{ createPayment: { payment: { id: string } } }>(
        CREATE_PAYMENT,
        { input: { customerId: 'pe-customer', amount: '100.00', currency: 'USD', method: 'CASH', reference: 'till-1', allocations: [{ invoiceId: paidInvoiceId, amount: '100.00' }] } },
        tenant.key,
      ),
      'createPayment',
    );
    paymentId = payment.createPayment.payment.id;
    const voided = await issuedInvoice(ledger, { customerId: 'pe-customer' }, tenant.key);
    await ledger.mutateOk('voidInvoice', { invoiceId: voided.invoice.id, reason: 'Issued in error' }, tenant.key);
    expected = await expectedOf(tenant.tenantId);
  }, 60_000);

  afterAll(async () => {
    if (live) await closeAll(live);
  });

  it('delivers live exactly what the catalogue computes from the log: ids, types, versions, instants, positions and payloads', async () => {
    const types = expected.map((event) => typeOfGraphqlName.get(event.type));
    for (const type of ['invoice.created', 'payment.succeeded', 'invoice.paid', 'customer.credit_updated', 'invoice.voided'] as const) expect(types).toContain(type);
    const received = await live.events.waitForCount(expected.length, WAIT_MS);
    expect(received.slice(0, expected.length)).toEqual(expected);
    expect(live.events.errors).toEqual([]);
    for (const event of received) {
      const type = typeOfGraphqlName.get(event.type) as WebhookEvent;
      expect(publicEventDefinitions[type].schema.parse(event.data)).toEqual(event.data);
    }
  });

  it('pays the invoice with the payment that settled it, the rest of the payment becoming customer credit', async () => {
    const paid = expected.find((event) => event.type === 'INVOICE_PAID');
    expect(paid?.data).toMatchObject({ invoiceId: paidInvoiceId, settledBy: 'payment', paymentId, creditNoteId: null, amount: '71.96', currency: 'USD' });
    const credit = expected.find((event) => event.type === 'CUSTOMER_CREDIT_UPDATED');
    expect(credit?.data).toMatchObject({ customerId: 'pe-customer', currency: 'USD', amount: '28.04', balance: '28.04', direction: 'increase', reason: 'overpayment', sourceId: paymentId });
  });

  it('replays from the beginning for a late subscriber, then only the types asked for', async () => {
    const all = await subscribe(tenant.key);
    const some = await subscribe(tenant.key, { types: ['INVOICE_PAID', 'INVOICE_VOIDED'] });
    try {
      expect((await all.events.waitForCount(expected.length, WAIT_MS)).slice(0, expected.length)).toEqual(expected);
      const wanted = expected.filter((event) => event.type === 'INVOICE_PAID' || event.type === 'INVOICE_VOIDED');
      expect(wanted.map((event) => event.type)).toEqual(['INVOICE_PAID', 'INVOICE_VOIDED']);
      expect(await some.events.waitForCount(wanted.length, WAIT_MS)).toEqual(wanted);
      await pause(300);
      expect(some.events.items).toEqual(wanted);
    } finally {
      await closeAll(all, some);
    }
  });

  it('resumes after a position: nothing at or before it again, everything after it', async () => {
    const from = expected[1] as PublicEventView;
    const after = expected.filter((event) => event.position !== from.position && expected.indexOf(event) > expected.indexOf(from));
    expect(after.length).toBeGreaterThan(0);
    const resumed = await subscribe(tenant.key, { fromPosition: from.position });
    try {
      expect((await resumed.events.waitForCount(after.length, WAIT_MS)).slice(0, after.length)).toEqual(after);
    } finally {
      await closeAll(resumed);
    }
  });

  it("holds a subscriber to its own tenant: another tenant's subscriber sees only its own events", async () => {
    const other = await newTenant(ledger, 'public-events-other');
    const theirs = await subscribe(other.key);
    try {
      const invoice = await issuedInvoice(ledger, { customerId: 'other-customer' }, other.key);
      const received = await theirs.events.waitFor('the other tenant\'s invoice.created', (items) => items.some((item) => item.type === 'INVOICE_CREATED'), WAIT_MS);
      await pause(300);
      expect(theirs.events.items.map((item) => item.type)).toEqual(['INVOICE_CREATED']);
      expect(received[0]?.data).toMatchObject({ invoiceId: invoice.invoice.id, customerId: 'other-customer' });
      const ours = new Set(expected.map((event) => event.id));
      expect(theirs.events.items.filter((item) => ours.has(item.id))).toEqual([]);
    } finally {
      await closeAll(theirs);
    }
  });

  it('refuses a position that is not one, with VALIDATION_FAILED', async () => {
    const refused = await subscribe(tenant.key, { fromPosition: 'yesterday' });
    try {
      await refused.events.waitFor('the refusal', () => refused.events.errors.length > 0 || refused.events.completed, WAIT_MS);
      expect(JSON.stringify(refused.events.errors)).toContain('VALIDATION_FAILED');
      expect(refused.events.items).toEqual([]);
    } finally {
      await closeAll(refused);
    }
  });

  it('refuses a type that is not in the catalogue', async () => {
    const refused = await subscribe(tenant.key, { types: ['INVOICE_EXPLODED'] });
    try {
      await refused.events.waitFor('the refusal', () => refused.events.errors.length > 0 || refused.events.completed, WAIT_MS);
      expect(JSON.stringify(refused.events.errors)).toContain('VALIDATION_FAILED');
      expect(refused.events.items).toEqual([]);
    } finally {
      await closeAll(refused);
    }
  });
});
