import type { StoredEventView } from '../billing-settings/billing-settings.upcast.js';

/**
 * PaymentMethodAdded of schema version 1 carried the gateway's token; version 2 names it by `gatewayTokenRef`. An
 * old event keeps its token (events are immutable); its upcast names it by a legacy reference,
 * `legacy:payment-method:<eventId>:<paymentMethodId>`, which the secret store resolves by reading that one event
 * (libs/secrets, legacy-secrets.ts). Every reader parses payment-method events through the registry, which upcasts.
 */

export interface LegacyGatewayTokenReference {
  readonly eventId: string;
  readonly paymentMethodId: string;
}

const legacyPattern = /^legacy:payment-method:([^:]+):(.+)$/;

export function legacyGatewayTokenReference(eventId: string, paymentMethodId: string): string {
  return `legacy:payment-method:${eventId}:${paymentMethodId}`;
}

/** The parts of a legacy gateway-token reference, or undefined when `reference` is not one. */
export function parseLegacyGatewayTokenReference(reference: string): LegacyGatewayTokenReference | undefined {
  const match = legacyPattern.exec(reference);
  return match ? { eventId: match[1] as string, paymentMethodId: match[2] as string } : undefined;
}

/** The data of a stored payment-method event in the current shape; anything else comes back as it is. */
export function upcastPaymentMethodEvent(event: StoredEventView): unknown {
  const data = event.data;
  if (event.type !== 'PaymentMethodAdded' || (event.schemaVersion ?? 1) >= 2) return data;
  if (typeof data !== 'object' || data === null || Object.hasOwn(data, 'gatewayTokenRef')) return data;
  const { gatewayToken, ...rest } = data as Record<string, unknown>;
  if (typeof gatewayToken !== 'string' || typeof rest.paymentMethodId !== 'string') return data;
  return { ...rest, gatewayTokenRef: legacyGatewayTokenReference(event.eventId, rest.paymentMethodId) };
}
