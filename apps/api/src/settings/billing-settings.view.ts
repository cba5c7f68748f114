import type { BillingSettingsState, TaxRate } from '../../../../libs/billing/src/index.js';
import { encodePosition, START_POSITION, type Position } from '../../../../libs/event-store/src/index.js';
import { redactBillingSettings, type RedactedBillingSettings } from '../../../../projections/billing-settings/secret-redaction.js';
import type { BillingSettingsChangeRecord } from '../../../../projections/billing-settings/billing-settings.queries.js';
import type { BillingSettingsChangeType, BillingSettingsPayloadType, BillingSettingsType, TaxRateType, WebhookEndpointType } from './billing-settings.types.js';

/**
 * The settings as the API shows them. It accepts only redacted settings (the type says so), and it names every
 * webhook field it copies rather than spreading the stored object, so nothing about a secret but whether one is set,
 * its last four characters and how long a replaced one stays valid reaches a response or a stored idempotent answer
 * (not even its reference into the secret store).
 */
export function billingSettingsView(settings: RedactedBillingSettings, updatedAt: string | null): BillingSettingsType {
  return {
    company: { ...settings.company, address: { ...settings.company.address } },
    invoice: { ...settings.invoice, paymentInstructions: { ...settings.invoice.paymentInstructions }, reminderScheduleDays: [...settings.invoice.reminderScheduleDays] },
    payment: { ...settings.payment, enabledMethods: [...settings.payment.enabledMethods], supportedCurrencies: [...settings.payment.supportedCurrencies] },
    tax: { ...settings.tax, registrations: settings.tax.registrations.map((registration) => ({ ...registration })), rates: settings.tax.rates.map(taxRateView) },
    notifications: {
      email: { ...settings.notifications.email },
      webhooks: settings.notifications.webhooks.map(
        (webhook): WebhookEndpointType => ({
          id: webhook.id,
          url: webhook.url,
          events: [...webhook.events],
          authType: webhook.authType,
          secretSet: webhook.secretRef !== null,
          secretLast4: webhook.secretRef === null ? null : webhook.secretLast4,
          previousSecretExpiresAt: webhook.previousSecretRef === null ? null : webhook.previousSecretExpiresAt,
          enabled: webhook.enabled,
        }),
      ),
    },
    features: { ...settings.features },
    subscriptions: { ...settings.subscriptions },
    tenant: { ...settings.tenant },
    updatedAt,
  };
}

export function taxRateView(rate: TaxRate): TaxRateType {
  return { id: rate.id, name: rate.name, type: rate.type, rate: rate.rate, jurisdiction: rate.jurisdiction, inclusive: rate.inclusive, compound: rate.compound, active: rate.active };
}

/** A mutation's answer, from the decider's state right after the command (redacted here, before anything else). */
export function billingSettingsPayload(state: BillingSettingsState, position: Position | undefined): BillingSettingsPayloadType {
  return { settings: billingSettingsView(redactBillingSettings(state.settings), state.lastChangedAt), position: encodePosition(position ?? START_POSITION) };
}

export function billingSettingsChangeView(record: BillingSettingsChangeRecord): BillingSettingsChangeType {
  return { ...record, section: record.sections.length === 1 ? (record.sections[0] ?? null) : null };
}
