import { z } from 'zod';
import { paymentMethodTypes } from '../payment/payment.method-types.js';
import { suspensionPolicies } from '../subscription/subscription.commands.js';
import { taxRateSchema, taxRoundings } from '../tax/tax-rate.js';

/**
 * A tenant's billing settings (docs/domain.md, "Settings"): seven sections plus the tenant profile, one event-sourced
 * stream per tenant. The zod schemas below describe the SHAPE stored in events (types, required keys); the business
 * rules live in billing-settings.validation.ts, so that an event written under older, looser rules stays readable.
 *
 * Optional text is `null` when unset, never "" (the validator rejects blank strings), so there is one way to say
 * "not set". Percentages are decimal strings, like every other decimal of the ledger.
 */

export const billingSettingsSections = ['company', 'invoice', 'payment', 'tax', 'notifications', 'features', 'subscriptions', 'tenant'] as const;
export type BillingSettingsSection = (typeof billingSettingsSections)[number];

/**
 * WebhookEvent (docs/domain.md, "Settings"), with the subscription.* events of recurring billing (docs/domain.md,
 * "Subscriptions": which stored event each one stands for).
 */
export const webhookEvents = [
  'invoice.created',
  'invoice.sent',
  'invoice.paid',
  'invoice.voided',
  'invoice.overdue',
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
  'credit_note.created',
  'credit_note.issued',
  'credit_note.applied',
  'credit_note.voided',
  'customer.credit_updated',
  'subscription.created',
  'subscription.activated',
  'subscription.trial_ended',
  'subscription.renewed',
  'subscription.updated',
  'subscription.suspended',
  'subscription.resumed',
  'subscription.cancellation_scheduled',
  'subscription.cancellation_withdrawn',
  'subscription.terminated',
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** WebhookAuthType (docs/domain.md, "Settings"). */
export const webhookAuthTypes = ['none', 'signature', 'bearer_token', 'basic_auth', 'api_key'] as const;
export type WebhookAuthType = (typeof webhookAuthTypes)[number];

/** How an invoice document is coloured: neutral, in the company's brand colour, or black and white. */
export const invoiceColorSchemes = ['default', 'brand', 'monochrome'] as const;
export type InvoiceColorScheme = (typeof invoiceColorSchemes)[number];

/** Bounds on every text and list of the settings (a limit on everything that grows). */
export const billingSettingsLimits = {
  nameLengthMax: 200,
  identifierTextLengthMax: 64,
  addressLineLengthMax: 200,
  phoneLengthMax: 40,
  emailLengthMax: 254,
  urlLengthMax: 2000,
  paymentTermsLengthMax: 100,
  paymentInstructionsLengthMax: 2000,
  footerLengthMax: 2000,
  termsAndConditionsLengthMax: 20_000,
  defaultDueDaysMax: 365,
  reminderScheduleLengthMax: 10,
  reminderDaysMax: 365,
  supportedCurrenciesMax: 50,
  maxRetryAttemptsMin: 1,
  maxRetryAttemptsMax: 10,
  retryIntervalHoursMin: 1,
  retryIntervalHoursMax: 168,
  taxRegistrationsMax: 50,
  taxRatesMax: 200,
  webhooksMax: 10,
  webhookSecretLengthMin: 16,
  webhookSecretLengthMax: 256,
  /** A signing secret is `whsec_` + the base64 of this many random bytes (Standard Webhooks). */
  webhookSigningSecretBytesMin: 24,
  webhookSigningSecretBytesMax: 64,
  /** How long a replaced secret stays valid beside the new one (both signatures are sent meanwhile). */
  webhookPreviousSecretValidHours: 24,
  /** A secret's reference, as the application names it (`sec_<uuid>`, or a legacy reference into an old event). */
  secretReferenceLengthMax: 300,
  webhookDisabledReasonLengthMax: 500,
} as const;

const optionalText = z.string().nullable();

export const tenantProfileSchema = z.object({
  name: optionalText,
  /** IANA time zone: numbering periods and due dates follow the tenant's calendar. */
  timeZone: z.string(),
  /** ISO 3166-1 alpha-2. */
  country: z.string(),
  /** BCP-47, canonical form ("en-US"). */
  locale: z.string(),
});

export const postalAddressSchema = z.object({
  line1: optionalText,
  line2: optionalText,
  city: optionalText,
  state: optionalText,
  postalCode: optionalText,
  country: optionalText,
});

export const companySettingsSchema = z.object({
  name: optionalText,
  legalName: optionalText,
  taxId: optionalText,
  registrationNumber: optionalText,
  address: postalAddressSchema,
  phone: optionalText,
  email: optionalText,
  website: optionalText,
  logoUrl: optionalText,
  /** "#RRGGBB". */
  brandColor: z.string(),
});

export const invoiceSettingsSchema = z.object({
  /** Prefix and template of invoice numbers (see number-sequence/document-number.format.ts). */
  numberPrefix: z.string(),
  numberFormat: z.string(),
  receiptNumberPrefix: z.string(),
  receiptNumberFormat: z.string(),
  creditNoteNumberPrefix: z.string(),
  creditNoteNumberFormat: z.string(),
  /** Days from the issue date to the due date, unless an invoice says otherwise. */
  defaultDueDays: z.number().int(),
  paymentInstructions: z.object({ enabled: z.boolean(), text: optionalText }),
  footer: optionalText,
  termsAndConditions: optionalText,
  showLogo: z.boolean(),
  colorScheme: z.enum(invoiceColorSchemes),
  sendInvoiceEmails: z.boolean(),
  sendPaymentReminders: z.boolean(),
  /** Days before the due date on which a reminder goes out, e.g. [7, 3, 1]. */
  reminderScheduleDays: z.array(z.number().int()),
});

export const paymentSettingsSchema = z.object({
  enabledMethods: z.array(z.enum(paymentMethodTypes)),
  defaultCurrency: z.string(),
  supportedCurrencies: z.array(z.string()),
  /** The terms as printed on documents, e.g. "Net 30"; the due date itself comes from invoice.defaultDueDays. */
  defaultPaymentTerms: z.string(),
  /** Percentage of the overdue balance, as a decimal string ("1.5"). */
  lateFeePercentage: z.string(),
  retryFailedPayments: z.boolean(),
  maxRetryAttempts: z.number().int(),
  retryIntervalHours: z.number().int(),
});

export const taxRegistrationSchema = z.object({ jurisdiction: z.string(), number: z.string() });

export const taxSettingsSchema = z.object({
  calculateAutomatically: z.boolean(),
  /** Tax-inclusive pricing: prices already contain the tax. */
  pricesIncludeTax: z.boolean(),
  /** Percentage, decimal string. */
  defaultRate: z.string(),
  registrations: z.array(taxRegistrationSchema),
  /** Changed only by CreateTaxRate / UpdateTaxRate / DeactivateTaxRate, never by a section update. */
  rates: z.array(taxRateSchema),
  rounding: z.enum(taxRoundings),
});

/**
 * A webhook endpoint as stored (schema version 2 of the settings events). The secret itself is never in an event:
 * the application keeps it in the secret store (libs/secrets) and the endpoint names it by `secretRef`. Settings
 * events written before (version 1) carried the plaintext `secret`; their upcaster (billing-settings.upcast.ts) turns
 * it into a legacy reference that the store resolves by reading that old event.
 */
export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(webhookEvents)),
  authType: z.enum(webhookAuthTypes),
  /** Where the signing key, token or `user:password` is stored; null when the endpoint has none (auth type none). */
  secretRef: optionalText,
  /** The secret's last four characters, as the API shows them (a secret is at least 16 characters long). */
  secretLast4: optionalText,
  /** The secret replaced last, still valid until `previousSecretExpiresAt` (deliveries are signed with both). */
  previousSecretRef: optionalText,
  previousSecretExpiresAt: optionalText,
  enabled: z.boolean(),
});
export const notificationSettingsSchema = z.object({
  email: z.object({ invoices: z.boolean(), paymentConfirmations: z.boolean(), overdueNotices: z.boolean(), receipts: z.boolean() }),
  webhooks: z.array(webhookEndpointSchema),
});

export const featureSettingsSchema = z.object({
  invoicing: z.boolean(),
  payments: z.boolean(),
  creditNotes: z.boolean(),
  receipts: z.boolean(),
  taxCalculation: z.boolean(),
  webhooks: z.boolean(),
  reporting: z.boolean(),
});

/**
 * How the tenant's subscriptions treat time they do not use (docs/domain.md, "Settings"). Added after the other
 * sections: a settings stream written before it folds to the defaults below (the stream starts from
 * `defaultBillingSettings`), so older streams need no upcasting.
 */
export const subscriptionSettingsSchema = z.object({
  /** Cancelling now credits the unused days of a period already billed (CancelSubscription.creditUnusedTime). */
  creditUnusedTimeOnCancel: z.boolean(),
  /**
   * What a suspension does to billing (SuspendSubscription.policy): 'continue_billing' stops the service and keeps
   * billing (dunning suspends for non-payment, and the debt keeps running); 'pause_billing' bills nothing for the
   * suspended days.
   */
  suspensionPolicy: z.enum(suspensionPolicies),
});

export const billingSettingsSchema = z.object({
  company: companySettingsSchema,
  invoice: invoiceSettingsSchema,
  payment: paymentSettingsSchema,
  tax: taxSettingsSchema,
  notifications: notificationSettingsSchema,
  features: featureSettingsSchema,
  subscriptions: subscriptionSettingsSchema,
  tenant: tenantProfileSchema,
});

/** The zod schema of each section's values, by section name. */
export const billingSettingsSectionSchemas = billingSettingsSchema.shape;

export type TenantProfile = z.infer<typeof tenantProfileSchema>;
export type PostalAddress = z.infer<typeof postalAddressSchema>;
export type CompanySettings = z.infer<typeof companySettingsSchema>;
export type InvoiceSettings = z.infer<typeof invoiceSettingsSchema>;
export type PaymentSettings = z.infer<typeof paymentSettingsSchema>;
export type TaxRegistration = z.infer<typeof taxRegistrationSchema>;
export type TaxSettings = z.infer<typeof taxSettingsSchema>;
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/**
 * A webhook endpoint as an update of the notifications section gives it. The secret travels in the command only
 * (commands are not stored): the decider validates it and records `secretRef`, where the application stored it.
 */
export interface WebhookEndpointInput {
  id: string;
  url: string;
  events: WebhookEvent[];
  authType: WebhookAuthType;
  /**
   * A new secret (plaintext), or null for none. Left out: the endpoint keeps the secret it has, which it may only
   * while it keeps its auth type and its URL's origin (a token must not follow an endpoint to another host).
   */
  secret?: string | null;
  /** Where the application stored the new `secret` (required with one, ignored otherwise). */
  secretRef?: string | null;
  enabled: boolean;
}

/** What an update of the notifications section carries: the e-mail switches and the complete list of endpoints. */
export interface NotificationSettingsInput {
  email: NotificationSettings['email'];
  webhooks: WebhookEndpointInput[];
}
export type FeatureSettings = z.infer<typeof featureSettingsSchema>;
export type SubscriptionSettings = z.infer<typeof subscriptionSettingsSchema>;
export type BillingSettings = z.infer<typeof billingSettingsSchema>;

/** What UpdateBillingSettingsSection carries for a section: the whole section, except the tax rates. */
export type BillingSettingsSectionInput<Section extends BillingSettingsSection> = Section extends 'tax'
  ? Omit<TaxSettings, 'rates'>
  : Section extends 'notifications'
    ? NotificationSettingsInput
    : BillingSettings[Section];

const defaultNumberFormat = '{prefix}-{year}-{sequence:06d}';

/** Every field's value for a tenant that has changed nothing. Frozen: copy before changing. */
export const defaultBillingSettings: BillingSettings = deepFrozen({
  company: {
    name: null,
    legalName: null,
    taxId: null,
    registrationNumber: null,
    address: { line1: null, line2: null, city: null, state: null, postalCode: null, country: null },
    phone: null,
    email: null,
    website: null,
    logoUrl: null,
    brandColor: '#1F2937',
  },
  invoice: {
    numberPrefix: 'INV',
    numberFormat: defaultNumberFormat,
    receiptNumberPrefix: 'REC',
    receiptNumberFormat: defaultNumberFormat,
    creditNoteNumberPrefix: 'CN',
    creditNoteNumberFormat: defaultNumberFormat,
    defaultDueDays: 30,
    paymentInstructions: { enabled: false, text: null },
    footer: null,
    termsAndConditions: null,
    showLogo: true,
    colorScheme: 'default',
    sendInvoiceEmails: true,
    sendPaymentReminders: true,
    reminderScheduleDays: [7, 3, 1],
  },
  payment: {
    enabledMethods: [...paymentMethodTypes],
    defaultCurrency: 'USD',
    supportedCurrencies: ['USD'],
    defaultPaymentTerms: 'Net 30',
    lateFeePercentage: '0',
    retryFailedPayments: true,
    maxRetryAttempts: 3,
    retryIntervalHours: 24,
  },
  tax: {
    calculateAutomatically: true,
    pricesIncludeTax: false,
    defaultRate: '0',
    registrations: [],
    rates: [],
    rounding: 'per_line',
  },
  notifications: {
    email: { invoices: true, paymentConfirmations: true, overdueNotices: true, receipts: true },
    webhooks: [],
  },
  features: {
    invoicing: true,
    payments: true,
    creditNotes: true,
    receipts: true,
    taxCalculation: true,
    webhooks: true,
    reporting: true,
  },
  subscriptions: {
    creditUnusedTimeOnCancel: true,
    // Dunning suspends the service for non-payment, and the debt keeps running: billing continues unless the tenant says so.
    suspensionPolicy: 'continue_billing',
  },
  tenant: { name: null, timeZone: 'UTC', country: 'US', locale: 'en-US' },
});

/**
 * Settings as stored before a section existed, completed with that section's defaults (what the stream folds to for
 * a tenant that never set it). Read models written before a section was added hold such settings.
 */
export function withDefaultSections(settings: Partial<BillingSettings>): BillingSettings {
  const complete = { ...settings } as Record<string, unknown>;
  for (const section of billingSettingsSections) if (complete[section] === undefined) complete[section] = defaultBillingSettings[section];
  return complete as BillingSettings;
}

function deepFrozen<Value>(value: Value): Value {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFrozen(child);
    Object.freeze(value);
  }
  return value;
}
