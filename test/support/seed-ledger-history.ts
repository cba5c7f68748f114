import { decideBillingSettings, decideCustomer, decideExchangeRate, decideInvoice, decideReceipt, decidePaymentMethod, initialPaymentMethodState, type AddPaymentMethod, initialCustomerState, evolveInvoice, initialBillingSettingsState, initialExchangeRateState, initialInvoiceState, initialReceiptState, type InvoiceCommand, type InvoiceEvent, type InvoiceState } from '../../libs/billing/src/index.js';
import { receiptIdOf } from '../../apps/api/src/receipts/issue-receipt.handler.js';
import { streams, toEventData, uuidV5, type CommandContext } from '../../libs/application/src/index.js';
import { comparePositions, type AppendRequest, type EventStore, type Position } from '../../libs/event-store/src/index.js';

/**
 * Writes a realistic history through the real deciders: invoices drafted with lines, issued, partly or fully paid
 * (some overpaid, so customer credit appears), some voided. Deterministic for a given seed.
 */
export interface SeedOptions {
  /** Also record a tax rate, an exchange rate, a few customers and each payment's receipt, so that those read models have rows too. */
  readonly withSettings?: boolean;
}

export async function seedInvoiceHistory(store: EventStore, tenantId: string, invoiceCount: number, seed = 'seed', options: SeedOptions = {}): Promise<number> {
  let events = 0;
  let receiptCount = 0;
  const batch: AppendRequest[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await store.appendToStreams(batch.splice(0));
  };
  for (let index = 0; index < invoiceCount; index += 1) {
    const invoiceId = uuidV5(`${seed}:${tenantId}:invoice:${index}`);
    const streamId = streams.invoice(tenantId, invoiceId);
    const now = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
    const context: CommandContext = { tenantId, actor: 'seed', commandId: uuidV5(`${seed}:${index}`), correlationId: 'seed', causationId: 'seed', now };
    const commands: InvoiceCommand[] = [
      {
        type: 'CreateInvoice',
        data: {
          invoiceId,
          customerId: `customer-${index % 17}`,
          currency: index % 5 === 0 ? 'EUR' : 'USD',
          lines: [
            { lineId: `${invoiceId}-1`, description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: '49.99', taxRate: '20' },
            { lineId: `${invoiceId}-2`, description: 'Static IP', quantity: String(1 + (index % 3)), unitPrice: '5.00', taxRate: '20' },
          ],
        },
        metadata: { now },
      },
    ];
    if (index % 7 !== 6) commands.push({ type: 'IssueInvoice', data: { invoiceId, number: `INV-${seed.toUpperCase()}-${String(index + 1).padStart(6, '0')}`, issueDate: now.slice(0, 10) }, metadata: { now } });
    if (index % 7 === 3) commands.push({ type: 'VoidInvoice', data: { invoiceId, reason: 'issued in error' }, metadata: { now } });
    else if (index % 7 !== 6) {
      const currency = index % 5 === 0 ? 'EUR' : 'USD';
      commands.push({ type: 'RecordInvoicePayment', data: { invoiceId, paymentId: `${invoiceId}-p1`, amount: '30.00', currency, method: 'card', reference: `ch_${index}_1` }, metadata: { now } });
      if (index % 2 === 0) commands.push({ type: 'RecordInvoicePayment', data: { invoiceId, paymentId: `${invoiceId}-p2`, amount: '80.00', currency, method: 'bank_account', reference: `ch_${index}_2` }, metadata: { now } });
    }
    let state: InvoiceState = initialInvoiceState;
    const produced = [];
    for (const command of commands) {
      const decided = decideInvoice(command, state);
      state = decided.reduce(evolveInvoice, state);
      produced.push(...decided);
    }
    batch.push({ streamId, expectedRevision: 'no_stream', events: produced.map((event, position) => toEventData(event, context, streamId, position)) });
    events += produced.length;
    for (const event of options.withSettings ? produced : []) {
      const receipt = seededReceipt(tenantId, seed, event, state, (receiptCount += 1), context);
      if (receipt) {
        batch.push(receipt);
        events += 1;
      }
    }
    if (batch.length >= 50) await flush();
  }
  await flush();
  if (options.withSettings) events += await seedSettings(store, tenantId, seed);
  if (options.withSettings) events += await seedCustomers(store, tenantId, seed);
  if (options.withSettings) events += await seedPaymentMethods(store, tenantId, seed);
  return events;
}

/**
 * The receipt of a seeded payment, as the receipt process manager would have issued it: a history where every payment
 * already has its receipt, so a projector started on it appends nothing and its read models can be compared with a
 * rebuild. (Numbers carry the seed, like the seeded invoice numbers, so two seeds of one tenant never collide.)
 */
function seededReceipt(tenantId: string, seed: string, event: InvoiceEvent, invoice: InvoiceState, sequence: number, context: CommandContext): AppendRequest | undefined {
  if (event.type !== 'InvoicePaymentRecorded') return undefined;
  const { data } = event;
  const receiptId = receiptIdOf(tenantId, data.paymentId);
  const streamId = streams.receipt(tenantId, receiptId);
  const applied = Number(data.appliedAmount) > 0 ? [{ invoiceId: data.invoiceId, number: invoice.number as string, amount: data.appliedAmount }] : [];
  const decided = decideReceipt(
    {
      type: 'IssueReceipt',
      data: {
        receiptId,
        paymentId: data.paymentId,
        number: `REC-${seed.toUpperCase()}-${String(sequence).padStart(6, '0')}`,
        issuedAt: data.recordedAt,
        issueDate: data.recordedAt.slice(0, 10),
        payer: { customerId: data.customerId },
        amount: data.amount,
        currency: data.currency,
        methodDescription: data.method.replace('_', ' '),
        paymentReference: data.reference,
        invoicesPaid: applied,
        company: { name: `Seed Networks (${seed})` },
      },
      metadata: { now: data.recordedAt },
    },
    initialReceiptState,
  );
  const receiptContext = { ...context, commandId: uuidV5(`${seed}:receipt:${receiptId}`) };
  return { streamId, expectedRevision: 'no_stream', events: decided.map((receipt, position) => toEventData(receipt, receiptContext, streamId, position)) };
}

/** Each seed records its own tax rate and rate instant, so seeding one tenant twice is still a valid history. */
async function seedSettings(store: EventStore, tenantId: string, seed: string): Promise<number> {
  const now = '2026-01-01T00:00:00.000Z';
  const context: CommandContext = { tenantId, actor: 'seed', commandId: uuidV5(`${seed}:settings`), correlationId: 'seed', causationId: 'seed', now };
  const settingsStream = streams.billingSettings(tenantId);
  const settingsEvents = decideBillingSettings({ type: 'CreateTaxRate', data: { taxRateId: `vat-${seed}`, name: `VAT ${seed}`, type: 'vat', rate: '20', jurisdiction: 'FR' }, metadata: { now } }, initialBillingSettingsState);
  const rateStream = streams.exchangeRate(tenantId, 'EUR', 'USD');
  const effectiveAt = new Date(Date.parse(now) + (uuidV5(seed).charCodeAt(0) % 16) * 3_600_000).toISOString();
  const rateEvents = decideExchangeRate({ type: 'RecordExchangeRate', data: { base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt, source: `seed ${seed}` }, metadata: { now } }, initialExchangeRateState);
  await store.appendToStreams([
    { streamId: settingsStream, expectedRevision: 'any', events: settingsEvents.map((event, index) => toEventData(event, context, settingsStream, index)) },
    { streamId: rateStream, expectedRevision: 'any', events: rateEvents.map((event, index) => toEventData(event, context, rateStream, index)) },
  ]);
  return settingsEvents.length + rateEvents.length;
}

/** Three registered customers per seed (ids carry the seed, so two seeds of one tenant never collide). */
async function seedCustomers(store: EventStore, tenantId: string, seed: string): Promise<number> {
  const now = '2026-01-01T00:00:00.000Z';
  const context: CommandContext = { tenantId, actor: 'seed', commandId: uuidV5(`${seed}:customers`), correlationId: 'seed', causationId: 'seed', now };
  const addresses = [
    { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
    { line1: '1 Main Street', city: 'Montréal', region: 'QC', postalCode: 'H3B 1A1', country: 'CA' },
    { line1: '1 Unter den Linden', city: 'Berlin', postalCode: '10117', country: 'DE' },
  ];
  const appends = addresses.map((billingAddress, index) => {
    const customerId = `${seed}-customer-${index}`;
    const streamId = streams.customer(tenantId, customerId);
    const decided = decideCustomer({ type: 'UpsertCustomer', data: { customerId, name: `Customer ${index} (${seed})`, billingAddress, taxExempt: index === 2 }, metadata: { now } }, initialCustomerState);
    return { streamId, expectedRevision: 'no_stream' as const, events: decided.map((event, position) => toEventData(event, context, streamId, position)) };
  });
  await store.appendToStreams(appends);
  return appends.reduce((count, append) => count + append.events.length, 0);
}

/** A card and a bank account on file per seed, so that the payment_methods read model has rows too. */
async function seedPaymentMethods(store: EventStore, tenantId: string, seed: string): Promise<number> {
  const now = '2026-01-01T00:00:00.000Z';
  const context: CommandContext = { tenantId, actor: 'seed', commandId: uuidV5(`${seed}:payment-methods`), correlationId: 'seed', causationId: 'seed', now };
  const commands: AddPaymentMethod['data'][] = [
    { paymentMethodId: `${seed}-pm-card`, customerId: `${seed}-customer-0`, type: 'card', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2030, gatewayToken: `tok_${seed}_card` },
    { paymentMethodId: `${seed}-pm-bank`, customerId: `${seed}-customer-1`, type: 'bank_account', last4: '6789', gatewayToken: `tok_${seed}_bank` },
  ];
  const appends = commands.map((data) => {
    const streamId = streams.paymentMethod(tenantId, data.paymentMethodId);
    const decided = decidePaymentMethod({ type: 'AddPaymentMethod', data, metadata: { now } }, initialPaymentMethodState);
    return { streamId, expectedRevision: 'no_stream' as const, events: decided.map((event, position) => toEventData(event, context, streamId, position)) };
  });
  await store.appendToStreams(appends);
  return appends.reduce((count, append) => count + append.events.length, 0);
}

/**
 * The position a reader of $all will reach once it has seen everything appended so far. An append becomes visible on
 * $all only when every older transaction on the server has ended (other tests' included), so headPosition() right
 * after seeding may still be short of it: append a marker and wait until $all shows it.
 */
export async function settledHead(store: EventStore, tenantId: string, timeoutMs = 30_000): Promise<Position> {
  const marker = await store.appendToStream(`${tenantId}:test_marker-${uuidV5(`${Date.now()}:${Math.random()}`)}`, [{ eventId: uuidV5(`marker:${Date.now()}:${Math.random()}`), type: 'TestMarkerAppended', data: {} }], { expectedRevision: 'no_stream' });
  const deadline = Date.now() + timeoutMs;
  while (comparePositions(await store.headPosition(), marker.position) < 0) {
    if (Date.now() > deadline) throw new Error(`$all did not show the marker within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return marker.position;
}
