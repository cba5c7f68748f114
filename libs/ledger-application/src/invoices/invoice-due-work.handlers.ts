import { calendarDateInZone, lateFeeLineDescription, lateFeeOf, type BillingSettings, type InvoiceState, type LateFee } from '../../../billing/src/index.js';
import { aggregates, executeCommand, load, streams, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import { dueWorkCommandId, SCHEDULER_ACTOR, type DueWork, type DueWorkContext, type DueWorkHandlers, type DueWorkOutcome } from '../../../scheduler/src/index.js';
import { invoiceWorkKinds, type InvoiceWorkPayload } from '../../../../projections/invoices/invoice-due-work.projection.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { createInvoice } from './create-invoice.handler.js';
import { issueInvoice } from './issue-invoice.handler.js';

/**
 * The handlers of an invoice's due work (projections/invoices/invoice-due-work.projection.ts), for the scheduler and
 * advanceTestClock alike (docs/overdue.md). Each runs with the scheduler's context: the command id derived from the
 * work key, so a re-dispatched piece acts once, and `now` the work's due instant, so the invoice's day is the one the
 * work fell due on however late it runs. The day is taken in the invoice's zone (recorded at issue), or the tenant's
 * zone for an invoice that recorded none.
 *
 * - overdue: MarkInvoiceOverdue (InvoiceBecameOverdue once; nothing on an invoice settled meanwhile).
 * - payment reminder: reads the settings at run time: with reminders switched off, or the day taken out of the
 *   schedule since the invoice was issued, the work is done without a reminder; otherwise MarkPaymentReminderDue.
 * - late fee: with payment.lateFeePercentage above 0 at run time, a fee invoice (lateFeeOf) created and issued through
 *   the invoice handlers, under ids derived from the work (so from the invoice): at most one per invoice, and none on
 *   a fee invoice itself.
 *
 * A refusal parks the work (the decider would refuse it again) for an operator.
 */
export function invoiceDueWorkHandlers(services: ApplicationServices): DueWorkHandlers {
  return {
    [invoiceWorkKinds.overdue]: { handle: (item, context) => runOverdueWork(services, item, context) },
    [invoiceWorkKinds.paymentReminder]: { handle: (item, context) => runPaymentReminderWork(services, item, context) },
    [invoiceWorkKinds.lateFee]: { handle: (item, context) => runLateFeeWork(services, item, context) },
  };
}

/** The actor name every late-fee invoice is drafted under: how a fee invoice is known, so that it never draws a fee itself. */
export const LATE_FEE_ACTOR_NAME = `scheduler: ${invoiceWorkKinds.lateFee}`;

/** Marks the invoice overdue at the work's instant (exported for tests). */
export async function runOverdueWork(services: ApplicationServices, item: DueWork, context: DueWorkContext): Promise<DueWorkOutcome> {
  const { invoiceId } = payloadOf(item);
  const outcome = await executeCommand(services.store, context.command, aggregates.invoice.on(invoiceId, {
    read: () => loadBillingSettings(services, context.tenantId),
    command: (state, settings) => ({ type: 'MarkInvoiceOverdue', data: { invoiceId, today: invoiceToday(state, settings, context.now) } }),
  }));
  return done(outcome.position);
}

/** Records the payment reminder, when the settings still ask for it (exported for tests). */
export async function runPaymentReminderWork(services: ApplicationServices, item: DueWork, context: DueWorkContext): Promise<DueWorkOutcome> {
  const { invoiceId, daysBeforeDue } = payloadOf(item);
  if (daysBeforeDue === null) throw new Error(`payment reminder work ${item.workKey} names no number of days`);
  const settings = await loadBillingSettings(services, context.tenantId);
  if (!settings.invoice.sendPaymentReminders || !settings.invoice.reminderScheduleDays.includes(daysBeforeDue)) {
    services.log.debug(`invoice ${invoiceId} of tenant ${context.tenantId}: no reminder ${daysBeforeDue} day(s) before due (reminders are off, or the day left the schedule)`);
    return 'done';
  }
  const outcome = await executeCommand(services.store, context.command, aggregates.invoice.on(invoiceId, {
    command: (state) => ({ type: 'MarkPaymentReminderDue', data: { invoiceId, daysBeforeDue, today: invoiceToday(state, settings, context.now) } }),
  }));
  return done(outcome.position);
}

/** Charges the late fee of an invoice that became overdue, once (exported for tests). */
export async function runLateFeeWork(services: ApplicationServices, item: DueWork, context: DueWorkContext): Promise<DueWorkOutcome> {
  const { invoiceId } = payloadOf(item);
  const [settings, invoice] = await Promise.all([loadBillingSettings(services, context.tenantId), load(services.store, aggregates.invoice, context.tenantId, invoiceId)]);
  const fee = lateFeeOf(invoice.state, settings.payment.lateFeePercentage);
  if (fee === null || (await isLateFeeInvoice(services, context.tenantId, invoiceId))) return 'done';
  return done(await chargeLateFee(services, context.command, invoice.state, fee));
}

/**
 * The fee invoice: one line "Late fee on <number>", quantity 1, the fee as its price and an explicit tax rate of 0
 * (a fee for paying late is not a supply the tenant's sales taxes apply to), in the overdue invoice's currency, due
 * after the tenant's default terms. Created and issued like any invoice (numbered, dated in the tenant's zone, posted
 * to the ledger as invoice revenue, auto-applied credit), by two commands whose ids derive from the work's.
 */
async function chargeLateFee(services: ApplicationServices, work: CommandContext, overdue: InvoiceState, fee: LateFee): Promise<Position | undefined> {
  const ids = lateFeeCommandIds(work.commandId);
  const context = (commandId: string): CommandContext => ({ ...work, actor: SCHEDULER_ACTOR, actorName: LATE_FEE_ACTOR_NAME, commandId });
  const created = await createInvoice(services, context(ids.create), {
    customerId: overdue.customerId as string,
    currency: overdue.currency,
    lines: [{ description: lateFeeLineDescription(overdue.number as string), quantity: '1', unitPrice: fee.amount.toString(), taxRate: '0' }],
  });
  const issued = await issueInvoice(services, context(ids.issue), { invoiceId: created.state.invoiceId as string });
  return issued.position;
}

/** The command ids of a late fee's creation and issue, from the work's command id (itself derived from the invoice). */
export function lateFeeCommandIds(workCommandId: string): { create: string; issue: string } {
  return { create: uuidV5(`${workCommandId}:create-late-fee-invoice`), issue: uuidV5(`${workCommandId}:issue-late-fee-invoice`) };
}

/** The id of the late-fee invoice of `invoiceId`: the same for every run of its work, so there is at most one. */
export function lateFeeInvoiceIdOf(tenantId: string, invoiceId: string): string {
  // createInvoice names its invoice after its command id (uuidV5 of `<command id>:invoice`).
  return uuidV5(`${lateFeeCommandIds(dueWorkCommandId(tenantId, `invoice:${invoiceId}:late_fee`)).create}:invoice`);
}

/** An invoice drafted by late-fee work: its first event was recorded by the scheduler under LATE_FEE_ACTOR_NAME. */
async function isLateFeeInvoice(services: Pick<ApplicationServices, 'store'>, tenantId: string, invoiceId: string): Promise<boolean> {
  const [first] = await services.store.readStream(streams.invoice(tenantId, invoiceId), { fromRevision: 0n, maxCount: 1 });
  return first?.metadata.actor === SCHEDULER_ACTOR && first.metadata.actorName === LATE_FEE_ACTOR_NAME;
}

/** The invoice's calendar date at `now`: in its own zone (recorded at issue), else in the tenant's. */
function invoiceToday(state: InvoiceState, settings: BillingSettings, now: string): string {
  return calendarDateInZone(now, state.timeZone ?? settings.tenant.timeZone);
}

function payloadOf(item: DueWork): InvoiceWorkPayload {
  const payload = item.payload as unknown as InvoiceWorkPayload;
  if (typeof payload.invoiceId !== 'string') throw new Error(`invoice work ${item.workKey} has no invoice id`);
  return payload;
}

function done(position: Position | undefined): DueWorkOutcome {
  return position === undefined ? 'done' : { status: 'done', position };
}
