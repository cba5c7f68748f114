import type { WebhookEvent } from '../billing-settings/billing-settings.js';
import { assertNever } from '../common/assert-never.js';
import type { WebhookAttemptStatus } from './webhook-delivery.limits.js';
import type { WebhookMessageEvent, WebhookMessageSource } from './webhook-message.events.js';

/**
 * One message's delivery to one endpoint, as its latest round stands: `none` until the first attempt; then the status
 * of the round's latest attempt (`failed` means a retry is due at `nextAttemptAt`); `gave_up` after the last attempt,
 * a 410, or an abandon. A replay starts a new round with attempt 1; earlier rounds are history.
 */
export interface WebhookMessageState {
  endpointId: string | null;
  messageId: string | null;
  eventType: WebhookEvent | null;
  source: WebhookMessageSource | null;
  round: number | null;
  /** Attempts made in the current round. */
  attempts: number;
  status: 'none' | WebhookAttemptStatus;
  nextAttemptAt: string | null;
  lastAttemptedAt: string | null;
}

export const initialWebhookMessageState: WebhookMessageState = {
  endpointId: null,
  messageId: null,
  eventType: null,
  source: null,
  round: null,
  attempts: 0,
  status: 'none',
  nextAttemptAt: null,
  lastAttemptedAt: null,
};

/** Applies one event. Events are facts: evolve never validates. */
export function evolveWebhookMessage(state: WebhookMessageState, event: WebhookMessageEvent): WebhookMessageState {
  switch (event.type) {
    case 'WebhookDeliveryAttempted': {
      const { endpointId, messageId, eventType, source, round, attempt, status, nextAttemptAt, attemptedAt } = event.data;
      return { endpointId, messageId, eventType, source, round, attempts: attempt, status, nextAttemptAt, lastAttemptedAt: attemptedAt };
    }
    case 'WebhookDeliveryAbandoned':
      return { ...state, round: event.data.round, attempts: event.data.attempts, status: 'gave_up', nextAttemptAt: null };
    default:
      return assertNever(event, 'webhook message event');
  }
}

/** True when attempt `attempt` of `round` has been made already (or the round is over, or a later round began). */
export function isAttemptMade(state: WebhookMessageState, round: number, attempt: number): boolean {
  if (state.round === null) return false;
  if (state.round !== round) return state.round > round;
  return state.attempts >= attempt || state.status === 'delivered' || state.status === 'gave_up';
}
