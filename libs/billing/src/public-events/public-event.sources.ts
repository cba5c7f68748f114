import type { z } from 'zod';
import { parseComputedDecimal } from '../../../money/src/index.js';
import type { WebhookEvent } from '../billing-settings/billing-settings.js';
import type { EventSchema } from '../common/event.js';
import { creditNoteEventSchemas } from '../credit-note/credit-note.events.js';
import { customerAccountEventSchemas } from '../customer-account/customer-account.events.js';
import { emailEventSchemas } from '../email/email.events.js';
import { invoiceEventSchemas } from '../invoice/invoice.events.js';
import { paymentEventSchemas } from '../payment/payment.events.js';
import { subscriptionEventSchemas, type ChargeLine } from '../subscription/subscription.events.js';
import type { PublicEventPayload } from './public-event.schemas.js';

/**
 * Which internal events stand for which public events, and how each payload is built (docs/public-events.md,
 * "Catalogue"). A payload is built from the internal event's data alone, field by field: nothing is read from
 * state, and no internal field reaches a receiver unless it is named here (an internal field added later, a secret
 * say, stays internal until the catalogue decides otherwise).
 *
 * The ORDER of the drafts a source gives is part of the contract: the first public event of an internal event has
 * the internal event's id, later ones an id derived from it and their type (public-event.id.ts).
 */

/** One public event a source gives, before the envelope (id, version, tenant, position) is added. */
export type PublicEventDraft = { [Type in WebhookEvent]: { readonly type: Type; readonly data: PublicEventPayload<Type>; readonly occurredAt: string } }[WebhookEvent];

function draft<Type extends WebhookEvent>(type: Type, data: PublicEventPayload<Type>, occurredAt: string): PublicEventDraft {
  return { type, data, occurredAt: utc(occurredAt) } as PublicEventDraft;
}

/** How one internal event type maps: its contract (for upcasting), the public types it may give, and the mapping. */
export interface PublicEventSource<Data = unknown> {
  readonly schema: EventSchema<string, z.ZodType<Data>>;
  readonly publicTypes: readonly WebhookEvent[];
  /** A method, so that a source of one event type's data stands in the table of all of them. */
  map(data: Data): PublicEventDraft[];
}

function source<Data>(schema: EventSchema<string, z.ZodType<Data>>, publicTypes: readonly WebhookEvent[], map: (data: Data) => PublicEventDraft[]): PublicEventSource<Data> {
  return { schema, publicTypes, map };
}

/** An instant as every public payload writes it: UTC with milliseconds (internal instants may carry an offset). */
export function utc(instant: string): string {
  return new Date(instant).toISOString();
}

function utcOrNull(instant: string | null): string | null {
  return instant === null ? null : utc(instant);
}

function isZero(decimal: string): boolean {
  return parseComputedDecimal(decimal, 'balanceDueAfter').eq(0);
}

/** The invoice a subscription charge creates: the non-negative lines make it, so none when every line is a credit. */
function chargeInvoiceId(invoiceId: string, lines: readonly ChargeLine[]): string | null {
  return lines.some((line) => !parseComputedDecimal(line.amount, 'amount').lt(0)) ? invoiceId : null;
}

type ItemConfig = { terms: { planId: string; planVersion: number; name: string; currency: string; unitPrice: string }; quantity: string };

function itemTerms({ terms, quantity }: ItemConfig): PublicEventPayload<'subscription.updated'>['changes'][number]['current'] {
  return { planId: terms.planId, planVersion: terms.planVersion, name: terms.name, currency: terms.currency, unitPrice: terms.unitPrice, quantity };
}

type SubscriptionUpdate = PublicEventPayload<'subscription.updated'>;

/** `subscription.updated`: what changed, how (`update`), at the instant of the internal event. */
function subscriptionUpdated(subscriptionId: string, update: SubscriptionUpdate['update'], changes: SubscriptionUpdate['changes'], at: string): PublicEventDraft[] {
  return [draft('subscription.updated', { subscriptionId, update, changes, updatedAt: utc(at) }, at)];
}

/** One item's change, from an event that carries the item's new terms beside its `previous` ones. */
function itemChange(data: ItemConfig & { itemId: string; previous: ItemConfig; direction: SubscriptionUpdate['changes'][number]['direction']; effectiveDate: string }): SubscriptionUpdate['changes'][number] {
  return { itemId: data.itemId, previous: itemTerms(data.previous), current: itemTerms(data), direction: data.direction, effectiveDate: data.effectiveDate };
}

type Cycle = { kind: 'monthly' | 'quarterly' | 'semi_annual' | 'annual' } | { kind: 'custom'; unit: 'days' | 'months'; count: number };

function billingCycle(cycle: Cycle): PublicEventPayload<'subscription.created'>['billingCycle'] {
  return cycle.kind === 'custom' ? { kind: 'custom', unit: cycle.unit, count: cycle.count } : { kind: cycle.kind, unit: null, count: null };
}

const period = (value: { start: string; end: string }) => ({ start: value.start, end: value.end });

/** invoice.paid when an application left nothing to pay. */
function paidWhenSettled(
  data: { invoiceId: string; customerId: string; currency: string; balanceDueAfter: string },
  settledBy: PublicEventPayload<'invoice.paid'>['settledBy'],
  paidBy: { paymentId: string | null; creditNoteId: string | null; amount: string },
  paidAt: string,
): PublicEventDraft[] {
  if (!isZero(data.balanceDueAfter)) return [];
  return [draft('invoice.paid', { invoiceId: data.invoiceId, customerId: data.customerId, currency: data.currency, settledBy, ...paidBy, paidAt: utc(paidAt) }, paidAt)];
}

const invoice = invoiceEventSchemas;
const payment = paymentEventSchemas;
const creditNote = creditNoteEventSchemas;
const account = customerAccountEventSchemas;
const subscription = subscriptionEventSchemas;

/** Every internal event type with a public meaning, by its stored name. */
export const publicEventSources: Readonly<Record<string, PublicEventSource>> = {
  InvoiceIssued: source(invoice.InvoiceIssued, ['invoice.created', 'invoice.paid'], (data) => [
    draft(
      'invoice.created',
      {
        invoiceId: data.invoiceId,
        customerId: data.customerId,
        number: data.number,
        currency: data.currency,
        issueDate: data.issueDate,
        dueDate: data.dueDate,
        subtotal: data.subtotal,
        taxTotal: data.taxTotal,
        total: data.total,
        taxBreakdown:
          data.taxBreakdown?.map((entry) => ({
            rateId: entry.rateId,
            name: entry.name,
            rate: entry.rate,
            jurisdiction: entry.jurisdiction,
            compound: entry.compound,
            inclusive: entry.inclusive,
            taxableAmount: entry.taxableAmount,
            taxAmount: entry.taxAmount,
          })) ?? null,
        reportingCurrency: data.reportingCurrency ?? null,
        reportingTotal: data.reportingTotal ?? null,
        issuedAt: utc(data.issuedAt),
      },
      data.issuedAt,
    ),
    // A zero-total invoice owes nothing from the moment it is issued: it is paid at issue (docs/domain.md, "Invoices").
    ...paidWhenSettled({ ...data, balanceDueAfter: data.total }, 'zero_total', { paymentId: null, creditNoteId: null, amount: data.total }, data.issuedAt),
  ]),
  InvoiceVoided: source(invoice.InvoiceVoided, ['invoice.voided'], (data) => [
    draft('invoice.voided', { invoiceId: data.invoiceId, reason: data.reason, voidedAt: utc(data.voidedAt) }, data.voidedAt),
  ]),
  InvoicePaymentApplied: source(invoice.InvoicePaymentApplied, ['invoice.paid'], (data) =>
    paidWhenSettled(data, 'payment', { paymentId: data.paymentId, creditNoteId: null, amount: data.amount }, data.appliedAt),
  ),
  InvoiceCreditApplied: source(invoice.InvoiceCreditApplied, ['invoice.paid'], (data) =>
    paidWhenSettled(
      data,
      data.source === 'credit_note' ? 'credit_note' : 'customer_credit',
      { paymentId: null, creditNoteId: data.source === 'credit_note' ? data.sourceId : null, amount: data.amount },
      data.appliedAt,
    ),
  ),
  // The older form of a payment, recorded on the invoice itself (no Payment stream): it succeeded when recorded.
  InvoicePaymentRecorded: source(invoice.InvoicePaymentRecorded, ['payment.succeeded', 'invoice.paid'], (data) => [
    draft(
      'payment.succeeded',
      {
        paymentId: data.paymentId,
        customerId: data.customerId,
        amount: data.amount,
        currency: data.currency,
        method: data.method,
        gatewayReference: null,
        succeededAt: utc(data.recordedAt),
      },
      data.recordedAt,
    ),
    ...paidWhenSettled(data, 'payment', { paymentId: data.paymentId, creditNoteId: null, amount: data.appliedAmount }, data.recordedAt),
  ]),
  InvoiceBecameOverdue: source(invoice.InvoiceBecameOverdue, ['invoice.overdue'], (data) => [
    draft(
      'invoice.overdue',
      {
        invoiceId: data.invoiceId,
        customerId: data.customerId,
        dueDate: data.dueDate,
        currency: data.currency,
        balanceDue: data.balanceDue,
        becameOverdueAt: utc(data.becameOverdueAt),
      },
      data.becameOverdueAt,
    ),
  ]),
  EmailSent: source(emailEventSchemas.EmailSent, ['invoice.sent'], (data) =>
    data.kind !== 'invoice'
      ? []
      : [
          draft(
            'invoice.sent',
            {
              invoiceId: data.documentId,
              customerId: data.customerId,
              emailId: data.emailId,
              to: data.to,
              subject: data.subject,
              messageId: data.messageId,
              attempt: data.attempt,
              sentAt: utc(data.sentAt),
            },
            data.sentAt,
          ),
        ],
  ),
  PaymentSucceeded: source(payment.PaymentSucceeded, ['payment.succeeded'], (data) => [
    draft(
      'payment.succeeded',
      {
        paymentId: data.paymentId,
        customerId: data.customerId,
        amount: data.amount,
        currency: data.currency,
        method: data.method,
        gatewayReference: data.gatewayReference,
        succeededAt: utc(data.succeededAt),
      },
      data.succeededAt,
    ),
  ]),
  PaymentFailed: source(payment.PaymentFailed, ['payment.failed'], (data) => [
    draft(
      'payment.failed',
      {
        paymentId: data.paymentId,
        reason: data.reason,
        attempt: data.attempt,
        maxRetryAttempts: data.maxRetryAttempts,
        retriesRemaining: data.retriesRemaining,
        nextRetryAt: utcOrNull(data.nextRetryAt),
        failedAt: utc(data.failedAt),
      },
      data.failedAt,
    ),
  ]),
  PaymentRefunded: source(payment.PaymentRefunded, ['payment.refunded'], (data) => [
    draft(
      'payment.refunded',
      {
        paymentId: data.paymentId,
        refundId: data.refundId,
        customerId: data.customerId,
        amount: data.amount,
        currency: data.currency,
        method: data.method,
        reason: data.reason,
        refundedTotal: data.refundedTotal,
        refundable: data.refundable,
        status: data.status,
        invoices: data.invoices.map((allocation) => ({ invoiceId: allocation.invoiceId, amount: allocation.amount })),
        fromCredit: data.fromCredit,
        refundedAt: utc(data.refundedAt),
      },
      data.refundedAt,
    ),
  ]),
  CreditNoteDrafted: source(creditNote.CreditNoteDrafted, ['credit_note.created'], (data) => [
    draft(
      'credit_note.created',
      {
        creditNoteId: data.creditNoteId,
        customerId: data.customerId,
        type: data.type,
        reason: data.reason,
        currency: data.currency,
        lines: data.lines.map((line) => ({
          lineId: line.lineId,
          description: line.description,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
          taxRate: line.taxRate,
          amount: line.amount,
          taxAmount: line.taxAmount,
        })),
        subtotal: data.subtotal,
        taxTotal: data.taxTotal,
        total: data.total,
        sourceInvoiceId: data.sourceInvoiceId,
        draftedAt: utc(data.draftedAt),
      },
      data.draftedAt,
    ),
  ]),
  CreditNoteIssued: source(creditNote.CreditNoteIssued, ['credit_note.issued'], (data) => [
    draft(
      'credit_note.issued',
      {
        creditNoteId: data.creditNoteId,
        customerId: data.customerId,
        number: data.number,
        currency: data.currency,
        subtotal: data.subtotal,
        taxTotal: data.taxTotal,
        total: data.total,
        sourceInvoiceId: data.sourceInvoiceId,
        issuedAt: utc(data.issuedAt),
      },
      data.issuedAt,
    ),
  ]),
  CreditNoteApplied: source(creditNote.CreditNoteApplied, ['credit_note.applied'], (data) => [
    draft(
      'credit_note.applied',
      {
        creditNoteId: data.creditNoteId,
        customerId: data.customerId,
        applicationId: data.applicationId,
        applicationType: data.applicationType,
        invoiceId: data.invoiceId,
        currency: data.currency,
        amount: data.amount,
        remaining: data.remaining,
        status: data.status,
        appliedAt: utc(data.appliedAt),
      },
      data.appliedAt,
    ),
  ]),
  CreditNoteVoided: source(creditNote.CreditNoteVoided, ['credit_note.voided'], (data) => [
    draft(
      'credit_note.voided',
      {
        creditNoteId: data.creditNoteId,
        customerId: data.customerId,
        reason: data.reason,
        statusBefore: data.statusBefore,
        currency: data.currency,
        total: data.total,
        voidedAt: utc(data.voidedAt),
      },
      data.voidedAt,
    ),
  ]),
  CustomerAccountCredited: source(account.CustomerAccountCredited, ['customer.credit_updated'], (data) => [
    draft(
      'customer.credit_updated',
      {
        customerId: data.customerId,
        currency: data.currency,
        balance: data.balanceAfter,
        amount: data.amount,
        direction: 'increase',
        reason: data.source,
        sourceId: data.sourceId,
        entryId: data.entryId,
        updatedAt: utc(data.creditedAt),
      },
      data.creditedAt,
    ),
  ]),
  CustomerCreditApplied: source(account.CustomerCreditApplied, ['customer.credit_updated'], (data) => [
    draft(
      'customer.credit_updated',
      {
        customerId: data.customerId,
        currency: data.currency,
        balance: data.balanceAfter,
        amount: data.amount,
        direction: 'decrease',
        reason: 'applied_to_invoice',
        sourceId: data.invoiceId,
        entryId: data.applicationId,
        updatedAt: utc(data.appliedAt),
      },
      data.appliedAt,
    ),
  ]),
  CustomerAccountDebited: source(account.CustomerAccountDebited, ['customer.credit_updated'], (data) => [
    draft(
      'customer.credit_updated',
      {
        customerId: data.customerId,
        currency: data.currency,
        balance: data.balanceAfter,
        amount: data.amount,
        direction: 'decrease',
        reason: data.reason,
        sourceId: data.sourceId,
        entryId: data.entryId,
        updatedAt: utc(data.debitedAt),
      },
      data.debitedAt,
    ),
  ]),
  SubscriptionCreated: source(subscription.SubscriptionCreated, ['subscription.created'], (data) => [
    draft(
      'subscription.created',
      {
        subscriptionId: data.subscriptionId,
        customerId: data.customerId,
        currency: data.currency,
        timeZone: data.timeZone,
        timing: data.timing,
        billingCycle: billingCycle(data.schedule.cycle),
        items: data.items.map((item) => ({
          itemId: item.itemId,
          role: item.role,
          planId: item.terms.planId,
          planVersion: item.terms.planVersion,
          productId: item.terms.productId,
          name: item.terms.name,
          serviceType: item.terms.serviceType,
          quantity: item.quantity,
          unitPrice: item.terms.unitPrice,
          setupFee: item.terms.setupFee,
        })),
        startDate: data.startDate,
        trialEnd: data.trialEnd,
        firstPeriod: period(data.firstPeriod),
        createdAt: utc(data.createdAt),
      },
      data.createdAt,
    ),
  ]),
  SubscriptionActivated: source(subscription.SubscriptionActivated, ['subscription.activated'], (data) => [
    draft(
      'subscription.activated',
      {
        subscriptionId: data.subscriptionId,
        activatedOn: data.activatedOn,
        early: data.early,
        startDate: data.startDate,
        trialEnd: data.trialEnd,
        firstPeriod: period(data.firstPeriod),
        activatedAt: utc(data.activatedAt),
      },
      data.activatedAt,
    ),
  ]),
  SubscriptionTrialEnded: source(subscription.SubscriptionTrialEnded, ['subscription.trial_ended'], (data) => [
    draft(
      'subscription.trial_ended',
      { subscriptionId: data.subscriptionId, trialEnd: data.trialEnd, endedOn: data.endedOn, firstPeriod: period(data.firstPeriod), endedAt: utc(data.endedAt) },
      data.endedAt,
    ),
  ]),
  SubscriptionPeriodBilled: source(subscription.SubscriptionPeriodBilled, ['subscription.renewed'], (data) => [
    draft(
      'subscription.renewed',
      {
        subscriptionId: data.subscriptionId,
        customerId: data.customerId,
        invoiceId: chargeInvoiceId(data.invoiceId, data.lines),
        currency: data.currency,
        period: period(data.period),
        lines: data.lines.map((line) => ({
          lineId: line.lineId,
          kind: line.kind,
          itemId: line.itemId,
          planId: line.planId,
          description: line.description,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
          amount: line.amount,
          periodStart: line.periodStart,
          periodEnd: line.periodEnd,
        })),
        total: data.total,
        billedOn: data.billedOn,
        billedAt: utc(data.billedAt),
      },
      data.billedAt,
    ),
  ]),
  SubscriptionChanged: source(subscription.SubscriptionChanged, ['subscription.updated'], (data) =>
    subscriptionUpdated(data.subscriptionId, 'changed', [itemChange(data)], data.changedAt),
  ),
  SubscriptionChangeScheduled: source(subscription.SubscriptionChangeScheduled, ['subscription.updated'], (data) =>
    subscriptionUpdated(data.subscriptionId, 'change_scheduled', [itemChange(data)], data.scheduledAt),
  ),
  SubscriptionPendingChangesApplied: source(subscription.SubscriptionPendingChangesApplied, ['subscription.updated'], (data) =>
    subscriptionUpdated(data.subscriptionId, 'scheduled_changes_applied', data.changes.map((change) => itemChange({ ...change, direction: null })), data.appliedAt),
  ),
  SubscriptionSuspended: source(subscription.SubscriptionSuspended, ['subscription.suspended'], (data) => [
    draft(
      'subscription.suspended',
      { subscriptionId: data.subscriptionId, policy: data.policy, reason: data.reason, suspendedOn: data.suspendedOn, suspendedAt: utc(data.suspendedAt) },
      data.suspendedAt,
    ),
  ]),
  SubscriptionResumed: source(subscription.SubscriptionResumed, ['subscription.resumed'], (data) => [
    draft(
      'subscription.resumed',
      { subscriptionId: data.subscriptionId, policy: data.policy, suspendedOn: data.suspendedOn, resumedOn: data.resumedOn, resumedAt: utc(data.resumedAt) },
      data.resumedAt,
    ),
  ]),
  SubscriptionCancellationScheduled: source(subscription.SubscriptionCancellationScheduled, ['subscription.cancellation_scheduled'], (data) => [
    draft(
      'subscription.cancellation_scheduled',
      { subscriptionId: data.subscriptionId, cancelAt: data.cancelAt, requestedOn: data.requestedOn, scheduledAt: utc(data.scheduledAt) },
      data.scheduledAt,
    ),
  ]),
  SubscriptionCancellationWithdrawn: source(subscription.SubscriptionCancellationWithdrawn, ['subscription.cancellation_withdrawn'], (data) => [
    draft(
      'subscription.cancellation_withdrawn',
      { subscriptionId: data.subscriptionId, cancelAt: data.cancelAt, withdrawnOn: data.withdrawnOn, withdrawnAt: utc(data.withdrawnAt) },
      data.withdrawnAt,
    ),
  ]),
  SubscriptionTerminated: source(subscription.SubscriptionTerminated, ['subscription.terminated'], (data) => [
    draft(
      'subscription.terminated',
      { subscriptionId: data.subscriptionId, customerId: data.customerId, reason: data.reason, terminatedOn: data.terminatedOn, terminatedAt: utc(data.terminatedAt) },
      data.terminatedAt,
    ),
  ]),
};
