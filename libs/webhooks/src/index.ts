/**
 * Webhook delivery mechanics (docs/webhooks.md), with no knowledge of the ledger's domain: Standard Webhooks 1.0
 * signing, the request headers per auth type, the HTTP sender (timeout, no redirects), Retry-After and the retry
 * schedule, and how an HTTP result becomes an attempt's record. Everything but the sender is pure.
 */
export * from './webhook-signing.js';
export * from './webhook-headers.js';
export * from './retry-schedule.js';
export * from './webhook-sender.js';
export * from './attempt-outcome.js';
