import { billingSettingsLimits } from './billing-settings.js';

/**
 * Settings events of schema version 1 carried each webhook endpoint's plaintext `secret`. Version 2 carries
 * `secretRef` (where the secret store keeps it), `secretLast4`, `previousSecretRef` and `previousSecretExpiresAt`.
 * Events are immutable, so a version-1 event keeps its plaintext forever; its upcast names that plaintext by a legacy
 * reference, `legacy:settings:<eventId>:<values|previous>:<endpointId>`, which the secret store resolves by reading
 * that one event (libs/secrets, legacy-secrets.ts). Nothing else ever sees the plaintext of an old event: every
 * reader (the deciders, the read models, the webhook sender) parses settings events through the registry, which
 * upcasts first.
 */

/** What the upcaster sees of a stored event: its id (the legacy reference names it), type, version and data. */
export interface StoredEventView {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number | undefined;
  readonly data: unknown;
}

/** Where in a version-1 settings event an endpoint's secret sits: the new values, or the previous ones. */
export type LegacyWebhookSecretPart = 'values' | 'previous';

export interface LegacyWebhookSecretReference {
  readonly eventId: string;
  readonly part: LegacyWebhookSecretPart;
  readonly endpointId: string;
}

const LEGACY_PREFIX = 'legacy:settings:';
// Event ids are UUIDs (no colon); endpoint ids may hold colons, so the endpoint id is the rest of the reference.
const legacyPattern = /^legacy:settings:([^:]+):(values|previous):(.+)$/;

export function legacyWebhookSecretReference(eventId: string, part: LegacyWebhookSecretPart, endpointId: string): string {
  return `${LEGACY_PREFIX}${eventId}:${part}:${endpointId}`;
}

/** The parts of a legacy webhook secret reference, or undefined when `reference` is not one. */
export function parseLegacyWebhookSecretReference(reference: string): LegacyWebhookSecretReference | undefined {
  const match = legacyPattern.exec(reference);
  if (!match) return undefined;
  return { eventId: match[1] as string, part: match[2] as LegacyWebhookSecretPart, endpointId: match[3] as string };
}

type Raw = Record<string, unknown>;

function isRaw(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The data of a stored settings event in the current shape. Version 2 and later, and every event type without
 * endpoints, come back as they are (the same object). The test is on the shape too, so that data already in the
 * current shape but stored without a version (a test seeder's `toEventData`) is left alone.
 */
export function upcastBillingSettingsEvent(event: StoredEventView): unknown {
  if ((event.schemaVersion ?? 1) >= 2 || !isRaw(event.data)) return event.data;
  const data = event.data;
  const referenceOf = (part: LegacyWebhookSecretPart) => (endpointId: string) => legacyWebhookSecretReference(event.eventId, part, endpointId);
  switch (event.type) {
    case 'BillingSettingsSectionUpdated':
      if (data.section !== 'notifications') return data;
      return { ...data, values: upcastNotifications(data.values, referenceOf('values')), previous: upcastNotifications(data.previous, referenceOf('previous')) };
    case 'BillingSettingsReset': {
      const previous = data.previous;
      if (!isRaw(previous) || !isRaw(previous.notifications)) return data;
      return { ...data, previous: { ...previous, notifications: upcastNotifications(previous.notifications, referenceOf('previous')) } };
    }
    default:
      return data;
  }
}

function upcastNotifications(notifications: unknown, referenceOf: (endpointId: string) => string): unknown {
  if (!isRaw(notifications) || !Array.isArray(notifications.webhooks)) return notifications;
  return { ...notifications, webhooks: notifications.webhooks.map((endpoint) => upcastEndpoint(endpoint, referenceOf)) };
}

/**
 * One version-1 endpoint. An auth type `none` ignored its secret (the validation only warned), so it has none now;
 * any other secret gets its legacy reference and the last four characters the API showed of it.
 */
function upcastEndpoint(endpoint: unknown, referenceOf: (endpointId: string) => string): unknown {
  if (!isRaw(endpoint) || Object.hasOwn(endpoint, 'secretRef') || !Object.hasOwn(endpoint, 'secret')) return endpoint;
  const { id, url, events, authType, secret, enabled } = endpoint;
  const kept = typeof secret === 'string' && authType !== 'none' && typeof id === 'string';
  return {
    id,
    url,
    events,
    authType,
    secretRef: kept ? referenceOf(id) : null,
    secretLast4: kept && secret.length >= billingSettingsLimits.webhookSecretLengthMin ? secret.slice(-4) : null,
    previousSecretRef: null,
    previousSecretExpiresAt: null,
    enabled,
  };
}
