import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  calendarDateInZone,
  defaultBillingSettings,
  effectiveInvoiceStatusOf,
  invoiceDecider,
  invoiceSettingsContextOf,
  isDomainError,
  isInvoiceCollectible,
  type InvoiceCommand,
  type InvoiceEvent,
  type InvoiceState,
} from '../../libs/billing/src/index.js';
import type { DueWorkEntry } from '../../libs/scheduler/src/index.js';
import { evolveInvoiceDueWork, initialInvoiceDueWorkState, invoiceDueWorkEventTypes, invoiceDueWorkOf, invoiceWorkKinds, LATEST_DAY_START_ZONE, type InvoiceDueWorkState } from './invoice-due-work.projection.js';

/*
 * The invoices' due work (docs/overdue.md): what the fold states for an invoice after each of its events, and the
 * property that it states exactly what the invoice decider accepts, at the right instants, once each.
 */

const invoiceId = 'inv-1';
const customerId = 'cus-1';
const issuedAt = '2025-03-01T09:00:00.000Z';

/** An invoice world: the aggregate's state and the due-work fold's, both from the same events (the fold kept as JSON, as the table keeps it). */
interface World {
  readonly events: InvoiceEvent[];
  readonly invoice: InvoiceState;
  readonly dueWork: InvoiceDueWorkState;
}

const empty: World = { events: [], invoice: invoiceDecider.initialState, dueWork: initialInvoiceDueWorkState };

function decideIn(world: World, command: Omit<InvoiceCommand, 'metadata'>, now: string): World {
  const events = invoiceDecider.decide({ ...command, metadata: { now } } as InvoiceCommand, world.invoice);
  return events.reduce(
    (next, event) => ({
      events: [...next.events, event],
      invoice: invoiceDecider.evolve(next.invoice, event),
      // Only the events the projection subscribes to reach the fold.
      dueWork: invoiceDueWorkEventTypes.includes(event.type) ? (JSON.parse(JSON.stringify(evolveInvoiceDueWork(next.dueWork, event))) as InvoiceDueWorkState) : next.dueWork,
    }),
    world,
  );
}

/** An invoice of `total` USD issued at `issuedAt` with `termsDays`, its settings in `timeZone` with `schedule` (no settings at all when the zone is null). */
function issuedWorld(options: { total?: string; termsDays?: number; timeZone?: string | null; schedule?: number[]; reminders?: boolean } = {}): World {
  const { total = '100.00', termsDays = 10, timeZone = 'Pacific/Auckland', schedule = [7, 3, 1], reminders = true } = options;
  const settings =
    timeZone === null
      ? undefined
      : invoiceSettingsContextOf({
          ...defaultBillingSettings,
          tenant: { ...defaultBillingSettings.tenant, timeZone },
          invoice: { ...defaultBillingSettings.invoice, reminderScheduleDays: schedule, sendPaymentReminders: reminders },
        });
  const drafted = decideIn(
    empty,
    { type: 'CreateInvoice', data: { invoiceId, customerId, currency: 'USD', lines: [{ lineId: 'L1', description: 'Fibre', quantity: '1', unitPrice: total, taxRate: null }], paymentTermsDays: termsDays } },
    issuedAt,
  );
  const issueDate = calendarDateInZone(issuedAt, timeZone ?? 'UTC');
  return decideIn(drafted, { type: 'IssueInvoice', data: { invoiceId, number: 'INV-1', issueDate, ...(settings === undefined ? {} : { settings }) } }, issuedAt);
}

const pay = (amount: string, paymentId = 'pay-1'): Omit<InvoiceCommand, 'metadata'> => ({
  type: 'ApplyPaymentToInvoice',
  data: { invoiceId, paymentId, amount, currency: 'USD', method: 'cash', reference: `ref-${paymentId}`, paymentAmount: amount },
});
const refund = (amount: string, paymentId = 'pay-1', refundId = 'refund-1'): Omit<InvoiceCommand, 'metadata'> => ({
  type: 'RefundInvoicePayment',
  data: { invoiceId, paymentId, refundId, amount, currency: 'USD' },
});

/** The command the scheduler sends for a piece of work, at its due instant, with the invoice's day there (as the handlers do). */
function commandFor(entry: DueWorkEntry, world: World): Omit<InvoiceCommand, 'metadata'> | null {
  const today = calendarDateInZone(entry.dueAt, world.invoice.timeZone ?? 'UTC');
  if (entry.kind === invoiceWorkKinds.overdue) return { type: 'MarkInvoiceOverdue', data: { invoiceId, today } };
  if (entry.kind === invoiceWorkKinds.paymentReminder) return { type: 'MarkPaymentReminderDue', data: { invoiceId, daysBeforeDue: entry.payload.daysBeforeDue as number, today } };
  return null;
}

const work = (world: World) => invoiceDueWorkOf(world.dueWork).map((entry) => `${entry.workKey} ${entry.kind} ${entry.dueAt}`);

describe("an invoice's due work", () => {
  it('a draft states nothing; an issued invoice states its reminders and its overdue mark at the start of each day in its zone, in one lane', () => {
    const drafted = decideIn(empty, { type: 'CreateInvoice', data: { invoiceId, customerId, currency: 'USD', lines: [{ lineId: 'L1', description: 'Fibre', quantity: '1', unitPrice: '100.00', taxRate: null }] } }, issuedAt);
    expect(invoiceDueWorkOf(drafted.dueWork)).toEqual([]);
    // Issued 2025-03-01 (Auckland, UTC+13 until April 6), due 03-11.
    const issued = issuedWorld();
    expect(work(issued)).toEqual([
      'invoice:inv-1:reminder:7 invoice.payment_reminder 2025-03-03T11:00:00.000Z',
      'invoice:inv-1:reminder:3 invoice.payment_reminder 2025-03-07T11:00:00.000Z',
      'invoice:inv-1:reminder:1 invoice.payment_reminder 2025-03-09T11:00:00.000Z',
      'invoice:inv-1:overdue invoice.overdue 2025-03-11T11:00:00.000Z',
    ]);
    expect(new Set(invoiceDueWorkOf(issued.dueWork).map((entry) => entry.lane))).toEqual(new Set(['invoice:inv-1']));
    expect(invoiceDueWorkOf(issued.dueWork)[0]?.payload).toEqual({ invoiceId, dueDate: '2025-03-11', daysBeforeDue: 7 });
  });

  it.each([
    ['America/Los_Angeles', '2025-03-12T07:00:00.000Z'],
    ['Pacific/Auckland', '2025-03-11T11:00:00.000Z'],
    ['UTC', '2025-03-12T00:00:00.000Z'],
    ['Pacific/Kiritimati', '2025-03-11T10:00:00.000Z'],
  ])('in %s the overdue mark falls due at %s (the start of 2025-03-12 there)', (timeZone, instant) => {
    const world = issuedWorld({ timeZone });
    expect(invoiceDueWorkOf(world.dueWork).find((entry) => entry.kind === invoiceWorkKinds.overdue)?.dueAt).toBe(instant);
  });

  it('an invoice issued without a recorded zone becomes overdue when the next day has begun everywhere, and has no reminders', () => {
    const world = issuedWorld({ timeZone: null });
    expect(LATEST_DAY_START_ZONE).toBe('Etc/GMT+12');
    expect(work(world)).toEqual(['invoice:inv-1:overdue invoice.overdue 2025-03-12T12:00:00.000Z']);
  });

  it('states no reminder for a day on or before the issue date (due 03-04: the 3-day reminder would fall on the issue date)', () => {
    expect(work(issuedWorld({ termsDays: 3, schedule: [7, 3, 1] }))).toEqual([
      'invoice:inv-1:reminder:1 invoice.payment_reminder 2025-03-02T11:00:00.000Z',
      'invoice:inv-1:overdue invoice.overdue 2025-03-04T11:00:00.000Z',
    ]);
  });

  it('an invoice issued while reminders were switched off states its overdue mark only', () => {
    expect(work(issuedWorld({ reminders: false }))).toEqual(['invoice:inv-1:overdue invoice.overdue 2025-03-11T11:00:00.000Z']);
  });

  it('a zero-total invoice (paid at issue) states nothing', () => {
    expect(work(issuedWorld({ total: '0.00' }))).toEqual([]);
  });

  it('a reminder that fell due is withdrawn, and so is every earlier one', () => {
    const reminded = decideIn(issuedWorld(), { type: 'MarkPaymentReminderDue', data: { invoiceId, daysBeforeDue: 3, today: '2025-03-08' } }, '2025-03-07T11:00:00.000Z');
    expect(work(reminded)).toEqual([
      'invoice:inv-1:reminder:1 invoice.payment_reminder 2025-03-09T11:00:00.000Z',
      'invoice:inv-1:overdue invoice.overdue 2025-03-11T11:00:00.000Z',
    ]);
  });

  it('a partial payment changes nothing; settling the invoice withdraws everything', () => {
    const partly = decideIn(issuedWorld(), pay('40.00'), '2025-03-02T10:00:00.000Z');
    expect(work(partly)).toEqual(work(issuedWorld()));
    expect(work(decideIn(partly, pay('60.00', 'pay-2'), '2025-03-02T11:00:00.000Z'))).toEqual([]);
    expect(work(decideIn(issuedWorld(), { type: 'VoidInvoice', data: { invoiceId, reason: 'Wrong customer' } }, '2025-03-02T10:00:00.000Z'))).toEqual([]);
    expect(work(decideIn(issuedWorld(), { type: 'WriteOffInvoice', data: { invoiceId, reason: 'Bankrupt' } }, '2025-03-02T10:00:00.000Z'))).toEqual([]);
  });

  it('once overdue: the reminders and the mark are withdrawn, and the late fee is stated at the instant it became overdue', () => {
    const overdue = decideIn(issuedWorld(), { type: 'MarkInvoiceOverdue', data: { invoiceId, today: '2025-03-12' } }, '2025-03-11T11:00:00.000Z');
    expect(work(overdue)).toEqual(['invoice:inv-1:late_fee invoice.late_fee 2025-03-11T11:00:00.000Z']);
    // It never changes afterwards (paid, refunded, written off): finished work stays finished.
    const paid = decideIn(overdue, pay('100.00'), '2025-03-12T10:00:00.000Z');
    expect(work(paid)).toEqual(work(overdue));
    expect(work(decideIn(paid, refund('100.00'), '2025-03-13T10:00:00.000Z'))).toEqual(work(overdue));
  });

  it('a refund that reopens a paid invoice states only what falls due from then on: no reminder for a day it owed nothing', () => {
    const paid = decideIn(issuedWorld(), pay('100.00'), '2025-03-02T10:00:00.000Z');
    const reopened = decideIn(paid, refund('30.00'), '2025-03-08T10:00:00.000Z');
    expect(work(reopened)).toEqual([
      'invoice:inv-1:reminder:1 invoice.payment_reminder 2025-03-09T11:00:00.000Z',
      'invoice:inv-1:overdue invoice.overdue 2025-03-11T11:00:00.000Z',
    ]);
    // Reopened after the due date: overdue at once, at the instant it reopened (never dated while it was paid).
    const late = decideIn(paid, refund('30.00'), '2025-03-20T10:00:00.000Z');
    expect(work(late)).toEqual(['invoice:inv-1:overdue invoice.overdue 2025-03-20T10:00:00.000Z']);
  });
});

/** One step of a random history: something happens at `hours` after the previous step. */
type Step =
  | { readonly kind: 'tick'; readonly hours: number }
  | { readonly kind: 'pay'; readonly hours: number; readonly cents: number }
  | { readonly kind: 'refund'; readonly hours: number; readonly cents: number }
  | { readonly kind: 'credit'; readonly hours: number; readonly cents: number }
  | { readonly kind: 'write_off'; readonly hours: number }
  | { readonly kind: 'void'; readonly hours: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('tick' as const), hours: fc.integer({ min: 1, max: 96 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pay' as const), hours: fc.integer({ min: 0, max: 72 }), cents: fc.integer({ min: 1, max: 12_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), hours: fc.integer({ min: 0, max: 72 }), cents: fc.integer({ min: 1, max: 12_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('credit' as const), hours: fc.integer({ min: 0, max: 72 }), cents: fc.integer({ min: 1, max: 12_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('write_off' as const), hours: fc.integer({ min: 0, max: 72 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), hours: fc.integer({ min: 0, max: 72 }) }) },
);

const amountOf = (cents: number) => (cents / 100).toFixed(2);

/** The scheduler: every piece of overdue and reminder work due by `until`, in due order, each at its instant. */
function runDueWork(world: World, until: number): World {
  for (let step = 0; step < 50; step += 1) {
    const next = invoiceDueWorkOf(world.dueWork)
      .filter((entry) => entry.kind !== invoiceWorkKinds.lateFee && Date.parse(entry.dueAt) <= until)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.workKey.localeCompare(b.workKey))[0];
    if (next === undefined) return world;
    world = decideIn(world, commandFor(next, world) as Omit<InvoiceCommand, 'metadata'>, next.dueAt);
  }
  throw new Error('the due work did not settle within 50 pieces');
}

describe('the due work states exactly what the decider accepts (property)', () => {
  it('over random histories of payments, refunds, credit, write-offs, voids and passing time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<string | null>('Pacific/Auckland', 'America/Los_Angeles', 'UTC', 'Pacific/Kiritimati', null),
        fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(stepArbitrary, { maxLength: 25 }),
        (timeZone, schedule, termsDays, steps) => {
          let world = issuedWorld({ timeZone, schedule, termsDays });
          let time = Date.parse(issuedAt);
          let paymentCount = 0;
          for (const step of steps) {
            time += step.hours * 3_600_000;
            world = runDueWork(world, time);
            const now = new Date(time).toISOString();
            const attempt = (command: Omit<InvoiceCommand, 'metadata'>): void => {
              try {
                world = decideIn(world, command, now);
              } catch (error) {
                if (!isDomainError(error)) throw error;
              }
            };
            if (step.kind === 'pay') attempt(pay(amountOf(step.cents), `pay-${(paymentCount += 1)}`));
            if (step.kind === 'refund' && paymentCount > 0) attempt(refund(amountOf(step.cents), `pay-${paymentCount}`, `refund-${steps.indexOf(step)}-${time}`));
            if (step.kind === 'credit') attempt({ type: 'ApplyCreditToInvoice', data: { invoiceId, applicationId: `app-${time}`, source: 'customer_credit', sourceId: customerId, amount: amountOf(step.cents), currency: 'USD' } });
            if (step.kind === 'write_off') attempt({ type: 'WriteOffInvoice', data: { invoiceId, reason: 'Uncollectable' } });
            if (step.kind === 'void') attempt({ type: 'VoidInvoice', data: { invoiceId, reason: 'Wrong customer' } });
            checkInvariants(world);
          }
          world = runDueWork(world, time + 400 * 86_400_000);
          checkInvariants(world);
          checkHistory(world);
        },
      ),
      { numRuns: 400 },
    );
  });
});

function checkInvariants(world: World): void {
  const entries = invoiceDueWorkOf(world.dueWork);
  const collectible = isInvoiceCollectible(world.invoice);
  const timed = entries.filter((entry) => entry.kind !== invoiceWorkKinds.lateFee);
  // Nothing is reminded or marked on an invoice that owes nothing, or is overdue already.
  if (!collectible || world.invoice.overdue !== null) expect(timed).toEqual([]);
  // An invoice that owes and is not overdue always has its overdue mark pending.
  if (collectible && world.invoice.overdue === null) expect(timed.filter((entry) => entry.kind === invoiceWorkKinds.overdue)).toHaveLength(1);
  // The late fee: stated exactly once the invoice became overdue, at that instant.
  expect(entries.filter((entry) => entry.kind === invoiceWorkKinds.lateFee).map((entry) => entry.dueAt)).toEqual(world.invoice.overdue === null ? [] : [world.invoice.overdue.becameOverdueAt]);
  expect(new Set(entries.map((entry) => entry.lane))).toEqual(new Set(entries.length === 0 ? [] : [`invoice:${invoiceId}`]));
  expect(new Set(entries.map((entry) => entry.workKey)).size).toBe(entries.length);
  // Each piece, decided at its instant, is accepted with exactly its one event, and is then no longer stated.
  for (const entry of timed) {
    const decided = decideIn(world, commandFor(entry, world) as Omit<InvoiceCommand, 'metadata'>, entry.dueAt);
    expect(decided.events.length - world.events.length).toBe(1);
    expect(invoiceDueWorkOf(decided.dueWork).map((candidate) => candidate.workKey)).not.toContain(entry.workKey);
  }
}

/** Over the whole history: at most one overdue mark, each reminder once, before the due date and before any overdue mark. */
function checkHistory(world: World): void {
  const overdue = world.events.filter((event) => event.type === 'InvoiceBecameOverdue');
  expect(overdue.length).toBeLessThanOrEqual(1);
  const reminders = world.events.flatMap((event) => (event.type === 'InvoicePaymentReminderDue' ? [event.data] : []));
  expect(new Set(reminders.map((reminder) => reminder.daysBeforeDue)).size).toBe(reminders.length);
  for (const reminder of reminders) {
    expect(calendarDateInZone(reminder.dueAt, world.invoice.timeZone ?? 'UTC') <= reminder.dueDate).toBe(true);
    if (overdue[0] !== undefined) expect(Date.parse(reminder.dueAt)).toBeLessThan(Date.parse(overdue[0].data.becameOverdueAt));
  }
  // Overdue only ever dated after the due date, in the invoice's zone.
  for (const event of overdue) expect(calendarDateInZone(event.data.becameOverdueAt, world.invoice.timeZone ?? LATEST_DAY_START_ZONE) > event.data.dueDate).toBe(true);
  // Time ran a year past the due date: an invoice still owing then is overdue.
  if (isInvoiceCollectible(world.invoice)) expect(effectiveInvoiceStatusOf(world.invoice)).toBe('overdue');
}
