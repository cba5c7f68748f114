import {
  decideBillingSettings,
  keepsWebhookSecret,
  type BillingSettingsState,
  type NotificationSettingsInput,
  type UpdateBillingSettingsSection,
  type WebhookEndpoint,
  type WebhookEndpointInput,
} from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import { sameText, secretReference, SecretNotFoundError } from '../../../secrets/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/**
 * The notifications an update gives, made ready for the decider: each new webhook secret gets the reference it is
 * stored under (from the command id and the endpoint, so a retried command writes the same one), and is put in the
 * secret store only once the decider has accepted the update (decided here first, on the same state, at the
 * command's time: a refused update stores nothing). A secret sent again unchanged is not a new secret: the endpoint
 * keeps its reference and nothing rotates, so sending the whole section again changes nothing.
 */
export async function notificationsWithStoredSecrets(
  services: Pick<ApplicationServices, 'secrets'>,
  context: CommandContext,
  state: BillingSettingsState,
  values: NotificationSettingsInput,
): Promise<NotificationSettingsInput> {
  // Anything but a list is the decider's to refuse, with its own message.
  if (!Array.isArray(values.webhooks)) return values;
  const stored = state.settings.notifications.webhooks;
  const fresh = new Map<string, string>();
  const webhooks: WebhookEndpointInput[] = [];
  for (const endpoint of values.webhooks) {
    if (typeof endpoint?.secret !== 'string' || endpoint.authType === 'none') {
      webhooks.push(endpoint);
      continue;
    }
    const existing = stored.find((candidate) => candidate.id === endpoint.id);
    if (await holdsSameSecret(services, context.tenantId, existing, endpoint)) {
      const { secret: _same, secretRef: _ref, ...kept } = endpoint;
      webhooks.push(kept);
      continue;
    }
    const reference = secretReference(context.commandId, `webhook:${endpoint.id}`);
    fresh.set(reference, endpoint.secret);
    webhooks.push({ ...endpoint, secretRef: reference });
  }
  const ready = { ...values, webhooks };
  const command: UpdateBillingSettingsSection = { type: 'UpdateBillingSettingsSection', data: { section: 'notifications', values: ready }, metadata: { now: context.now } };
  const events = decideBillingSettings(command, state);
  const used = new Set(events.flatMap((event) => (event.type === 'BillingSettingsSectionUpdated' && event.data.section === 'notifications' ? event.data.values.webhooks.map((webhook) => webhook.secretRef) : [])));
  for (const [reference, secret] of fresh) if (used.has(reference)) await services.secrets.put(context.tenantId, reference, secret);
  return ready;
}

/** Whether the endpoint keeps its stored secret and `endpoint.secret` is that very secret. */
async function holdsSameSecret(services: Pick<ApplicationServices, 'secrets'>, tenantId: string, existing: WebhookEndpoint | undefined, endpoint: WebhookEndpointInput): Promise<boolean> {
  if (existing === undefined || existing.secretRef === null || !keepsWebhookSecret(existing, endpoint.authType, endpoint.url)) return false;
  try {
    return sameText(await services.secrets.reveal(tenantId, existing.secretRef), endpoint.secret as string);
  } catch (error) {
    // A reference its own events name but the store lacks: the new secret replaces it. Any other error (another key) is a fault.
    if (error instanceof SecretNotFoundError) return false;
    throw error;
  }
}
