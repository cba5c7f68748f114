import { emailEventSchemas } from '../../libs/billing/src/index.js';
import { storedEventData } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { dueWorkProjection, type DueWorkChanges, type DueWorkProjection } from '../../libs/scheduler/src/index.js';

/** The due-work kinds of emails, one handler each (libs/ledger-application/src/email/email-due-work.handlers.ts). */
export const emailWorkKinds = { retry: 'email.retry' } as const;

/** What a retry carries to its handler: the email and the number of the attempt that falls due. */
export interface EmailRetryWorkPayload {
  readonly emailId: string;
  readonly attempt: number;
}

/** The work key of attempt `attempt` of an email: the attempt is in the key, so each retry has its own command id. */
export function emailRetryWorkKey(emailId: string, attempt: number): string {
  return `email:${emailId}:attempt:${attempt}`;
}

/**
 * The scheduler's work for email retries (libs/scheduler/README.md, "Due work"), in plan mode: a failed attempt with a
 * next attempt states `email:<id>:attempt:<n>` due at its `nextAttemptAt`, on the tenant's clock (a test clock's advance
 * runs it); the attempt marked due withdraws it. An email's work shares one lane, `email:<id>`, so its retries never
 * overlap. A failure with no next attempt (permanent, or the last) states nothing.
 */
export const emailDueWorkProjection: DueWorkProjection = dueWorkProjection({
  name: 'email_due_work',
  version: 1,
  eventTypes: ['EmailSendFailed', 'EmailRetryDue'],
  plan: emailDueWorkOf,
});

export function emailDueWorkOf(recorded: RecordedEvent): DueWorkChanges {
  switch (recorded.type) {
    case 'EmailSendFailed': {
      const { emailId, attempt, nextAttemptAt } = storedEventData(emailEventSchemas.EmailSendFailed, recorded);
      if (nextAttemptAt === null) return {};
      const payload: EmailRetryWorkPayload = { emailId, attempt: attempt + 1 };
      return { upsert: [{ workKey: emailRetryWorkKey(emailId, attempt + 1), kind: emailWorkKinds.retry, dueAt: nextAttemptAt, payload: { ...payload }, lane: `email:${emailId}` }] };
    }
    case 'EmailRetryDue': {
      const { emailId, attempt } = storedEventData(emailEventSchemas.EmailRetryDue, recorded);
      return { remove: [emailRetryWorkKey(emailId, attempt)] };
    }
    default:
      return {};
  }
}
