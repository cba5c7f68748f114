import { registerEnumType } from '@nestjs/graphql';
import { billingSettingsSections, invoiceColorSchemes, suspensionPolicies, taxRoundings, taxTypes, webhookAuthTypes, webhookEvents } from '../../../../libs/billing/src/index.js';

/**
 * GraphQL enums made from the domain's own value lists, so the API can never offer a value the domain does not
 * know. GraphQL names are the values in upper case with dots as underscores (invoice.paid -> INVOICE_PAID); the
 * values inside the server are the domain's.
 */
function enumOf<const Value extends string>(values: readonly Value[], name: string, description: string): Record<string, Value> {
  const entries = values.map((value) => [value.toUpperCase().replace(/[^A-Z0-9]/g, '_'), value] as const);
  const enumObject = Object.fromEntries(entries) as Record<string, Value>;
  if (Object.keys(enumObject).length !== values.length) throw new Error(`GraphQL enum ${name}: two domain values share one GraphQL name`);
  registerEnumType(enumObject, { name, description });
  return enumObject;
}

export const BillingSettingsSectionEnum = enumOf(billingSettingsSections, 'BillingSettingsSection', 'A section of the billing settings (TENANT is the tenant profile)');
export const InvoiceColorSchemeEnum = enumOf(invoiceColorSchemes, 'InvoiceColorScheme', 'How invoice documents are coloured');
export const TaxTypeEnum = enumOf(taxTypes, 'TaxType', 'The kind of tax a rate is (sales tax, VAT, GST, HST, PST, use tax or custom)');
export const TaxRoundingEnum = enumOf(taxRoundings, 'TaxRounding', 'Tax rounded per line, or per rate once per invoice');
export const WebhookEventEnum = enumOf(webhookEvents, 'WebhookEvent', 'An event a webhook endpoint subscribes to: INVOICE_PAID is invoice.paid');
export const WebhookAuthTypeEnum = enumOf(webhookAuthTypes, 'WebhookAuthType', 'How a webhook endpoint authenticates the deliveries it receives');
export const SuspensionPolicyEnum = enumOf(
  suspensionPolicies,
  'SuspensionPolicy',
  'What a suspended subscription does to billing: CONTINUE_BILLING (the service stops, billing goes on) or PAUSE_BILLING (the suspended days are not billed)',
);
