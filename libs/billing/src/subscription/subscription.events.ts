import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';

const { decimal, calendarDate, instant, currencyCode, identifier } = eventFields;

/**
 * Subscription events are contracts (docs/architecture.md, Conventions 4). Each carries what a reader needs without
 * replaying the stream: SubscriptionCreated the items with the whole terms they copied, the schedule and the first
 * period; a billing event its period, the invoice id the application creates and every charge line; a change the
 * terms before and after. Dates are the tenant's calendar dates; `...At` fields are instants (metadata.now).
 * Optional text is null, never ''.
 */

const billingCycleSchema = z.union([
  z.object({ kind: z.enum(['monthly', 'quarterly', 'semi_annual', 'annual']) }),
  z.object({ kind: z.literal('custom'), unit: z.enum(['days', 'months']), count: z.number().int().min(1) }),
]);

const planTermsSchema = z.object({
  planId: identifier,
  planVersion: z.number().int().min(1),
  productId: identifier,
  name: z.string().min(1),
  serviceType: z.enum(['broadband', 'voice', 'video', 'bundle', 'addon', 'custom']),
  cycle: billingCycleSchema,
  timing: z.enum(['in_advance', 'in_arrears']),
  currency: currencyCode,
  unitPrice: decimal,
  setupFee: decimal.nullable(),
  trialDays: z.number().int().min(0),
  taxRate: decimal.nullable(),
});

const billingPeriodSchema = z.object({ start: calendarDate, end: calendarDate });
const billingScheduleSchema = z.object({ cycle: billingCycleSchema, anchorDate: calendarDate });
const dayFractionSchema = z.object({ days: z.number().int().min(0), periodDays: z.number().int().min(1) });

export const chargeLineKinds = ['recurring', 'setup_fee', 'proration_credit', 'proration_charge'] as const;

/**
 * One line for the invoice the application creates. `quantity` and `unitPrice` are the item's (never negative);
 * `amount` is the signed figure at the currency's scale, negative for a credit: unitPrice x quantity x fraction
 * rounded once, half-up (a credit mirrors the charge for the same days). [periodStart, periodEnd) are the days the
 * line is for; `fraction` is those days over the days of the full period, or null for a whole period and a setup fee.
 */
export const chargeLineSchema = z.object({
  lineId: identifier,
  kind: z.enum(chargeLineKinds),
  itemId: identifier,
  planId: identifier,
  planVersion: z.number().int().min(1),
  description: z.string().min(1),
  quantity: decimal,
  unitPrice: decimal,
  amount: decimal,
  taxRate: decimal.nullable(),
  periodStart: calendarDate,
  periodEnd: calendarDate,
  fraction: dayFractionSchema.nullable(),
});

export type ChargeLine = z.infer<typeof chargeLineSchema>;
export type ChargeLineKind = ChargeLine['kind'];

export const subscriptionItemSchema = z.object({
  itemId: identifier,
  role: z.enum(['base', 'addon']),
  terms: planTermsSchema,
  quantity: decimal,
});

export type SubscriptionItem = z.infer<typeof subscriptionItemSchema>;

/** An item's terms and quantity, before or after a change. */
const itemConfigSchema = z.object({ terms: planTermsSchema, quantity: decimal });

export const changeDirections = ['upgrade', 'downgrade', 'unchanged'] as const;

/**
 * Version 2 added `timeZone`: the IANA zone the subscription's calendar dates are in (the tenant's when it was
 * created), so that a reader (the scheduler's due work) can turn a due date into the instant it starts without reading
 * the settings. A version 1 event, written before the zone was recorded, reads as 'UTC' (the tenants' default zone).
 */
export const subscriptionCreatedSchema = defineEventSchema(
  'SubscriptionCreated',
  2,
  z.object({
    subscriptionId: identifier,
    customerId: identifier,
    currency: currencyCode,
    timeZone: z.string().min(1).max(64).default('UTC'),
    timing: z.enum(['in_advance', 'in_arrears']),
    items: z.array(subscriptionItemSchema).min(1),
    startDate: calendarDate,
    alignment: z.enum(['anniversary', 'calendar']),
    anchorDay: z.number().int().min(1).max(31).nullable(),
    /** The base plan's trial days, copied; billing starts on startDate + trialDays. */
    trialDays: z.number().int().min(0),
    /** The first day after the trial, or null without a trial. */
    trialEnd: calendarDate.nullable(),
    schedule: billingScheduleSchema,
    /** The first billed period: partial (prorated) when billing starts off a boundary. */
    firstPeriod: billingPeriodSchema,
    createdOn: calendarDate,
    createdAt: instant,
  }),
);

export const subscriptionActivatedSchema = defineEventSchema(
  'SubscriptionActivated',
  1,
  z.object({
    subscriptionId: identifier,
    /** The day the activation was decided (the command's today). */
    activatedOn: calendarDate,
    /** True when activated before the planned start date; then startDate, trialEnd, schedule and firstPeriod moved. */
    early: z.boolean(),
    /** The day the subscription is active from: its planned start date, or the activation day when early. */
    startDate: calendarDate,
    trialEnd: calendarDate.nullable(),
    schedule: billingScheduleSchema,
    firstPeriod: billingPeriodSchema,
    activatedAt: instant,
  }),
);

export const subscriptionTrialEndedSchema = defineEventSchema(
  'SubscriptionTrialEnded',
  1,
  z.object({ subscriptionId: identifier, trialEnd: calendarDate, endedOn: calendarDate, firstPeriod: billingPeriodSchema, endedAt: instant }),
);

export const subscriptionPeriodBilledSchema = defineEventSchema(
  'SubscriptionPeriodBilled',
  1,
  z.object({
    subscriptionId: identifier,
    customerId: identifier,
    /** The invoice the application creates with `lines` (none when `lines` is empty). */
    invoiceId: identifier,
    currency: currencyCode,
    timing: z.enum(['in_advance', 'in_arrears']),
    period: billingPeriodSchema,
    /** The recurring lines of the period, the setup fees of a first invoice, then the proration lines that were pending. */
    lines: z.array(chargeLineSchema),
    total: decimal,
    billedOn: calendarDate,
    billedAt: instant,
  }),
);

export const subscriptionChangedSchema = defineEventSchema(
  'SubscriptionChanged',
  1,
  z.object({
    subscriptionId: identifier,
    itemId: identifier,
    previous: itemConfigSchema,
    terms: planTermsSchema,
    quantity: decimal,
    direction: z.enum(changeDirections),
    /** The first day the new terms are in force. */
    effectiveDate: calendarDate,
    prorationBehavior: z.enum(['create_prorations', 'always_invoice', 'none']),
    /** With create_prorations: the lines added to the next invoice (else empty). */
    pendingLines: z.array(chargeLineSchema),
    /** True when this change replaced a change that was waiting for the period end. */
    replacedPendingChange: z.boolean(),
    changedOn: calendarDate,
    changedAt: instant,
  }),
);

export const subscriptionChangeScheduledSchema = defineEventSchema(
  'SubscriptionChangeScheduled',
  1,
  z.object({
    subscriptionId: identifier,
    itemId: identifier,
    previous: itemConfigSchema,
    terms: planTermsSchema,
    quantity: decimal,
    direction: z.enum(changeDirections),
    /** The period end the change waits for. */
    effectiveDate: calendarDate,
    replacedPendingChange: z.boolean(),
    scheduledOn: calendarDate,
    scheduledAt: instant,
  }),
);

export const subscriptionPendingChangesAppliedSchema = defineEventSchema(
  'SubscriptionPendingChangesApplied',
  1,
  z.object({
    subscriptionId: identifier,
    changes: z.array(
      z.object({ itemId: identifier, previous: itemConfigSchema, terms: planTermsSchema, quantity: decimal, effectiveDate: calendarDate }),
    ),
    appliedOn: calendarDate,
    appliedAt: instant,
  }),
);

export const changeInvoiceReasons = ['change', 'cancellation', 'termination'] as const;

export const subscriptionChangeInvoicedSchema = defineEventSchema(
  'SubscriptionChangeInvoiced',
  1,
  z.object({
    subscriptionId: identifier,
    customerId: identifier,
    /** The invoice the application creates now; a negative total becomes customer credit. */
    invoiceId: identifier,
    currency: currencyCode,
    /**
     * change: the proration lines of one change (always_invoice). cancellation: the final lines of a cancellation now
     * (credit for unused time, used days not yet billed, pending lines). termination: pending lines at a scheduled end.
     */
    reason: z.enum(changeInvoiceReasons),
    lines: z.array(chargeLineSchema).min(1),
    total: decimal,
    invoicedOn: calendarDate,
    invoicedAt: instant,
  }),
);

export const subscriptionSuspendedSchema = defineEventSchema(
  'SubscriptionSuspended',
  1,
  z.object({
    subscriptionId: identifier,
    policy: z.enum(['continue_billing', 'pause_billing']),
    reason: z.string().min(1).nullable(),
    suspendedOn: calendarDate,
    /** With pause_billing, the credit for the billed days from suspendedOn (added to the next invoice). */
    pendingLines: z.array(chargeLineSchema),
    suspendedAt: instant,
  }),
);

export const subscriptionResumedSchema = defineEventSchema(
  'SubscriptionResumed',
  1,
  z.object({
    subscriptionId: identifier,
    policy: z.enum(['continue_billing', 'pause_billing']),
    suspendedOn: calendarDate,
    resumedOn: calendarDate,
    /** With pause_billing, the charge for the rest of a period billed while paused (added to the next invoice). */
    pendingLines: z.array(chargeLineSchema),
    resumedAt: instant,
  }),
);

export const subscriptionCancellationScheduledSchema = defineEventSchema(
  'SubscriptionCancellationScheduled',
  1,
  z.object({
    subscriptionId: identifier,
    /** The day the subscription terminates: nothing from this day on is billed. */
    cancelAt: calendarDate,
    requestedOn: calendarDate,
    /** Items whose pending change was dropped: it would take effect on or after cancelAt. */
    discardedPendingChanges: z.array(identifier),
    scheduledAt: instant,
  }),
);

export const subscriptionCancellationWithdrawnSchema = defineEventSchema(
  'SubscriptionCancellationWithdrawn',
  1,
  z.object({ subscriptionId: identifier, cancelAt: calendarDate, withdrawnOn: calendarDate, withdrawnAt: instant }),
);

export const terminationReasons = ['cancelled_now', 'cancelled_at_period_end'] as const;

export const subscriptionTerminatedSchema = defineEventSchema(
  'SubscriptionTerminated',
  1,
  z.object({
    subscriptionId: identifier,
    customerId: identifier,
    reason: z.enum(terminationReasons),
    /** The first day no longer served nor billed. */
    terminatedOn: calendarDate,
    /** The tenant's setting a cancellation now applied; null for a scheduled termination. */
    creditUnusedTime: z.boolean().nullable(),
    terminatedAt: instant,
  }),
);

export const serviceStatuses = ['pending', 'active', 'suspended', 'terminated'] as const;
export type ServiceStatus = (typeof serviceStatuses)[number];

/** What a provisioning system needs to switch a line on or off: the items with their product and service type. */
const serviceSchema = z.object({
  itemId: identifier,
  productId: identifier,
  planId: identifier,
  planVersion: z.number().int().min(1),
  serviceType: z.enum(['broadband', 'voice', 'video', 'bundle', 'addon', 'custom']),
  quantity: decimal,
});

/** One item as a provisioning system sees it. */
export type SubscriptionService = z.infer<typeof serviceSchema>;

const serviceEventData = z.object({
  subscriptionId: identifier,
  customerId: identifier,
  services: z.array(serviceSchema).min(1),
  status: z.enum(serviceStatuses),
  previousStatus: z.enum(serviceStatuses),
  /** The day the status holds from. */
  effectiveDate: calendarDate,
  reason: z.string().min(1).nullable(),
  occurredAt: instant,
});

export const serviceActivatedSchema = defineEventSchema('ServiceActivated', 1, serviceEventData);
export const serviceSuspendedSchema = defineEventSchema('ServiceSuspended', 1, serviceEventData);
export const serviceResumedSchema = defineEventSchema('ServiceResumed', 1, serviceEventData);
export const serviceTerminatedSchema = defineEventSchema('ServiceTerminated', 1, serviceEventData);

/** Every subscription event type, by its stored name. */
export const subscriptionEventSchemas = {
  SubscriptionCreated: subscriptionCreatedSchema,
  SubscriptionActivated: subscriptionActivatedSchema,
  SubscriptionTrialEnded: subscriptionTrialEndedSchema,
  SubscriptionPeriodBilled: subscriptionPeriodBilledSchema,
  SubscriptionChanged: subscriptionChangedSchema,
  SubscriptionChangeScheduled: subscriptionChangeScheduledSchema,
  SubscriptionPendingChangesApplied: subscriptionPendingChangesAppliedSchema,
  SubscriptionChangeInvoiced: subscriptionChangeInvoicedSchema,
  SubscriptionSuspended: subscriptionSuspendedSchema,
  SubscriptionResumed: subscriptionResumedSchema,
  SubscriptionCancellationScheduled: subscriptionCancellationScheduledSchema,
  SubscriptionCancellationWithdrawn: subscriptionCancellationWithdrawnSchema,
  SubscriptionTerminated: subscriptionTerminatedSchema,
  ServiceActivated: serviceActivatedSchema,
  ServiceSuspended: serviceSuspendedSchema,
  ServiceResumed: serviceResumedSchema,
  ServiceTerminated: serviceTerminatedSchema,
} as const;

export type SubscriptionEventType = keyof typeof subscriptionEventSchemas;
export const subscriptionEventTypes = Object.keys(subscriptionEventSchemas) as SubscriptionEventType[];

type EventOf<Type extends SubscriptionEventType> = DomainEvent<Type, z.infer<(typeof subscriptionEventSchemas)[Type]['data']>>;

export type SubscriptionCreated = EventOf<'SubscriptionCreated'>;
export type SubscriptionActivated = EventOf<'SubscriptionActivated'>;
export type SubscriptionTrialEnded = EventOf<'SubscriptionTrialEnded'>;
export type SubscriptionPeriodBilled = EventOf<'SubscriptionPeriodBilled'>;
export type SubscriptionChanged = EventOf<'SubscriptionChanged'>;
export type SubscriptionChangeScheduled = EventOf<'SubscriptionChangeScheduled'>;
export type SubscriptionPendingChangesApplied = EventOf<'SubscriptionPendingChangesApplied'>;
export type SubscriptionChangeInvoiced = EventOf<'SubscriptionChangeInvoiced'>;
export type SubscriptionSuspended = EventOf<'SubscriptionSuspended'>;
export type SubscriptionResumed = EventOf<'SubscriptionResumed'>;
export type SubscriptionCancellationScheduled = EventOf<'SubscriptionCancellationScheduled'>;
export type SubscriptionCancellationWithdrawn = EventOf<'SubscriptionCancellationWithdrawn'>;
export type SubscriptionTerminated = EventOf<'SubscriptionTerminated'>;
export type ServiceActivated = EventOf<'ServiceActivated'>;
export type ServiceSuspended = EventOf<'ServiceSuspended'>;
export type ServiceResumed = EventOf<'ServiceResumed'>;
export type ServiceTerminated = EventOf<'ServiceTerminated'>;
export type ServiceEvent = ServiceActivated | ServiceSuspended | ServiceResumed | ServiceTerminated;

export type SubscriptionEvent =
  | SubscriptionCreated
  | SubscriptionActivated
  | SubscriptionTrialEnded
  | SubscriptionPeriodBilled
  | SubscriptionChanged
  | SubscriptionChangeScheduled
  | SubscriptionPendingChangesApplied
  | SubscriptionChangeInvoiced
  | SubscriptionSuspended
  | SubscriptionResumed
  | SubscriptionCancellationScheduled
  | SubscriptionCancellationWithdrawn
  | SubscriptionTerminated
  | ServiceEvent;
