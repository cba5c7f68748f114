import { addDaysToCalendarDate, requireCalendarDate } from '../common/calendar-date.js';
import { DomainError } from '../common/domain-error.js';
import { requireIntegerInRange } from '../common/validation.js';
import { billingSettingsLimits } from '../billing-settings/billing-settings.js';
import type { MarkInvoiceOverdue, MarkPaymentReminderDue } from './invoice.commands.js';
import type { InvoiceEvent } from './invoice.events.js';
import { requireExisting, type ExistingInvoice } from './invoice.guards.js';
import { invoiceBalanceOf, type InvoiceState } from './invoice.state.js';

/*
 * Time passing on an issued invoice (docs/overdue.md): its payment reminders fall due on the days before its due date
 * that the schedule names, and the day after the due date it becomes overdue. Both are recorded by the scheduler, at
 * the start of the day in the invoice's time zone, once each, and only while something is still owed: the commands
 * acknowledge work that the invoice's settlement made moot without an event, so that the scheduler's work is simply
 * done, and refuse work that is early (NOT_DUE_YET), which the scheduler never sends.
 */

/** The day an invoice due on `dueDate` becomes overdue: the day after it. */
export function overdueDateOf(dueDate: string): string {
  return addDaysToCalendarDate(dueDate, 1, 'dueDate');
}

/** The day the reminder `daysBeforeDue` days before `dueDate` falls due. */
export function paymentReminderDateOf(dueDate: string, daysBeforeDue: number): string {
  return addDaysToCalendarDate(dueDate, -daysBeforeDue, 'daysBeforeDue');
}

/** Something is still owed on an issued invoice: open or partially paid with a balance (paid, void and written off owe nothing). */
export function isInvoiceCollectible(state: InvoiceState): boolean {
  if (state.status !== 'open' && state.status !== 'partially_paid') return false;
  return invoiceBalanceOf(state).isPositive();
}

export function markInvoiceOverdue({ data, metadata }: MarkInvoiceOverdue, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireIssuedForCollection(state, data?.invoiceId, 'become overdue');
  const today = requireCalendarDate(data.today, 'today');
  // Once per invoice; and nothing is overdue on an invoice that owes nothing (paid, void, written off).
  if (invoice.overdue !== null || !isInvoiceCollectible(invoice)) return [];
  const dueDate = issuedDueDateOf(invoice);
  if (today <= dueDate) {
    throw new DomainError('NOT_DUE_YET', `Invoice ${invoice.invoiceId} is due on ${dueDate}: it becomes overdue on ${overdueDateOf(dueDate)}, not on ${today}`, {
      invoiceId: invoice.invoiceId,
      dueDate,
      today,
    });
  }
  return [
    {
      type: 'InvoiceBecameOverdue',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        dueDate,
        balanceDue: invoiceBalanceOf(invoice).toString(),
        currency: invoice.currency,
        becameOverdueAt: metadata.now,
      },
    },
  ];
}

export function markPaymentReminderDue({ data, metadata }: MarkPaymentReminderDue, state: InvoiceState): InvoiceEvent[] {
  const invoice = requireIssuedForCollection(state, data?.invoiceId, 'have payment reminders');
  const daysBeforeDue = requireIntegerInRange(data.daysBeforeDue, 'daysBeforeDue', 1, billingSettingsLimits.reminderDaysMax);
  const today = requireCalendarDate(data.today, 'today');
  // Once each, in order: this reminder, or a later one (fewer days before due), already fell due. And none on an
  // invoice that owes nothing.
  if (invoice.paymentReminders.some((reminder) => reminder.daysBeforeDue <= daysBeforeDue) || !isInvoiceCollectible(invoice)) return [];
  const dueDate = issuedDueDateOf(invoice);
  const reminderDate = paymentReminderDateOf(dueDate, daysBeforeDue);
  if (today < reminderDate) {
    throw new DomainError('NOT_DUE_YET', `The reminder ${daysBeforeDue} day(s) before invoice ${invoice.invoiceId} is due falls due on ${reminderDate}, not on ${today}`, {
      invoiceId: invoice.invoiceId,
      dueDate,
      daysBeforeDue,
      reminderDate,
      today,
    });
  }
  // A day that passed before the invoice was issued never fell due for it; after the due date the invoice is
  // overdue, and the reminder would come too late to be one.
  if (reminderDate <= (invoice.issueDate as string) || today > dueDate || invoice.overdue !== null) return [];
  return [
    {
      type: 'InvoicePaymentReminderDue',
      data: {
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        dueDate,
        daysBeforeDue,
        balanceDue: invoiceBalanceOf(invoice).toString(),
        currency: invoice.currency,
        dueAt: metadata.now,
      },
    },
  ];
}

/** NOT_FOUND for an invoice never drafted; INVOICE_NOT_OPEN for a draft, which has no due date yet. */
function requireIssuedForCollection(state: InvoiceState, invoiceId: unknown, action: string): ExistingInvoice {
  const invoice = requireExisting(state, invoiceId);
  if (invoice.status === 'draft') {
    throw new DomainError('INVOICE_NOT_OPEN', `Invoice ${invoice.invoiceId} is a draft: only an issued invoice can ${action}`, {
      invoiceId: invoice.invoiceId,
      status: invoice.status,
    });
  }
  return invoice;
}

function issuedDueDateOf(invoice: ExistingInvoice): string {
  if (invoice.dueDate === null || invoice.issueDate === null) throw new Error(`invoice invariant broken: issued invoice ${invoice.invoiceId} has no due date or issue date`);
  return invoice.dueDate;
}
