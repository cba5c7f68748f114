import { isCurrencyCode } from '../../../money/src/index.js';
import { paymentMethodTypes } from '../payment/payment.method-types.js';
import { formatDocumentNumber, parseDocumentNumberTemplate, requirePrefix } from '../number-sequence/document-number.format.js';
import { isDomainError } from '../common/domain-error.js';
import { identifierProblem } from '../common/validation.js';
import { suspensionPolicies } from '../subscription/subscription.commands.js';
import { isCountryCode } from '../tax/country-codes.js';
import { isJurisdiction, parsePercentage, taxRateLimits, taxRoundings, taxTypes } from '../tax/tax-rate.js';
import { canonicalLocaleOf, describeShort, isLocale, isTimeZone } from '../tenant-calendar/intl-identifiers.js';
import {
  billingSettingsLimits as limits,
  billingSettingsSections,
  invoiceColorSchemes,
  webhookAuthTypes,
  webhookEvents,
  type BillingSettings,
  type BillingSettingsSection,
  type WebhookAuthType,
  type WebhookEndpoint,
} from './billing-settings.js';

/**
 * The rules of the billing settings (docs/domain.md, "Settings"), as a pure function over a whole settings value:
 * `errors` block a change (each names its path, a stable code and a message), `warnings` only advise. Each rule
 * reports one error per offending value; a value of the wrong type gets only its type error. Messages never
 * repeat a webhook secret or URL (a URL may carry a token), and quote other values only when short.
 *
 * The notifications section has two shapes: as stored (endpoints name their secret by `secretRef`), which
 * `validateBillingSettings` checks, and as an update gives it (a new secret in plaintext, or none to keep the stored
 * one), which `validateBillingSettingsSection` checks against the stored endpoints.
 */

export const settingsValidationCodes = [
  'required',
  'invalid_type',
  'unknown_field',
  'blank',
  'too_long',
  'too_many',
  'empty',
  'duplicate',
  'out_of_range',
  'invalid_option',
  'invalid_identifier',
  'invalid_color',
  'invalid_country',
  'invalid_email',
  'invalid_url',
  'insecure_url',
  'url_credentials',
  'invalid_template',
  'template_missing_sequence',
  'invalid_prefix',
  'numbering_not_distinct',
  'unknown_currency',
  'default_currency_not_supported',
  'invalid_percentage',
  'invalid_jurisdiction',
  'secret_required',
  'secret_too_short',
  'invalid_secret_format',
  'invalid_time_zone',
  'invalid_locale',
  'managed_by_commands',
] as const;
export type SettingsValidationCode = (typeof settingsValidationCodes)[number];

export interface SettingsValidationError {
  /** Where, in the settings: "payment.defaultCurrency", "tax.rates[2].rate", "notifications.webhooks[0].url". */
  path: string;
  code: SettingsValidationCode;
  message: string;
}

export interface SettingsValidationWarning {
  path: string;
  message: string;
}

export interface SettingsValidationResult {
  errors: SettingsValidationError[];
  warnings: SettingsValidationWarning[];
}

type Raw = Record<string, unknown>;

class Findings {
  readonly errors: SettingsValidationError[] = [];
  readonly warnings: SettingsValidationWarning[] = [];

  error(path: string, code: SettingsValidationCode, message: string): undefined {
    this.errors.push({ path, code, message: `${path} ${message}` });
    return undefined;
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message: `${path}: ${message}` });
  }

  /** An object with exactly `keys`: unknown keys are errors (a typo must not be silently dropped). */
  object(path: string, value: unknown, keys: readonly string[]): Raw | undefined {
    if (value === undefined || value === null) return this.error(path, 'required', 'is required');
    if (typeof value !== 'object' || Array.isArray(value)) return this.error(path, 'invalid_type', 'must be an object');
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) this.error(`${path}.${key}`, 'unknown_field', `is not a setting (known: ${keys.join(', ')})`);
    }
    return value as Raw;
  }

  boolean(path: string, value: unknown): boolean | undefined {
    if (value === undefined) return this.error(path, 'required', 'is required');
    if (typeof value !== 'boolean') return this.error(path, 'invalid_type', 'must be true or false');
    return value;
  }

  /** Text that must be set (`required`) or may be null; when set it is not blank and at most `lengthMax` long. */
  text(path: string, value: unknown, lengthMax: number, required: boolean): string | null | undefined {
    if (value === undefined || (value === null && required)) return this.error(path, 'required', 'is required');
    if (value === null) return null;
    if (typeof value !== 'string') return this.error(path, 'invalid_type', required ? 'must be a string' : 'must be a string or null');
    if (value.trim().length === 0) {
      return this.error(path, 'blank', required ? 'must not be blank' : 'must not be blank: send null to leave it unset');
    }
    if (value.length > lengthMax) return this.error(path, 'too_long', `must be at most ${lengthMax} characters (got ${value.length})`);
    return value;
  }

  integer(path: string, value: unknown, minimum: number, maximum: number): number | undefined {
    if (value === undefined) return this.error(path, 'required', 'is required');
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.error(path, 'invalid_type', 'must be a whole number');
    if (value < minimum || value > maximum) return this.error(path, 'out_of_range', `must be from ${minimum} to ${maximum} (got ${value})`);
    return value;
  }

  oneOf<const Value extends string>(path: string, value: unknown, allowed: readonly Value[]): Value | undefined {
    if (value === undefined) return this.error(path, 'required', 'is required');
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      return this.error(path, 'invalid_option', `must be one of ${allowed.join(', ')} (got ${describeShort(value)})`);
    }
    return value as Value;
  }

  percentage(path: string, value: unknown): string | undefined {
    if (value === undefined) return this.error(path, 'required', 'is required');
    if (parsePercentage(value) === null) {
      return this.error(
        path,
        'invalid_percentage',
        `must be a percentage from 0 to 100 with at most ${taxRateLimits.rateScaleMax} decimals, written as a string such as "8.875" (got ${describeShort(value)})`,
      );
    }
    return value as string;
  }

  list(path: string, value: unknown, lengthMax: number): unknown[] | undefined {
    if (value === undefined) return this.error(path, 'required', 'is required');
    if (!Array.isArray(value)) return this.error(path, 'invalid_type', 'must be a list');
    if (value.length > lengthMax) return this.error(path, 'too_many', `must hold at most ${lengthMax} entries (got ${value.length})`);
    return value;
  }

  /** A caller-chosen id (tax rate, webhook): the alphabet and length of every id (`identifierLimits`). */
  identifier(path: string, value: unknown): string | undefined {
    if (value === undefined) return this.error(path, 'required', 'is required');
    const problem = identifierProblem(value);
    if (problem !== null) return this.error(path, 'invalid_identifier', problem);
    return value as string;
  }

  /** Reports each value already seen earlier in `values` (compared by `key`) as a duplicate. */
  unique(path: string, values: readonly unknown[], what: string, key: (value: unknown) => unknown = (value) => value): void {
    const seen = new Set<unknown>();
    values.forEach((value, index) => {
      const identity = key(value);
      if (identity === undefined) return;
      if (seen.has(identity)) this.error(`${path}[${index}]`, 'duplicate', `repeats the ${what} ${describeShort(identity)}`);
      seen.add(identity);
    });
  }
}

const colorPattern = /^#[0-9A-Fa-f]{6}$/;
// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by sending, not by a regex.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const sequencePlaceholderPattern = /\{sequence(:0\d{1,2}d)?\}/;
const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

function country(findings: Findings, path: string, value: unknown, required: boolean): void {
  if (value === undefined || (value === null && required)) return void findings.error(path, 'required', 'is required');
  if (value === null) return;
  if (!isCountryCode(value)) findings.error(path, 'invalid_country', `must be an ISO 3166-1 alpha-2 code in upper case, such as "DE" (got ${describeShort(value)})`);
}

/** An http(s) URL; `webhook` also requires https except on this machine, and no user:password inside the URL. */
function url(findings: Findings, path: string, value: unknown, webhook: boolean): void {
  const text = webhook ? findings.text(path, value, limits.urlLengthMax, true) : findings.text(path, value, limits.urlLengthMax, false);
  if (typeof text !== 'string') return;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return void findings.error(path, 'invalid_url', 'must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return void findings.error(path, 'invalid_url', 'must be an absolute http(s) URL');
  if (webhook && parsed.protocol === 'http:' && !localHosts.has(parsed.hostname)) {
    return void findings.error(path, 'insecure_url', 'must use https (http is accepted for localhost only)');
  }
  if (webhook && (parsed.username !== '' || parsed.password !== '')) {
    findings.error(path, 'url_credentials', 'must not contain a user name or password: use the auth type and secret');
  }
}

function validateTenant(findings: Findings, value: unknown): void {
  const tenant = findings.object('tenant', value, ['name', 'timeZone', 'country', 'locale']);
  if (!tenant) return;
  findings.text('tenant.name', tenant.name, limits.nameLengthMax, false);
  if (tenant.timeZone === undefined) findings.error('tenant.timeZone', 'required', 'is required');
  else if (!isTimeZone(tenant.timeZone)) {
    findings.error('tenant.timeZone', 'invalid_time_zone', `must be an IANA time zone such as "Europe/Paris" or "UTC" (got ${describeShort(tenant.timeZone)})`);
  }
  country(findings, 'tenant.country', tenant.country, true);
  if (tenant.locale === undefined) findings.error('tenant.locale', 'required', 'is required');
  else if (!isLocale(tenant.locale)) {
    const canonical = canonicalLocaleOf(tenant.locale);
    const hint = canonical === null ? '' : `; write it as ${JSON.stringify(canonical)}`;
    findings.error('tenant.locale', 'invalid_locale', `must be a BCP-47 locale in canonical form such as "en-US" (got ${describeShort(tenant.locale)})${hint}`);
  }
}

function validateCompany(findings: Findings, value: unknown): void {
  const keys = ['name', 'legalName', 'taxId', 'registrationNumber', 'address', 'phone', 'email', 'website', 'logoUrl', 'brandColor'];
  const company = findings.object('company', value, keys);
  if (!company) return;
  findings.text('company.name', company.name, limits.nameLengthMax, false);
  findings.text('company.legalName', company.legalName, limits.nameLengthMax, false);
  findings.text('company.taxId', company.taxId, limits.identifierTextLengthMax, false);
  findings.text('company.registrationNumber', company.registrationNumber, limits.identifierTextLengthMax, false);
  const address = findings.object('company.address', company.address, ['line1', 'line2', 'city', 'state', 'postalCode', 'country']);
  if (address) {
    for (const field of ['line1', 'line2', 'city', 'state', 'postalCode'] as const) {
      findings.text(`company.address.${field}`, address[field], limits.addressLineLengthMax, false);
    }
    country(findings, 'company.address.country', address.country, false);
  }
  findings.text('company.phone', company.phone, limits.phoneLengthMax, false);
  const email = findings.text('company.email', company.email, limits.emailLengthMax, false);
  if (typeof email === 'string' && !emailPattern.test(email)) findings.error('company.email', 'invalid_email', 'must be an email address such as billing@example.com');
  url(findings, 'company.website', company.website, false);
  url(findings, 'company.logoUrl', company.logoUrl, false);
  if (company.brandColor === undefined) findings.error('company.brandColor', 'required', 'is required');
  else if (typeof company.brandColor !== 'string' || !colorPattern.test(company.brandColor)) {
    findings.error('company.brandColor', 'invalid_color', `must be a colour written #RRGGBB, such as "#1F2937" (got ${describeShort(company.brandColor)})`);
  }
}

/** One numbering of a document kind: its prefix and template. Returns them when both are valid. */
function numbering(findings: Findings, invoice: Raw, prefixField: string, formatField: string): { prefix: string; template: string } | undefined {
  const prefixPath = `invoice.${prefixField}`;
  const formatPath = `invoice.${formatField}`;
  let prefix: string | undefined;
  const prefixValue = invoice[prefixField];
  if (prefixValue === undefined) findings.error(prefixPath, 'required', 'is required');
  else {
    try {
      prefix = requirePrefix(prefixValue);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      findings.error(prefixPath, 'invalid_prefix', `must be at most 32 characters without spaces or braces (got ${describeShort(prefixValue)})`);
    }
  }
  let template: string | undefined;
  const formatValue = invoice[formatField];
  if (formatValue === undefined) findings.error(formatPath, 'required', 'is required');
  else if (typeof formatValue !== 'string') findings.error(formatPath, 'invalid_type', 'must be a string');
  else if (!sequencePlaceholderPattern.test(formatValue)) {
    findings.error(formatPath, 'template_missing_sequence', 'must contain {sequence} (or {sequence:0Nd}): the sequence is what makes each number unique');
  } else {
    try {
      parseDocumentNumberTemplate(formatValue);
      template = formatValue;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      findings.error(formatPath, 'invalid_template', `is not a valid number template: ${error.message}`);
    }
  }
  return prefix !== undefined && template !== undefined ? { prefix, template } : undefined;
}

function validateInvoice(findings: Findings, value: unknown): void {
  const keys = [
    'numberPrefix',
    'numberFormat',
    'receiptNumberPrefix',
    'receiptNumberFormat',
    'creditNoteNumberPrefix',
    'creditNoteNumberFormat',
    'defaultDueDays',
    'paymentInstructions',
    'footer',
    'termsAndConditions',
    'showLogo',
    'colorScheme',
    'sendInvoiceEmails',
    'sendPaymentReminders',
    'reminderScheduleDays',
  ];
  const invoice = findings.object('invoice', value, keys);
  if (!invoice) return;
  const numberings = [
    { what: 'invoice', path: 'invoice.numberPrefix', numbering: numbering(findings, invoice, 'numberPrefix', 'numberFormat') },
    { what: 'receipt', path: 'invoice.receiptNumberPrefix', numbering: numbering(findings, invoice, 'receiptNumberPrefix', 'receiptNumberFormat') },
    {
      what: 'credit note',
      path: 'invoice.creditNoteNumberPrefix',
      numbering: numbering(findings, invoice, 'creditNoteNumberPrefix', 'creditNoteNumberFormat'),
    },
  ];
  // Invoices, receipts and credit notes count in separate sequences: if two kinds would print the same first
  // number, an "INV-2024-000001" could be both an invoice and a receipt.
  const sample = { year: 2024, month: 1, sequence: 1 };
  numberings.forEach((entry, index) => {
    if (!entry.numbering) return;
    const own = formatDocumentNumber(entry.numbering.template, { ...entry.numbering, ...sample });
    const earlier = numberings.slice(0, index).find((other) => other.numbering && formatDocumentNumber(other.numbering.template, { ...other.numbering, ...sample }) === own);
    if (earlier) {
      findings.error(entry.path, 'numbering_not_distinct', `gives ${entry.what} numbers such as ${own} that ${earlier.what} numbers also use: choose another prefix or format`);
    }
  });
  findings.integer('invoice.defaultDueDays', invoice.defaultDueDays, 0, limits.defaultDueDaysMax);
  const instructions = findings.object('invoice.paymentInstructions', invoice.paymentInstructions, ['enabled', 'text']);
  if (instructions) {
    findings.boolean('invoice.paymentInstructions.enabled', instructions.enabled);
    findings.text('invoice.paymentInstructions.text', instructions.text, limits.paymentInstructionsLengthMax, false);
  }
  findings.text('invoice.footer', invoice.footer, limits.footerLengthMax, false);
  findings.text('invoice.termsAndConditions', invoice.termsAndConditions, limits.termsAndConditionsLengthMax, false);
  findings.boolean('invoice.showLogo', invoice.showLogo);
  findings.oneOf('invoice.colorScheme', invoice.colorScheme, invoiceColorSchemes);
  findings.boolean('invoice.sendInvoiceEmails', invoice.sendInvoiceEmails);
  findings.boolean('invoice.sendPaymentReminders', invoice.sendPaymentReminders);
  const schedule = findings.list('invoice.reminderScheduleDays', invoice.reminderScheduleDays, limits.reminderScheduleLengthMax);
  if (schedule) {
    schedule.forEach((days, index) => findings.integer(`invoice.reminderScheduleDays[${index}]`, days, 1, limits.reminderDaysMax));
    findings.unique('invoice.reminderScheduleDays', schedule, 'day');
  }
}

function validatePayment(findings: Findings, value: unknown): void {
  const keys = [
    'enabledMethods',
    'defaultCurrency',
    'supportedCurrencies',
    'defaultPaymentTerms',
    'lateFeePercentage',
    'retryFailedPayments',
    'maxRetryAttempts',
    'retryIntervalHours',
  ];
  const payment = findings.object('payment', value, keys);
  if (!payment) return;
  const methods = findings.list('payment.enabledMethods', payment.enabledMethods, paymentMethodTypes.length);
  if (methods) {
    if (methods.length === 0) findings.error('payment.enabledMethods', 'empty', 'must enable at least one payment method');
    methods.forEach((method, index) => findings.oneOf(`payment.enabledMethods[${index}]`, method, paymentMethodTypes));
    findings.unique('payment.enabledMethods', methods, 'method');
  }
  const supported = findings.list('payment.supportedCurrencies', payment.supportedCurrencies, limits.supportedCurrenciesMax);
  if (supported) {
    if (supported.length === 0) findings.error('payment.supportedCurrencies', 'empty', 'must name at least one currency');
    supported.forEach((code, index) => {
      if (typeof code !== 'string' || !isCurrencyCode(code)) {
        findings.error(`payment.supportedCurrencies[${index}]`, 'unknown_currency', `must be an active ISO 4217 code such as "EUR" (got ${describeShort(code)})`);
      }
    });
    findings.unique('payment.supportedCurrencies', supported, 'currency');
  }
  const defaultCurrency = payment.defaultCurrency;
  if (defaultCurrency === undefined) findings.error('payment.defaultCurrency', 'required', 'is required');
  else if (typeof defaultCurrency !== 'string' || !isCurrencyCode(defaultCurrency)) {
    findings.error('payment.defaultCurrency', 'unknown_currency', `must be an active ISO 4217 code such as "EUR" (got ${describeShort(defaultCurrency)})`);
  } else if (supported && supported.length > 0 && !supported.includes(defaultCurrency)) {
    findings.error('payment.defaultCurrency', 'default_currency_not_supported', `${defaultCurrency} must be one of the supported currencies`);
  }
  findings.text('payment.defaultPaymentTerms', payment.defaultPaymentTerms, limits.paymentTermsLengthMax, true);
  findings.percentage('payment.lateFeePercentage', payment.lateFeePercentage);
  findings.boolean('payment.retryFailedPayments', payment.retryFailedPayments);
  findings.integer('payment.maxRetryAttempts', payment.maxRetryAttempts, limits.maxRetryAttemptsMin, limits.maxRetryAttemptsMax);
  findings.integer('payment.retryIntervalHours', payment.retryIntervalHours, limits.retryIntervalHoursMin, limits.retryIntervalHoursMax);
}

function jurisdiction(findings: Findings, path: string, value: unknown): void {
  if (value === undefined) return void findings.error(path, 'required', 'is required');
  if (!isJurisdiction(value)) {
    findings.error(path, 'invalid_jurisdiction', `must be a country code such as "DE" or a country-region code such as "CA-QC" (got ${describeShort(value)})`);
  }
}

const taxRateKeys = ['id', 'name', 'type', 'rate', 'jurisdiction', 'inclusive', 'compound', 'active'];

function validateTaxRateInto(findings: Findings, path: string, value: unknown): void {
  const rate = findings.object(path, value, taxRateKeys);
  if (!rate) return;
  findings.identifier(`${path}.id`, rate.id);
  findings.text(`${path}.name`, rate.name, taxRateLimits.nameLengthMax, true);
  findings.oneOf(`${path}.type`, rate.type, taxTypes);
  findings.percentage(`${path}.rate`, rate.rate);
  jurisdiction(findings, `${path}.jurisdiction`, rate.jurisdiction);
  findings.boolean(`${path}.inclusive`, rate.inclusive);
  findings.boolean(`${path}.compound`, rate.compound);
  findings.boolean(`${path}.active`, rate.active);
}

/** The errors of one tax rate on its own (as CreateTaxRate and UpdateTaxRate build it); `path` prefixes them. */
export function validateTaxRate(value: unknown, path = 'taxRate'): SettingsValidationError[] {
  const findings = new Findings();
  validateTaxRateInto(findings, path, value);
  return findings.errors;
}

function validateTax(findings: Findings, value: unknown): void {
  const tax = findings.object('tax', value, ['calculateAutomatically', 'pricesIncludeTax', 'defaultRate', 'registrations', 'rates', 'rounding']);
  if (!tax) return;
  findings.boolean('tax.calculateAutomatically', tax.calculateAutomatically);
  findings.boolean('tax.pricesIncludeTax', tax.pricesIncludeTax);
  findings.percentage('tax.defaultRate', tax.defaultRate);
  const registrations = findings.list('tax.registrations', tax.registrations, limits.taxRegistrationsMax);
  registrations?.forEach((entry, index) => {
    const path = `tax.registrations[${index}]`;
    const registration = findings.object(path, entry, ['jurisdiction', 'number']);
    if (!registration) return;
    jurisdiction(findings, `${path}.jurisdiction`, registration.jurisdiction);
    findings.text(`${path}.number`, registration.number, limits.identifierTextLengthMax, true);
  });
  if (registrations) findings.unique('tax.registrations', registrations, 'jurisdiction', (entry) => (entry as Raw | null)?.jurisdiction);
  const rates = findings.list('tax.rates', tax.rates, limits.taxRatesMax);
  rates?.forEach((rate, index) => validateTaxRateInto(findings, `tax.rates[${index}]`, rate));
  if (rates) findings.unique('tax.rates', rates, 'id', (rate) => (rate as Raw | null)?.id);
  findings.oneOf('tax.rounding', tax.rounding, taxRoundings);
}

/** The fields every endpoint has, stored or given: id, URL, events, auth type and the enabled switch. */
function validateWebhookFields(findings: Findings, path: string, webhook: Raw): WebhookAuthType | undefined {
  findings.identifier(`${path}.id`, webhook.id);
  url(findings, `${path}.url`, webhook.url, true);
  const events = findings.list(`${path}.events`, webhook.events, webhookEvents.length);
  if (events) {
    if (events.length === 0) findings.error(`${path}.events`, 'empty', 'must name at least one event');
    events.forEach((event, index) => findings.oneOf(`${path}.events[${index}]`, event, webhookEvents));
    findings.unique(`${path}.events`, events, 'event');
  }
  findings.boolean(`${path}.enabled`, webhook.enabled);
  return findings.oneOf(`${path}.authType`, webhook.authType, webhookAuthTypes);
}

const signingSecretPattern = /^whsec_([A-Za-z0-9+/]+)(={0,2})$/;

/**
 * Whether `secret` is a Standard Webhooks signing secret: `whsec_` and the (padded) base64 of 24 to 64 random bytes,
 * the key the signature's HMAC-SHA256 is computed with.
 */
export function isSigningSecret(secret: string): boolean {
  const match = signingSecretPattern.exec(secret);
  if (!match) return false;
  const [, body = '', padding = ''] = match;
  if ((body.length + padding.length) % 4 !== 0) return false;
  const bytes = ((body.length + padding.length) / 4) * 3 - padding.length;
  return bytes >= limits.webhookSigningSecretBytesMin && bytes <= limits.webhookSigningSecretBytesMax;
}

/** Whether a stored endpoint's secret may stay with the endpoint as given: same auth type, same URL origin. */
export function keepsWebhookSecret(stored: Pick<WebhookEndpoint, 'authType' | 'url' | 'secretRef'> | undefined, authType: unknown, endpointUrl: unknown): boolean {
  if (stored === undefined || stored.secretRef === null || stored.authType !== authType || typeof endpointUrl !== 'string') return false;
  try {
    return new URL(stored.url).origin === new URL(endpointUrl).origin;
  } catch {
    return false;
  }
}

/**
 * A new secret's rules, by auth type (the secret is never quoted, nor its length reported): 16 to 256 characters;
 * a signing secret in the Standard Webhooks format; basic auth as `user:password`.
 */
function validateNewSecret(findings: Findings, path: string, secret: string, authType: Exclude<WebhookAuthType, 'none'>): void {
  if (secret.trim().length === 0) return void findings.error(path, 'secret_required', `is required for the auth type ${authType}`);
  if (secret.length < limits.webhookSecretLengthMin) return void findings.error(path, 'secret_too_short', `must be at least ${limits.webhookSecretLengthMin} characters`);
  if (secret.length > limits.webhookSecretLengthMax) return void findings.error(path, 'too_long', `must be at most ${limits.webhookSecretLengthMax} characters`);
  if (authType === 'signature' && !isSigningSecret(secret)) {
    findings.error(
      path,
      'invalid_secret_format',
      `must be a Standard Webhooks signing secret: "whsec_" followed by the base64 of ${limits.webhookSigningSecretBytesMin} to ${limits.webhookSigningSecretBytesMax} random bytes (for example: echo "whsec_$(openssl rand -base64 32)")`,
    );
  }
  if (authType === 'basic_auth') {
    const colon = secret.indexOf(':');
    if (colon <= 0 || colon === secret.length - 1) findings.error(path, 'invalid_secret_format', 'must be user:password for basic auth (a user name, a colon, a password)');
  }
}

/**
 * An endpoint as an update gives it (WebhookEndpointInput), judged against the stored endpoint of the same id: a
 * new secret is validated; a secret left out is kept, which it may only be while the endpoint keeps its auth type
 * and origin; the auth type none takes no secret.
 */
function validateWebhookInput(findings: Findings, path: string, value: unknown, stored: readonly WebhookEndpoint[]): void {
  const webhook = findings.object(path, value, ['id', 'url', 'events', 'authType', 'secret', 'secretRef', 'enabled']);
  if (!webhook) return;
  const authType = validateWebhookFields(findings, path, webhook);
  const secret = webhook.secret;
  const secretPath = `${path}.secret`;
  if (secret !== undefined && secret !== null && typeof secret !== 'string') return void findings.error(secretPath, 'invalid_type', 'must be a string or null');
  if (webhook.secretRef !== undefined && webhook.secretRef !== null && typeof webhook.secretRef !== 'string') {
    findings.error(`${path}.secretRef`, 'invalid_type', 'must be a string or null');
  }
  if (authType === undefined) return;
  if (authType === 'none') {
    if (typeof secret === 'string') findings.warn(secretPath, 'is ignored: the auth type is none');
    return;
  }
  if (secret === undefined) {
    const existing = stored.find((endpoint) => endpoint.id === webhook.id);
    if (keepsWebhookSecret(existing, authType, webhook.url)) return;
    const why = existing?.secretRef ? ': a stored secret stays only while the endpoint keeps its auth type and host, so send it again' : '';
    return void findings.error(secretPath, 'secret_required', `is required for the auth type ${authType}${why}`);
  }
  if (secret === null) return void findings.error(secretPath, 'secret_required', `is required for the auth type ${authType}`);
  validateNewSecret(findings, secretPath, secret, authType);
}

/** A stored endpoint (a whole settings value, as a read model or a replayed state holds it). */
function validateStoredWebhook(findings: Findings, path: string, value: unknown): void {
  const keys = ['id', 'url', 'events', 'authType', 'secretRef', 'secretLast4', 'previousSecretRef', 'previousSecretExpiresAt', 'enabled'];
  const webhook = findings.object(path, value, keys);
  if (!webhook) return;
  const authType = validateWebhookFields(findings, path, webhook);
  const reference = findings.text(`${path}.secretRef`, webhook.secretRef, limits.secretReferenceLengthMax, false);
  findings.text(`${path}.secretLast4`, webhook.secretLast4, 4, false);
  findings.text(`${path}.previousSecretRef`, webhook.previousSecretRef, limits.secretReferenceLengthMax, false);
  findings.text(`${path}.previousSecretExpiresAt`, webhook.previousSecretExpiresAt, 64, false);
  if (authType !== undefined && authType !== 'none' && reference === null) findings.error(`${path}.secretRef`, 'secret_required', `is required for the auth type ${authType}`);
}

function validateEmailSwitches(findings: Findings, notifications: Raw): void {
  const email = findings.object('notifications.email', notifications.email, ['invoices', 'paymentConfirmations', 'overdueNotices', 'receipts']);
  if (email) {
    for (const field of ['invoices', 'paymentConfirmations', 'overdueNotices', 'receipts'] as const) {
      findings.boolean(`notifications.email.${field}`, email[field]);
    }
  }
}

/** The notifications section as stored: endpoints name their secrets by reference. */
function validateNotifications(findings: Findings, value: unknown): void {
  const notifications = findings.object('notifications', value, ['email', 'webhooks']);
  if (!notifications) return;
  validateEmailSwitches(findings, notifications);
  const webhooks = findings.list('notifications.webhooks', notifications.webhooks, limits.webhooksMax);
  webhooks?.forEach((webhook, index) => validateStoredWebhook(findings, `notifications.webhooks[${index}]`, webhook));
  if (webhooks) findings.unique('notifications.webhooks', webhooks, 'id', (webhook) => (webhook as Raw | null)?.id);
}

/** The notifications section as an update gives it (NotificationSettingsInput), against the stored endpoints. */
function validateNotificationsInput(findings: Findings, value: unknown, stored: readonly WebhookEndpoint[]): void {
  const notifications = findings.object('notifications', value, ['email', 'webhooks']);
  if (!notifications) return;
  validateEmailSwitches(findings, notifications);
  const webhooks = findings.list('notifications.webhooks', notifications.webhooks, limits.webhooksMax);
  webhooks?.forEach((webhook, index) => validateWebhookInput(findings, `notifications.webhooks[${index}]`, webhook, stored));
  if (webhooks) findings.unique('notifications.webhooks', webhooks, 'id', (webhook) => (webhook as Raw | null)?.id);
}

const featureKeys = ['invoicing', 'payments', 'creditNotes', 'receipts', 'taxCalculation', 'webhooks', 'reporting'];

function validateFeatures(findings: Findings, value: unknown): void {
  const features = findings.object('features', value, featureKeys);
  if (!features) return;
  for (const key of featureKeys) findings.boolean(`features.${key}`, features[key]);
}

function validateSubscriptions(findings: Findings, value: unknown): void {
  const subscriptions = findings.object('subscriptions', value, ['creditUnusedTimeOnCancel', 'suspensionPolicy']);
  if (!subscriptions) return;
  findings.boolean('subscriptions.creditUnusedTimeOnCancel', subscriptions.creditUnusedTimeOnCancel);
  findings.oneOf('subscriptions.suspensionPolicy', subscriptions.suspensionPolicy, suspensionPolicies);
}

const sectionValidators: Record<BillingSettingsSection, (findings: Findings, value: unknown) => void> = {
  company: validateCompany,
  invoice: validateInvoice,
  payment: validatePayment,
  tax: validateTax,
  notifications: validateNotifications,
  features: validateFeatures,
  subscriptions: validateSubscriptions,
  tenant: validateTenant,
};

/** Advice that spans fields or sections; computed defensively, because the settings may be invalid too. */
function addWarnings(findings: Findings, settings: Raw): void {
  const section = (name: string): Raw => {
    const value = settings[name];
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
  };
  const invoice = section('invoice');
  const tax = section('tax');
  const company = section('company');
  const features = section('features');
  const webhooks = section('notifications').webhooks;
  if (invoice.sendPaymentReminders === true && Array.isArray(invoice.reminderScheduleDays) && invoice.reminderScheduleDays.length === 0) {
    findings.warn('invoice.reminderScheduleDays', 'payment reminders are on but the schedule is empty, so no reminder will be sent');
  }
  const paymentInstructions = invoice.paymentInstructions as Raw | undefined;
  if (paymentInstructions?.enabled === true && paymentInstructions.text === null) {
    findings.warn('invoice.paymentInstructions.text', 'payment instructions are shown on invoices but have no text');
  }
  if (invoice.sendInvoiceEmails === true && company.email === null) {
    findings.warn('company.email', 'invoice emails are on but the company has no email address to send from or reply to');
  }
  if (tax.calculateAutomatically === true && Array.isArray(tax.rates) && !tax.rates.some((rate) => (rate as Raw | null)?.active === true)) {
    findings.warn('tax.rates', 'tax is calculated automatically but no tax rate is active, so no tax will be charged');
  }
  if (features.webhooks === false && Array.isArray(webhooks) && webhooks.some((webhook) => (webhook as Raw | null)?.enabled === true)) {
    findings.warn('features.webhooks', 'webhook endpoints are enabled but the webhooks feature is off, so nothing will be delivered');
  }
}

/** Validates a whole settings value; used by the deciders and by the `validate` query. */
export function validateBillingSettings(settings: unknown): SettingsValidationResult {
  const findings = new Findings();
  const root = findings.object('settings', settings, billingSettingsSections);
  if (!root) return { errors: findings.errors, warnings: findings.warnings };
  for (const name of billingSettingsSections) sectionValidators[name](findings, root[name]);
  addWarnings(findings, root);
  return { errors: findings.errors, warnings: findings.warnings };
}

/** Whether `path` lies in `section` ("tax.rates[0]" does in "tax"; "taxes" does not). */
export function isPathInSection(path: string, section: BillingSettingsSection): boolean {
  return path === section || path.startsWith(`${section}.`) || path.startsWith(`${section}[`);
}

/**
 * The section value an update would store: what the caller sent, except that the tax section keeps its current
 * rates (rates change only through the tax rate commands). Returns the `managed_by_commands` error instead when
 * the caller sent tax rates.
 */
export function sectionCandidate(
  current: BillingSettings,
  section: BillingSettingsSection,
  values: unknown,
): { values: unknown; errors: SettingsValidationError[] } {
  if (section !== 'tax' || typeof values !== 'object' || values === null || Array.isArray(values)) return { values, errors: [] };
  if (Object.hasOwn(values, 'rates')) {
    const message = 'tax.rates cannot be set with a section update: use CreateTaxRate, UpdateTaxRate and DeactivateTaxRate';
    return { values, errors: [{ path: 'tax.rates', code: 'managed_by_commands', message }] };
  }
  return { values: { ...values, rates: current.tax.rates }, errors: [] };
}

/**
 * What updating one section to `values` would give: the errors of that section (the other sections are not being
 * changed, and may predate a rule) and every warning of the resulting settings. The `validate` query and the
 * decider both use it, so a preview never disagrees with the save.
 */
export function validateBillingSettingsSection(current: BillingSettings, section: BillingSettingsSection, values: unknown): SettingsValidationResult {
  const candidate = sectionCandidate(current, section, values);
  if (candidate.errors.length > 0) return { errors: candidate.errors, warnings: [] };
  if (section === 'notifications') {
    // An update gives endpoints with new secrets or none (WebhookEndpointInput), judged against the stored ones.
    const findings = new Findings();
    validateNotificationsInput(findings, candidate.values, current.notifications.webhooks);
    addWarnings(findings, { ...current, notifications: candidate.values });
    return { errors: findings.errors, warnings: findings.warnings };
  }
  const result = validateBillingSettings({ ...current, [section]: candidate.values });
  return { errors: result.errors.filter((error) => isPathInSection(error.path, section)), warnings: result.warnings };
}
