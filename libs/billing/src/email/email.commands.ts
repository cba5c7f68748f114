import type { DomainCommand } from '../common/command.js';
import type { EmailKind } from './email.events.js';

/**
 * An explicit request to send an invoice (`sendInvoice`), whatever the automatic toggles say. The invoice's status and
 * customer are read by the caller and passed in: a draft or a voided invoice is refused.
 */
export type RequestInvoiceEmail = DomainCommand<
  'RequestInvoiceEmail',
  {
    emailId: string;
    invoiceId: string;
    /** The invoice's lifecycle status as loaded ('none' when the invoice does not exist). */
    invoiceStatus: string;
    /** The invoice's customer; null when the invoice does not exist. */
    customerId: string | null;
  }
>;

/** What every attempt names: the email and what it is about (the same on every attempt of one email). */
export interface EmailAttemptIdentity {
  emailId: string;
  kind: EmailKind;
  documentId: string;
  customerId: string;
  /** 1 for the first attempt; each retry the next number. */
  attempt: number;
}

/** The mail server accepted attempt `attempt` (the time is the command's `now`). */
export type RecordEmailSent = DomainCommand<'RecordEmailSent', EmailAttemptIdentity & { to: string; subject: string; messageId: string }>;

/**
 * Attempt `attempt` failed. `permanent` failures (no recipient, a 5xx answer of the server) are not retried; others
 * follow the retry schedule (emailRetrySchedule) until the last attempt.
 */
export type RecordEmailSendFailed = DomainCommand<'RecordEmailSendFailed', EmailAttemptIdentity & { to: string | null; reason: string; permanent: boolean }>;

/** The scheduler: attempt `attempt` has fallen due (its time is the command's `now`). */
export type MarkEmailRetryDue = DomainCommand<'MarkEmailRetryDue', { emailId: string; attempt: number }>;

export type EmailCommand = RequestInvoiceEmail | RecordEmailSent | RecordEmailSendFailed | MarkEmailRetryDue;
