import { webhookEvents } from '../billing-settings/billing-settings.js';
import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { optionalText, requireIdentifier, requireIntegerInRange, requireOneOf, requireRecord, requireText, validationFailed } from '../common/validation.js';
import { isLogPosition } from './log-position.js';
import { webhookAbandonReasons, webhookAttemptStatuses, webhookDeliveryLimits } from './webhook-delivery.limits.js';
import type { AbandonWebhookDelivery, RecordWebhookAttempt, WebhookMessageCommand } from './webhook-message.commands.js';
import type { WebhookDeliveryAbandoned, WebhookDeliveryAttempted, WebhookMessageEvent, WebhookMessageSource } from './webhook-message.events.js';
import { evolveWebhookMessage, initialWebhookMessageState, type WebhookMessageState } from './webhook-message.state.js';

/**
 * The record of one message's delivery to one endpoint (stream `<tenant>:webhook_message-<endpointId>-<messageId>`).
 * The HTTP exchange is done by the application; the decider keeps the record true: attempts are numbered 1, 2, 3...
 * within a round with none skipped or repeated, nothing follows a delivery or a give-up in the same round, a failure
 * names a later instant for its retry, the last attempt of the schedule cannot plan another, and a round that a
 * replay has replaced cannot be written to. So a retry that races another (two processes, a crash and a re-run) is
 * refused instead of recorded twice.
 */
export function decideWebhookMessage(command: WebhookMessageCommand, state: WebhookMessageState): WebhookMessageEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'RecordWebhookAttempt':
      return [recordAttempt(command, state)];
    case 'AbandonWebhookDelivery':
      return [abandon(command, state)];
    default:
      return assertNever(command, 'webhook message command');
  }
}

export const webhookMessageDecider: Decider<WebhookMessageCommand, WebhookMessageEvent, WebhookMessageState> = {
  decide: decideWebhookMessage,
  evolve: evolveWebhookMessage,
  initialState: initialWebhookMessageState,
};

function recordAttempt(command: RecordWebhookAttempt, state: WebhookMessageState): WebhookDeliveryAttempted {
  const now = command.metadata.now;
  const data = command.data;
  const endpointId = requireIdentifier(data.endpointId, 'endpointId');
  const messageId = requireIdentifier(data.messageId, 'messageId');
  const eventType = requireOneOf(data.eventType, 'eventType', webhookEvents);
  const source = requireSource(data.source);
  const round = requireIntegerInRange(data.round, 'round', 0, webhookDeliveryLimits.roundsMax);
  const attempt = requireIntegerInRange(data.attempt, 'attempt', 1, webhookDeliveryLimits.attemptsMax);
  const status = requireOneOf(data.status, 'status', webhookAttemptStatuses);
  const responseStatus = data.responseStatus === null ? null : requireIntegerInRange(data.responseStatus, 'responseStatus', 100, 599);
  const durationMs = requireIntegerInRange(data.durationMs, 'durationMs', 0, webhookDeliveryLimits.durationMsMax);
  const error = optionalText(data.error, 'error', webhookDeliveryLimits.errorLengthMax);
  const nextAttemptAt = data.nextAttemptAt === null ? null : requireInstant(data.nextAttemptAt, 'nextAttemptAt');
  if (status === 'failed') {
    if (nextAttemptAt === null) throw validationFailed('a failed attempt names when the next one is due (nextAttemptAt)', { field: 'nextAttemptAt' });
    if (Date.parse(nextAttemptAt) <= Date.parse(now)) throw validationFailed(`nextAttemptAt ${nextAttemptAt} must be after the attempt (${now})`, { field: 'nextAttemptAt' });
    if (attempt === webhookDeliveryLimits.attemptsMax) {
      throw validationFailed(`attempt ${attempt} is the last one: it is delivered or gives up, it cannot plan another`, { field: 'status' });
    }
  } else if (nextAttemptAt !== null) {
    throw validationFailed(`a ${status} attempt plans no other (nextAttemptAt must be null)`, { field: 'nextAttemptAt' });
  }
  if (status === 'delivered' && (responseStatus === null || responseStatus < 200 || responseStatus > 299)) {
    throw validationFailed('a delivered attempt received a 2xx response', { field: 'responseStatus' });
  }
  requireSameMessage(state, endpointId, messageId);
  if (state.round !== null && round < state.round) {
    throw new DomainError('INVALID_STATE_TRANSITION', `round ${round} of message ${messageId} to endpoint ${endpointId} is over: the endpoint was replayed (round ${state.round})`, {
      round,
      currentRound: state.round,
    });
  }
  const sameRound = state.round === round;
  const made = sameRound ? state.attempts : 0;
  if (sameRound && (state.status === 'delivered' || state.status === 'gave_up') && attempt > made) {
    throw new DomainError('INVALID_STATE_TRANSITION', `message ${messageId} to endpoint ${endpointId} was ${state.status === 'delivered' ? 'delivered' : 'given up'} in round ${round}: no attempt follows`, {
      round,
      status: state.status,
    });
  }
  if (attempt <= made) throw new DomainError('ALREADY_EXISTS', `attempt ${attempt} of message ${messageId} to endpoint ${endpointId} (round ${round}) is recorded already`, { round, attempt });
  if (attempt !== made + 1) throw validationFailed(`attempt ${made + 1} of round ${round} comes next, not attempt ${attempt}`, { field: 'attempt', expected: made + 1 });
  return {
    type: 'WebhookDeliveryAttempted',
    data: { endpointId, messageId, eventType, source, round, attempt, status, responseStatus, durationMs, error, attemptedAt: now, nextAttemptAt },
  };
}

function abandon(command: AbandonWebhookDelivery, state: WebhookMessageState): WebhookDeliveryAbandoned {
  const endpointId = requireIdentifier(command.data.endpointId, 'endpointId');
  const messageId = requireIdentifier(command.data.messageId, 'messageId');
  const round = requireIntegerInRange(command.data.round, 'round', 0, webhookDeliveryLimits.roundsMax);
  const reason = requireOneOf(command.data.reason, 'reason', webhookAbandonReasons);
  if (state.round === null || state.eventType === null || state.source === null) {
    throw new DomainError('NOT_FOUND', `message ${messageId} was never sent to endpoint ${endpointId}: nothing to give up`, { endpointId, messageId });
  }
  requireSameMessage(state, endpointId, messageId);
  if (round !== state.round || state.status !== 'failed') {
    throw new DomainError('INVALID_STATE_TRANSITION', `message ${messageId} to endpoint ${endpointId} is not waiting for a retry in round ${round}`, { round, currentRound: state.round, status: state.status });
  }
  return {
    type: 'WebhookDeliveryAbandoned',
    data: { endpointId, messageId, eventType: state.eventType, source: state.source, round, attempts: state.attempts, reason, abandonedAt: command.metadata.now },
  };
}

/** The stream is named after its endpoint and message: another pair here is a bug, not input. */
function requireSameMessage(state: WebhookMessageState, endpointId: string, messageId: string): void {
  if (state.endpointId !== null && (state.endpointId !== endpointId || state.messageId !== messageId)) {
    throw new Error(`webhook message command for ${endpointId}/${messageId} was decided on the stream of ${state.endpointId}/${state.messageId}`);
  }
}

function requireSource(value: unknown): WebhookMessageSource {
  const source = requireRecord(value, 'source', '{ eventId, streamId, revision, position }');
  const eventId = requireIdentifier(source.eventId, 'source.eventId');
  const streamId = requireText(source.streamId, 'source.streamId', 400);
  if (typeof source.revision !== 'string' || !/^\d{1,20}$/.test(source.revision)) throw validationFailed('source.revision must be a stream revision', { field: 'source.revision' });
  if (!isLogPosition(source.position)) throw validationFailed('source.position must be a log position <commit>.<prepare>', { field: 'source.position' });
  return { eventId, streamId, revision: source.revision, position: source.position };
}
