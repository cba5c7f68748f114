import {
  customerDecider,
  invoiceDecider,
  invoiceEventSchemas,
  paymentMethodDecider,
  type CustomerCommand,
  type InvoiceCommand,
  type InvoiceSettingsContext,
  type PaymentMethodCommand,
  type TaxRate,
} from '../../libs/billing/src/index.js';
import { eventsOf } from '../../libs/billing/src/money-movement.test-helper.js';
import { streams, toEventData, uuidV5, type CommandContext } from '../../libs/application/src/index.js';
import type { EventStore, RecordedEvent } from '../../libs/event-store/src/index.js';
import { secretReference } from '../../libs/secrets/src/index.js';
import { seedInvoiceHistory } from './seed-ledger-history.js';
import { readSettledLog } from '../../libs/testing/src/settled-log.js';

/**
 * A realistic history for batch-split tests, made by the real deciders and recorded by the real store: two tenants
 * seeded with every money flow (seedInvoiceHistory), plus what the seed never writes: customers updated, payment
 * methods verified, failed, expired and deactivated, drafts whose lines are added and removed under automatic tax,
 * an invoice issued with a locked exchange rate, and one issued for nothing (paid at once). Last come customers put in
 * pricing segments (set, moved, cleared, kept across an update): appended after everything else, so the log before
 * them is the history the batch-split digests were first pinned on (every event keeps its position and recordedAt).
 *
 * The events come back as $all delivers them, except recordedAt, which is replaced by one instant a second apart in
 * log order: rows take last_event_at from it, so two runs of the same history give byte-identical rows.
 */
export async function batchTestHistory(store: EventStore, invoiceCount = 84): Promise<RecordedEvent[]> {
  await seedInvoiceHistory(store, 'acme', invoiceCount, 'batch', { withSettings: true });
  // The same seed in a second tenant: customers and payment methods get the same ids there, so a row keyed without
  // its tenant would collide.
  await seedInvoiceHistory(store, 'globex', Math.ceil(invoiceCount / 4), 'batch', { withSettings: true });
  for (const tenantId of ['acme', 'globex']) await appendExtras(store, tenantId);
  for (const tenantId of ['acme', 'globex']) await appendSegments(store, tenantId);
  // After the segments, so that the history before them keeps its positions: an invoice falling due (docs/overdue.md).
  for (const tenantId of ['acme', 'globex']) await appendCollection(store, tenantId);
  // $all shows an append only once every older transaction on the server has ended (other suites' too), so the read
  // settles the head first (a marker in a tenant of its own, outside the read).
  const events = await readSettledLog(store, { filter: { streamPrefixes: ['acme:', 'globex:'] }, markerTenant: 'batch-history-marker' });
  const base = Date.parse('2026-02-01T00:00:00.000Z');
  return events.map((event, index) => ({ ...event, recordedAt: new Date(base + index * 1_000) }));
}

const gst: TaxRate = { id: 'gst', name: 'GST', type: 'gst', rate: '5', jurisdiction: 'CA', inclusive: false, compound: false, active: true };
const qst: TaxRate = { id: 'qst', name: 'QST', type: 'pst', rate: '9.975', jurisdiction: 'CA-QC', inclusive: false, compound: false, active: true };

const autoTax: InvoiceSettingsContext = {
  invoicingEnabled: true,
  paymentsEnabled: true,
  supportedCurrencies: ['CAD', 'USD', 'EUR'],
  enabledPaymentMethods: ['card', 'bank_account', 'cash'],
  defaultDueDays: 14,
  reportingCurrency: 'CAD',
  tax: { calculateAutomatically: true, pricesIncludeTax: false, rounding: 'per_line', rates: [gst, qst] },
};
const quebec = { taxExempt: false, billingAddress: { country: 'CA', region: 'QC' } };

const extrasAt = (minute: number): string => new Date(Date.UTC(2026, 0, 20) + minute * 60_000).toISOString();

/** The seed's registration of customer `index` and the two updates appendExtras makes. */
function customerUpdates(customerId: string, index: number): CustomerCommand[] {
  const registered = { name: `Customer ${index} (batch)`, billingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' }, taxExempt: index === 2 };
  return [
    { type: 'UpsertCustomer', data: { customerId, ...registered }, metadata: { now: '2026-01-01T00:00:00.000Z' } },
    { type: 'UpsertCustomer', data: { customerId, ...registered, name: `Renamed ${index}`, email: `billing-${index}@example.com` }, metadata: { now: extrasAt(1) } },
    {
      type: 'UpsertCustomer',
      data: { customerId, ...registered, name: `Renamed ${index}`, billingAddress: { line1: '2 Main Street', line2: 'Suite 4', city: 'Montréal', region: 'QC', postalCode: 'H3B 1A1', country: 'CA' }, taxExempt: true },
      metadata: { now: extrasAt(2) },
    },
  ];
}

/**
 * Segments, after everything else: customer 0 is put in "enterprise", then updated (the update keeps the segment);
 * customer 1 is put in "smb", moved to "non-profit", then cleared.
 */
async function appendSegments(store: EventStore, tenantId: string): Promise<void> {
  for (const index of [0, 1]) {
    const customerId = `batch-customer-${index}`;
    const before = customerUpdates(customerId, index);
    const segment = (value: string | null, minute: number): CustomerCommand => ({ type: 'SetCustomerSegment', data: { customerId, segment: value }, metadata: { now: extrasAt(minute) } });
    const last = before.at(-1) as CustomerCommand & { type: 'UpsertCustomer' };
    const then =
      index === 0
        ? [segment('enterprise', 100), { ...last, data: { ...last.data, email: 'accounts-0@example.com' }, metadata: { now: extrasAt(101) } }]
        : [segment('smb', 100), segment('non-profit', 101), segment(null, 102)];
    const events = eventsOf(customerDecider, [...before, ...then]).slice(before.length);
    const streamId = streams.customer(tenantId, customerId);
    const context: CommandContext = { tenantId, actor: 'batch-history', commandId: uuidV5(`batch-history:${tenantId}:segments-${index}`), correlationId: 'batch', causationId: 'batch', now: extrasAt(100) };
    await store.appendToStream(streamId, events.map((event, position) => toEventData(event, context, streamId, position, 1)), { expectedRevision: 'any' });
  }
}

async function appendExtras(store: EventStore, tenantId: string): Promise<void> {
  const at = extrasAt;
  const appends: { streamId: string; events: { type: string; data: object }[]; context: CommandContext }[] = [];
  const contextOf = (what: string, now: string): CommandContext => ({ tenantId, actor: 'batch-history', commandId: uuidV5(`batch-history:${tenantId}:${what}`), correlationId: 'batch', causationId: 'batch', now });

  // Customers registered by the seed ("batch-customer-<n>"), updated twice: the row keeps the last details.
  for (const index of [0, 1]) {
    const customerId = `batch-customer-${index}`;
    const commands = customerUpdates(customerId, index);
    // The seed's registration is the stream's first event: only the updates are new.
    const events = eventsOf(customerDecider, commands).slice(1);
    appends.push({ streamId: streams.customer(tenantId, customerId), events, context: contextOf(`customer-${index}`, at(2)) });
  }

  // Payment methods through every status.
  const methods: { id: string; commands: Omit<PaymentMethodCommand, 'metadata'>[] }[] = [
    { id: 'pm-verified', commands: [{ type: 'VerifyPaymentMethod', data: { paymentMethodId: 'pm-verified' } }, { type: 'DeactivatePaymentMethod', data: { paymentMethodId: 'pm-verified', reason: 'closed' } }] },
    { id: 'pm-failed', commands: [{ type: 'FailPaymentMethodVerification', data: { paymentMethodId: 'pm-failed', reason: 'micro-deposits did not match' } }] },
    { id: 'pm-expired', commands: [{ type: 'ExpirePaymentMethod', data: { paymentMethodId: 'pm-expired' } }] },
    { id: 'pm-retried', commands: [{ type: 'FailPaymentMethodVerification', data: { paymentMethodId: 'pm-retried', reason: 'mandate refused' } }, { type: 'VerifyPaymentMethod', data: { paymentMethodId: 'pm-retried' } }] },
  ];
  for (const [index, method] of methods.entries()) {
    const card = method.id === 'pm-expired';
    const add = {
      type: 'AddPaymentMethod',
      data: card
        ? { paymentMethodId: method.id, customerId: 'batch-customer-0', type: 'card', brand: 'visa', last4: '1111', expiryMonth: 1, expiryYear: 2026, gatewayToken: `tok_${method.id}`, gatewayTokenRef: secretReference(method.id, 'gateway-token'), holderName: 'A. Holder' }
        : { paymentMethodId: method.id, customerId: 'batch-customer-1', type: 'bank_account', last4: '6789', gatewayToken: `tok_${method.id}`, gatewayTokenRef: secretReference(method.id, 'gateway-token') },
    };
    // The card expires at the end of January 2026: added before, expired after.
    const commands = [add, ...method.commands].map((command, step) => ({ ...command, metadata: { now: card && step > 0 ? '2026-02-02T00:00:00.000Z' : at(10 + index * 5 + step) } }) as PaymentMethodCommand);
    appends.push({ streamId: streams.paymentMethod(tenantId, method.id), events: eventsOf(paymentMethodDecider, commands), context: contextOf(method.id, at(10)) });
  }

  // Drafts under automatic tax: lines added and removed (each with its InvoiceTaxCalculated), some issued.
  const drafts: { id: string; currency: string; then: Omit<InvoiceCommand, 'metadata'>[] }[] = [
    {
      id: 'tax-draft',
      currency: 'CAD',
      then: [
        { type: 'AddInvoiceLine', data: { invoiceId: 'tax-draft', line: { lineId: 'L2', description: 'Router rental', quantity: '2', unitPrice: '7.49' }, settings: autoTax, customer: quebec } },
        { type: 'AddInvoiceLine', data: { invoiceId: 'tax-draft', line: { lineId: 'L3', description: 'Installation', quantity: '1', unitPrice: '120.00', taxRate: '5' }, settings: autoTax, customer: quebec } },
        { type: 'RemoveInvoiceLine', data: { invoiceId: 'tax-draft', lineId: 'L1', settings: autoTax, customer: quebec } },
        { type: 'AddInvoiceLine', data: { invoiceId: 'tax-draft', line: { lineId: 'L4', description: 'Late fee', quantity: '0.5', unitPrice: '3.33' }, settings: autoTax, customer: quebec } },
      ],
    },
    {
      id: 'tax-issued',
      currency: 'USD',
      then: [
        { type: 'AddInvoiceLine', data: { invoiceId: 'tax-issued', line: { lineId: 'L2', description: 'Support', quantity: '3', unitPrice: '19.99' }, settings: autoTax, customer: quebec } },
        { type: 'RemoveInvoiceLine', data: { invoiceId: 'tax-issued', lineId: 'L2', settings: autoTax, customer: quebec } },
        {
          type: 'IssueInvoice',
          data: {
            invoiceId: 'tax-issued',
            number: `TAX-${tenantId}-1`,
            issueDate: '2026-01-20',
            exchangeRate: { base: 'USD', quote: 'CAD', rate: '1.3712', effectiveAt: '2026-01-19T00:00:00.000Z', source: 'batch', inverted: false },
            settings: autoTax,
            customer: quebec,
          },
        },
        { type: 'RecordInvoicePayment', data: { invoiceId: 'tax-issued', paymentId: 'tax-issued-p1', amount: '10.00', currency: 'USD', method: 'cash', reference: 'CASH-1', settings: autoTax } },
        { type: 'WriteOffInvoice', data: { invoiceId: 'tax-issued', reason: 'small balance', settings: autoTax } },
      ],
    },
    {
      // Credit and payments applied twice each, refunds reopening them oldest first: the sort orders and reopened
      // amounts carry over from batch to batch.
      id: 'credited',
      currency: 'USD',
      then: [
        { type: 'IssueInvoice', data: { invoiceId: 'credited', number: `CRED-${tenantId}-1`, issueDate: '2026-01-20', exchangeRate: null, settings: autoTax, customer: quebec } },
        { type: 'ApplyCreditToInvoice', data: { invoiceId: 'credited', applicationId: 'credit-1', source: 'customer_credit', sourceId: 'batch-customer-1', amount: '5.00', currency: 'USD' } },
        { type: 'ApplyPaymentToInvoice', data: { invoiceId: 'credited', paymentId: 'credited-p1', amount: '20.00', currency: 'USD', method: 'card', reference: 'CARD-1', paymentAmount: '20.00' } },
        { type: 'ApplyCreditToInvoice', data: { invoiceId: 'credited', applicationId: 'credit-2', source: 'customer_credit', sourceId: 'batch-customer-1', amount: '3.00', currency: 'USD' } },
        { type: 'ApplyPaymentToInvoice', data: { invoiceId: 'credited', paymentId: 'credited-p2', amount: '10.00', currency: 'USD', method: 'cash', reference: 'CASH-2', paymentAmount: '15.00' } },
        { type: 'RefundInvoicePayment', data: { invoiceId: 'credited', paymentId: 'credited-p1', refundId: 'refund-1', amount: '12.00', currency: 'USD' } },
        { type: 'RefundInvoicePayment', data: { invoiceId: 'credited', paymentId: 'credited-p1', refundId: 'refund-2', amount: '8.00', currency: 'USD' } },
        { type: 'RefundInvoicePayment', data: { invoiceId: 'credited', paymentId: 'credited-p2', refundId: 'refund-3', amount: '10.00', currency: 'USD' } },
      ],
    },
    {
      id: 'free',
      currency: 'EUR',
      then: [{ type: 'IssueInvoice', data: { invoiceId: 'free', number: `FREE-${tenantId}-1`, issueDate: '2026-01-20', exchangeRate: null, settings: autoTax, customer: quebec } }],
    },
  ];
  for (const [index, draft] of drafts.entries()) {
    const unitPrice = draft.id === 'free' ? '0.00' : '49.99';
    const commands = [
      { type: 'CreateInvoice', data: { invoiceId: draft.id, customerId: 'batch-customer-1', currency: draft.currency, lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice }], settings: autoTax, customer: quebec } },
      ...draft.then,
    ].map((command, step) => ({ ...command, metadata: { now: at(40 + index * 10 + step) } }) as InvoiceCommand);
    appends.push({ streamId: streams.invoice(tenantId, draft.id), events: eventsOf(invoiceDecider, commands), context: contextOf(draft.id, at(40)) });
  }

  for (const append of appends) {
    await store.appendToStream(
      append.streamId,
      append.events.map((event, index) => toEventData(event, append.context, append.streamId, index, (invoiceEventSchemas as Record<string, { schemaVersion: number }>)[event.type]?.schemaVersion ?? 1)),
      { expectedRevision: 'any' },
    );
  }
}

/** An invoice reminded, then overdue, then partly paid (the reminders list and the overdue instant carry over batches). */
async function appendCollection(store: EventStore, tenantId: string): Promise<void> {
  const invoiceId = 'overdue';
  const commands = [
    { type: 'CreateInvoice', data: { invoiceId, customerId: 'batch-customer-0', currency: 'USD', lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: '49.99' }], settings: autoTax, customer: quebec } },
    { type: 'IssueInvoice', data: { invoiceId, number: `LATE-${tenantId}-1`, issueDate: '2026-01-20', exchangeRate: null, settings: autoTax, customer: quebec } },
    { type: 'MarkPaymentReminderDue', data: { invoiceId, daysBeforeDue: 7, today: '2026-01-27' } },
    { type: 'MarkPaymentReminderDue', data: { invoiceId, daysBeforeDue: 1, today: '2026-02-02' } },
    { type: 'MarkInvoiceOverdue', data: { invoiceId, today: '2026-02-04' } },
    { type: 'ApplyPaymentToInvoice', data: { invoiceId, paymentId: 'overdue-p1', amount: '20.00', currency: 'USD', method: 'cash', reference: 'CASH-LATE', paymentAmount: '20.00' } },
  ].map((command, step) => ({ ...command, metadata: { now: extrasAt(110 + step) } }) as InvoiceCommand);
  const streamId = streams.invoice(tenantId, invoiceId);
  const context: CommandContext = { tenantId, actor: 'batch-history', commandId: uuidV5(`batch-history:${tenantId}:collection`), correlationId: 'batch', causationId: 'batch', now: extrasAt(110) };
  await store.appendToStream(
    streamId,
    eventsOf(invoiceDecider, commands).map((event, index) => toEventData(event, context, streamId, index, (invoiceEventSchemas as Record<string, { schemaVersion: number }>)[event.type]?.schemaVersion ?? 1)),
    { expectedRevision: 'any' },
  );
}
