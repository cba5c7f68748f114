import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';

const { identifier, instant } = eventFields;

/**
 * Email events are contracts (docs/architecture.md, Conventions 4). One stream per email (`<tenant>:email-<emailId>`):
 * what was asked, each attempt and its outcome. Every attempt event carries the email's kind, document and customer, so
 * a reader (the emails read model, the public `invoice.sent` event, the retry due work) needs no other stream.
 */

/**
 * What an email is about. `documentId` names an invoice for `invoice`, `overdue_notice` and `payment_reminder`, a
 * receipt for `receipt` and a payment for `payment_confirmation`.
 */
export const emailKinds = ['invoice', 'receipt', 'payment_confirmation', 'overdue_notice', 'payment_reminder'] as const;
export type EmailKind = (typeof emailKinds)[number];

const kind = z.enum(emailKinds);
const text = z.string().min(1);
const attempt = z.number().int().min(1);

/**
 * An explicit request to send (the `sendInvoice` mutation). Automatic emails (an issued invoice, a receipt...) have no
 * request event: the trigger event is their request. The email process manager makes the first attempt.
 */
export const emailRequestedSchema = defineEventSchema(
  'EmailRequested',
  1,
  z.object({ emailId: identifier, kind, documentId: identifier, customerId: identifier, requestedAt: instant }),
);

/** An attempt that the mail server accepted. `messageId` is the Message-ID header sent (derived from the email id). */
export const emailSentSchema = defineEventSchema(
  'EmailSent',
  1,
  z.object({ emailId: identifier, kind, documentId: identifier, customerId: identifier, to: text, subject: text, messageId: text, attempt, sentAt: instant }),
);

/**
 * An attempt that failed. `reason` is short and never holds a credential (`no_recipient` when the customer has no
 * email address). `nextAttemptAt` is when the next attempt falls due (the retry schedule), or null when no attempt
 * follows: a permanent failure (no recipient, a 5xx answer) or the last attempt. `to` is null when there was no
 * recipient.
 */
export const emailSendFailedSchema = defineEventSchema(
  'EmailSendFailed',
  1,
  z.object({
    emailId: identifier,
    kind,
    documentId: identifier,
    customerId: identifier,
    to: text.nullable(),
    reason: text,
    attempt,
    nextAttemptAt: instant.nullable(),
    failedAt: instant,
  }),
);

/**
 * The scheduler found attempt `attempt` due (the failed attempt's `nextAttemptAt` has come on the tenant's clock); the
 * email process manager makes it. Recorded so that every attempt, first or retry, is made in one place.
 */
export const emailRetryDueSchema = defineEventSchema('EmailRetryDue', 1, z.object({ emailId: identifier, attempt, dueAt: instant }));

/** Every email event type, by its stored name. */
export const emailEventSchemas = {
  EmailRequested: emailRequestedSchema,
  EmailSent: emailSentSchema,
  EmailSendFailed: emailSendFailedSchema,
  EmailRetryDue: emailRetryDueSchema,
} as const;

export type EmailEventType = keyof typeof emailEventSchemas;
export const emailEventTypes = Object.keys(emailEventSchemas) as EmailEventType[];

export type EmailRequested = DomainEvent<'EmailRequested', z.infer<typeof emailRequestedSchema.data>>;
export type EmailSent = DomainEvent<'EmailSent', z.infer<typeof emailSentSchema.data>>;
export type EmailSendFailed = DomainEvent<'EmailSendFailed', z.infer<typeof emailSendFailedSchema.data>>;
export type EmailRetryDue = DomainEvent<'EmailRetryDue', z.infer<typeof emailRetryDueSchema.data>>;

export type EmailEvent = EmailRequested | EmailSent | EmailSendFailed | EmailRetryDue;
