import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  cancellationTimings,
  changeDirections,
  changeEffectiveOptions,
  changeInvoiceReasons,
  chargeLineKinds,
  prorationBehaviors,
  serviceStatuses,
} from '../../../../libs/billing/src/index.js';
import { BillingCycleType, BillingTiming, ServiceType } from '../catalog/catalog.types.js';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';
import { SuspensionPolicyEnum } from '../settings/settings.enums.js';

/**
 * GraphQL enums made from the domain's value lists (docs/domain.md, "Subscriptions"): the GraphQL names are the values
 * in upper case, the server keeps the domain's own, so the API can never offer a value the domain does not know.
 */
function enumOf<const Value extends string>(values: readonly Value[], name: string, description: string): Record<string, Value> {
  const enumObject = Object.fromEntries(values.map((value) => [value.toUpperCase(), value] as const)) as Record<string, Value>;
  registerEnumType(enumObject, { name, description });
  return enumObject;
}

export const SubscriptionStatusEnum = enumOf(
  ['pending', 'active', 'suspended', 'terminated'] as const,
  'SubscriptionStatus',
  'PENDING until the start date; ACTIVE (a trial too: see trialEnd); SUSPENDED; TERMINATED is final',
);
export const ServiceStatusEnum = enumOf(serviceStatuses, 'ServiceStatus', 'Whether the service is delivered, as a provisioning system sees it');
export const PeriodAlignmentEnum = enumOf(['anniversary', 'calendar'] as const, 'PeriodAlignment', 'ANNIVERSARY: periods start on the start date; CALENDAR: on the first of the month (the first one partial)');
export const ItemRoleEnum = enumOf(['base', 'addon'] as const, 'SubscriptionItemRole', 'The base item, or an add-on attached to it');
export const ChargeLineKindEnum = enumOf(chargeLineKinds, 'ChargeLineKind', 'RECURRING: a period or part of one; SETUP_FEE; PRORATION_CREDIT (negative): unused time given back; PRORATION_CHARGE: remaining time at new terms');
export const ChargeReasonEnum = enumOf(['period', ...changeInvoiceReasons] as const, 'SubscriptionChargeReason', "PERIOD: a period's bill; CHANGE: a change invoiced now; CANCELLATION: a cancellation now; TERMINATION: pending lines at a scheduled end");
export const ChangeEffectiveEnum = enumOf(changeEffectiveOptions, 'ChangeEffective', 'NOW; PERIOD_END; DEFAULT: an upgrade now, anything else at the period end');
export const ChangeTimingEnum = enumOf(['now', 'period_end'] as const, 'ChangeTiming', 'When a change takes effect');
export const ChangeDirectionEnum = enumOf(changeDirections, 'ChangeDirection', 'UPGRADE: a higher amount per period; DOWNGRADE: lower; UNCHANGED');
export const ProrationBehaviorEnum = enumOf(
  prorationBehaviors,
  'ProrationBehavior',
  'CREATE_PRORATIONS: credit and charge lines added to the next invoice; ALWAYS_INVOICE: invoiced now; NONE: the billed days stay as billed',
);
export const CancellationTimingEnum = enumOf(cancellationTimings, 'CancellationTiming', 'NOW: terminates today, with its final lines; PERIOD_END: at the end of the current period');

@ObjectType('BillingPeriod', { description: 'Days [start, end): `end` is the first day of the next period' })
export class BillingPeriodType {
  @Field(() => DateScalar) start!: string;
  @Field(() => DateScalar) end!: string;
}

@ObjectType('DayFraction', { description: 'A part of a period: `days` of its `periodDays`' })
export class DayFractionType {
  @Field(() => Int) days!: number;
  @Field(() => Int) periodDays!: number;
}

@ObjectType('ChargeLine', { description: 'One line of what a subscription charges (negative amounts are credits), as the subscription decided it' })
export class ChargeLineType {
  @Field(() => ID) lineId!: string;
  @Field(() => ChargeLineKindEnum) kind!: string;
  @Field(() => String) itemId!: string;
  @Field(() => String) planId!: string;
  @Field(() => Int) planVersion!: number;
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar, { description: "The item's price per period per unit" }) unitPrice!: string;
  @Field(() => MoneyType, { description: 'unit price x quantity x fraction, rounded once half-up; negative for a credit' }) amount!: MoneyType;
  @Field(() => DecimalScalar, { nullable: true, description: "Percent; null: the invoice's tax rules apply" }) taxRate!: string | null;
  @Field(() => DateScalar) periodStart!: string;
  @Field(() => DateScalar, { description: 'The first day after the days charged' }) periodEnd!: string;
  @Field(() => DayFractionType, { nullable: true, description: 'The share of a full period; null for a whole period or a setup fee' }) fraction!: DayFractionType | null;
}

@ObjectType('SubscriptionItem')
export class SubscriptionItemType {
  @Field(() => String) itemId!: string;
  @Field(() => ItemRoleEnum) role!: string;
  @Field(() => String) planId!: string;
  @Field(() => Int, { description: 'The plan version whose terms the item copied' }) planVersion!: number;
  @Field(() => String) planName!: string;
  @Field(() => String) productId!: string;
  @Field(() => ServiceType) serviceType!: ServiceType;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => MoneyType, { description: 'Per period per unit, as priced when the item took its terms (pricing rules applied then)' }) unitPrice!: MoneyType;
  @Field(() => MoneyType, { nullable: true }) setupFee!: MoneyType | null;
  @Field(() => DecimalScalar, { nullable: true, description: "Percent; null: the invoice's tax rules apply" }) taxRate!: string | null;
}

@ObjectType('SubscriptionPendingChange', { description: 'A change waiting for the end of the period it was asked in' })
export class SubscriptionPendingChangeType {
  @Field(() => String) itemId!: string;
  @Field(() => String) planId!: string;
  @Field(() => Int) planVersion!: number;
  @Field(() => String) planName!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => MoneyType) unitPrice!: MoneyType;
  @Field(() => DateScalar) effectiveDate!: string;
  @Field(() => DateScalar) requestedOn!: string;
}

@ObjectType('ScheduledCancellation')
export class ScheduledCancellationType {
  @Field(() => DateScalar, { description: 'The day it terminates: nothing from this day on is billed' }) cancelAt!: string;
  @Field(() => DateScalar) requestedOn!: string;
}

@ObjectType('SubscriptionSuspension')
export class SubscriptionSuspensionType {
  @Field(() => DateScalar) since!: string;
  @Field(() => SuspensionPolicyEnum) policy!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType('SubscriptionCharge', { description: 'What one charge of the subscription posted: the invoice of its charges and the credit note of its credits' })
export class SubscriptionChargeType {
  @Field(() => ID, { description: 'The invoice id the subscription named for the charge' }) chargeId!: string;
  @Field(() => Int, { description: '1, 2, 3... in the order the charges were posted' }) sequence!: number;
  @Field(() => ChargeReasonEnum) reason!: string;
  @Field(() => ID, { nullable: true, description: 'The invoice of the non-negative lines; null when every line was a credit' }) invoiceId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The credit note of the credit lines; null when there was none' }) creditNoteId!: string | null;
  @Field(() => DateScalar) periodStart!: string;
  @Field(() => DateScalar) periodEnd!: string;
  @Field(() => MoneyType, { description: 'The non-negative lines, before tax' }) charged!: MoneyType;
  @Field(() => MoneyType, { description: 'The credit lines, as a positive amount before tax' }) credited!: MoneyType;
  @Field(() => MoneyType, { description: 'charged - credited' }) total!: MoneyType;
  @Field(() => [ChargeLineType]) lines!: ChargeLineType[];
  @Field(() => DateScalar) billedOn!: string;
  @Field(() => DateTimeScalar) billedAt!: string;
}

@ObjectType('CustomerSubscription', { description: "A customer's subscription (named so because Subscription is GraphQL's root type of subscriptions)" })
export class SubscriptionType {
  @Field(() => ID) id!: string;
  @Field(() => String) customerId!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { description: "The zone its dates are in: the tenant's when it was created, kept for its life" }) timeZone!: string;
  @Field(() => SubscriptionStatusEnum) status!: string;
  @Field(() => ServiceStatusEnum) serviceStatus!: string;
  @Field(() => BillingTiming) timing!: BillingTiming;
  @Field(() => PeriodAlignmentEnum) alignment!: string;
  @Field(() => Int, { nullable: true }) anchorDay!: number | null;
  @Field(() => BillingCycleType) cycle!: BillingCycleType;
  @Field(() => DateScalar) startDate!: string;
  @Field(() => DateScalar, { nullable: true, description: 'The first day after the trial (billing starts then); null without a trial' }) trialEnd!: string | null;
  @Field(() => Boolean) trialEnded!: boolean;
  @Field(() => BillingPeriodType, {
    nullable: true,
    description: 'In advance: the last billed period (the first one before any bill); in arrears: the period running up to its bill; null once terminated',
  })
  currentPeriod!: BillingPeriodType | null;
  @Field(() => DateScalar, { nullable: true, description: 'The day the next period is billed; null when none is left' }) nextBillDate!: string | null;
  @Field(() => [SubscriptionItemType], { description: 'The base item first, then the add-ons, with the terms in force now' }) items!: SubscriptionItemType[];
  @Field(() => [SubscriptionPendingChangeType]) pendingChanges!: SubscriptionPendingChangeType[];
  @Field(() => ScheduledCancellationType, { nullable: true }) cancellation!: ScheduledCancellationType | null;
  @Field(() => SubscriptionSuspensionType, { nullable: true }) suspension!: SubscriptionSuspensionType | null;
  @Field(() => DateScalar, { nullable: true, description: 'The first day no longer served nor billed' }) terminatedOn!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: "From the read model; null in a mutation's answer" }) createdAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: "From the read model; null in a mutation's answer" }) updatedAt!: string | null;
  // `charges` is resolved by SubscriptionsResolver from the read model.
}

@ObjectType('SubscriptionPayload')
export class SubscriptionPayloadType {
  @Field(() => SubscriptionType) subscription!: SubscriptionType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
  @Field(() => ID, { nullable: true, description: 'The invoice this command issued (a change invoiced now, a cancellation now), if any' }) invoiceId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The credit note this command issued for its credit lines, if any' }) creditNoteId!: string | null;
}

export const SubscriptionConnectionType = Connection(SubscriptionType, 'CustomerSubscription');

@ObjectType('PreviewDocumentLine')
export class PreviewDocumentLineType {
  @Field(() => ID) lineId!: string;
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar) unitPrice!: string;
  @Field(() => DecimalScalar, { nullable: true }) taxRate!: string | null;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => MoneyType) taxAmount!: MoneyType;
}

@ObjectType('InvoicePreview', { description: 'The invoice a posting would issue, decided exactly as it will be and not stored' })
export class InvoicePreviewType {
  @Field(() => ID) invoiceId!: string;
  @Field(() => DateScalar, { nullable: true }) issueDate!: string | null;
  @Field(() => DateScalar, { nullable: true }) dueDate!: string | null;
  @Field(() => [PreviewDocumentLineType]) lines!: PreviewDocumentLineType[];
  @Field(() => MoneyType) subtotal!: MoneyType;
  @Field(() => MoneyType) taxTotal!: MoneyType;
  @Field(() => MoneyType) total!: MoneyType;
  @Field(() => MoneyType, { description: 'Credit applied at issue: the credit note of the same posting, then auto-applied customer credit' }) amountCredited!: MoneyType;
  @Field(() => MoneyType) balanceDue!: MoneyType;
}

@ObjectType('CreditNotePreview', { description: 'The credit note a posting would issue for its credit lines, not stored' })
export class CreditNotePreviewType {
  @Field(() => ID) creditNoteId!: string;
  @Field(() => ID, { nullable: true, description: 'The invoice that charged the credited days' }) sourceInvoiceId!: string | null;
  @Field(() => [PreviewDocumentLineType]) lines!: PreviewDocumentLineType[];
  @Field(() => MoneyType) subtotal!: MoneyType;
  @Field(() => MoneyType) taxTotal!: MoneyType;
  @Field(() => MoneyType) total!: MoneyType;
  @Field(() => MoneyType, { description: "Applied to the posting's invoice" }) appliedToInvoice!: MoneyType;
  @Field(() => MoneyType, { description: "The rest, to the customer's account as customer credit" }) toCustomerCredit!: MoneyType;
}

@ObjectType('UpcomingInvoice', { description: "A subscription's next bill, decided by the same code as the renewal, on the same inputs, without storing anything" })
export class UpcomingInvoiceType {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => BillingPeriodType) period!: BillingPeriodType;
  @Field(() => DateScalar, { description: 'The day it is billed' }) billDate!: string;
  @Field(() => DateTimeScalar, { description: "The instant the scheduler bills it: the start of billDate in the subscription's zone" }) billAt!: string;
  @Field(() => [ChargeLineType]) lines!: ChargeLineType[];
  @Field(() => MoneyType, { description: 'The signed sum of the lines, before tax' }) total!: MoneyType;
  @Field(() => InvoicePreviewType, { nullable: true }) invoice!: InvoicePreviewType | null;
  @Field(() => CreditNotePreviewType, { nullable: true }) creditNote!: CreditNotePreviewType | null;
}

@ObjectType('SubscriptionChangePreview', { description: 'What changeSubscription with this input would do now, decided and not stored' })
export class SubscriptionChangePreviewType {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => ChangeTimingEnum) effective!: string;
  @Field(() => DateScalar) effectiveDate!: string;
  @Field(() => ChangeDirectionEnum) direction!: string;
  @Field(() => [ChargeLineType], { description: 'The proration lines: waiting for the next invoice, or invoiced now' }) lines!: ChargeLineType[];
  @Field(() => Boolean) invoicedNow!: boolean;
  @Field(() => InvoicePreviewType, { nullable: true, description: 'ALWAYS_INVOICE: the invoice it would issue (its id is the preview\'s own: a change names its documents after its command)' })
  invoice!: InvoicePreviewType | null;
  @Field(() => CreditNotePreviewType, { nullable: true, description: 'ALWAYS_INVOICE: the credit note of its credit lines' }) creditNote!: CreditNotePreviewType | null;
}

@InputType('SubscriptionFilter')
export class SubscriptionFilterInput {
  @Field(() => String, { nullable: true }) customerId?: string | null;
  @Field(() => SubscriptionStatusEnum, { nullable: true }) status?: 'pending' | 'active' | 'suspended' | 'terminated' | null;
  @Field(() => String, { nullable: true, description: 'Subscriptions with an item on this plan' }) planId?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Next bill before this date; the list is then ordered by next bill date' }) nextBillBefore?: string | null;
}

@InputType('SubscriptionAddonInput')
export class SubscriptionAddonInput {
  @Field(() => String, { nullable: true, description: 'Default addon-1, addon-2... in order' }) itemId?: string | null;
  @Field(() => String) planId!: string;
  @Field(() => Int, { nullable: true, description: "Null: the plan's current version" }) planVersion?: number | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Default "1"' }) quantity?: string | null;
}

@InputType('CreateSubscriptionInput')
export class CreateSubscriptionInput {
  @Field(() => ID, { description: 'Your id for the subscription' }) subscriptionId!: string;
  @Field(() => String, { description: 'A registered customer' }) customerId!: string;
  @Field(() => String, { description: 'ISO 4217; the plan versions must have a price in it' }) currency!: string;
  @Field(() => String) planId!: string;
  @Field(() => Int, { nullable: true, description: "Null: the plan's current version" }) planVersion?: number | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Default "1"; at most 4 decimals' }) quantity?: string | null;
  @Field(() => [SubscriptionAddonInput], { nullable: true }) addons?: SubscriptionAddonInput[] | null;
  @Field(() => DateScalar, { nullable: true, description: "Default: the tenant's today; up to 366 days back, 730 ahead" }) startDate?: string | null;
  @Field(() => PeriodAlignmentEnum, { nullable: true, description: 'Default ANNIVERSARY' }) alignment?: 'anniversary' | 'calendar' | null;
  @Field(() => Int, { nullable: true, description: 'Month-based cycles: the day periods start on, 1-31 (clamped in short months)' }) anchorDay?: number | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ChangeSubscriptionInput')
export class ChangeSubscriptionInput {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => String, { nullable: true, description: 'Default: the base item' }) itemId?: string | null;
  @Field(() => String, { nullable: true, description: "A plan to move the item to; null keeps the item's terms" }) planId?: string | null;
  @Field(() => Int, { nullable: true, description: "With planId; null: the plan's current version" }) planVersion?: number | null;
  @Field(() => DecimalScalar, { nullable: true }) quantity?: string | null;
  @Field(() => ChangeEffectiveEnum, { nullable: true, description: 'Default DEFAULT' }) effective?: 'now' | 'period_end' | 'default' | null;
  @Field(() => ProrationBehaviorEnum, { nullable: true, description: 'Default CREATE_PRORATIONS' }) prorationBehavior?: 'create_prorations' | 'always_invoice' | 'none' | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('PreviewSubscriptionChangeInput')
export class PreviewSubscriptionChangeInput {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => String, { nullable: true }) itemId?: string | null;
  @Field(() => String, { nullable: true }) planId?: string | null;
  @Field(() => Int, { nullable: true }) planVersion?: number | null;
  @Field(() => DecimalScalar, { nullable: true }) quantity?: string | null;
  @Field(() => ChangeEffectiveEnum, { nullable: true }) effective?: 'now' | 'period_end' | 'default' | null;
  @Field(() => ProrationBehaviorEnum, { nullable: true }) prorationBehavior?: 'create_prorations' | 'always_invoice' | 'none' | null;
}

@InputType('CancelSubscriptionInput')
export class CancelSubscriptionInput {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => CancellationTimingEnum) at!: 'now' | 'period_end';
  @Field(() => Boolean, { nullable: true, description: "Credit the unused days of a cancellation now; default: the tenant's subscriptions setting" }) creditUnusedTime?: boolean | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('SuspendSubscriptionInput')
export class SuspendSubscriptionInput {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => SuspensionPolicyEnum, { nullable: true, description: "Default: the tenant's subscriptions setting" }) policy?: 'continue_billing' | 'pause_billing' | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('SubscriptionIdInput', { description: 'A subscription, for the mutations that need nothing else' })
export class SubscriptionIdInput {
  @Field(() => ID) subscriptionId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}
