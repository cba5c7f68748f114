import type { DueWorkProjection } from '../libs/scheduler/src/index.js';
import { subscriptionDueWorkProjection } from './subscriptions/subscription-due-work.projection.js';
import { invoiceDueWorkProjection } from './invoices/invoice-due-work.projection.js';
import { emailDueWorkProjection } from './email-deliveries/email-due-work.projection.js';
import { webhookRetryDueWorkProjection } from './webhook-deliveries/webhook-retry-due-work.projection.js';

/**
 * Every due-work projection of the ledger (libs/scheduler/README.md, "Due work"): each maps the events of one feature
 * to rows "this has to happen at that instant" that the scheduler runs. They are read models like the others, listed
 * here at module level so that the API, the projector and the rebuild worker (projections/rebuild-worker.ts, which
 * finds a projection by its name) all run the same set: `allProjections` includes them, and the handlers that run
 * their work are in libs/ledger-application/src/scheduled-work.ts.
 *
 * Subscriptions (renewals, trial ends, pending changes, activations, scheduled terminations) are the first feature
 * to state due work.
 */
export const dueWorkSources: readonly DueWorkProjection[] = [subscriptionDueWorkProjection, invoiceDueWorkProjection, emailDueWorkProjection, webhookRetryDueWorkProjection];
