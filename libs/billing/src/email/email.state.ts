import { assertNever } from '../common/assert-never.js';
import type { EmailEvent, EmailKind } from './email.events.js';

/**
 * 'none': no event yet. 'requested': asked for explicitly, no attempt yet. 'retry_scheduled': an attempt failed and the
 * next one falls due at `nextAttemptAt`. 'retry_due': that time has come (the scheduler said so). 'sent': accepted by the
 * mail server, final. 'failed': given up (a permanent failure or the last attempt), final.
 */
export type EmailStatus = 'none' | 'requested' | 'retry_scheduled' | 'retry_due' | 'sent' | 'failed';

export interface EmailState {
  status: EmailStatus;
  emailId: string | null;
  kind: EmailKind | null;
  documentId: string | null;
  customerId: string | null;
  /** Attempts made (sent or failed). */
  attempts: number;
  /** The recipient of the last attempt (null: none was found). */
  to: string | null;
  subject: string | null;
  messageId: string | null;
  nextAttemptAt: string | null;
  lastFailure: { reason: string; failedAt: string } | null;
  requestedAt: string | null;
  sentAt: string | null;
}

export const initialEmailState: EmailState = {
  status: 'none',
  emailId: null,
  kind: null,
  documentId: null,
  customerId: null,
  attempts: 0,
  to: null,
  subject: null,
  messageId: null,
  nextAttemptAt: null,
  lastFailure: null,
  requestedAt: null,
  sentAt: null,
};

export function evolveEmail(state: EmailState, event: EmailEvent): EmailState {
  switch (event.type) {
    case 'EmailRequested': {
      const { emailId, kind, documentId, customerId, requestedAt } = event.data;
      return { ...state, status: 'requested', emailId, kind, documentId, customerId, requestedAt };
    }
    case 'EmailSent': {
      const { emailId, kind, documentId, customerId, to, subject, messageId, attempt, sentAt } = event.data;
      return { ...state, status: 'sent', emailId, kind, documentId, customerId, attempts: attempt, to, subject, messageId, nextAttemptAt: null, sentAt };
    }
    case 'EmailSendFailed': {
      const { emailId, kind, documentId, customerId, to, reason, attempt, nextAttemptAt, failedAt } = event.data;
      return {
        ...state,
        status: nextAttemptAt === null ? 'failed' : 'retry_scheduled',
        emailId,
        kind,
        documentId,
        customerId,
        attempts: attempt,
        to,
        nextAttemptAt,
        lastFailure: { reason, failedAt },
      };
    }
    case 'EmailRetryDue':
      return { ...state, status: 'retry_due' };
    default:
      return assertNever(event, 'email event');
  }
}
