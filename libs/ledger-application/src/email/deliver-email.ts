import { aggregates, executeCommand, load, type CommandContext } from '../../../application/src/index.js';
import { emailLimits, nextEmailAttempt, NO_RECIPIENT_REASON, type EmailState } from '../../../billing/src/index.js';
import { mailSendErrorOf, messageIdFor, type MailAttachment, type MailMessage } from '../../../mail/src/index.js';
import { tenantNowOf } from '../common/tenant-time.js';
import { emailFactsOf, type EmailAttachmentSource, type EmailSubject } from './email-content.js';
import { EMAIL_ACTOR, emailAttemptCommandId } from './email-ids.js';
import type { EmailServices } from './email-services.js';
import { renderEmail } from './email-templates.js';

/**
 * Which attempt a caller means to make, so that a redelivered event never makes another: `first` is an automatic
 * email's first attempt (its stream must be empty), `requested` the first attempt of an explicit request, `retry` the
 * attempt the scheduler marked due.
 */
export type EmailAttemptStage = { readonly stage: 'first'; readonly subject: EmailSubject } | { readonly stage: 'requested' } | { readonly stage: 'retry'; readonly attempt: number };

export interface EmailAttemptRequest {
  readonly tenantId: string;
  readonly emailId: string;
  readonly stage: EmailAttemptStage;
  /** The event that led to the attempt: the causation of what is recorded. */
  readonly causationId: string;
  readonly correlationId: string;
}

export type EmailAttemptOutcome =
  | { readonly outcome: 'sent'; readonly attempt: number }
  | { readonly outcome: 'failed'; readonly attempt: number; readonly reason: string; readonly nextAttemptAt: string | null }
  /** Nothing was sent or recorded: the attempt was made already (a redelivery), or the email no longer applies before any attempt. */
  | { readonly outcome: 'skipped'; readonly reason: string };

/**
 * One attempt at one email (docs/email.md, "Delivery"): the email's stream is read first, and the attempt is made only
 * if it is the one the caller means (the never-twice check); then what the email shows is read as it is now, the
 * message is built and handed to the transport, and the outcome is recorded on the email's stream: EmailSent with the
 * Message-ID, or EmailSendFailed with the reason and the next attempt's time. The only window in which a message can
 * go out twice is a crash (or a lost append) between the server's acceptance and the recording; the Message-ID is the
 * same on the resend, so receivers that deduplicate show it once.
 */
export async function attemptEmail(services: EmailServices, request: EmailAttemptRequest): Promise<EmailAttemptOutcome> {
  const { tenantId, emailId } = request;
  const { state } = await load(services.store, aggregates.email, tenantId, emailId);
  const skip = skipReason(state, request.stage);
  if (skip !== null) return { outcome: 'skipped', reason: skip };
  const subject = subjectOf(state, request.stage);
  const attempt = nextEmailAttempt(state);
  const now = await tenantNowOf(services, tenantId);
  const context: CommandContext = {
    tenantId,
    actor: EMAIL_ACTOR,
    commandId: emailAttemptCommandId(emailId, attempt),
    correlationId: request.correlationId,
    causationId: request.causationId,
    now,
  };
  const identity = { emailId, kind: subject.kind, documentId: subject.documentId, customerId: subject.customerId, attempt };
  const recordFailure = async (to: string | null, reason: string, permanent: boolean): Promise<EmailAttemptOutcome> => {
    const outcome = await executeCommand(
      services.store,
      context,
      aggregates.email.on(emailId, { command: () => ({ type: 'RecordEmailSendFailed', data: { ...identity, to, reason, permanent } }) }),
    );
    return { outcome: 'failed', attempt, reason, nextAttemptAt: outcome.state.nextAttemptAt };
  };

  const facts = await emailFactsOf(services, tenantId, subject, now);
  if (!facts.applicable) {
    // Before any attempt an email that no longer applies is simply not sent; once attempts were made, the giving up is recorded.
    if (state.status === 'none') return { outcome: 'skipped', reason: facts.reason };
    return recordFailure(state.to, facts.reason, true);
  }
  if (facts.recipient === null) return recordFailure(null, NO_RECIPIENT_REASON, true);
  let attachments: MailAttachment[];
  try {
    attachments = facts.attachment === null ? [] : [await attachmentOf(services, tenantId, facts.attachment)];
  } catch (error) {
    const failure = error instanceof MissingDocumentError ? { reason: error.message, permanent: true } : { reason: `document_render_failed: ${shortMessage(error)}`, permanent: false };
    return recordFailure(facts.recipient, failure.reason, failure.permanent);
  }
  const rendered = renderEmail(facts.content);
  const message: MailMessage = {
    reference: emailId,
    from: { address: services.mailFrom, name: facts.content.company.name },
    replyTo: facts.replyTo,
    to: facts.recipient,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: messageIdFor(emailId, services.mailFrom),
    attachments,
  };
  try {
    await services.mail.send(message);
  } catch (error) {
    const failure = mailSendErrorOf(error);
    return recordFailure(facts.recipient, failure.reason, failure.permanent);
  }
  await executeCommand(
    services.store,
    context,
    aggregates.email.on(emailId, {
      command: () => ({ type: 'RecordEmailSent', data: { ...identity, to: message.to, subject: truncated(message.subject), messageId: message.messageId } }),
    }),
  );
  return { outcome: 'sent', attempt };
}

/** Why the attempt the caller means is not to be made now, or null when it is. */
function skipReason(state: EmailState, stage: EmailAttemptStage): string | null {
  switch (stage.stage) {
    case 'first':
      return state.status === 'none' ? null : `already ${state.status}`;
    case 'requested':
      return state.status === 'requested' ? null : `already ${state.status}`;
    case 'retry':
      return state.status === 'retry_due' && nextEmailAttempt(state) === stage.attempt ? null : `attempt ${stage.attempt} is not due (${state.status}, ${state.attempts} attempts made)`;
  }
}

function subjectOf(state: EmailState, stage: EmailAttemptStage): EmailSubject {
  if (stage.stage === 'first') return stage.subject;
  // A requested or retried email has events, and every event names what it is about.
  if (state.kind === null || state.documentId === null || state.customerId === null) throw new Error(`email ${state.emailId} has events but no subject`);
  return { kind: state.kind, documentId: state.documentId, customerId: state.customerId };
}

class MissingDocumentError extends Error {}

async function attachmentOf(services: EmailServices, tenantId: string, source: EmailAttachmentSource): Promise<MailAttachment> {
  const attachment = source.document === 'invoice' ? await services.documents.invoicePdf(tenantId, source.id) : await services.documents.receiptPdf(tenantId, source.id);
  if (attachment === undefined) throw new MissingDocumentError(`document_not_found: ${source.document} ${source.id}`);
  return attachment;
}

/** An error as a short reason: its first line, bounded (the event's reason is bounded too). */
function shortMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

/** The subject as recorded: at most the event's bound (a long invoice number and company name together could pass it). */
function truncated(subject: string): string {
  const max = emailLimits.subjectLengthMax;
  return subject.length > max ? `${subject.slice(0, max - 1)}…` : subject;
}
