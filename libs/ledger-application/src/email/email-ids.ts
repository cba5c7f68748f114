import { uuidV5 } from '../../../application/src/index.js';
import type { EmailKind } from '../../../billing/src/index.js';

/** The actor of every email event the ledger records by itself (attempts, and retries marked due by the scheduler). */
export const EMAIL_ACTOR = 'process-manager:email';

/**
 * The id of an automatic email: derived from the tenant, the kind and the fact that triggered it (the trigger event's
 * id; a payment's id for its confirmation, so a payment gets one however its events are delivered), so the same fact
 * never makes a second email.
 */
export function automaticEmailId(tenantId: string, kind: EmailKind, sourceKey: string): string {
  return uuidV5(`${tenantId}:email:${kind}:${sourceKey}`);
}

/** The id of an email asked for by a command (sendInvoice): each request its own email, a retried request the same one. */
export function requestedEmailId(commandId: string): string {
  return uuidV5(`${commandId}:email`);
}

/** The command id of attempt `attempt` of an email: a retried recording of the same attempt finds its own event. */
export function emailAttemptCommandId(emailId: string, attempt: number): string {
  return uuidV5(`${emailId}:attempt:${attempt}`);
}
