import { dueWorkSources } from '../../../projections/due-work-sources.js';
import type { ApplicationServices } from './common/application-services.js';
import type { ScheduledWork } from './common/scheduled-work.js';
import { subscriptionDueWorkHandlers } from './subscriptions/subscription-due-work.handlers.js';
import { invoiceDueWorkHandlers } from './invoices/invoice-due-work.handlers.js';
import { emailDueWorkHandlers } from './email/email-due-work.handlers.js';
import { webhookRetryHandlers } from './webhooks/webhook-retry.handlers.js';
import { webhookServicesOf } from './webhooks/webhook-services.js';

/**
 * The ledger's scheduled work, ONE list for every process that runs it: the SchedulerRunner beside the ProjectionRunner
 * (the API with PROJECTIONS=on, the projector) and advanceTestClock (runDueWork). `sources` are the due-work
 * projections of projections/due-work-sources.ts (module level, so the rebuild worker finds them by name);
 * `handlers` run each kind of work with the command context the scheduler gives them (the work's due instant as
 * `now`, a command id derived from the work). A feature adds its projection there and its handlers here.
 */
export function scheduledWork(services: ApplicationServices): ScheduledWork {
  return { sources: dueWorkSources, handlers: { ...subscriptionDueWorkHandlers(services), ...invoiceDueWorkHandlers(services), ...emailDueWorkHandlers(services), ...webhookRetryHandlers(webhookServicesOf(services)) } };
}
