import { streams } from '../../application/src/stream-names.js';
import { parseLegacyGatewayTokenReference, parseLegacyWebhookSecretReference } from '../../billing/src/index.js';
import type { EventStore, RecordedEvent } from '../../event-store/src/index.js';
import type { LegacySecretSource } from './postgres-secret-store.js';

/**
 * Secrets written before the secret store existed are still in their events (events are immutable): webhook secrets
 * in version-1 settings events, gateway tokens in version-1 PaymentMethodAdded. The upcasters name each by a legacy
 * reference to the event that holds it (libs/billing: billing-settings.upcast.ts, payment-method.upcast.ts); this
 * resolves such a reference by reading that event from the tenant's own stream, raw, the one place the plaintext is.
 */
export function eventLogLegacySecrets(store: Pick<EventStore, 'readStream'>): LegacySecretSource {
  return {
    async reveal(tenantId, reference) {
      const webhook = parseLegacyWebhookSecretReference(reference);
      if (webhook !== undefined) {
        const event = await findEvent(store, streams.billingSettings(tenantId), webhook.eventId);
        return event === undefined ? undefined : webhookSecretIn(event, webhook.part, webhook.endpointId);
      }
      const token = parseLegacyGatewayTokenReference(reference);
      if (token !== undefined) {
        const event = await findEvent(store, streams.paymentMethod(tenantId, token.paymentMethodId), token.eventId);
        const data = event?.type === 'PaymentMethodAdded' ? (event.data as { gatewayToken?: unknown }) : undefined;
        return typeof data?.gatewayToken === 'string' ? data.gatewayToken : undefined;
      }
      return undefined;
    },
  };
}

/** Settings and payment-method streams are short (a change each, a handful of events): one read, scanned. */
async function findEvent(store: Pick<EventStore, 'readStream'>, streamId: string, eventId: string): Promise<RecordedEvent | undefined> {
  return (await store.readStream(streamId)).find((event) => event.eventId === eventId);
}

type Raw = Record<string, unknown>;

function webhookSecretIn(event: RecordedEvent, part: 'values' | 'previous', endpointId: string): string | undefined {
  const data = event.data as Raw;
  let notifications: unknown;
  if (event.type === 'BillingSettingsSectionUpdated' && data.section === 'notifications') notifications = data[part];
  else if (event.type === 'BillingSettingsReset' && part === 'previous') notifications = (data.previous as Raw | undefined)?.notifications;
  const webhooks = (notifications as Raw | undefined)?.webhooks;
  if (!Array.isArray(webhooks)) return undefined;
  const endpoint = webhooks.find((candidate) => (candidate as Raw | null)?.id === endpointId) as Raw | undefined;
  return typeof endpoint?.secret === 'string' ? endpoint.secret : undefined;
}
