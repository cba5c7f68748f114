import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { creditApplicationTypes, creditReasons, creditTypes } from './credit-note.commands.js';
import { eventFields } from '../common/event-fields.js';

const { decimal, instant, currencyCode, identifier } = eventFields;

/**
 * Credit note events are contracts (docs/architecture.md, Conventions 4): stored names never change, amounts are
 * decimal strings fixed to the currency's minor unit, instants ISO-8601. Every event is at schema version 1. Each event
 * carries the figures a reader needs (the general ledger posts from them alone), so no reader has to replay the stream
 * to post one event.
 */


export const creditNoteLineSchema = z.object({
  lineId: identifier,
  description: z.string().min(1),
  quantity: decimal,
  unitPrice: decimal,
  /** Percentage, e.g. "20"; null when the line carries no tax. */
  taxRate: decimal.nullable(),
  /** Net amount: quantity x unit price, rounded half-up to the minor unit. */
  amount: decimal,
  /** Tax on the net amount, rounded half-up to the minor unit, per line. */
  taxAmount: decimal,
});

export type CreditNoteLine = z.infer<typeof creditNoteLineSchema>;

/** The note's tax by rate: lines with the same percentage ("20" and "20.00" are one rate) grouped together. */
export const creditNoteTaxBreakdownEntrySchema = z.object({
  /** The percentage without trailing zeros ("20.00" -> "20"). */
  rate: decimal,
  /** "20%". */
  name: z.string().min(1),
  taxableAmount: decimal,
  taxAmount: decimal,
});

export type CreditNoteTaxBreakdownEntry = z.infer<typeof creditNoteTaxBreakdownEntrySchema>;

const creditNoteFigures = {
  currency: currencyCode,
  /** Sum of the line nets. */
  subtotal: decimal,
  /** Sum of the line taxes; equals the sum of the breakdown's taxes. */
  taxTotal: decimal,
  /** subtotal + taxTotal: the credit the note grants. */
  total: decimal,
  taxBreakdown: z.array(creditNoteTaxBreakdownEntrySchema),
};

export const creditNoteDraftedSchema = defineEventSchema(
  'CreditNoteDrafted',
  1,
  z.object({
    creditNoteId: identifier,
    customerId: identifier,
    type: z.enum(creditTypes),
    reason: z.enum(creditReasons),
    lines: z.array(creditNoteLineSchema).min(1),
    ...creditNoteFigures,
    sourceInvoiceId: identifier.nullable(),
    /** What was creditable on the source invoice when the note was drafted (the total was checked against it). */
    creditableOnSource: decimal.nullable(),
    draftedAt: instant,
  }),
);

export const creditNoteIssuedSchema = defineEventSchema(
  'CreditNoteIssued',
  1,
  z.object({
    creditNoteId: identifier,
    customerId: identifier,
    number: z.string().min(1),
    ...creditNoteFigures,
    sourceInvoiceId: identifier.nullable(),
    issuedAt: instant,
  }),
);

export const creditNoteAppliedSchema = defineEventSchema(
  'CreditNoteApplied',
  1,
  z.object({
    creditNoteId: identifier,
    customerId: identifier,
    applicationId: identifier,
    applicationType: z.enum(creditApplicationTypes),
    /** The invoice credited; null for an application to the customer account or as a refund. */
    invoiceId: identifier.nullable(),
    currency: currencyCode,
    amount: decimal,
    /** Credit left on the note after this application: total less every application so far. */
    remaining: decimal,
    /** The note's status after this application. */
    status: z.enum(['partially_applied', 'applied']),
    appliedAt: instant,
  }),
);

export const creditNoteVoidedSchema = defineEventSchema(
  'CreditNoteVoided',
  1,
  z.object({
    creditNoteId: identifier,
    customerId: identifier,
    reason: z.string().min(1),
    /** A draft never granted credit; voiding an issued note takes back the whole credit it granted. */
    statusBefore: z.enum(['draft', 'issued']),
    /** The note's figures, which an issued note's void reverses. */
    ...creditNoteFigures,
    voidedAt: instant,
  }),
);

/** Every credit note event type, by its stored name. */
export const creditNoteEventSchemas = {
  CreditNoteDrafted: creditNoteDraftedSchema,
  CreditNoteIssued: creditNoteIssuedSchema,
  CreditNoteApplied: creditNoteAppliedSchema,
  CreditNoteVoided: creditNoteVoidedSchema,
} as const;

export type CreditNoteEventType = keyof typeof creditNoteEventSchemas;
export const creditNoteEventTypes = Object.keys(creditNoteEventSchemas) as CreditNoteEventType[];

export type CreditNoteDrafted = DomainEvent<'CreditNoteDrafted', z.infer<typeof creditNoteDraftedSchema.data>>;
export type CreditNoteIssued = DomainEvent<'CreditNoteIssued', z.infer<typeof creditNoteIssuedSchema.data>>;
export type CreditNoteApplied = DomainEvent<'CreditNoteApplied', z.infer<typeof creditNoteAppliedSchema.data>>;
export type CreditNoteVoided = DomainEvent<'CreditNoteVoided', z.infer<typeof creditNoteVoidedSchema.data>>;

export type CreditNoteEvent = CreditNoteDrafted | CreditNoteIssued | CreditNoteApplied | CreditNoteVoided;
