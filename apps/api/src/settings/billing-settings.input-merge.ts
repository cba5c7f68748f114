import type {
  BillingSettings,
  BillingSettingsSection,
  BillingSettingsSectionInput,
  WebhookEndpoint,
  WebhookEndpointInput as DomainWebhookEndpointInput,
} from '../../../../libs/billing/src/index.js';
import type { BillingSettingsSectionInputs, WebhookEndpointInput } from './billing-settings.types.js';

/**
 * The values an update of one section asks the domain to store: the current section with the fields the input names
 * (left out: kept; null: cleared; a list: replaced; a nested object: merged the same way). The domain validates the
 * result as a whole, so this only combines, it never checks.
 */
export function sectionValuesFromInput<Section extends BillingSettingsSection>(
  current: BillingSettings,
  section: Section,
  input: BillingSettingsSectionInputs[Section],
): BillingSettingsSectionInput<Section> {
  const { idempotencyKey: _ignored, ...fields } = input as Record<string, unknown>;
  if (section === 'tax') {
    // Tax rates are not part of a section update (they change only through the tax rate commands).
    const { rates: _rates, ...options } = current.tax;
    return mergePatch(options, fields) as BillingSettingsSectionInput<Section>;
  }
  if (section === 'notifications') {
    const { webhooks, ...rest } = fields;
    const merged = mergePatch(current.notifications, rest) as BillingSettings['notifications'];
    if (webhooks === undefined) return merged as BillingSettingsSectionInput<Section>;
    // null is passed on as it is, for the domain to refuse with its own message.
    const endpoints = webhooks === null ? null : (webhooks as WebhookEndpointInput[]).map((endpoint) => webhookFromInput(endpoint, current.notifications.webhooks));
    return { ...merged, webhooks: endpoints } as BillingSettingsSectionInput<Section>;
  }
  return mergePatch(current[section], fields) as BillingSettingsSectionInput<Section>;
}

/**
 * An endpoint as given. A secret left out stays out: the domain keeps the stored one, but only while the endpoint
 * (same id) keeps its origin and auth type (keepsWebhookSecret): bearer tokens, passwords and API keys are sent to the
 * endpoint, so moving them to another host or using a signing key as a token must be a deliberate act that sends the
 * secret again. A secret given is a new secret (the handler stores it and passes its reference); null is none.
 */
function webhookFromInput(input: WebhookEndpointInput, stored: readonly WebhookEndpoint[]): DomainWebhookEndpointInput {
  const existing = stored.find((endpoint) => endpoint.id === input.id);
  return {
    id: input.id,
    url: input.url,
    events: input.events,
    authType: input.authType,
    ...(input.secret === undefined ? {} : { secret: input.secret }),
    enabled: (input.enabled === undefined ? (existing?.enabled ?? true) : input.enabled) as boolean,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Depth is bounded by the GraphQL input types (at most two levels); the bound here guards against a future cycle. */
const MERGE_DEPTH_MAX = 8;

function mergePatch(base: object, patch: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > MERGE_DEPTH_MAX) throw new Error(`mergePatch: input nested deeper than ${MERGE_DEPTH_MAX} levels`);
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const before = result[key];
    result[key] = isObject(value) && isObject(before) ? mergePatch(before, value, depth + 1) : value;
  }
  return result;
}
