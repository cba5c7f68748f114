import type { Kysely } from 'kysely';
import type { EventStore } from '../../../event-store/src/index.js';
import type { WebhookSendOptions } from '../../../webhooks/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { tenantNowOf, type TenantTimeSource } from '../common/tenant-time.js';

/** Reads a stored secret by its reference (libs/secrets' SecretStore, contract 1): the plaintext goes into headers only. */
export interface WebhookSecretReader {
  reveal(tenantId: string, reference: string): Promise<string>;
}

/** Who caused a command the delivery sends (the disable of an endpoint that answered 410). */
export interface WebhookCausation {
  readonly correlationId: string;
  readonly causationId: string;
}

/**
 * Disables an endpoint that answered 410 Gone: the settings' disableWebhookEndpoint handler (contract 2), which
 * process-managers.ts and scheduled-work.ts pass in (a feature folder imports no other feature). Idempotent: the
 * command id derives from the delivery that met the 410.
 */
export type DisableWebhookEndpoint = (tenantId: string, endpointId: string, reason: string, commandId: string, causation: WebhookCausation) => Promise<void>;

/**
 * What webhook delivery needs: the event store (the messages' and feeds' streams, the settings, the source events),
 * the read models' database (the cursors), the tenants' clock (each attempt is recorded at the tenant's now), the real
 * clock (`webhook-timestamp`), the secret store, the timeout and a log. The log never receives a secret or a body.
 */
export interface WebhookServices extends TenantTimeSource {
  readonly store: EventStore;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly secrets: WebhookSecretReader;
  readonly log: (message: string) => void;
  /** LEDGER_WEBHOOK_TIMEOUT_MS: one attempt's whole HTTP exchange. */
  readonly timeoutMs: number;
  readonly disableEndpoint: DisableWebhookEndpoint;
  /** Connection pools for the sender (the bench passes its own); the sender's shared keep-alive pools otherwise. */
  readonly agents?: WebhookSendOptions['agents'];
}

/** LEDGER_WEBHOOK_TIMEOUT_MS when not configured. */
export const WEBHOOK_TIMEOUT_MS_DEFAULT = 15_000;

/**
 * The timeout from a process's configuration: LedgerConfig.webhookTimeoutMs where the configuration has it, the
 * default otherwise (a configuration object built by hand, as tests and the bench do).
 */
export function webhookTimeoutOf(config: object): number {
  const value = (config as { webhookTimeoutMs?: unknown }).webhookTimeoutMs;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : WEBHOOK_TIMEOUT_MS_DEFAULT;
}

/**
 * The settings' DisableWebhookEndpoint command (contract 2: the command libs/ledger-application/src/settings'
 * disableWebhookEndpoint handler runs; a feature folder does not import another), as delivery sends it on a 410, at
 * the tenant's now. An endpoint already disabled appends nothing.
 */
export function disableEndpointInSettings(services: TenantTimeSource & { readonly store: EventStore }): DisableWebhookEndpoint {
  return async (tenantId, endpointId, reason, commandId, causation) => {
    const context: CommandContext = { tenantId, actor: WEBHOOK_DELIVERY_ACTOR, commandId, ...causation, now: await tenantNowOf(services, tenantId) };
    await executeCommand(services.store, context, aggregates.billingSettings.on(tenantId, { command: () => ({ type: 'DisableWebhookEndpoint', data: { endpointId, reason } }) }));
  };
}

/** The actor of what webhook delivery appends to the settings. */
export const WEBHOOK_DELIVERY_ACTOR = 'process-manager:webhook-delivery';

/**
 * Webhook delivery's services from a process's: the timeout from its configuration (LEDGER_WEBHOOK_TIMEOUT_MS), a 410
 * disabling the endpoint through the settings. One function for the dispatcher (process-managers.ts) and the retries
 * (scheduled-work.ts), so both send alike.
 */
export function webhookServicesOf(services: Pick<ApplicationServices, 'store' | 'db' | 'clock' | 'tenantClock' | 'secrets'> & { readonly log: (message: string) => void; readonly config: object }): WebhookServices {
  const { store, db, clock, tenantClock, secrets, log } = services;
  return { store, db, clock, tenantClock, secrets, log, timeoutMs: webhookTimeoutOf(services.config), disableEndpoint: disableEndpointInSettings({ store, clock, tenantClock }) };
}
