import { z } from 'zod';
import { isCalendarDate, isInstant } from '../common/calendar-date.js';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';

const { decimal, identifier } = eventFields;

/**
 * Receipt events are contracts (docs/architecture.md, Conventions 4). A receipt is immutable, so its one event holds
 * everything it shows; optional text is null when unset. Amounts are decimal strings fixed to the currency's minor
 * unit.
 */

const text = z.string().min(1);

export const receiptCompanySchema = z.object({
  name: text,
  legalName: text.nullable(),
  taxId: text.nullable(),
  registrationNumber: text.nullable(),
  addressLines: z.array(text),
  email: text.nullable(),
  phone: text.nullable(),
  website: text.nullable(),
});

export type ReceiptCompany = z.infer<typeof receiptCompanySchema>;

export const receiptIssuedSchema = defineEventSchema(
  'ReceiptIssued',
  1,
  z.object({
    receiptId: identifier,
    paymentId: identifier,
    number: text,
    issuedAt: z.string().refine(isInstant, 'must be an ISO-8601 instant'),
    issueDate: z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD'),
    payer: z.object({ customerId: identifier, name: text.nullable() }),
    amount: decimal,
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
    methodDescription: text,
    paymentReference: text.nullable(),
    invoicesPaid: z.array(z.object({ invoiceId: identifier, number: text, amount: decimal })),
    /**
     * amount - the invoices paid: what went to the customer's credit balance (docs/domain.md, "Allocation": the excess
     * is credited).
     */
    creditedAmount: decimal,
    company: receiptCompanySchema,
  }),
);

/** Every receipt event type, by its stored name. */
export const receiptEventSchemas = {
  ReceiptIssued: receiptIssuedSchema,
} as const;

export type ReceiptEventType = keyof typeof receiptEventSchemas;
export const receiptEventTypes = Object.keys(receiptEventSchemas) as ReceiptEventType[];

export type ReceiptIssued = DomainEvent<'ReceiptIssued', z.infer<typeof receiptIssuedSchema.data>>;

/** What a receipt shows: the data of its ReceiptIssued. */
export type Receipt = ReceiptIssued['data'];

export type ReceiptEvent = ReceiptIssued;
