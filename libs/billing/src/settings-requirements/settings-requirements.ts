import { isCurrencyCode } from '../../../money/src/index.js';
import type { BillingSettings } from '../billing-settings/billing-settings.js';
import { DomainError } from '../common/domain-error.js';

/**
 * The tenant's settings that refuse a command before anything is decided on the streams. The payment and credit-note
 * deciders read no settings, so a command handler runs these on the settings it loaded. Each is pure: the settings
 * in, nothing out, or a DomainError with a stable code.
 */

/** FEATURE_DISABLED while features.payments is off: no payment is recorded, moved or refunded. */
export function requirePaymentsFeature(settings: BillingSettings): void {
  if (settings.features.payments) return;
  throw new DomainError('FEATURE_DISABLED', "Payments are turned off in this tenant's billing settings (features.payments)", { feature: 'payments' });
}

/** PAYMENT_METHOD_DISABLED for a method the tenant has not enabled (payment.enabledMethods). */
export function requireMethodEnabled(settings: BillingSettings, method: string): void {
  const enabled = settings.payment.enabledMethods;
  if ((enabled as readonly string[]).includes(method)) return;
  throw new DomainError('PAYMENT_METHOD_DISABLED', `Payment method ${method} is not enabled for this tenant (payment.enabledMethods: ${enabled.join(', ') || 'none'})`, { method });
}

/**
 * CURRENCY_NOT_SUPPORTED for a payment in a currency the tenant does not take (payment.supportedCurrencies). A
 * currency that is not an ISO code at all is left to the decider, which refuses it as VALIDATION_FAILED.
 */
export function requireCurrencySupported(settings: BillingSettings, currency: string): void {
  const supported = settings.payment.supportedCurrencies;
  if (!isCurrencyCode(currency) || supported.includes(currency)) return;
  throw new DomainError(
    'CURRENCY_NOT_SUPPORTED',
    `${currency} is not among this tenant's supported currencies (${supported.join(', ')}): add it to payment.supportedCurrencies first`,
    { currency, supportedCurrencies: supported.join(',') },
  );
}

/** What the settings allow of a payment, in this order: the payments feature, the method, the currency. */
export function requirePaymentAllowed(settings: BillingSettings, method: string, currency: string): void {
  requirePaymentsFeature(settings);
  requireMethodEnabled(settings, method);
  requireCurrencySupported(settings, currency);
}

/** FEATURE_DISABLED while features.creditNotes is off, for every credit note command. */
export function requireCreditNotesFeature(settings: BillingSettings): void {
  if (settings.features.creditNotes) return;
  throw new DomainError('FEATURE_DISABLED', "Credit notes are turned off in this tenant's billing settings (features.creditNotes)", { feature: 'creditNotes' });
}

/** A credit note in a currency the tenant does not bill in is refused like an invoice (a malformed code is the decider's to refuse). */
export function requireCreditNoteCurrencySupported(settings: BillingSettings, currency: string): void {
  const supported = settings.payment.supportedCurrencies;
  if (!isCurrencyCode(currency) || supported.includes(currency)) return;
  throw new DomainError(
    'CURRENCY_NOT_SUPPORTED',
    `${currency} is not among this tenant's supported currencies (${supported.join(', ')}): add it to payment.supportedCurrencies first`,
    { currency },
  );
}

/**
 * FEATURE_DISABLED while features.reporting is off, for the reports (trial balance, receivables aging, invoice totals
 * in a reporting currency). The documents and lists themselves stay readable: they are the records, not reports.
 */
export function requireReportingFeature(settings: BillingSettings): void {
  if (settings.features.reporting) return;
  throw new DomainError('FEATURE_DISABLED', "Reporting is turned off in this tenant's billing settings (features.reporting)", { feature: 'reporting' });
}

/**
 * Whether a succeeded payment gets a receipt: features.receipts. While it is off, payments get none (the receipt issuer
 * skips them, and turning the feature on later issues receipts for later payments only, not for the ones skipped).
 */
export function receiptsEnabled(settings: BillingSettings): boolean {
  return settings.features.receipts;
}
