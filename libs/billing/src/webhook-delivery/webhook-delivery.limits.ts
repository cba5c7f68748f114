/**
 * Bounds on webhook delivery records (a limit on everything that grows). `attemptsMax` is the length of the retry
 * schedule (libs/webhooks: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h): an attempt record with a
 * higher number, or a tenth attempt that still plans another, is refused.
 */
export const webhookDeliveryLimits = {
  attemptsMax: 10,
  /** An attempt's error: a status and the start of a body, never a whole response. */
  errorLengthMax: 256,
  /** Replays of one endpoint (each a round of its feed). */
  roundsMax: 1_000,
  /** An attempt's duration, in milliseconds (timeouts are far shorter). */
  durationMsMax: 86_400_000,
} as const;

/** What became of a message's delivery to one endpoint, after its latest attempt. */
export const webhookAttemptStatuses = ['delivered', 'failed', 'gave_up'] as const;
export type WebhookAttemptStatus = (typeof webhookAttemptStatuses)[number];

/**
 * Why a message that was waiting for a retry is given up without one: the endpoint was removed from the settings or
 * disabled, the tenant turned webhooks off, or the endpoint no longer subscribes to the message's type.
 */
export const webhookAbandonReasons = ['endpoint_removed', 'endpoint_disabled', 'feature_disabled', 'not_subscribed'] as const;
export type WebhookAbandonReason = (typeof webhookAbandonReasons)[number];

/** Why an endpoint's feed starts where it does: it was just added, enabled or webhooks turned on, or first met by the dispatcher. */
export const webhookFeedStartReasons = ['activated', 'first_seen'] as const;
export type WebhookFeedStartReason = (typeof webhookFeedStartReasons)[number];
