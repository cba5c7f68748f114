import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { paymentMethodTypes } from './payment.method-types.js';
import { refundMethodTypes } from './payment.commands.js';
import { eventFields } from '../common/event-fields.js';

const { decimal, instant, currencyCode, identifier } = eventFields;

/**
 * Payment events are contracts (docs/architecture.md, Conventions 4): the type names are stored forever, amounts are
 * decimal strings fixed to the currency's minor unit, instants ISO-8601. All are at schema version 1.
 */


export const invoiceAllocationSchema = z.object({ invoiceId: identifier, amount: decimal });
export type InvoiceAllocation = z.infer<typeof invoiceAllocationSchema>;

export const allocationRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('explicit'), invoices: z.array(invoiceAllocationSchema) }),
  z.object({ kind: z.literal('oldest_due_first') }),
]);
export type AllocationRequest = z.infer<typeof allocationRequestSchema>;

/**
 * A payment was recorded. `status` is the one it starts in: `succeeded` for offline methods (a PaymentSucceeded
 * follows in the same append, so whoever reacts to success reacts to one event type), `pending` for the others.
 */
export const paymentRecordedSchema = defineEventSchema(
  'PaymentRecorded',
  1,
  z.object({
    paymentId: identifier,
    customerId: identifier,
    amount: decimal,
    currency: currencyCode,
    method: z.enum(paymentMethodTypes),
    reference: z.string().min(1),
    paymentMethodId: identifier.nullable(),
    allocation: allocationRequestSchema,
    status: z.enum(['pending', 'succeeded']),
    recordedAt: instant,
    /**
     * The company bank account the money was deposited to (issue 15): the one named by the caller, else the default
     * account of the currency; null when the tenant has no bank account in that currency. Absent on payments recorded
     * before bank accounts existed: unknown, read as the currency's default account when statements are matched.
     */
    bankAccountId: identifier.nullable().optional(),
  }),
);

export const paymentProcessingStartedSchema = defineEventSchema(
  'PaymentProcessingStarted',
  1,
  z.object({ paymentId: identifier, attempt: z.number().int().min(1), startedAt: instant }),
);

export const paymentSucceededSchema = defineEventSchema(
  'PaymentSucceeded',
  1,
  z.object({
    paymentId: identifier,
    customerId: identifier,
    amount: decimal,
    currency: currencyCode,
    method: z.enum(paymentMethodTypes),
    /** The gateway's own id of the successful charge; null for offline methods or when the gateway gave none. */
    gatewayReference: z.string().min(1).nullable(),
    succeededAt: instant,
  }),
);

/**
 * The attempt numbered `attempt` (1 is the original, 2 the first retry) failed. `maxRetryAttempts` is the policy in
 * force (0 when retries are off); `nextRetryAt` is when the next retry becomes due, null when none is left.
 */
export const paymentFailedSchema = defineEventSchema(
  'PaymentFailed',
  1,
  z.object({
    paymentId: identifier,
    reason: z.string().min(1),
    attempt: z.number().int().min(1),
    maxRetryAttempts: z.number().int().min(0),
    retriesRemaining: z.number().int().min(0),
    nextRetryAt: instant.nullable(),
    failedAt: instant,
  }),
);

export const paymentRetryStartedSchema = defineEventSchema(
  'PaymentRetryStarted',
  1,
  z.object({ paymentId: identifier, attempt: z.number().int().min(2), startedAt: instant }),
);

export const paymentCancelledSchema = defineEventSchema(
  'PaymentCancelled',
  1,
  z.object({ paymentId: identifier, reason: z.string().min(1), cancelledAt: instant }),
);

/** The split of a succeeded payment: the allocations plus creditAmount equal the payment's amount exactly. */
export const paymentAllocatedSchema = defineEventSchema(
  'PaymentAllocated',
  1,
  z.object({
    paymentId: identifier,
    customerId: identifier,
    currency: currencyCode,
    allocations: z.array(invoiceAllocationSchema),
    /**
     * Goes to the customer's credit balance (docs/domain.md, "Allocation": money beyond the balance never disappears).
     */
    creditAmount: decimal,
    allocatedAt: instant,
  }),
);

/**
 * A refund of `amount`. `refundedTotal` is every refund of the payment so far, this one included; `refundable` what
 * is left. With `store_credit` the customer's credit grows instead of money going back (the process manager acts).
 */
export const paymentRefundedSchema = defineEventSchema(
  'PaymentRefunded',
  1,
  z.object({
    paymentId: identifier,
    customerId: identifier,
    refundId: identifier,
    amount: decimal,
    currency: currencyCode,
    method: z.enum(refundMethodTypes),
    reason: z.string().min(1),
    refundedTotal: decimal,
    refundable: decimal,
    /**
     * Where the refunded money had gone, decided from the allocation: first the invoices it paid, last allocated
     * first (each reopens by its part, see InvoicePaymentRefunded), then the customer credit it created (debited
     * from the customer account). `invoices` plus `fromCredit` equal `amount`.
     */
    invoices: z.array(invoiceAllocationSchema),
    fromCredit: decimal,
    status: z.enum(['partially_refunded', 'refunded']),
    refundedAt: instant,
  }),
);

/** Every payment event type, by its stored name. */
export const paymentEventSchemas = {
  PaymentRecorded: paymentRecordedSchema,
  PaymentProcessingStarted: paymentProcessingStartedSchema,
  PaymentSucceeded: paymentSucceededSchema,
  PaymentFailed: paymentFailedSchema,
  PaymentRetryStarted: paymentRetryStartedSchema,
  PaymentCancelled: paymentCancelledSchema,
  PaymentAllocated: paymentAllocatedSchema,
  PaymentRefunded: paymentRefundedSchema,
} as const;

export type PaymentEventType = keyof typeof paymentEventSchemas;
export const paymentEventTypes = Object.keys(paymentEventSchemas) as PaymentEventType[];

export type PaymentRecorded = DomainEvent<'PaymentRecorded', z.infer<typeof paymentRecordedSchema.data>>;
export type PaymentProcessingStarted = DomainEvent<'PaymentProcessingStarted', z.infer<typeof paymentProcessingStartedSchema.data>>;
export type PaymentSucceeded = DomainEvent<'PaymentSucceeded', z.infer<typeof paymentSucceededSchema.data>>;
export type PaymentFailed = DomainEvent<'PaymentFailed', z.infer<typeof paymentFailedSchema.data>>;
export type PaymentRetryStarted = DomainEvent<'PaymentRetryStarted', z.infer<typeof paymentRetryStartedSchema.data>>;
export type PaymentCancelled = DomainEvent<'PaymentCancelled', z.infer<typeof paymentCancelledSchema.data>>;
export type PaymentAllocated = DomainEvent<'PaymentAllocated', z.infer<typeof paymentAllocatedSchema.data>>;
export type PaymentRefunded = DomainEvent<'PaymentRefunded', z.infer<typeof paymentRefundedSchema.data>>;

export type PaymentEvent =
  | PaymentRecorded
  | PaymentProcessingStarted
  | PaymentSucceeded
  | PaymentFailed
  | PaymentRetryStarted
  | PaymentCancelled
  | PaymentAllocated
  | PaymentRefunded;
