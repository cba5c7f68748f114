import { DomainError, invoiceSettingsContextOf, type BillingSettings } from '../../../../libs/billing/src/index.js';
import { isCurrencyCode } from '../../../../libs/money/src/index.js';

/**
 * What the tenant's settings allow of a payment, checked the way invoice commands check them (invoiceSettingsContextOf):
 * the payments feature, the enabled methods, the supported currencies. The payment decider reads no settings, so the
 * application checks them before deciding. A currency that is not an ISO code at all is left to the decider, which
 * refuses it as VALIDATION_FAILED.
 */
export function requirePaymentAllowed(settings: BillingSettings, method: string, currency: string): void {
  requirePaymentsFeature(settings);
  const context = invoiceSettingsContextOf(settings);
  if (!(context.enabledPaymentMethods as readonly string[]).includes(method)) {
    throw new DomainError(
      'PAYMENT_METHOD_DISABLED',
      `Payment method ${method} is not enabled for this tenant (payment.enabledMethods: ${context.enabledPaymentMethods.join(', ') || 'none'})`,
      { method },
    );
  }
  if (isCurrencyCode(currency) && !context.supportedCurrencies.includes(currency)) {
    throw new DomainError(
      'CURRENCY_NOT_SUPPORTED',
      `${currency} is not among this tenant's supported currencies (${context.supportedCurrencies.join(', ')}): add it to payment.supportedCurrencies first`,
      { currency, supportedCurrencies: context.supportedCurrencies.join(',') },
    );
  }
}

/** FEATURE_DISABLED while features.payments is off: no payment is recorded, moved or refunded. */
export function requirePaymentsFeature(settings: BillingSettings): void {
  if (invoiceSettingsContextOf(settings).paymentsEnabled) return;
  throw new DomainError('FEATURE_DISABLED', "Payments are turned off in this tenant's billing settings (features.payments)", { feature: 'payments' });
}
