import { commandForDueWork, dueWorkKinds, type DueWorkItem, type DueWorkKind } from '../../../billing/src/index.js';
import type { DueWork, DueWorkContext, DueWorkHandlerRegistration, DueWorkHandlers } from '../../../scheduler/src/index.js';
import { periodInvoiceId, terminationInvoiceId } from '../../../../projections/subscriptions/subscription-documents.js';
import { subscriptionWorkKinds, type SubscriptionWorkPayload } from '../../../../projections/subscriptions/subscription-due-work.projection.js';
import type { ApplicationServices } from '../common/application-services.js';
import { runSubscriptionCommand, type SubscriptionOutcome } from './subscription-command.js';

/**
 * The handlers of a subscription's due work (projections/subscriptions/subscription-due-work.projection.ts), one per
 * kind, for the scheduler and for advanceTestClock alike. Each sends the aggregate's own command for the work
 * (commandForDueWork) through runSubscriptionCommand, with the scheduler's context: the command id derived from the
 * work key (so a re-dispatched or crashed piece of work acts once) and `now` the work's due instant (so the March
 * renewal is decided on March 1 however late it runs). The decision's day is the work's due date, or the latest day
 * the subscription acted on if a command of a later day got there first (the subscription's days only move forward).
 *
 * A period's bill posts its invoice (and credit note) in the same atomic append as SubscriptionPeriodBilled, under
 * the invoice id derived from (subscription, period): the period can never be invoiced twice. A refusal parks the
 * work (the decider would refuse it again) for an operator; a terminated subscription's work disappears with it.
 */
export function subscriptionDueWorkHandlers(services: ApplicationServices): DueWorkHandlers {
  const handlers: Record<string, DueWorkHandlerRegistration> = {};
  for (const kind of dueWorkKinds) {
    handlers[subscriptionWorkKinds[kind]] = { handle: (item, context) => runDueSubscriptionWork(services, kind, item, context).then(({ position }) => ({ status: 'done', position })) };
  }
  return handlers;
}

/** One piece of a subscription's due work, run as its command (exported for tests and the bench). */
export function runDueSubscriptionWork(services: ApplicationServices, kind: DueWorkKind, item: DueWork, context: DueWorkContext): Promise<SubscriptionOutcome> {
  const payload = item.payload as unknown as SubscriptionWorkPayload;
  const work: DueWorkItem = { subscriptionId: payload.subscriptionId, kind, dueDate: payload.dueDate, key: payload.key, periodStart: payload.periodStart };
  return runSubscriptionCommand(services, context.command, work.subscriptionId, (history) => {
    const { lastActedOn } = history.state;
    const today = lastActedOn !== null && lastActedOn > work.dueDate ? lastActedOn : work.dueDate;
    const invoiceId = kind === 'bill_period' ? periodInvoiceId(work.subscriptionId, work.periodStart ?? work.dueDate) : terminationInvoiceId(work.subscriptionId);
    const { metadata: _metadata, ...command } = commandForDueWork(work, { today, now: context.now, invoiceId });
    return command;
  });
}
