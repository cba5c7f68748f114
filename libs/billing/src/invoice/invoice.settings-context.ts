import type { BillingSettings } from '../billing-settings/billing-settings.js';
import type { CustomerState } from '../customer/customer.decider.js';
import type { InvoiceCustomerContext, InvoiceSettingsContext } from './invoice.commands.js';
import { unknownCustomer } from './invoice.tax.js';

/** The part of a tenant's billing settings that invoice commands carry (see InvoiceSettingsContext). */
export function invoiceSettingsContextOf(settings: BillingSettings): InvoiceSettingsContext {
  return {
    invoicingEnabled: settings.features.invoicing,
    paymentsEnabled: settings.features.payments,
    supportedCurrencies: settings.payment.supportedCurrencies,
    enabledPaymentMethods: settings.payment.enabledMethods,
    defaultDueDays: settings.invoice.defaultDueDays,
    reportingCurrency: settings.payment.defaultCurrency,
    tax: {
      // Both switches must be on: the tax section's own, and the tax-calculation feature.
      calculateAutomatically: settings.tax.calculateAutomatically && settings.features.taxCalculation,
      pricesIncludeTax: settings.tax.pricesIncludeTax,
      rounding: settings.tax.rounding,
      rates: settings.tax.rates,
    },
    timeZone: settings.tenant.timeZone,
    // Reminders switched off at issue: the invoice records no reminder day, so no reminder work is ever stated for it
    // (switching them on later reaches the invoices issued from then on; switching them off stops every reminder).
    reminderScheduleDays: settings.invoice.sendPaymentReminders ? settings.invoice.reminderScheduleDays : [],
  };
}

/**
 * What automatic tax needs of a customer. A customer id that was never registered (invoices may name customers the
 * ledger does not know) has no billing address, so no rate's jurisdiction matches it and it gets no automatic tax;
 * it is not tax-exempt.
 */
export function invoiceCustomerContextOf(customer: CustomerState): InvoiceCustomerContext {
  if (customer.details === null) return unknownCustomer;
  const { taxExempt, billingAddress } = customer.details;
  return { taxExempt, billingAddress: { country: billingAddress.country, region: billingAddress.region } };
}
