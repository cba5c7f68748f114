import { assertNever } from '../common/assert-never.js';
import type { WebhookEndpointFeedEvent } from './webhook-endpoint-feed.events.js';

/**
 * One endpoint's feed: where its messages start (`fromPosition`, null until it has started) and which round the
 * feed is in (0 live, then one per replay). How far the feed has got is not here: each message's attempts say it
 * (the webhook_deliveries read model keeps the cursor), so the feed's stream grows by one event per start or replay.
 */
export interface WebhookEndpointFeedState {
  endpointId: string | null;
  fromPosition: string | null;
  round: number;
  startedAt: string | null;
  lastReplay: { fromPosition: string; requestedAt: string } | null;
}

export const initialWebhookEndpointFeedState: WebhookEndpointFeedState = { endpointId: null, fromPosition: null, round: 0, startedAt: null, lastReplay: null };

export function evolveWebhookEndpointFeed(state: WebhookEndpointFeedState, event: WebhookEndpointFeedEvent): WebhookEndpointFeedState {
  switch (event.type) {
    case 'WebhookFeedStarted':
      return { ...state, endpointId: event.data.endpointId, fromPosition: event.data.fromPosition, round: event.data.round, startedAt: event.data.startedAt };
    case 'WebhookReplayRequested':
      return {
        ...state,
        endpointId: event.data.endpointId,
        fromPosition: event.data.fromPosition,
        round: event.data.round,
        startedAt: state.startedAt ?? event.data.requestedAt,
        lastReplay: { fromPosition: event.data.fromPosition, requestedAt: event.data.requestedAt },
      };
    default:
      return assertNever(event, 'webhook endpoint feed event');
  }
}
