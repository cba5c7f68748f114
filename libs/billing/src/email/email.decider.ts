import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { optionalText, requireIdentifier, requireIntegerInRange, requireOneOf, requireText, validationFailed } from '../common/validation.js';
import type { EmailAttemptIdentity, EmailCommand, MarkEmailRetryDue, RecordEmailSendFailed, RecordEmailSent, RequestInvoiceEmail } from './email.commands.js';
import { emailKinds, type EmailEvent, type EmailSendFailed, type EmailSent } from './email.events.js';
import { emailAttemptsMax, nextEmailAttemptAt } from './email.retry-schedule.js';
import { evolveEmail, initialEmailState, type EmailState } from './email.state.js';

/** Bounds on every text an email event carries (a limit on everything that grows). */
export const emailLimits = {
  recipientLengthMax: 254,
  subjectLengthMax: 300,
  messageIdLengthMax: 300,
  reasonLengthMax: 500,
  attemptsMax: emailAttemptsMax,
} as const;

/** The reason recorded when the customer has no email address: a permanent failure, never retried. */
export const NO_RECIPIENT_REASON = 'no_recipient';

/**
 * Invoices that may not be sent: a draft has no number and owes nothing yet, a voided invoice is cancelled. Every other
 * issued status (open, partly paid, paid, written off, overdue) may be sent, as a copy.
 */
const unsendableInvoiceStatuses: Readonly<Record<string, string>> = {
  draft: 'is a draft: issue it before sending it',
  void: 'is void: a voided invoice is not sent',
};

/**
 * Order of checks: the metadata, then the command's data, then the state. An email is sent at most once: an attempt
 * recorded after it was sent decides nothing, and attempts follow each other one by one (attempt n + 1 after n).
 */
export function decideEmail(command: EmailCommand, state: EmailState): EmailEvent[] {
  const now = requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'RequestInvoiceEmail':
      return requestInvoiceEmail(command, state, now);
    case 'RecordEmailSent':
      return recordEmailSent(command, state, now);
    case 'RecordEmailSendFailed':
      return recordEmailSendFailed(command, state, now);
    case 'MarkEmailRetryDue':
      return markEmailRetryDue(command, state, now);
    default:
      return assertNever(command, 'email command');
  }
}

export const emailDecider: Decider<EmailCommand, EmailEvent, EmailState> = {
  decide: decideEmail,
  evolve: evolveEmail,
  initialState: initialEmailState,
};

/** The number of the attempt an email is waiting for: the first, or the one after the attempts made. */
export function nextEmailAttempt(state: EmailState): number {
  return state.attempts + 1;
}

function requestInvoiceEmail({ data }: RequestInvoiceEmail, state: EmailState, now: string): EmailEvent[] {
  const emailId = requireIdentifier(data?.emailId, 'emailId');
  const invoiceId = requireIdentifier(data.invoiceId, 'invoiceId');
  assertDecidedOnOwnStream('email', emailId, state.emailId);
  if (state.status !== 'none') {
    if (state.kind === 'invoice' && state.documentId === invoiceId) return [];
    throw new DomainError('ALREADY_EXISTS', `Email ${emailId} exists already, for ${state.kind} ${state.documentId}`, { emailId });
  }
  if (data.invoiceStatus === 'none' || data.customerId === null) {
    throw new DomainError('NOT_FOUND', `Invoice ${invoiceId} does not exist`, { invoiceId });
  }
  const unsendable = unsendableInvoiceStatuses[data.invoiceStatus];
  if (unsendable !== undefined) {
    throw new DomainError('INVOICE_NOT_SENDABLE', `Invoice ${invoiceId} ${unsendable}`, { invoiceId, status: data.invoiceStatus });
  }
  const customerId = requireIdentifier(data.customerId, 'customerId');
  return [{ type: 'EmailRequested', data: { emailId, kind: 'invoice', documentId: invoiceId, customerId, requestedAt: now } }];
}

function recordEmailSent({ data }: RecordEmailSent, state: EmailState, now: string): EmailEvent[] {
  const identity = attemptIdentityOf(data, state);
  // Sent is final: a second report of success (a redelivery) records nothing, so the email counts as sent once.
  if (state.status === 'sent') return [];
  requireAttemptAllowed(state, identity.attempt, now);
  const event: EmailSent = {
    type: 'EmailSent',
    data: {
      ...identity,
      to: requireText(data.to, 'to', emailLimits.recipientLengthMax),
      subject: requireText(data.subject, 'subject', emailLimits.subjectLengthMax),
      messageId: requireText(data.messageId, 'messageId', emailLimits.messageIdLengthMax),
      sentAt: now,
    },
  };
  return [event];
}

function recordEmailSendFailed({ data }: RecordEmailSendFailed, state: EmailState, now: string): EmailEvent[] {
  const identity = attemptIdentityOf(data, state);
  if (state.status === 'sent') return [];
  requireAttemptAllowed(state, identity.attempt, now);
  if (typeof data.permanent !== 'boolean') throw validationFailed('permanent must be true or false', { field: 'permanent' });
  const event: EmailSendFailed = {
    type: 'EmailSendFailed',
    data: {
      ...identity,
      to: optionalText(data.to, 'to', emailLimits.recipientLengthMax),
      reason: requireText(data.reason, 'reason', emailLimits.reasonLengthMax),
      nextAttemptAt: nextEmailAttemptAt(now, identity.attempt, data.permanent),
      failedAt: now,
    },
  };
  return [event];
}

function markEmailRetryDue({ data }: MarkEmailRetryDue, state: EmailState, now: string): EmailEvent[] {
  const emailId = requireIdentifier(data?.emailId, 'emailId');
  const attempt = requireIntegerInRange(data.attempt, 'attempt', 2, emailLimits.attemptsMax);
  assertDecidedOnOwnStream('email', emailId, state.emailId);
  // Work that no longer applies (the email was sent or given up, or this attempt was made) decides nothing: the
  // scheduler's row for it simply goes.
  if (state.status !== 'retry_scheduled' || attempt !== nextEmailAttempt(state)) return [];
  if (state.nextAttemptAt !== null && Date.parse(now) < Date.parse(state.nextAttemptAt)) {
    throw new DomainError('RETRY_NOT_DUE', `Attempt ${attempt} of email ${emailId} is due at ${state.nextAttemptAt}, not yet at ${now}`, {
      emailId,
      attempt,
      nextAttemptAt: state.nextAttemptAt,
    });
  }
  return [{ type: 'EmailRetryDue', data: { emailId, attempt, dueAt: now } }];
}

/** The attempt's identity, checked; on a stream with events it must name the same kind, document and customer. */
function attemptIdentityOf(data: EmailAttemptIdentity, state: EmailState): EmailAttemptIdentity {
  const identity: EmailAttemptIdentity = {
    emailId: requireIdentifier(data?.emailId, 'emailId'),
    kind: requireOneOf(data.kind, 'kind', emailKinds),
    documentId: requireIdentifier(data.documentId, 'documentId'),
    customerId: requireIdentifier(data.customerId, 'customerId'),
    attempt: requireIntegerInRange(data.attempt, 'attempt', 1, emailLimits.attemptsMax),
  };
  assertDecidedOnOwnStream('email', identity.emailId, state.emailId);
  if (state.status !== 'none' && (identity.kind !== state.kind || identity.documentId !== state.documentId || identity.customerId !== state.customerId)) {
    throw validationFailed(`email ${identity.emailId} is the ${state.kind} email of ${state.documentId} (customer ${state.customerId}), not the ${identity.kind} email of ${identity.documentId}`, {
      field: 'documentId',
    });
  }
  return identity;
}

/**
 * Attempts come one at a time, in order: the next number only, never once the email was given up, and a retry not
 * before its time.
 */
function requireAttemptAllowed(state: EmailState, attempt: number, now: string): void {
  if (state.status === 'failed') {
    throw new DomainError('INVALID_STATE_TRANSITION', `Email ${state.emailId} was given up after attempt ${state.attempts}: no further attempt`, {
      emailId: state.emailId,
      attempts: state.attempts,
    });
  }
  const expected = nextEmailAttempt(state);
  if (attempt !== expected) {
    throw validationFailed(`attempt ${attempt} is not the next attempt of this email (${expected})`, { field: 'attempt', expected });
  }
  if (state.status === 'retry_scheduled' && state.nextAttemptAt !== null && Date.parse(now) < Date.parse(state.nextAttemptAt)) {
    throw new DomainError('RETRY_NOT_DUE', `Attempt ${attempt} of email ${state.emailId} is due at ${state.nextAttemptAt}, not yet at ${now}`, {
      emailId: state.emailId,
      attempt,
      nextAttemptAt: state.nextAttemptAt,
    });
  }
}
