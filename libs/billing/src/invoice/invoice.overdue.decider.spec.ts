import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { defaultBillingSettings, type BillingSettings } from '../billing-settings/index.js';
import { fold } from '../common/decider.js';
import { eventsOf } from '../money-movement.test-helper.js';
import type { InvoiceCommand, MarkInvoiceOverdue, MarkPaymentReminderDue } from './invoice.commands.js';
import { invoiceDecider } from './invoice.decider.js';
import { invoiceEventSchemas, type InvoiceEvent, type InvoiceIssued } from './invoice.events.js';
import { overdueDateOf, paymentReminderDateOf } from './invoice.overdue.js';
import { invoiceSettingsContextOf } from './invoice.settings-context.js';
import { effectiveInvoiceStatusOf } from './invoice.state.js';

/*
 * An invoice of 100.00 USD issued on 2024-03-01 with 10 days of terms: due 2024-03-11, reminders (7, 3, 1 days
 * before) on 03-04, 03-08 and 03-10, overdue from 03-12. Each command is decided at its own instant.
 */

const spec = DeciderSpecification.for(invoiceDecider);
const invoiceId = 'inv-1';
const customerId = 'cus-1';
const issuedAt = '2024-03-01T09:00:00.000Z';
const settings: BillingSettings = { ...defaultBillingSettings, tenant: { ...defaultBillingSettings.tenant, timeZone: 'Pacific/Auckland' } };

type CommandAt = readonly [Omit<InvoiceCommand, 'metadata'>, string];

const create = (total = '100.00', currency = 'USD'): CommandAt => [
  { type: 'CreateInvoice', data: { invoiceId, customerId, currency, lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: total, taxRate: null }], paymentTermsDays: 10 } },
  issuedAt,
];
const issue = (withSettings = true): CommandAt => [
  { type: 'IssueInvoice', data: { invoiceId, number: 'INV-2024-000001', issueDate: '2024-03-01', ...(withSettings ? { settings: invoiceSettingsContextOf(settings) } : {}) } },
  issuedAt,
];
const pay = (paymentId: string, amount: string, at = '2024-03-05T10:00:00.000Z'): CommandAt => [
  { type: 'ApplyPaymentToInvoice', data: { invoiceId, paymentId, amount, currency: 'USD', method: 'cash', reference: `ref-${paymentId}`, paymentAmount: amount } },
  at,
];
const refund = (paymentId: string, amount: string, at = '2024-03-20T10:00:00.000Z'): CommandAt => [
  { type: 'RefundInvoicePayment', data: { invoiceId, paymentId, refundId: `refund-${paymentId}`, amount, currency: 'USD' } },
  at,
];
const credit = (amount: string): CommandAt => [
  { type: 'ApplyCreditToInvoice', data: { invoiceId, applicationId: `credit-${amount}`, source: 'customer_credit', sourceId: customerId, amount, currency: 'USD' } },
  '2024-03-05T10:00:00.000Z',
];
const voided: CommandAt = [{ type: 'VoidInvoice', data: { invoiceId, reason: 'Issued to the wrong customer' } }, '2024-03-05T10:00:00.000Z'];
const writtenOff: CommandAt = [{ type: 'WriteOffInvoice', data: { invoiceId, reason: 'Customer went bankrupt' } }, '2024-03-05T10:00:00.000Z'];

/** The instant a day starts in Auckland in March 2024 (UTC+13). */
const dayStart = (date: string): string => `${addDays(date, -1)}T11:00:00.000Z`;
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const markOverdue = (today: string, now = dayStart(today)): MarkInvoiceOverdue => ({ type: 'MarkInvoiceOverdue', data: { invoiceId, today }, metadata: { now } });
const remind = (daysBeforeDue: number, today: string, now = dayStart(today)): MarkPaymentReminderDue => ({
  type: 'MarkPaymentReminderDue',
  data: { invoiceId, daysBeforeDue, today },
  metadata: { now },
});
const overdueAt = (today: CommandAt | string) => (typeof today === 'string' ? ([{ type: 'MarkInvoiceOverdue', data: { invoiceId, today } }, dayStart(today)] as const) : today);

/** The events of these commands, each decided at its instant on the state the ones before left. */
function history(...commands: readonly CommandAt[]): InvoiceEvent[] {
  const events: InvoiceEvent[] = [];
  for (const [command, now] of commands) events.push(...eventsOf(invoiceDecider, [{ ...command, metadata: { now } } as InvoiceCommand], events));
  return events;
}

const issued = history(create(), issue());
const becameOverdue = (balanceDue: string, today = '2024-03-12'): InvoiceEvent => ({
  type: 'InvoiceBecameOverdue',
  data: { invoiceId, customerId, dueDate: '2024-03-11', balanceDue, currency: 'USD', becameOverdueAt: dayStart(today) },
});
const reminderDue = (daysBeforeDue: number, balanceDue = '100.00'): InvoiceEvent => ({
  type: 'InvoicePaymentReminderDue',
  data: { invoiceId, customerId, dueDate: '2024-03-11', daysBeforeDue, balanceDue, currency: 'USD', dueAt: dayStart(paymentReminderDateOf('2024-03-11', daysBeforeDue)) },
});

describe('an issued invoice records its time zone and reminder schedule', () => {
  it('copies the settings\' zone and schedule (largest first) into InvoiceIssued, and the state keeps them', () => {
    const scheduled: BillingSettings = { ...settings, invoice: { ...settings.invoice, reminderScheduleDays: [1, 14, 3] } };
    const events = eventsOf(invoiceDecider, [
      { ...create()[0], metadata: { now: issuedAt } } as InvoiceCommand,
      { type: 'IssueInvoice', data: { invoiceId, number: 'INV-1', issueDate: '2024-03-01', settings: invoiceSettingsContextOf(scheduled) }, metadata: { now: issuedAt } },
    ]);
    const issue = events.find((event): event is InvoiceIssued => event.type === 'InvoiceIssued');
    expect(issue?.data).toMatchObject({ timeZone: 'Pacific/Auckland', reminderScheduleDays: [14, 3, 1] });
    expect(fold(invoiceDecider, events)).toMatchObject({ timeZone: 'Pacific/Auckland', reminderScheduleDays: [14, 3, 1], overdue: null, paymentReminders: [] });
  });

  it('records an empty schedule when reminders are switched off at issue (no reminder work is ever stated for it)', () => {
    const off: BillingSettings = { ...settings, invoice: { ...settings.invoice, sendPaymentReminders: false, reminderScheduleDays: [7, 3] } };
    const events = eventsOf(invoiceDecider, [
      { ...create()[0], metadata: { now: issuedAt } } as InvoiceCommand,
      { type: 'IssueInvoice', data: { invoiceId, number: 'INV-1', issueDate: '2024-03-01', settings: invoiceSettingsContextOf(off) }, metadata: { now: issuedAt } },
    ]);
    const issue = events.find((event): event is InvoiceIssued => event.type === 'InvoiceIssued');
    expect(issue?.data).toMatchObject({ timeZone: 'Pacific/Auckland', reminderScheduleDays: [] });
    expect(fold(invoiceDecider, events)).toMatchObject({ reminderScheduleDays: [] });
  });

  it('records neither without settings (an invoice issued as before settings existed)', () => {
    const events = history(create(), issue(false));
    const issue_ = events.find((event): event is InvoiceIssued => event.type === 'InvoiceIssued');
    expect(issue_?.data).not.toHaveProperty('timeZone');
    expect(issue_?.data).not.toHaveProperty('reminderScheduleDays');
    expect(fold(invoiceDecider, events)).toMatchObject({ timeZone: null, reminderScheduleDays: null });
  });

  it.each([
    ['an unknown zone', { timeZone: 'Mars/Olympus_Mons' }, 'settings.timeZone'],
    ['a reminder 0 days before due', { reminderScheduleDays: [7, 0] }, 'settings.reminderScheduleDays[1]'],
    ['a reminder a year and a day before due', { reminderScheduleDays: [366] }, 'settings.reminderScheduleDays[0]'],
  ])('refuses settings with %s (VALIDATION_FAILED naming the field), recording nothing', (_case, override, field) => {
    const drafted = history(create());
    const command: InvoiceCommand = {
      type: 'IssueInvoice',
      data: { invoiceId, number: 'INV-1', issueDate: '2024-03-01', settings: { ...invoiceSettingsContextOf(settings), ...override } },
      metadata: { now: issuedAt },
    };
    spec.given(drafted).when(command).thenThrows('VALIDATION_FAILED', new RegExp(field.replace(/[[\]]/g, '\\$&')));
  });
});

describe('MarkInvoiceOverdue', () => {
  it('records InvoiceBecameOverdue with the balance left, on the day after the due date', () => {
    spec.given(issued).when(markOverdue('2024-03-12')).then([becameOverdue('100.00')]);
  });

  it('a partially paid invoice becomes overdue with what is left of its balance', () => {
    spec.given(history(create(), issue(), pay('pay-1', '40.00'))).when(markOverdue('2024-03-12')).then([becameOverdue('60.00')]);
  });

  it('may be recorded late (the scheduler catching up): the command\'s day and instant are what it records', () => {
    spec.given(issued).when(markOverdue('2024-04-30')).then([becameOverdue('100.00', '2024-04-30')]);
  });

  it.each([
    ['on the due date', '2024-03-11'],
    ['before the due date', '2024-03-05'],
  ])('is refused %s (NOT_DUE_YET), recording nothing', (_case, today) => {
    spec.given(issued).when(markOverdue(today)).thenThrows('NOT_DUE_YET', /due on 2024-03-11: it becomes overdue on 2024-03-12/);
  });

  it.each<[string, readonly CommandAt[]]>([
    ['already overdue (once per invoice)', [overdueAt('2024-03-12')]],
    ['paid in full', [pay('pay-1', '100.00')]],
    ['credited to zero', [credit('100.00')]],
    ['void', [voided]],
    ['written off', [writtenOff]],
    ['paid, after becoming overdue', [overdueAt('2024-03-12'), pay('pay-1', '100.00', '2024-03-13T10:00:00.000Z')]],
  ])('acknowledges an invoice %s without an event', (_case, after) => {
    spec.given(history(create(), issue(), ...after)).when(markOverdue('2024-03-15')).thenNothing();
  });

  it('acknowledges a zero-total invoice (paid at issue) without an event', () => {
    spec.given(history(create('0.00'), issue())).when(markOverdue('2024-03-12')).thenNothing();
  });

  it('refuses a draft (INVOICE_NOT_OPEN) and an invoice never drafted (NOT_FOUND)', () => {
    spec.given(history(create())).when(markOverdue('2024-03-12')).thenThrows('INVOICE_NOT_OPEN', /draft/);
    spec.given([]).when(markOverdue('2024-03-12')).thenThrows('NOT_FOUND');
  });

  it.each([['2024-3-12'], [''], [null]])('refuses a malformed day %p (VALIDATION_FAILED on today)', (today) => {
    spec.given(issued).when({ type: 'MarkInvoiceOverdue', data: { invoiceId, today: today as string }, metadata: { now: dayStart('2024-03-12') } }).thenThrows('VALIDATION_FAILED', /today/);
  });

  it('the event matches its contract', () => {
    const [event] = invoiceDecider.decide(markOverdue('2024-03-12'), fold(invoiceDecider, issued));
    expect(invoiceEventSchemas.InvoiceBecameOverdue.data.parse(event?.data)).toEqual(event?.data);
  });
});

describe('the status an overdue invoice shows', () => {
  const statusAfter = (...commands: readonly CommandAt[]) => {
    const state = fold(invoiceDecider, history(create(), issue(), ...commands));
    return [state.status, effectiveInvoiceStatusOf(state)];
  };

  it.each<[string, readonly CommandAt[], string[]]>([
    ['issued, not yet overdue', [], ['open', 'open']],
    ['overdue', [overdueAt('2024-03-12')], ['open', 'overdue']],
    ['overdue, then partly paid: still overdue', [overdueAt('2024-03-12'), pay('pay-1', '30.00', '2024-03-13T10:00:00.000Z')], ['partially_paid', 'overdue']],
    ['overdue, then paid in full: paid', [overdueAt('2024-03-12'), pay('pay-1', '100.00', '2024-03-13T10:00:00.000Z')], ['paid', 'paid']],
    ['overdue, paid, then the payment refunded: overdue again', [overdueAt('2024-03-12'), pay('pay-1', '100.00', '2024-03-13T10:00:00.000Z'), refund('pay-1', '100.00')], ['open', 'overdue']],
    ['overdue, then written off', [overdueAt('2024-03-12'), writtenOff], ['written_off', 'written_off']],
    ['overdue, then voided', [overdueAt('2024-03-12'), voided], ['void', 'void']],
  ])('%s', (_case, commands, expected) => {
    expect(statusAfter(...commands)).toEqual(expected);
  });

  it('an overdue invoice still takes payments and credit like an open one', () => {
    const overdue = history(create(), issue(), overdueAt('2024-03-12'));
    expect(() => eventsOf(invoiceDecider, [{ ...pay('pay-1', '10.00')[0], metadata: { now: '2024-03-13T10:00:00.000Z' } } as InvoiceCommand], overdue)).not.toThrow();
    expect(() => eventsOf(invoiceDecider, [{ ...credit('10.00')[0], metadata: { now: '2024-03-13T10:00:00.000Z' } } as InvoiceCommand], overdue)).not.toThrow();
  });
});

describe('MarkPaymentReminderDue', () => {
  it.each([
    [7, '2024-03-04'],
    [3, '2024-03-08'],
    [1, '2024-03-10'],
  ])('records the reminder %i day(s) before due on %s', (days, today) => {
    expect(paymentReminderDateOf('2024-03-11', days)).toBe(today);
    spec.given(issued).when(remind(days, today)).then([reminderDue(days)]);
  });

  it('carries the balance left after a partial payment', () => {
    spec.given(history(create(), issue(), pay('pay-1', '40.00'))).when(remind(3, '2024-03-08')).then([reminderDue(3, '60.00')]);
  });

  it('is refused before its day (NOT_DUE_YET), recording nothing', () => {
    spec.given(issued).when(remind(7, '2024-03-03')).thenThrows('NOT_DUE_YET', /falls due on 2024-03-04, not on 2024-03-03/);
  });

  const reminded = (days: number): CommandAt => [{ type: 'MarkPaymentReminderDue', data: { invoiceId, daysBeforeDue: days, today: paymentReminderDateOf('2024-03-11', days) } }, dayStart(paymentReminderDateOf('2024-03-11', days))];

  it.each<[string, readonly CommandAt[], number, string]>([
    ['the same reminder again (once each)', [reminded(3)], 3, '2024-03-08'],
    ['an earlier reminder after a later one fell due', [reminded(3)], 7, '2024-03-08'],
    ['a paid invoice', [pay('pay-1', '100.00')], 3, '2024-03-08'],
    ['a void invoice', [voided], 3, '2024-03-08'],
    ['a written-off invoice', [writtenOff], 3, '2024-03-08'],
    ['a day on the issue date (the invoice itself was just sent)', [], 10, '2024-03-01'],
    ['a day before the invoice was issued', [], 20, '2024-03-05'],
    ['a reminder whose due date has passed', [], 1, '2024-03-12'],
    ['an overdue invoice', [overdueAt('2024-03-12')], 1, '2024-03-12'],
  ])('acknowledges %s without an event', (_case, after, days, today) => {
    spec.given(history(create(), issue(), ...after)).when(remind(days, today)).thenNothing();
  });

  it.each([[0], [366], [1.5], ['3']])('refuses %p days before due (VALIDATION_FAILED on daysBeforeDue)', (days) => {
    spec.given(issued).when(remind(days as number, '2024-03-08')).thenThrows('VALIDATION_FAILED', /daysBeforeDue/);
  });

  it('refuses a draft (INVOICE_NOT_OPEN)', () => {
    spec.given(history(create())).when(remind(3, '2024-03-08')).thenThrows('INVOICE_NOT_OPEN', /draft/);
  });

  it('the state lists the reminders in order, and the event matches its contract', () => {
    const events = history(create(), issue(), reminded(7), reminded(3), reminded(1));
    expect(fold(invoiceDecider, events).paymentReminders).toEqual([7, 3, 1].map((days) => ({ daysBeforeDue: days, dueAt: dayStart(paymentReminderDateOf('2024-03-11', days)) })));
    for (const event of events.filter((candidate) => candidate.type === 'InvoicePaymentReminderDue')) {
      expect(invoiceEventSchemas.InvoicePaymentReminderDue.data.parse(event.data)).toEqual(event.data);
    }
  });
});

describe('the days', () => {
  it.each([
    ['2024-02-28', '2024-02-29'],
    ['2024-02-29', '2024-03-01'],
    ['2024-12-31', '2025-01-01'],
  ])('an invoice due on %s becomes overdue on %s', (dueDate, overdueDate) => {
    expect(overdueDateOf(dueDate)).toBe(overdueDate);
  });
});
