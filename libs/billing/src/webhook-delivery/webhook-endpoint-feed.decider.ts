import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import { requireIdentifier, requireOneOf, validationFailed } from '../common/validation.js';
import { compareLogPositions, requireLogPosition } from './log-position.js';
import { webhookDeliveryLimits, webhookFeedStartReasons } from './webhook-delivery.limits.js';
import type { RequestWebhookReplay, StartWebhookFeed, WebhookEndpointFeedCommand } from './webhook-endpoint-feed.commands.js';
import type { WebhookEndpointFeedEvent, WebhookFeedStarted, WebhookReplayRequested } from './webhook-endpoint-feed.events.js';
import { evolveWebhookEndpointFeed, initialWebhookEndpointFeedState, type WebhookEndpointFeedState } from './webhook-endpoint-feed.state.js';

/**
 * One webhook endpoint's feed (stream `<tenant>:webhook_endpoint-<endpointId>`): where its messages start and which
 * round it is in. Starts only move it forward (an endpoint enabled again gets new events, not what it missed while
 * off), and a start the dispatcher sees again (a redelivered event) decides nothing; a replay moves it back and opens
 * the next round, whose attempts are new records (the same message ids, `round` + 1).
 */
export function decideWebhookEndpointFeed(command: WebhookEndpointFeedCommand, state: WebhookEndpointFeedState): WebhookEndpointFeedEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'StartWebhookFeed':
      return start(command, state);
    case 'RequestWebhookReplay':
      return [replay(command, state)];
    default:
      return assertNever(command, 'webhook endpoint feed command');
  }
}

export const webhookEndpointFeedDecider: Decider<WebhookEndpointFeedCommand, WebhookEndpointFeedEvent, WebhookEndpointFeedState> = {
  decide: decideWebhookEndpointFeed,
  evolve: evolveWebhookEndpointFeed,
  initialState: initialWebhookEndpointFeedState,
};

function start(command: StartWebhookFeed, state: WebhookEndpointFeedState): WebhookFeedStarted[] {
  const endpointId = requireIdentifier(command.data.endpointId, 'endpointId');
  const fromPosition = requireLogPosition(command.data.fromPosition, 'fromPosition');
  const reason = requireOneOf(command.data.reason, 'reason', webhookFeedStartReasons);
  requireSameEndpoint(state, endpointId);
  if (state.fromPosition !== null && (reason === 'first_seen' || compareLogPositions(fromPosition, state.fromPosition) <= 0)) return [];
  return [{ type: 'WebhookFeedStarted', data: { endpointId, fromPosition, round: state.round, reason, startedAt: command.metadata.now } }];
}

function replay(command: RequestWebhookReplay, state: WebhookEndpointFeedState): WebhookReplayRequested {
  const endpointId = requireIdentifier(command.data.endpointId, 'endpointId');
  const fromPosition = requireLogPosition(command.data.fromPosition, 'fromPosition');
  requireSameEndpoint(state, endpointId);
  if (state.round >= webhookDeliveryLimits.roundsMax) {
    throw validationFailed(`endpoint ${endpointId} has been replayed ${state.round} times, the most an endpoint may be`, { field: 'endpointId', roundsMax: webhookDeliveryLimits.roundsMax });
  }
  return { type: 'WebhookReplayRequested', data: { endpointId, fromPosition, round: state.round + 1, requestedAt: command.metadata.now } };
}

function requireSameEndpoint(state: WebhookEndpointFeedState, endpointId: string): void {
  if (state.endpointId !== null && state.endpointId !== endpointId) {
    throw new Error(`webhook feed command for endpoint ${endpointId} was decided on the stream of ${state.endpointId}`);
  }
}
