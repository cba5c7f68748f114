import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { customerCreditSources } from './customer-account.commands.js';
import { eventFields } from '../common/event-fields.js';

const { decimal, instant, currencyCode, identifier } = eventFields;

/**
 * Customer account events are contracts (docs/architecture.md, Conventions 4), all at schema version 1. The stream is
 * one per customer and holds the customer's credit balance per currency, a liability of the business: credit the
 * customer may spend on invoices. Amounts are decimal strings fixed to the currency's minor unit; `balanceAfter` is the
 * balance in that currency once the event is applied, so a reader never has to add up the stream.
 */


export const customerAccountCreditedSchema = defineEventSchema(
  'CustomerAccountCredited',
  1,
  z.object({
    customerId: identifier,
    entryId: identifier,
    amount: decimal,
    currency: currencyCode,
    source: z.enum(customerCreditSources),
    /** The payment, credit note, refund or adjustment the credit came from. */
    sourceId: identifier,
    balanceAfter: decimal,
    creditedAt: instant,
  }),
);

export const customerCreditAppliedSchema = defineEventSchema(
  'CustomerCreditApplied',
  1,
  z.object({
    customerId: identifier,
    applicationId: identifier,
    invoiceId: identifier,
    amount: decimal,
    currency: currencyCode,
    balanceAfter: decimal,
    appliedAt: instant,
  }),
);

/**
 * Credit taken back out of the balance: today only by a refund that pays back a payment's excess (which had become
 * credit). Never more than the balance in that currency (INSUFFICIENT_CREDIT).
 */
export const customerAccountDebitedSchema = defineEventSchema(
  'CustomerAccountDebited',
  1,
  z.object({
    customerId: identifier,
    entryId: identifier,
    amount: decimal,
    currency: currencyCode,
    reason: z.enum(['refund']),
    /** The refund the debit paid for. */
    sourceId: identifier,
    balanceAfter: decimal,
    debitedAt: instant,
  }),
);

export const customerAutoApplyCreditSetSchema = defineEventSchema(
  'CustomerAutoApplyCreditSet',
  1,
  z.object({ customerId: identifier, enabled: z.boolean(), setAt: instant }),
);

/** Every customer account event type, by its stored name. */
export const customerAccountEventSchemas = {
  CustomerAccountCredited: customerAccountCreditedSchema,
  CustomerCreditApplied: customerCreditAppliedSchema,
  CustomerAccountDebited: customerAccountDebitedSchema,
  CustomerAutoApplyCreditSet: customerAutoApplyCreditSetSchema,
} as const;

export type CustomerAccountEventType = keyof typeof customerAccountEventSchemas;
export const customerAccountEventTypes = Object.keys(customerAccountEventSchemas) as CustomerAccountEventType[];

export type CustomerAccountCredited = DomainEvent<'CustomerAccountCredited', z.infer<typeof customerAccountCreditedSchema.data>>;
export type CustomerCreditApplied = DomainEvent<'CustomerCreditApplied', z.infer<typeof customerCreditAppliedSchema.data>>;
export type CustomerAccountDebited = DomainEvent<'CustomerAccountDebited', z.infer<typeof customerAccountDebitedSchema.data>>;
export type CustomerAutoApplyCreditSet = DomainEvent<'CustomerAutoApplyCreditSet', z.infer<typeof customerAutoApplyCreditSetSchema.data>>;

export type CustomerAccountEvent = CustomerAccountCredited | CustomerCreditApplied | CustomerAccountDebited | CustomerAutoApplyCreditSet;
