import { z } from 'zod';
import { isCalendarDate, isInstant } from '../shared/calendar-date.js';
import { defineEventSchema, type DomainEvent } from '../shared/event.js';
import { paymentMethodTypes } from './invoice.commands.js';

/**
 * Invoice events are contracts (house rule 4): the type names are stored forever, amounts are decimal strings
 * fixed to the currency's minor unit, dates 'YYYY-MM-DD', instants ISO-8601. The currency is checked for shape
 * only, so an event stays readable even if a currency is later withdrawn from the table.
 */

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string');
const calendarDate = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
const instant = z.string().refine(isInstant, 'must be an ISO-8601 instant');
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code');
const identifier = z.string().min(1);

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

export const invoiceDraftedSchema = defineEventSchema(
  'InvoiceDrafted',
  1,
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
  1,
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

/** Every invoice event type, by its stored name. */
export const invoiceEventSchemas = {
  InvoiceDrafted: invoiceDraftedSchema,
  InvoiceLineAdded: invoiceLineAddedSchema,
  InvoiceLineRemoved: invoiceLineRemovedSchema,
  InvoiceIssued: invoiceIssuedSchema,
  InvoicePaymentRecorded: invoicePaymentRecordedSchema,
  InvoiceVoided: invoiceVoidedSchema,
} as const;

export type InvoiceEventType = keyof typeof invoiceEventSchemas;
export const invoiceEventTypes = Object.keys(invoiceEventSchemas) as InvoiceEventType[];

export type InvoiceDrafted = DomainEvent<'InvoiceDrafted', z.infer<typeof invoiceDraftedSchema.data>>;
export type InvoiceLineAdded = DomainEvent<'InvoiceLineAdded', z.infer<typeof invoiceLineAddedSchema.data>>;
export type InvoiceLineRemoved = DomainEvent<'InvoiceLineRemoved', z.infer<typeof invoiceLineRemovedSchema.data>>;
export type InvoiceIssued = DomainEvent<'InvoiceIssued', z.infer<typeof invoiceIssuedSchema.data>>;
export type InvoicePaymentRecorded = DomainEvent<
  'InvoicePaymentRecorded',
  z.infer<typeof invoicePaymentRecordedSchema.data>
>;
export type InvoiceVoided = DomainEvent<'InvoiceVoided', z.infer<typeof invoiceVoidedSchema.data>>;

export type InvoiceEvent =
  | InvoiceDrafted
  | InvoiceLineAdded
  | InvoiceLineRemoved
  | InvoiceIssued
  | InvoicePaymentRecorded
  | InvoiceVoided;
