import { z } from 'zod';
import type { WebhookEvent } from '../billing-settings/billing-settings.js';
import { serviceTypes } from '../catalog/service-type.js';
import { creditApplicationTypes, creditReasons, creditTypes } from '../credit-note/credit-note.commands.js';
import { customerCreditSources } from '../customer-account/customer-account.commands.js';
import { refundMethodTypes } from '../payment/payment.commands.js';
import { paymentMethodTypes } from '../payment/payment.method-types.js';
import { suspensionPolicies } from '../subscription/subscription.commands.js';
import { changeDirections, chargeLineKinds, terminationReasons } from '../subscription/subscription.events.js';
import { publicBillingCycle, publicFields, publicPeriod } from './public-event.fields.js';

const { decimal, currency, instant, calendarDate, id, text } = publicFields;

/**
 * The payload (`data`) of every public event type, version 1 (docs/public-events.md). These are the ledger's promise
 * to webhook receivers and `publicEvents` subscribers, separate from the internal event contracts so that the
 * internal events can evolve without breaking anyone outside:
 *
 * - field names are camelCase, like the GraphQL API; every field is always present, `null` when it does not apply;
 * - amounts are decimal strings with their `currency` beside them, dates 'YYYY-MM-DD', instants UTC ISO 8601;
 * - an additive change (a new field, a new enum value) keeps the version; anything else is a new version, offered
 *   beside the old one during a deprecation window. `public-event.schemas.snapshot.spec.ts` shows every change.
 */

const taxBreakdownEntry = z.object({
  rateId: id.nullable().meta({ description: "The tenant's tax rate, or null for an explicit rate on the lines" }),
  name: text,
  rate: decimal.meta({ description: 'Percentage, e.g. "20" or "8.875"' }),
  jurisdiction: z.string().nullable(),
  compound: z.boolean(),
  inclusive: z.boolean(),
  taxableAmount: decimal,
  taxAmount: decimal,
});

const creditNoteLine = z.object({
  lineId: id,
  description: text,
  quantity: decimal,
  unitPrice: decimal,
  taxRate: decimal.nullable().meta({ description: 'Percentage; null when the line carries no tax' }),
  amount: decimal.meta({ description: 'Net amount: quantity x unit price, rounded half-up to the minor unit' }),
  taxAmount: decimal,
});

const subscriptionItem = z.object({
  itemId: id,
  role: z.enum(['base', 'addon']),
  planId: id,
  planVersion: z.number().int().min(1),
  productId: id,
  name: text,
  serviceType: z.enum(serviceTypes),
  quantity: decimal,
  unitPrice: decimal.meta({ description: 'Per period, in the subscription currency, as the subscription keeps it' }),
  setupFee: decimal.nullable(),
});

const itemTerms = z.object({
  planId: id,
  planVersion: z.number().int().min(1),
  name: text,
  currency,
  unitPrice: decimal,
  quantity: decimal,
});

const subscriptionItemChange = z.object({
  itemId: id,
  previous: itemTerms,
  current: itemTerms,
  direction: z.enum(changeDirections).nullable().meta({ description: 'upgrade, downgrade or unchanged; null for scheduled changes applied at a period end' }),
  effectiveDate: calendarDate.meta({ description: 'The first day the current terms are in force' }),
});

const chargeLine = z.object({
  lineId: id,
  kind: z.enum(chargeLineKinds),
  itemId: id,
  planId: id,
  description: text,
  quantity: decimal,
  unitPrice: decimal,
  amount: decimal.meta({ description: 'Signed: negative for a credit (a proration credit)' }),
  periodStart: calendarDate,
  periodEnd: calendarDate.meta({ description: 'Exclusive: the line covers the days from periodStart up to the day before periodEnd' }),
});

/** One public event type: its payload schema, its version and what it means. */
export interface PublicEventDefinition<Schema extends z.ZodObject = z.ZodObject> {
  readonly version: number;
  readonly description: string;
  readonly schema: Schema;
}

function definition<Schema extends z.ZodObject>(description: string, schema: Schema): PublicEventDefinition<Schema> {
  return { version: 1, description, schema: schema.meta({ description }) };
}

export const publicEventDefinitions = {
  'invoice.created': definition(
    'An invoice was issued: it has its number, its frozen totals and its due date, and the customer owes it. Drafts are not public (they owe nothing and may still change).',
    z.object({
      invoiceId: id,
      customerId: id,
      number: text,
      currency,
      issueDate: calendarDate,
      dueDate: calendarDate,
      subtotal: decimal.meta({ description: 'Sum of the line nets' }),
      taxTotal: decimal,
      total: decimal.meta({ description: 'What the customer owes on the invoice at issue' }),
      taxBreakdown: z.array(taxBreakdownEntry).nullable().meta({ description: 'The tax by rate; null for invoices issued before breakdowns were recorded' }),
      reportingCurrency: currency.nullable().meta({ description: "The tenant's default currency at issue; null when none was known" }),
      reportingTotal: decimal.nullable().meta({ description: 'The total in the reporting currency (at the locked exchange rate, or the total itself in the same currency); null without a rate' }),
      issuedAt: instant,
    }),
  ),
  'invoice.sent': definition(
    'The invoice was e-mailed to the customer (with its PDF). Sent again on request, each sending is its own event.',
    z.object({
      invoiceId: id,
      customerId: id,
      emailId: id,
      to: text.meta({ description: 'The recipient address' }),
      subject: text,
      messageId: text.meta({ description: 'The Message-ID of the e-mail' }),
      attempt: z.number().int().min(1).meta({ description: 'The delivery attempt that succeeded (1 is the first)' }),
      sentAt: instant,
    }),
  ),
  'invoice.paid': definition(
    'An issued invoice has nothing left to pay: a payment or credit brought its balance to zero, or it was issued with a zero total. An invoice reopened by a refund and paid again is paid again.',
    z.object({
      invoiceId: id,
      customerId: id,
      currency,
      settledBy: z.enum(['payment', 'credit_note', 'customer_credit', 'zero_total']).meta({ description: 'What brought the balance to zero' }),
      paymentId: id.nullable().meta({ description: 'The payment, when settledBy is payment' }),
      creditNoteId: id.nullable().meta({ description: 'The credit note, when settledBy is credit_note' }),
      amount: decimal.meta({ description: 'What that last payment or credit took off the balance ("0" for a zero total)' }),
      paidAt: instant,
    }),
  ),
  'invoice.voided': definition(
    'An invoice was voided: it owes nothing (an issued invoice keeps its number).',
    z.object({ invoiceId: id, reason: text, voidedAt: instant }),
  ),
  'invoice.overdue': definition(
    "An issued invoice's due date passed (in the tenant's time zone) with a balance left. Once per invoice.",
    z.object({ invoiceId: id, customerId: id, dueDate: calendarDate, currency, balanceDue: decimal, becameOverdueAt: instant }),
  ),
  'payment.succeeded': definition(
    'A payment succeeded: the money is the tenant\'s (offline methods succeed when recorded). Where it went follows as invoice.paid and customer.credit_updated.',
    z.object({
      paymentId: id,
      customerId: id,
      amount: decimal,
      currency,
      method: z.enum(paymentMethodTypes),
      gatewayReference: text.nullable().meta({ description: "The gateway's id of the charge; null for offline methods or when none was given" }),
      succeededAt: instant,
    }),
  ),
  'payment.failed': definition(
    'An attempt to collect a payment failed. nextRetryAt says when it is retried; null when no retry is left.',
    z.object({
      paymentId: id,
      reason: text,
      attempt: z.number().int().min(1).meta({ description: '1 is the original attempt, 2 the first retry' }),
      maxRetryAttempts: z.number().int().min(0).meta({ description: 'The retry policy in force; 0 when retries are off' }),
      retriesRemaining: z.number().int().min(0),
      nextRetryAt: instant.nullable(),
      failedAt: instant,
    }),
  ),
  'payment.refunded': definition(
    'Part or all of a payment was refunded. invoices and fromCredit say where the refunded money had gone; their sum is amount.',
    z.object({
      paymentId: id,
      refundId: id,
      customerId: id,
      amount: decimal,
      currency,
      method: z.enum(refundMethodTypes).meta({ description: 'store_credit: the customer\'s credit grows instead of money going back' }),
      reason: text,
      refundedTotal: decimal.meta({ description: 'Every refund of the payment so far, this one included' }),
      refundable: decimal.meta({ description: 'What is left to refund' }),
      status: z.enum(['partially_refunded', 'refunded']),
      invoices: z.array(z.object({ invoiceId: id, amount: decimal })).meta({ description: 'Invoices whose balance the refund reopened, by how much' }),
      fromCredit: decimal.meta({ description: "The part taken back from the customer's credit" }),
      refundedAt: instant,
    }),
  ),
  'credit_note.created': definition(
    'A credit note was drafted: it grants nothing until it is issued.',
    z.object({
      creditNoteId: id,
      customerId: id,
      type: z.enum(creditTypes),
      reason: z.enum(creditReasons),
      currency,
      lines: z.array(creditNoteLine),
      subtotal: decimal,
      taxTotal: decimal,
      total: decimal.meta({ description: 'The credit the note grants once issued' }),
      sourceInvoiceId: id.nullable(),
      draftedAt: instant,
    }),
  ),
  'credit_note.issued': definition(
    'A credit note was issued: it has its number and its credit can be applied.',
    z.object({
      creditNoteId: id,
      customerId: id,
      number: text,
      currency,
      subtotal: decimal,
      taxTotal: decimal,
      total: decimal,
      sourceInvoiceId: id.nullable(),
      issuedAt: instant,
    }),
  ),
  'credit_note.applied': definition(
    "Credit of an issued note was applied: to an invoice, to the customer's account, or paid back as a refund.",
    z.object({
      creditNoteId: id,
      customerId: id,
      applicationId: id,
      applicationType: z.enum(creditApplicationTypes),
      invoiceId: id.nullable().meta({ description: 'The invoice credited; null for the customer account or a refund' }),
      currency,
      amount: decimal,
      remaining: decimal.meta({ description: 'Credit left on the note after this application' }),
      status: z.enum(['partially_applied', 'applied']),
      appliedAt: instant,
    }),
  ),
  'credit_note.voided': definition(
    'A credit note was voided; voiding an issued note takes back the credit it granted.',
    z.object({
      creditNoteId: id,
      customerId: id,
      reason: text,
      statusBefore: z.enum(['draft', 'issued']),
      currency,
      total: decimal,
      voidedAt: instant,
    }),
  ),
  'customer.credit_updated': definition(
    "A customer's credit balance in one currency changed: credit was added, spent on an invoice, or taken back by a refund.",
    z.object({
      customerId: id,
      currency,
      balance: decimal.meta({ description: 'The credit balance in this currency after the change' }),
      amount: decimal.meta({ description: 'The size of the change, never negative' }),
      direction: z.enum(['increase', 'decrease']),
      reason: z.enum([...customerCreditSources, 'applied_to_invoice', 'refund']).meta({
        description: 'increase: overpayment, credit_note, store_credit_refund or adjustment; decrease: applied_to_invoice or refund',
      }),
      sourceId: id.meta({ description: 'The payment, credit note, refund or adjustment it came from; the invoice for applied_to_invoice' }),
      entryId: id.meta({ description: 'The entry (or application) on the account: the same change never has two' }),
      updatedAt: instant,
    }),
  ),
  'subscription.created': definition(
    'A subscription was created, with the terms each item copied from its plan version.',
    z.object({
      subscriptionId: id,
      customerId: id,
      currency,
      timeZone: text.meta({ description: "The IANA zone the subscription's dates are in" }),
      timing: z.enum(['in_advance', 'in_arrears']),
      billingCycle: publicBillingCycle,
      items: z.array(subscriptionItem),
      startDate: calendarDate,
      trialEnd: calendarDate.nullable().meta({ description: 'The first day after the trial; null without a trial' }),
      firstPeriod: publicPeriod,
      createdAt: instant,
    }),
  ),
  'subscription.activated': definition(
    'A subscription became active: on its start date, or early on request.',
    z.object({
      subscriptionId: id,
      activatedOn: calendarDate,
      early: z.boolean().meta({ description: 'Activated before its planned start date (the trial and schedule moved)' }),
      startDate: calendarDate,
      trialEnd: calendarDate.nullable(),
      firstPeriod: publicPeriod,
      activatedAt: instant,
    }),
  ),
  'subscription.trial_ended': definition(
    "A subscription's trial ended: billing starts.",
    z.object({ subscriptionId: id, trialEnd: calendarDate, endedOn: calendarDate, firstPeriod: publicPeriod, endedAt: instant }),
  ),
  'subscription.renewed': definition(
    'A subscription billed a period: invoiceId is the invoice created with the charges (null when every line is a credit or there is none).',
    z.object({
      subscriptionId: id,
      customerId: id,
      invoiceId: id.nullable(),
      currency,
      period: publicPeriod,
      lines: z.array(chargeLine),
      total: decimal.meta({ description: 'Sum of the lines (credits included)' }),
      billedOn: calendarDate,
      billedAt: instant,
    }),
  ),
  'subscription.updated': definition(
    "A subscription's items changed terms or quantity: changed now, scheduled for the period end, or scheduled changes applied.",
    z.object({
      subscriptionId: id,
      update: z.enum(['changed', 'change_scheduled', 'scheduled_changes_applied']),
      changes: z.array(subscriptionItemChange),
      updatedAt: instant,
    }),
  ),
  'subscription.suspended': definition(
    "A subscription's service was suspended. policy says whether billing continues.",
    z.object({
      subscriptionId: id,
      policy: z.enum(suspensionPolicies),
      reason: text.nullable(),
      suspendedOn: calendarDate,
      suspendedAt: instant,
    }),
  ),
  'subscription.resumed': definition(
    "A suspended subscription's service resumed.",
    z.object({ subscriptionId: id, policy: z.enum(suspensionPolicies), suspendedOn: calendarDate, resumedOn: calendarDate, resumedAt: instant }),
  ),
  'subscription.cancellation_scheduled': definition(
    'A subscription will terminate on cancelAt (nothing from that day on is billed), unless the cancellation is withdrawn.',
    z.object({ subscriptionId: id, cancelAt: calendarDate, requestedOn: calendarDate, scheduledAt: instant }),
  ),
  'subscription.cancellation_withdrawn': definition(
    'A scheduled cancellation was withdrawn: the subscription continues.',
    z.object({ subscriptionId: id, cancelAt: calendarDate, withdrawnOn: calendarDate, withdrawnAt: instant }),
  ),
  'subscription.terminated': definition(
    'A subscription ended: nothing from terminatedOn on is served or billed.',
    z.object({
      subscriptionId: id,
      customerId: id,
      reason: z.enum(terminationReasons),
      terminatedOn: calendarDate,
      terminatedAt: instant,
    }),
  ),
} as const satisfies Record<WebhookEvent, PublicEventDefinition>;

/** The payload of public event type `Type`, as the mapping builds it. */
export type PublicEventPayload<Type extends WebhookEvent> = z.infer<(typeof publicEventDefinitions)[Type]['schema']>;
