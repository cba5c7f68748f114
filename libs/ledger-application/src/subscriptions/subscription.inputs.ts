import type { CancellationTiming, ChangeEffective, PeriodAlignment, ProrationBehavior, SuspensionPolicy } from '../../../billing/src/index.js';

/**
 * What the subscription commands take: plain data, structurally what the GraphQL inputs carry. Plans are named by id
 * and version (null: the plan's current version); the handler reads the catalog and the tenant's settings and puts
 * the terms, the tenant's date and the tenant's policies into the command.
 */

export interface SubscriptionItemCommandInput {
  /** The item's id within the subscription; add-ons default to `addon-1`, `addon-2`... in order. */
  readonly itemId?: string | null;
  readonly planId: string;
  readonly planVersion?: number | null;
  /** A positive decimal string, at most 4 decimals; default "1". */
  readonly quantity?: string | null;
}

export interface CreateSubscriptionCommandInput {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly planId: string;
  readonly planVersion?: number | null;
  readonly quantity?: string | null;
  readonly addons?: readonly SubscriptionItemCommandInput[] | null;
  /** The first day of service ('YYYY-MM-DD' in the tenant's zone); default: the tenant's today. */
  readonly startDate?: string | null;
  /** Default 'anniversary'. */
  readonly alignment?: PeriodAlignment | null;
  readonly anchorDay?: number | null;
}

export interface SubscriptionIdCommandInput {
  readonly subscriptionId: string;
}

export interface ChangeSubscriptionCommandInput extends SubscriptionIdCommandInput {
  /** The item to change; default the base item, `base`. */
  readonly itemId?: string | null;
  /** A plan to move the item to (with `planVersion`, null for its current version); null keeps the item's terms. */
  readonly planId?: string | null;
  readonly planVersion?: number | null;
  readonly quantity?: string | null;
  /** Default 'default': an upgrade now, anything else at the period end. */
  readonly effective?: ChangeEffective | null;
  /** Default 'create_prorations'. */
  readonly prorationBehavior?: ProrationBehavior | null;
}

export interface CancelSubscriptionCommandInput extends SubscriptionIdCommandInput {
  readonly at: CancellationTiming;
  /** Whether a cancellation now credits the unused days; default: the tenant's setting (subscriptions.creditUnusedTimeOnCancel). */
  readonly creditUnusedTime?: boolean | null;
}

export interface SuspendSubscriptionCommandInput extends SubscriptionIdCommandInput {
  readonly reason?: string | null;
  /** Default: the tenant's setting (subscriptions.suspensionPolicy). */
  readonly policy?: SuspensionPolicy | null;
}
