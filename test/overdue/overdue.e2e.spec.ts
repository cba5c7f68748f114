import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { lateFeeInvoiceIdOf, runLateFeeWork } from '../../libs/ledger-application/src/invoices/invoice-due-work.handlers.js';
import { invoiceWorkKinds } from '../../projections/invoices/invoice-due-work.projection.js';
import { dueWorkContext, type DueWork, type DueWorkOutcome } from '../../libs/scheduler/src/index.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { SubscriptionScenario } from '../support/subscription-api.js';

/**
 * Invoices falling due through the API, on test clocks (docs/overdue.md): payment reminders on their days, the overdue
 * mark the day after the due date, each once and each at the start of its day in the tenant's time zone; nothing once
 * the invoice is settled; the late fee as an invoice of its own, once. Everything runs through the real scheduler's
 * handlers (advanceTestClock runs the due work), and every fact is read back from the event log and the API.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

const MONEY = 'amount currency';

const DOCUMENTS = {
  tenant: 'mutation ($input: UpdateTenantProfileInput!) { updateTenantProfile(input: $input) { position } }',
  invoiceSettings: 'mutation ($input: UpdateInvoiceSettingsInput!) { updateInvoiceSettings(input: $input) { position } }',
  paymentSettings: 'mutation ($input: UpdatePaymentSettingsInput!) { updatePaymentSettings(input: $input) { position } }',
  createInvoice: 'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { position invoice { id } } }',
  issueInvoice: 'mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { position invoice { id number issueDate dueDate status } } }',
  writeOff: 'mutation ($input: WriteOffInvoiceInput!) { writeOffInvoice(input: $input) { position invoice { status } } }',
  recordPayment: 'mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) { position invoice { status balanceDue { amount } } } }',
  invoice: `query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) {
    id number customerId status currency issueDate dueDate becameOverdueAt paymentReminders { daysBeforeDue dueAt }
    lines { description quantity unitPrice taxRate amount { ${MONEY} } taxAmount { ${MONEY} } } total { ${MONEY} } balanceDue { ${MONEY} } } }`,
  invoices: `query ($filter: InvoiceFilter, $minPosition: String) { invoices(filter: $filter, first: 50, minPosition: $minPosition) { edges { node { id number status } } } }`,
} as const;

interface InvoiceRead {
  readonly id: string;
  readonly number: string | null;
  readonly customerId: string;
  readonly status: string;
  readonly currency: string;
  readonly issueDate: string | null;
  readonly dueDate: string | null;
  readonly becameOverdueAt: string | null;
  readonly paymentReminders: { daysBeforeDue: number; dueAt: string }[];
  readonly lines: { description: string; quantity: string; unitPrice: string; taxRate: string | null; amount: { amount: string }; taxAmount: { amount: string } }[];
  readonly total: { amount: string; currency: string };
  readonly balanceDue: { amount: string; currency: string };
}

/** A tenant on a test clock in `timeZone`, with a registered customer and the given invoice and payment settings. */
async function tenantIn(prefix: string, timeZone: string, frozenTime: string, settings: { invoice?: Record<string, unknown>; payment?: Record<string, unknown> } = {}): Promise<SubscriptionScenario> {
  const scenario = await SubscriptionScenario.start(ledger, prefix, frozenTime);
  await scenario.ok('updateTenantProfile', DOCUMENTS.tenant, { input: { timeZone } });
  if (settings.invoice) await scenario.ok('updateInvoiceSettings', DOCUMENTS.invoiceSettings, { input: settings.invoice });
  if (settings.payment) await scenario.ok('updatePaymentSettings', DOCUMENTS.paymentSettings, { input: settings.payment });
  await scenario.customer('customer');
  return scenario;
}

/** An invoice of `amount` USD for the customer, issued now, due on `dueDate` or after `paymentTermsDays`. */
async function issuedInvoice(scenario: SubscriptionScenario, amount: string, due: { dueDate?: string; paymentTermsDays?: number }): Promise<{ id: string; number: string; issueDate: string; dueDate: string }> {
  const created = await scenario.ok<{ createInvoice: { invoice: { id: string } } }>('createInvoice', DOCUMENTS.createInvoice, {
    input: { customerId: 'customer', currency: 'USD', lines: [{ description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: amount, taxRate: '0' }], ...due },
  });
  const issued = await scenario.ok<{ issueInvoice: { invoice: { id: string; number: string; issueDate: string; dueDate: string } } }>('issueInvoice', DOCUMENTS.issueInvoice, {
    input: { invoiceId: created.createInvoice.invoice.id },
  });
  return issued.issueInvoice.invoice;
}

async function invoiceOf(scenario: SubscriptionScenario, id: string): Promise<InvoiceRead> {
  const found = (await scenario.ok<{ invoice: InvoiceRead | null }>('invoice', DOCUMENTS.invoice, { id, minPosition: await scenario.head() })).invoice;
  if (found === null) throw new Error(`invoice ${id} not found`);
  return found;
}

async function pay(scenario: SubscriptionScenario, invoiceId: string, amount: string, reference: string): Promise<{ status: string; balanceDue: { amount: string } }> {
  const data = await scenario.ok<{ recordPayment: { invoice: { status: string; balanceDue: { amount: string } } } }>('recordPayment', DOCUMENTS.recordPayment, {
    input: { invoiceId, amount, currency: 'USD', method: 'WIRE_TRANSFER', reference },
  });
  return data.recordPayment.invoice;
}

/**
 * The tenant's collection events, as `<type> <invoice> <days before due, when a reminder> <instant>`, in log order,
 * which is due order (work due at the same instant runs in work-key order: here, sorted by text).
 */
async function collectionEvents(scenario: SubscriptionScenario): Promise<string[]> {
  const events: RecordedEvent[] = await ledger.tenantEvents(scenario.tenantId);
  const instantOf = (line: string) => line.slice(line.lastIndexOf(' ') + 1);
  const lines = events.flatMap((event) => {
    const data = event.data as { invoiceId: string; daysBeforeDue?: number; dueAt?: string; becameOverdueAt?: string };
    if (event.type === 'InvoicePaymentReminderDue') return [`reminder ${data.invoiceId} ${String(data.daysBeforeDue)} ${String(data.dueAt)}`];
    if (event.type === 'InvoiceBecameOverdue') return [`overdue ${data.invoiceId} ${String(data.becameOverdueAt)}`];
    return [];
  });
  lines.forEach((line, index) => {
    if (index > 0 && instantOf(line) < instantOf(lines[index - 1] as string)) throw new Error(`collection events out of due order: ${lines.join(', ')}`);
  });
  return lines.sort((a, b) => instantOf(a).localeCompare(instantOf(b)) || a.localeCompare(b));
}

async function issuedInvoiceIds(scenario: SubscriptionScenario): Promise<string[]> {
  const events = await ledger.tenantEvents(scenario.tenantId);
  return events.filter((event) => event.type === 'InvoiceIssued').map((event) => String((event.data as { invoiceId: string }).invoiceId));
}

describe('payment reminders, the overdue mark and the late fee, on a test clock', () => {
  it('reminders once each on their days, overdue once the day after the due date, no more once paid; a late fee invoice once', async () => {
    // Los Angeles: PST (UTC-8) until 2025-03-09, then PDT (UTC-7). The clock starts on 2025-03-03 at 10:00 there.
    const scenario = await tenantIn('overdue-la', 'America/Los_Angeles', '2025-03-03T18:00:00Z', {
      invoice: { reminderScheduleDays: [7, 3, 1], sendPaymentReminders: true },
      payment: { lateFeePercentage: '1.5' },
    });
    // Issued 2025-03-03 with 10 days: due 03-13; reminders on 03-06, 03-10, 03-12; overdue on 03-14.
    const late = await issuedInvoice(scenario, '100.00', { paymentTermsDays: 10 });
    expect(late).toMatchObject({ number: 'INV-2025-000001', issueDate: '2025-03-03', dueDate: '2025-03-13' });
    // A second invoice, paid in full after its first reminder: nothing more falls due on it.
    const paidEarly = await issuedInvoice(scenario, '50.00', { paymentTermsDays: 10 });

    // A second before the 7-day reminder's day begins in Los Angeles: nothing yet.
    await scenario.advance('2025-03-06T07:59:59Z');
    expect(await collectionEvents(scenario)).toEqual([]);
    await scenario.advance('2025-03-06T08:00:00Z');
    expect(await collectionEvents(scenario)).toEqual([`reminder ${late.id} 7 2025-03-06T08:00:00.000Z`, `reminder ${paidEarly.id} 7 2025-03-06T08:00:00.000Z`].sort());
    expect((await pay(scenario, paidEarly.id, '50.00', 'WIRE-EARLY')).status).toBe('PAID');

    // The last moment of the due date in Los Angeles (after the switch to PDT): every reminder of the open invoice, no overdue.
    await scenario.advance('2025-03-14T06:59:59Z');
    const beforeOverdue = await invoiceOf(scenario, late.id);
    expect(beforeOverdue).toMatchObject({ status: 'OPEN', becameOverdueAt: null });
    expect(beforeOverdue.paymentReminders).toEqual([
      { daysBeforeDue: 7, dueAt: '2025-03-06T08:00:00.000Z' },
      { daysBeforeDue: 3, dueAt: '2025-03-10T07:00:00.000Z' },
      { daysBeforeDue: 1, dueAt: '2025-03-12T07:00:00.000Z' },
    ]);

    // 03-14 begins in Los Angeles: overdue, and the late fee is charged on its own invoice.
    await scenario.advance('2025-03-14T07:00:00Z');
    const feeId = lateFeeInvoiceIdOf(scenario.tenantId, late.id);
    expect(await issuedInvoiceIds(scenario)).toEqual([late.id, paidEarly.id, feeId]);
    // Run far past it: nothing is recorded twice, and nothing more falls due on the paid invoice.
    await scenario.advance('2025-04-30T12:00:00Z');
    const events = await collectionEvents(scenario);
    expect(events.filter((event) => !event.includes(feeId))).toEqual([
      ...[`reminder ${late.id} 7 2025-03-06T08:00:00.000Z`, `reminder ${paidEarly.id} 7 2025-03-06T08:00:00.000Z`].sort(),
      `reminder ${late.id} 3 2025-03-10T07:00:00.000Z`,
      `reminder ${late.id} 1 2025-03-12T07:00:00.000Z`,
      `overdue ${late.id} 2025-03-14T07:00:00.000Z`,
    ]);
    expect(await invoiceOf(scenario, late.id)).toMatchObject({ status: 'OVERDUE', becameOverdueAt: '2025-03-14T07:00:00.000Z', balanceDue: { amount: '100.00' } });
    expect(await invoiceOf(scenario, paidEarly.id)).toMatchObject({ status: 'PAID', becameOverdueAt: null, paymentReminders: [{ daysBeforeDue: 7, dueAt: '2025-03-06T08:00:00.000Z' }] });

    // One late fee: 1.5% of 100.00, on an invoice of its own, issued on the day the invoice became overdue, untaxed.
    const fee = await invoiceOf(scenario, feeId);
    expect(fee).toMatchObject({ number: 'INV-2025-000003', customerId: 'customer', currency: 'USD', issueDate: '2025-03-14', dueDate: '2025-04-13', total: { amount: '1.50' } });
    expect(fee.lines).toEqual([{ description: 'Late fee on INV-2025-000001', quantity: '1', unitPrice: '1.5', taxRate: '0', amount: { amount: '1.50', currency: 'USD' }, taxAmount: { amount: '0.00', currency: 'USD' } }]);
    // The fee invoice is an invoice like any other (its reminders, then overdue on 04-14), but draws no fee of its own.
    expect(events.filter((event) => event.includes(feeId))).toEqual([
      `reminder ${feeId} 7 2025-04-06T07:00:00.000Z`,
      `reminder ${feeId} 3 2025-04-10T07:00:00.000Z`,
      `reminder ${feeId} 1 2025-04-12T07:00:00.000Z`,
      `overdue ${feeId} 2025-04-14T07:00:00.000Z`,
    ]);
    expect(fee.status).toBe('OVERDUE');
    expect(await issuedInvoiceIds(scenario)).toEqual([late.id, paidEarly.id, feeId]);

    // A partial payment leaves the invoice overdue; paying the rest makes it paid.
    expect(await pay(scenario, late.id, '40.00', 'WIRE-1')).toEqual({ status: 'OVERDUE', balanceDue: { amount: '60.00' } });
    expect((await invoiceOf(scenario, late.id)).status).toBe('OVERDUE');
    expect(await pay(scenario, late.id, '60.00', 'WIRE-2')).toEqual({ status: 'PAID', balanceDue: { amount: '0.00' } });
    expect((await invoiceOf(scenario, late.id)).status).toBe('PAID');
    await scenario.advance('2025-06-30T12:00:00Z');
    expect((await collectionEvents(scenario)).length).toBe(events.length);
    expect(await issuedInvoiceIds(scenario)).toEqual([late.id, paidEarly.id, feeId]);
  });
});

describe("the tenant's time zone decides when a day begins", () => {
  it('the same due date falls overdue at midnight in Auckland, 20 hours before midnight in Los Angeles; without a late fee nothing is charged', async () => {
    const start = '2025-03-03T18:00:00Z';
    const auckland = await tenantIn('overdue-akl', 'Pacific/Auckland', start);
    const losAngeles = await tenantIn('overdue-lax', 'America/Los_Angeles', start);
    // Both due on 2025-03-13 (Auckland is already on 03-04 when the invoice is issued).
    const inAuckland = await issuedInvoice(auckland, '80.00', { dueDate: '2025-03-13' });
    const inLosAngeles = await issuedInvoice(losAngeles, '80.00', { dueDate: '2025-03-13' });
    expect([inAuckland.issueDate, inLosAngeles.issueDate]).toEqual(['2025-03-04', '2025-03-03']);

    // 2025-03-13T11:00Z is midnight of 03-14 in Auckland (UTC+13) and 04:00 on 03-13 in Los Angeles (UTC-7).
    await auckland.advance('2025-03-13T10:59:59Z');
    expect(await collectionEvents(auckland)).not.toContainEqual(expect.stringMatching(/^overdue/));
    await auckland.advance('2025-03-13T11:00:00Z');
    await losAngeles.advance('2025-03-13T11:00:00Z');
    expect((await collectionEvents(auckland)).filter((event) => event.startsWith('overdue'))).toEqual([`overdue ${inAuckland.id} 2025-03-13T11:00:00.000Z`]);
    expect((await invoiceOf(auckland, inAuckland.id)).status).toBe('OVERDUE');
    expect((await collectionEvents(losAngeles)).filter((event) => event.startsWith('overdue'))).toEqual([]);
    expect((await invoiceOf(losAngeles, inLosAngeles.id)).status).toBe('OPEN');

    // Midnight of 03-14 in Los Angeles.
    await losAngeles.advance('2025-03-14T07:00:00Z');
    expect((await collectionEvents(losAngeles)).filter((event) => event.startsWith('overdue'))).toEqual([`overdue ${inLosAngeles.id} 2025-03-14T07:00:00.000Z`]);
    expect((await invoiceOf(losAngeles, inLosAngeles.id)).status).toBe('OVERDUE');

    // The reminders too, each at the start of its day there (the default schedule: 7, 3 and 1 days before).
    expect((await collectionEvents(auckland)).filter((event) => event.startsWith('reminder'))).toEqual([
      `reminder ${inAuckland.id} 7 2025-03-05T11:00:00.000Z`,
      `reminder ${inAuckland.id} 3 2025-03-09T11:00:00.000Z`,
      `reminder ${inAuckland.id} 1 2025-03-11T11:00:00.000Z`,
    ]);
    expect((await collectionEvents(losAngeles)).filter((event) => event.startsWith('reminder'))).toEqual([
      `reminder ${inLosAngeles.id} 7 2025-03-06T08:00:00.000Z`,
      `reminder ${inLosAngeles.id} 3 2025-03-10T07:00:00.000Z`,
      `reminder ${inLosAngeles.id} 1 2025-03-12T07:00:00.000Z`,
    ]);
    // The late fee is 0 by default: no fee invoice.
    expect(await issuedInvoiceIds(auckland)).toEqual([inAuckland.id]);
    expect(await issuedInvoiceIds(losAngeles)).toEqual([inLosAngeles.id]);
  });

  it('with reminders switched off (after issue), no reminder falls due; the invoice still becomes overdue and lists as such', async () => {
    const scenario = await tenantIn('overdue-off', 'Europe/Paris', '2025-03-03T09:00:00Z');
    const invoice = await issuedInvoice(scenario, '10.00', { paymentTermsDays: 10 });
    await scenario.ok('updateInvoiceSettings', DOCUMENTS.invoiceSettings, { input: { sendPaymentReminders: false } });
    const ran = await scenario.advance('2025-03-20T00:00:00Z');
    // Three reminders checked and done without an event, then the overdue mark (and the late fee work, which charges nothing).
    expect(ran).toMatchObject({ done: 5, parked: 0, dropped: 0 });
    // 2025-03-14 begins at 23:00Z on 03-13 in Paris (UTC+1).
    expect(await collectionEvents(scenario)).toEqual([`overdue ${invoice.id} 2025-03-13T23:00:00.000Z`]);
    const overdue = await scenario.ok<{ invoices: { edges: { node: { id: string; status: string } }[] } }>('invoices', DOCUMENTS.invoices, { filter: { status: 'OVERDUE' }, minPosition: await scenario.head() });
    expect(overdue.invoices.edges.map((edge) => [edge.node.id, edge.node.status])).toEqual([[invoice.id, 'OVERDUE']]);
    const open = await scenario.ok<{ invoices: { edges: { node: { id: string } }[] } }>('invoices', DOCUMENTS.invoices, { filter: { status: 'OPEN' }, minPosition: await scenario.head() });
    expect(open.invoices.edges).toEqual([]);
  });

  it('an invoice issued while reminders are off gets no reminder work at all, even once they are switched on', async () => {
    const scenario = await tenantIn('overdue-none', 'Europe/Paris', '2025-03-03T09:00:00Z', { invoice: { sendPaymentReminders: false } });
    const invoice = await issuedInvoice(scenario, '10.00', { paymentTermsDays: 10 });
    await scenario.ok('updateInvoiceSettings', DOCUMENTS.invoiceSettings, { input: { sendPaymentReminders: true } });
    // Only the overdue mark and the late fee work (which charges nothing at 0%).
    expect(await scenario.advance('2025-03-20T00:00:00Z')).toMatchObject({ steps: 2, done: 2, parked: 0, dropped: 0 });
    expect(await collectionEvents(scenario)).toEqual([`overdue ${invoice.id} 2025-03-13T23:00:00.000Z`]);
    expect(await invoiceOf(scenario, invoice.id)).toMatchObject({ status: 'OVERDUE', paymentReminders: [] });
  });
});

describe('the late-fee work, dispatched by hand as the scheduler would', () => {
  /** The late-fee work of `invoiceId` as its projection states it (due at the instant it became overdue). */
  function lateFeeWork(tenantId: string, invoiceId: string, dueDate: string, dueAt: string): DueWork {
    const workKey = `invoice:${invoiceId}:late_fee`;
    return { source: 'invoice_due_work', tenantId, workKey, kind: invoiceWorkKinds.lateFee, dueAt, payload: { invoiceId, dueDate, daysBeforeDue: null }, attempts: 1, updatedPosition: '0', lane: `invoice:${invoiceId}` };
  }

  const statusOf = (outcome: DueWorkOutcome): string => (typeof outcome === 'string' ? outcome : outcome.status);

  it('a second dispatch (a crash, a second scheduler) charges nothing more', async () => {
    const scenario = await tenantIn('overdue-again', 'UTC', '2025-03-03T09:00:00Z', { payment: { lateFeePercentage: '2' } });
    const invoice = await issuedInvoice(scenario, '33.33', { paymentTermsDays: 10 });
    await scenario.advance('2025-03-14T00:00:00Z');
    const feeId = lateFeeInvoiceIdOf(scenario.tenantId, invoice.id);
    expect(await issuedInvoiceIds(scenario)).toEqual([invoice.id, feeId]);
    // 2% of 33.33 is 0.6666: 0.67 half-up.
    expect((await invoiceOf(scenario, feeId)).total).toEqual({ amount: '0.67', currency: 'USD' });
    const before = (await ledger.tenantEvents(scenario.tenantId)).length;
    const item = lateFeeWork(scenario.tenantId, invoice.id, invoice.dueDate, '2025-03-14T00:00:00.000Z');
    expect(statusOf(await runLateFeeWork(ledger.services, item, dueWorkContext(item, '2025-03-14T00:00:00.000Z')))).toBe('done');
    expect(await ledger.tenantEvents(scenario.tenantId)).toHaveLength(before);
  });

  it('reads the percentage and the invoice when it runs: nothing on an invoice written off by then', async () => {
    const scenario = await tenantIn('overdue-written-off', 'UTC', '2025-03-03T09:00:00Z');
    const invoice = await issuedInvoice(scenario, '100.00', { paymentTermsDays: 10 });
    // Overdue without a fee (0%); then a fee is set, and the invoice written off.
    await scenario.advance('2025-03-14T00:00:00Z');
    expect((await invoiceOf(scenario, invoice.id)).status).toBe('OVERDUE');
    await scenario.ok('updatePaymentSettings', DOCUMENTS.paymentSettings, { input: { lateFeePercentage: '1.5' } });
    await scenario.ok('writeOffInvoice', DOCUMENTS.writeOff, { input: { invoiceId: invoice.id, reason: 'customer went bankrupt' } });
    const item = lateFeeWork(scenario.tenantId, invoice.id, invoice.dueDate, '2025-03-14T00:00:00.000Z');
    expect(statusOf(await runLateFeeWork(ledger.services, item, dueWorkContext(item, '2025-03-15T00:00:00.000Z')))).toBe('done');
    expect(await issuedInvoiceIds(scenario)).toEqual([invoice.id]);
    // Written off, it owes nothing: no further work falls due on it.
    expect(await scenario.advance('2025-06-01T00:00:00Z')).toMatchObject({ steps: 0 });
    expect((await invoiceOf(scenario, invoice.id)).status).toBe('WRITTEN_OFF');
  });
});
