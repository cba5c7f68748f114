import type { PeriodAlignment } from '../billing-period/index.js';
import type { PlanTerms } from '../catalog/plan-terms.js';
import type { DomainCommand } from '../common/command.js';

/**
 * Every subscription command carries `today`: the tenant's calendar date ('YYYY-MM-DD' in the tenant's zone, or the
 * test clock's) when the command is decided. Every decision about dates uses it; `metadata.now` only stamps the events.
 * A subscription's days only move forward: a command whose `today` is before the latest date the subscription acted
 * on is refused (VALIDATION_FAILED), because its timeline of prices would otherwise be rewritten after it was billed.
 */
export interface SubscriptionCommandData {
  subscriptionId: string;
  today: string;
}

/** One item as the caller sends it: the terms of the plan version the application read from the catalog. */
export interface SubscriptionItemInput {
  itemId: string;
  terms: PlanTerms;
  /** A positive decimal string with at most 4 decimals ("1", "2.5"). */
  quantity: string;
}

/**
 * Creates a subscription. The start date may lie up to 366 days back (the subscription is then active at once and
 * the scheduler bills its periods one by one, in order) or up to 730 days ahead (pending until then). The base
 * item's trial days start on the start date; billing starts when the trial ends.
 */
export type CreateSubscription = DomainCommand<
  'CreateSubscription',
  SubscriptionCommandData & {
    customerId: string;
    currency: string;
    base: SubscriptionItemInput;
    /** Add-on items: the same currency, cycle and timing as the base item. Absent means none. */
    addons?: SubscriptionItemInput[] | null;
    startDate: string;
    alignment: PeriodAlignment;
    /** 1..31 for month-based cycles: the day periods start on (clamped in short months). */
    anchorDay?: number | null;
    /**
     * The IANA zone `today` and every date of the subscription are in: the tenant's zone when it subscribes. Kept for
     * the subscription's life (a later change of the tenant's zone does not move its days). Absent means 'UTC'.
     */
    timeZone?: string | null;
  }
>;

/** Activates a pending subscription: on its start date (the scheduler), or earlier (the service was delivered early). */
export type ActivateSubscription = DomainCommand<'ActivateSubscription', SubscriptionCommandData>;

/** Ends the trial on its last day + 1 (the scheduler): the first paid period starts then. */
export type EndSubscriptionTrial = DomainCommand<'EndSubscriptionTrial', SubscriptionCommandData>;

/** Bills exactly one period, the next unbilled one, into the invoice `invoiceId` that the application creates. */
export type BillSubscriptionPeriod = DomainCommand<'BillSubscriptionPeriod', SubscriptionCommandData & { periodStart: string; invoiceId: string }>;

export const changeEffectiveOptions = ['now', 'period_end', 'default'] as const;
export type ChangeEffective = (typeof changeEffectiveOptions)[number];

export const prorationBehaviors = ['create_prorations', 'always_invoice', 'none'] as const;
export type ProrationBehavior = (typeof prorationBehaviors)[number];

/**
 * Moves one item to other terms (a plan version) and/or another quantity. `effective` 'default': an upgrade (a higher
 * amount per period) takes effect now, anything else at the period end. `invoiceId` is required with always_invoice.
 */
export type ChangeSubscription = DomainCommand<
  'ChangeSubscription',
  SubscriptionCommandData & {
    itemId: string;
    newTerms?: PlanTerms | null;
    quantity?: string | null;
    effective: ChangeEffective;
    prorationBehavior: ProrationBehavior;
    invoiceId?: string | null;
  }
>;

/** Applies every pending change due by `today` (the scheduler, at the period end, before that period is billed). */
export type ApplyPendingChange = DomainCommand<'ApplyPendingChange', SubscriptionCommandData>;

export const suspensionPolicies = ['continue_billing', 'pause_billing'] as const;
export type SuspensionPolicy = (typeof suspensionPolicies)[number];

/** Suspends the service (dunning or by hand); the tenant's policy says whether billing continues or pauses. */
export type SuspendSubscription = DomainCommand<'SuspendSubscription', SubscriptionCommandData & { policy: SuspensionPolicy; reason?: string | null }>;

export type ResumeSubscription = DomainCommand<'ResumeSubscription', SubscriptionCommandData>;

export const cancellationTimings = ['now', 'period_end'] as const;
export type CancellationTiming = (typeof cancellationTimings)[number];

/**
 * Cancels now (terminates today) or at the end of the current period. `creditUnusedTime` is the tenant's setting;
 * `invoiceId` (required with 'now') receives the final lines, if any.
 */
export type CancelSubscription = DomainCommand<
  'CancelSubscription',
  SubscriptionCommandData & { at: CancellationTiming; creditUnusedTime: boolean; invoiceId?: string | null }
>;

/** Withdraws a scheduled cancellation before it takes effect. */
export type WithdrawCancellation = DomainCommand<'WithdrawCancellation', SubscriptionCommandData>;

/** Terminates a subscription whose cancellation is due (the scheduler); `invoiceId` receives proration lines still pending. */
export type TerminateSubscription = DomainCommand<'TerminateSubscription', SubscriptionCommandData & { invoiceId: string }>;

export type SubscriptionCommand =
  | CreateSubscription
  | ActivateSubscription
  | EndSubscriptionTrial
  | BillSubscriptionPeriod
  | ChangeSubscription
  | ApplyPendingChange
  | SuspendSubscription
  | ResumeSubscription
  | CancelSubscription
  | WithdrawCancellation
  | TerminateSubscription;
