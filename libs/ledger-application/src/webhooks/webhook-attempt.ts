import { aggregates, executeCommand, load, uuidV5, type CommandContext } from '../../../application/src/index.js';
import { isAttemptMade, isDomainError, type WebhookEndpoint, type WebhookMessageSource } from '../../../billing/src/index.js';
import { webhookBodyOf, type PublicEvent } from '../../../billing/src/public-events/index.js';
import type { Position } from '../../../event-store/src/index.js';
import {
  attemptOutcomeOf,
  attemptWithoutRequest,
  sendWebhookRequest,
  webhookRequestHeaders,
  type AttemptContext,
  type WebhookAttemptOutcome,
} from '../../../webhooks/src/index.js';
import type { WebhookCausation, WebhookSecretReader, WebhookServices } from './webhook-services.js';

/** One attempt to make: which message, to which endpoint (as the settings now describe it), which round and number. */
export interface WebhookAttemptRequest {
  readonly tenantId: string;
  readonly endpoint: WebhookEndpoint;
  readonly message: PublicEvent;
  readonly source: WebhookMessageSource;
  readonly round: number;
  readonly attempt: number;
  /** The attempt's instant on the tenant's clock: its record's `attemptedAt`, and what the next attempt is scheduled from. */
  readonly now: string;
  readonly actor: string;
  readonly causation: WebhookCausation;
}

export type WebhookAttemptResult =
  | { readonly kind: 'attempted'; readonly outcome: WebhookAttemptOutcome; readonly position: Position | undefined }
  /** The attempt was made already (by another process, or before a crash): nothing was sent. */
  | { readonly kind: 'already_made'; readonly position: Position | undefined };

export const WEBHOOK_DISPATCHER_ACTOR = 'process-manager:webhook-dispatcher';
export const WEBHOOK_RETRY_ACTOR = 'scheduler:webhook-retry';

/** A message's delivery to one endpoint is one stream, keyed `<endpointId>-<messageId>` (message ids are UUIDs). */
export function webhookDeliveryId(endpointId: string, messageId: string): string {
  return `${endpointId}-${messageId}`;
}

/** Attempt ids derive from (endpoint, message, round, attempt number): a re-run of the same attempt finds its record. */
export function webhookAttemptCommandId(tenantId: string, endpointId: string, messageId: string, round: number, attempt: number): string {
  return uuidV5(`${tenantId}:webhook-attempt:${endpointId}:${messageId}:${round}:${attempt}`);
}

/**
 * Makes one attempt and records it. The message's stream is read first: an attempt already recorded (a redelivered
 * event, a re-dispatched retry, a crash between the record and the checkpoint) sends nothing. The body is the public
 * event's (webhookBodyOf: the same bytes on every attempt), signed at the attempt's REAL time (receivers check
 * `webhook-timestamp` against their clock), while the record carries the tenant's time. A 410 disables the endpoint.
 *
 * The secrets are read from the secret store for this attempt only; they reach the request headers and nothing else
 * (the record's error has them removed, the log never sees them). Two processes racing on one attempt both send,
 * and the second record is refused: delivery is at least once, and `webhook-id` lets receivers drop a duplicate.
 */
export async function attemptWebhookDelivery(services: WebhookServices, request: WebhookAttemptRequest): Promise<WebhookAttemptResult> {
  const { tenantId, endpoint, message, round, attempt, now } = request;
  const deliveryId = webhookDeliveryId(endpoint.id, message.id);
  const loaded = await load(services.store, aggregates.webhookMessage, tenantId, deliveryId);
  if (isAttemptMade(loaded.state, round, attempt)) return { kind: 'already_made', position: loaded.lastPosition };
  const secrets = await endpointSecrets(services.secrets, tenantId, endpoint, now);
  const context: AttemptContext = { attempt, attemptedAt: now, realNow: services.clock(), secrets: secrets.kind === 'read' ? secrets.all : [] };
  let outcome: WebhookAttemptOutcome;
  if (secrets.kind === 'unreadable') {
    outcome = attemptWithoutRequest(context, "the endpoint's secret could not be read from the secret store");
  } else {
    const body = webhookBodyOf(message);
    const timestampSeconds = Math.floor(services.clock().getTime() / 1000);
    const headers = webhookRequestHeaders({ messageId: message.id, timestampSeconds, body, authType: endpoint.authType, secret: secrets.current, previousSecret: secrets.previous });
    const result = await sendWebhookRequest({ url: endpoint.url, headers, body }, { timeoutMs: services.timeoutMs, ...(services.agents ? { agents: services.agents } : {}) });
    outcome = attemptOutcomeOf(result, { ...context, realNow: services.clock() });
  }
  const commandId = webhookAttemptCommandId(tenantId, endpoint.id, message.id, round, attempt);
  const command: CommandContext = { tenantId, actor: request.actor, commandId, correlationId: request.causation.correlationId, causationId: request.causation.causationId, now };
  let position: Position | undefined;
  try {
    ({ position } = await executeCommand(
      services.store,
      command,
      aggregates.webhookMessage.on(deliveryId, {
        command: () => ({
          type: 'RecordWebhookAttempt',
          data: {
            endpointId: endpoint.id,
            messageId: message.id,
            eventType: message.type,
            source: request.source,
            round,
            attempt,
            status: outcome.status,
            responseStatus: outcome.responseStatus,
            durationMs: outcome.durationMs,
            error: outcome.error,
            nextAttemptAt: outcome.nextAttemptAt,
          },
        }),
      }),
    ));
  } catch (error) {
    // Another process recorded this attempt (or a later round began) while ours was on the wire.
    if (isDomainError(error) && (error.code === 'ALREADY_EXISTS' || error.code === 'INVALID_STATE_TRANSITION')) return { kind: 'already_made', position: undefined };
    throw error;
  }
  if (outcome.endpointGone) {
    try {
      await services.disableEndpoint(tenantId, endpoint.id, 'the endpoint answered 410 Gone', uuidV5(`${commandId}:disable`), { correlationId: request.causation.correlationId, causationId: commandId });
    } catch (error) {
      // Removed from the settings meanwhile: nothing is left to disable.
      if (!isDomainError(error)) throw error;
      services.log(`webhooks: endpoint ${endpoint.id} of tenant ${tenantId} answered 410 but could not be disabled: ${error.code}: ${error.message}`);
    }
  }
  return { kind: 'attempted', outcome, position };
}

type EndpointSecrets = { readonly kind: 'read'; readonly current: string | null; readonly previous: string | null; readonly all: string[] } | { readonly kind: 'unreadable' };

/**
 * The endpoint's secret, and the one it replaced while that is still valid (until previousSecretExpiresAt, on the
 * tenant's clock): both sign during a rotation. A reference the store cannot resolve makes the attempt fail (and be
 * retried) without a request: sending unsigned, or without the credential, would be worse.
 */
async function endpointSecrets(secrets: WebhookSecretReader, tenantId: string, endpoint: WebhookEndpoint, now: string): Promise<EndpointSecrets> {
  const previousValid = endpoint.previousSecretRef !== null && endpoint.previousSecretExpiresAt !== null && Date.parse(endpoint.previousSecretExpiresAt) > Date.parse(now);
  try {
    const current = endpoint.secretRef === null ? null : await revealCached(secrets, tenantId, endpoint.secretRef);
    const previous = previousValid ? await revealCached(secrets, tenantId, endpoint.previousSecretRef as string) : null;
    return { kind: 'read', current, previous, all: [current, previous].filter((secret): secret is string => secret !== null) };
  } catch {
    return { kind: 'unreadable' };
  }
}

/** Revealed secrets per store object, by tenant and reference: a reference always names the same plaintext. */
const revealed = new WeakMap<WebhookSecretReader, Map<string, Promise<string>>>();
const REVEALED_MAX = 10_000;

function revealCached(secrets: WebhookSecretReader, tenantId: string, reference: string): Promise<string> {
  let byKey = revealed.get(secrets);
  if (byKey === undefined) revealed.set(secrets, (byKey = new Map()));
  const key = `${tenantId}\u0000${reference}`;
  let entry = byKey.get(key);
  if (entry === undefined) {
    if (byKey.size >= REVEALED_MAX) byKey.clear();
    const reading = secrets.reveal(tenantId, reference);
    reading.catch(() => {
      if (byKey.get(key) === reading) byKey.delete(key);
    });
    byKey.set(key, reading);
    entry = reading;
  }
  return entry;
}
