import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { taxRoundings } from '../tax/tax-rate.js';
import { paymentMethodTypes } from '../payment/payment.method-types.js';
import { eventFields } from '../common/event-fields.js';

const { decimal, calendarDate, instant, currencyCode, identifier } = eventFields;

/**
 * Invoice events are contracts (docs/architecture.md, Conventions 4): the type names are stored forever, amounts are
 * decimal strings fixed to the currency's minor unit, dates 'YYYY-MM-DD', instants ISO-8601. The currency is checked
 * for shape only, so an event stays readable even if a currency is later withdrawn from the table.
 *
 * Versions (the schema version travels in each stored event's metadata; every later field is optional, so events
 * of every version parse with these schemas and no upcaster is needed):
 * - InvoiceDrafted and InvoiceLineAdded v2: a line whose `taxRate` is null no longer always means "untaxed": it
 *   means "no explicit rate", and when the tenant's settings calculate tax automatically its tax (and, with
 *   tax-inclusive pricing, its net) is in the InvoiceTaxCalculated event that follows in the same append. The
 *   line's own `amount` and `taxAmount` keep their v1 meaning (quantity x unit price; tax at the explicit rate).
 *   The shape is unchanged.
 * - InvoiceTaxCalculated v1 (new): the tax figures of every line after a change of the lines or of the settings.
 * - InvoiceIssued v1 gains optional `taxBreakdown`, `reportingCurrency`, `exchangeRate` and `reportingTotal`:
 *   additions that change the meaning of no existing field (subtotal is, as before, the sum of the line nets).
 * - InvoiceIssued v1 gains optional `timeZone` and `reminderScheduleDays` (the tenant's zone and reminder schedule at
 *   issue), so that the invoice's due work knows the instants its days begin without reading the settings.
 * - InvoiceBecameOverdue v1 and InvoicePaymentReminderDue v1 (new): recorded by the scheduler (docs/overdue.md).
 */


export const invoiceLineSchema = z.object({
  lineId: identifier,
  description: z.string().min(1),
  quantity: decimal,
  unitPrice: decimal,
  /** Percentage, e.g. "20" or "8.875"; null when the line is not taxed. */
  taxRate: decimal.nullable(),
  /** Net amount: quantity x unit price, rounded half-up to the currency's minor unit. */
  amount: decimal,
  /** Tax on the net amount, rounded half-up to the minor unit, per line. */
  taxAmount: decimal,
});

export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

/** One tax on one line: a tenant tax rate (`rateId`), or the line's explicit percentage (`rateId` null). */
export const lineTaxSchema = z.object({
  rateId: identifier.nullable(),
  /** The rate's name, or "20%" for an explicit rate. */
  name: z.string().min(1),
  /** Percentage as declared ("9.975"). */
  rate: decimal,
  /** "CA-QC"; null for an explicit rate. */
  jurisdiction: z.string().nullable(),
  compound: z.boolean(),
  /** Whether the tax was inside the line's price (tax-inclusive pricing or an inclusive rate). */
  inclusive: z.boolean(),
  amount: decimal,
});

export type LineTax = z.infer<typeof lineTaxSchema>;

/** The invoice's tax by rate: each rate's taxable amount (sum of the nets it applied to) and its tax. */
export const invoiceTaxBreakdownEntrySchema = z.object({
  rateId: identifier.nullable(),
  name: z.string().min(1),
  rate: decimal,
  jurisdiction: z.string().nullable(),
  compound: z.boolean(),
  inclusive: z.boolean(),
  taxableAmount: decimal,
  taxAmount: decimal,
});

export type InvoiceTaxBreakdownEntry = z.infer<typeof invoiceTaxBreakdownEntrySchema>;

/** The figures of one line as taxed: its net (less any tax included in its price), its taxes and their sum. */
export const lineTaxFiguresSchema = z.object({
  lineId: identifier,
  netAmount: decimal,
  taxAmount: decimal,
  taxes: z.array(lineTaxSchema),
});

export type LineTaxFigures = z.infer<typeof lineTaxFiguresSchema>;

/** The rate an issued invoice locked: units of `quote` (the reporting currency) per unit of `base` (the invoice's). */
export const lockedExchangeRateSchema = z.object({
  base: currencyCode,
  quote: currencyCode,
  rate: decimal,
  /** The effective instant of the recorded rate, never after the issue instant. */
  effectiveAt: instant,
  source: z.string().min(1),
  /** True when only the opposite pair was recorded and `rate` is its inverse. */
  inverted: z.boolean(),
});

export type LockedExchangeRate = z.infer<typeof lockedExchangeRateSchema>;

export const invoiceDraftedSchema = defineEventSchema(
  'InvoiceDrafted',
  2,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    currency: currencyCode,
    lines: z.array(invoiceLineSchema),
    dueDate: calendarDate.nullable(),
    paymentTermsDays: z.number().int().min(0),
    draftedAt: instant,
  }),
);

export const invoiceLineAddedSchema = defineEventSchema(
  'InvoiceLineAdded',
  2,
  z.object({ invoiceId: identifier, line: invoiceLineSchema, addedAt: instant }),
);

export const invoiceLineRemovedSchema = defineEventSchema(
  'InvoiceLineRemoved',
  1,
  z.object({ invoiceId: identifier, lineId: identifier, removedAt: instant }),
);

export const invoiceIssuedSchema = defineEventSchema(
  'InvoiceIssued',
  1,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    number: z.string().min(1),
    currency: currencyCode,
    issueDate: calendarDate,
    issuedAt: instant,
    dueDate: calendarDate,
    subtotal: decimal,
    taxTotal: decimal,
    total: decimal,
    /** The frozen tax by rate. Absent on invoices issued before tax breakdowns (derive it from the lines). */
    taxBreakdown: z.array(invoiceTaxBreakdownEntrySchema).optional(),
    /** The settings' default currency at issue. Absent on invoices issued without settings. */
    reportingCurrency: currencyCode.optional(),
    /** The locked rate to the reporting currency; null when the currencies are the same or no rate was recorded. */
    exchangeRate: lockedExchangeRateSchema.nullable().optional(),
    /** The total in the reporting currency (converted at the locked rate, half-up); null without a rate. */
    reportingTotal: decimal.nullable().optional(),
    /**
     * The tenant's IANA time zone at issue: the invoice's days (its due date, its reminder days) begin at midnight
     * there. Absent on invoices issued before it was recorded or without settings.
     */
    timeZone: z.string().min(1).optional(),
    /**
     * The settings' invoice.reminderScheduleDays at issue (days before the due date a reminder may fall due); empty
     * when invoice.sendPaymentReminders was off at issue. The switch is read again when a reminder falls due (switched
     * off since, no reminder). Absent as for timeZone.
     */
    reminderScheduleDays: z.array(z.number().int().min(1)).optional(),
  }),
);

/**
 * The tax figures of every line of a draft (or of an invoice being issued) after its lines or the settings that tax
 * them changed. Emitted only when the figures differ from those the invoice already had; lines not listed keep the
 * figures of their own event (net = amount, tax at the explicit rate).
 */
export const invoiceTaxCalculatedSchema = defineEventSchema(
  'InvoiceTaxCalculated',
  1,
  z.object({
    invoiceId: identifier,
    pricesIncludeTax: z.boolean(),
    rounding: z.enum(taxRoundings),
    /** The customer's tax exemption as it was when the figures were calculated. */
    taxExempt: z.boolean(),
    lines: z.array(lineTaxFiguresSchema),
    breakdown: z.array(invoiceTaxBreakdownEntrySchema),
    subtotal: decimal,
    taxTotal: decimal,
    total: decimal,
    calculatedAt: instant,
  }),
);

export const invoicePaymentRecordedSchema = defineEventSchema(
  'InvoicePaymentRecorded',
  1,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    paymentId: identifier,
    method: z.enum(paymentMethodTypes),
    reference: z.string().min(1),
    currency: currencyCode,
    /** What the customer paid. */
    amount: decimal,
    /** The part of `amount` that reduced this invoice's balance: min(amount, balance due). */
    appliedAmount: decimal,
    /** amount - appliedAmount: goes to the customer's credit balance, it never disappears. */
    excessAmount: decimal,
    balanceDueAfter: decimal,
    recordedAt: instant,
  }),
);

export const invoiceVoidedSchema = defineEventSchema(
  'InvoiceVoided',
  1,
  z.object({ invoiceId: identifier, reason: z.string().min(1), voidedAt: instant }),
);

/**
 * Part of a Payment (its own aggregate) applied to this invoice by the payment allocator, in the same append as the
 * payment's PaymentAllocated (which posts the ledger entry; this event posts nothing). One per payment and invoice.
 * `method`, `reference` and `paymentAmount` describe the whole payment (as recorded), so the invoice can list it
 * among its payments like a legacy InvoicePaymentRecorded; they are part of version 1 (none was stored before).
 */
export const invoicePaymentAppliedSchema = defineEventSchema(
  'InvoicePaymentApplied',
  1,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    paymentId: identifier,
    method: z.enum(paymentMethodTypes),
    reference: z.string().min(1),
    currency: currencyCode,
    /** The part of the payment applied to this invoice: it reduced the balance by this much. */
    amount: decimal,
    /** The payment's whole amount; paymentAmount - amount went to other invoices or to the customer's credit. */
    paymentAmount: decimal,
    balanceDueAfter: decimal,
    appliedAt: instant,
  }),
);

/** Where applied credit came from: an issued credit note, or the customer's credit balance (store credit). */
export const invoiceCreditSources = ['credit_note', 'customer_credit'] as const;
export type InvoiceCreditSource = (typeof invoiceCreditSources)[number];

/**
 * Credit applied to this invoice, in the same append as the CreditNoteApplied or CustomerCreditApplied that posts the
 * ledger entry (this event posts nothing). `sourceId` is the credit note id or the customer id; `applicationId` is the
 * application's id on the source, so the same application is never counted twice.
 */
export const invoiceCreditAppliedSchema = defineEventSchema(
  'InvoiceCreditApplied',
  1,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    applicationId: identifier,
    source: z.enum(invoiceCreditSources),
    sourceId: identifier,
    currency: currencyCode,
    amount: decimal,
    balanceDueAfter: decimal,
    appliedAt: instant,
  }),
);

/**
 * A refund of a payment that had been applied to this invoice reopens its balance (docs/domain.md, "Refunds"), in the
 * same append as the payment's PaymentRefunded (which posts the ledger entry; this event posts nothing).
 */
export const invoicePaymentRefundedSchema = defineEventSchema(
  'InvoicePaymentRefunded',
  1,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    paymentId: identifier,
    refundId: identifier,
    currency: currencyCode,
    amount: decimal,
    balanceDueAfter: decimal,
    refundedAt: instant,
  }),
);

/** The remaining balance written off as uncollectable: Dr bad debt, Cr accounts receivable. The balance becomes 0. */
export const invoiceWrittenOffSchema = defineEventSchema(
  'InvoiceWrittenOff',
  1,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    currency: currencyCode,
    amount: decimal,
    reason: z.string().min(1),
    writtenOffAt: instant,
  }),
);

/**
 * A credit note naming this invoice as its source was issued: it takes `amount` (the note's total) of what is still
 * creditable on the invoice (total less issued notes), atomically with the note's issue, so two notes can never
 * together credit more than the invoice. The balance does not change until the note is applied.
 */
export const invoiceCreditNoteRegisteredSchema = defineEventSchema(
  'InvoiceCreditNoteRegistered',
  1,
  z.object({
    invoiceId: identifier,
    creditNoteId: identifier,
    currency: currencyCode,
    amount: decimal,
    creditableAfter: decimal,
    registeredAt: instant,
  }),
);

/** An issued credit note on this invoice was voided: the part of it never applied is creditable again. */
export const invoiceCreditNoteReleasedSchema = defineEventSchema(
  'InvoiceCreditNoteReleased',
  1,
  z.object({
    invoiceId: identifier,
    creditNoteId: identifier,
    currency: currencyCode,
    amount: decimal,
    creditableAfter: decimal,
    releasedAt: instant,
  }),
);

/**
 * The invoice's due date passed with a balance left (open or partially paid), recorded once per invoice at the
 * start of the day after the due date in the invoice's time zone. `balanceDue` is the balance at that instant (what a
 * late fee is a percentage of). A later payment that settles the invoice makes it paid; a partial one leaves it
 * overdue.
 */
export const invoiceBecameOverdueSchema = defineEventSchema(
  'InvoiceBecameOverdue',
  1,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    dueDate: calendarDate,
    balanceDue: decimal,
    currency: currencyCode,
    becameOverdueAt: instant,
  }),
);

/**
 * A payment reminder fell due: `daysBeforeDue` days before the due date, at the start of that day in the invoice's
 * zone (`dueAt`), with a balance left. At most once per invoice and number of days; it posts nothing and has no public
 * event (the reminder e-mail is sent from it).
 */
export const invoicePaymentReminderDueSchema = defineEventSchema(
  'InvoicePaymentReminderDue',
  1,
  z.object({
    invoiceId: identifier,
    customerId: identifier,
    dueDate: calendarDate,
    daysBeforeDue: z.number().int().min(1),
    balanceDue: decimal,
    currency: currencyCode,
    dueAt: instant,
  }),
);

/** Every invoice event type, by its stored name. */
export const invoiceEventSchemas = {
  InvoiceDrafted: invoiceDraftedSchema,
  InvoiceLineAdded: invoiceLineAddedSchema,
  InvoiceLineRemoved: invoiceLineRemovedSchema,
  InvoiceTaxCalculated: invoiceTaxCalculatedSchema,
  InvoiceIssued: invoiceIssuedSchema,
  InvoicePaymentRecorded: invoicePaymentRecordedSchema,
  InvoiceVoided: invoiceVoidedSchema,
  InvoicePaymentApplied: invoicePaymentAppliedSchema,
  InvoiceCreditApplied: invoiceCreditAppliedSchema,
  InvoicePaymentRefunded: invoicePaymentRefundedSchema,
  InvoiceWrittenOff: invoiceWrittenOffSchema,
  InvoiceCreditNoteRegistered: invoiceCreditNoteRegisteredSchema,
  InvoiceCreditNoteReleased: invoiceCreditNoteReleasedSchema,
  InvoiceBecameOverdue: invoiceBecameOverdueSchema,
  InvoicePaymentReminderDue: invoicePaymentReminderDueSchema,
} as const;

export type InvoiceEventType = keyof typeof invoiceEventSchemas;
export const invoiceEventTypes = Object.keys(invoiceEventSchemas) as InvoiceEventType[];

export type InvoiceDrafted = DomainEvent<'InvoiceDrafted', z.infer<typeof invoiceDraftedSchema.data>>;
export type InvoiceLineAdded = DomainEvent<'InvoiceLineAdded', z.infer<typeof invoiceLineAddedSchema.data>>;
export type InvoiceLineRemoved = DomainEvent<'InvoiceLineRemoved', z.infer<typeof invoiceLineRemovedSchema.data>>;
export type InvoiceTaxCalculated = DomainEvent<'InvoiceTaxCalculated', z.infer<typeof invoiceTaxCalculatedSchema.data>>;
export type InvoiceIssued = DomainEvent<'InvoiceIssued', z.infer<typeof invoiceIssuedSchema.data>>;
export type InvoicePaymentRecorded = DomainEvent<
  'InvoicePaymentRecorded',
  z.infer<typeof invoicePaymentRecordedSchema.data>
>;
export type InvoiceVoided = DomainEvent<'InvoiceVoided', z.infer<typeof invoiceVoidedSchema.data>>;
export type InvoicePaymentApplied = DomainEvent<'InvoicePaymentApplied', z.infer<typeof invoicePaymentAppliedSchema.data>>;
export type InvoiceCreditApplied = DomainEvent<'InvoiceCreditApplied', z.infer<typeof invoiceCreditAppliedSchema.data>>;
export type InvoicePaymentRefunded = DomainEvent<'InvoicePaymentRefunded', z.infer<typeof invoicePaymentRefundedSchema.data>>;
export type InvoiceWrittenOff = DomainEvent<'InvoiceWrittenOff', z.infer<typeof invoiceWrittenOffSchema.data>>;
export type InvoiceCreditNoteRegistered = DomainEvent<'InvoiceCreditNoteRegistered', z.infer<typeof invoiceCreditNoteRegisteredSchema.data>>;
export type InvoiceCreditNoteReleased = DomainEvent<'InvoiceCreditNoteReleased', z.infer<typeof invoiceCreditNoteReleasedSchema.data>>;
export type InvoiceBecameOverdue = DomainEvent<'InvoiceBecameOverdue', z.infer<typeof invoiceBecameOverdueSchema.data>>;
export type InvoicePaymentReminderDue = DomainEvent<'InvoicePaymentReminderDue', z.infer<typeof invoicePaymentReminderDueSchema.data>>;

export type InvoiceEvent =
  | InvoiceDrafted
  | InvoiceLineAdded
  | InvoiceLineRemoved
  | InvoiceTaxCalculated
  | InvoiceIssued
  | InvoicePaymentRecorded
  | InvoiceVoided
  | InvoicePaymentApplied
  | InvoiceCreditApplied
  | InvoicePaymentRefunded
  | InvoiceWrittenOff
  | InvoiceCreditNoteRegistered
  | InvoiceCreditNoteReleased
  | InvoiceBecameOverdue
  | InvoicePaymentReminderDue;
