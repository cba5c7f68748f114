import type { DomainCommand } from '../common/command.js';
import type { WebhookFeedStartReason } from './webhook-delivery.limits.js';

/**
 * Starts (or moves forward) an endpoint's feed: it gets the messages of events after `fromPosition`. A start never
 * moves the feed back (only a replay does), and `first_seen` only starts a feed that has none.
 */
export type StartWebhookFeed = DomainCommand<'StartWebhookFeed', { endpointId: string; fromPosition: string; reason: WebhookFeedStartReason }>;

/** Replays an endpoint from `fromPosition` (`0`: the start of the log) as a new round. */
export type RequestWebhookReplay = DomainCommand<'RequestWebhookReplay', { endpointId: string; fromPosition: string }>;

export type WebhookEndpointFeedCommand = StartWebhookFeed | RequestWebhookReplay;
