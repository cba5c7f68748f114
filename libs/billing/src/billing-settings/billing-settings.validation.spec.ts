import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { TaxRate } from '../tax/tax-rate.js';
import { billingSettingsLimits, defaultBillingSettings, type BillingSettings, type WebhookEndpoint, type WebhookEndpointInput } from './billing-settings.js';
import {
  isPathInSection,
  isSigningSecret,
  validateBillingSettings,
  validateBillingSettingsSection,
  validateTaxRate,
  type SettingsValidationCode,
} from './billing-settings.validation.js';

const vat: TaxRate = { id: 'vat-de', name: 'USt 19%', type: 'vat', rate: '19', jurisdiction: 'DE', inclusive: false, compound: false, active: true };
/** A stored endpoint: its secret is in the secret store, the settings name it. */
const webhook: WebhookEndpoint = {
  id: 'wh-1',
  url: 'https://hooks.example.com/billing',
  events: ['invoice.created', 'invoice.paid'],
  authType: 'signature',
  secretRef: 'sec_3d1d7c1e-55a4-5f0e-9d6b-1c1f0e2a9b70',
  secretLast4: 'cdef',
  previousSecretRef: null,
  previousSecretExpiresAt: null,
  enabled: true,
};
/** Standard Webhooks signing secrets: whsec_ + base64 of 24 and of 32 bytes. */
const signingSecret24 = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
const signingSecret32 = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

/** Complete, valid settings without warnings: the baseline every case changes one thing in. */
function validSettings(): BillingSettings {
  const settings = structuredClone(defaultBillingSettings) as BillingSettings;
  settings.company.name = 'Fibre Networks GmbH';
  settings.company.email = 'billing@fibre.example';
  settings.company.website = 'https://fibre.example';
  settings.company.address.country = 'DE';
  settings.tax.rates = [vat];
  settings.tax.registrations = [{ jurisdiction: 'DE', number: 'DE123456789' }];
  settings.notifications.webhooks = [webhook];
  settings.payment.supportedCurrencies = ['USD', 'EUR'];
  settings.tenant = { name: 'Fibre Networks', timeZone: 'Europe/Berlin', country: 'DE', locale: 'de-DE' };
  return structuredClone(settings);
}

/** Untyped access for cases that send what a careless caller could send. */
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function errorsAfter(change: (settings: Loose) => void) {
  const settings = validSettings() as unknown as Loose;
  change(settings);
  return validateBillingSettings(settings).errors;
}

describe('validateBillingSettings', () => {
  it('finds no error in the defaults, and warns about what they leave unset', () => {
    const result = validateBillingSettings(defaultBillingSettings);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((warning) => warning.path)).toEqual(['company.email', 'tax.rates']);
  });

  it('finds nothing to say about complete settings', () => {
    expect(validateBillingSettings(validSettings())).toEqual({ errors: [], warnings: [] });
  });

  it('accepts the other valid forms: http on localhost, a region jurisdiction, lower-case hex, no prefix in the format', () => {
    const errors = errorsAfter((settings) => {
      settings.notifications.webhooks[0].url = 'http://localhost:3000/hooks';
      settings.tax.rates[0].jurisdiction = 'CA-QC';
      settings.company.brandColor = '#a1b2c3';
      settings.invoice.numberFormat = '{year}{month:02d}-{sequence:04d}';
      settings.invoice.numberPrefix = '';
      settings.payment.lateFeePercentage = '1.5';
      settings.invoice.defaultDueDays = 0;
      settings.invoice.reminderScheduleDays = [];
      settings.invoice.sendPaymentReminders = false;
    });
    expect(errors).toEqual([]);
  });

  it.each<[string, (settings: Loose) => void, string, SettingsValidationCode]>([
    // Company
    ['a brand colour by name', (s) => (s.company.brandColor = 'blue'), 'company.brandColor', 'invalid_color'],
    ['a brand colour of 5 digits', (s) => (s.company.brandColor = '#12345'), 'company.brandColor', 'invalid_color'],
    ['a lower-case country', (s) => (s.company.address.country = 'de'), 'company.address.country', 'invalid_country'],
    ['a country that is not ISO 3166 ("UK")', (s) => (s.company.address.country = 'UK'), 'company.address.country', 'invalid_country'],
    ['an email without @', (s) => (s.company.email = 'billing.example.com'), 'company.email', 'invalid_email'],
    ['a website on ftp', (s) => (s.company.website = 'ftp://fibre.example'), 'company.website', 'invalid_url'],
    ['a logo URL that is not a URL', (s) => (s.company.logoUrl = 'logo.png'), 'company.logoUrl', 'invalid_url'],
    ['a blank company name', (s) => (s.company.name = '  '), 'company.name', 'blank'],
    ['a company name over 200 characters', (s) => (s.company.name = 'x'.repeat(201)), 'company.name', 'too_long'],
    ['a misspelt field', (s) => (s.company.nmae = 'x'), 'company.nmae', 'unknown_field'],
    ['a phone number as a number', (s) => (s.company.phone = 4930123456), 'company.phone', 'invalid_type'],
    ['a missing address', (s) => delete s.company.address, 'company.address', 'required'],
    // Invoice
    ['a number format without {sequence}', (s) => (s.invoice.numberFormat = '{prefix}-{year}'), 'invoice.numberFormat', 'template_missing_sequence'],
    ['a number format with an unknown placeholder', (s) => (s.invoice.numberFormat = '{prefix}-{number}-{sequence}'), 'invoice.numberFormat', 'invalid_template'],
    ['a receipt format naming {month} without {year}', (s) => (s.invoice.receiptNumberFormat = '{month:02d}-{sequence}'), 'invoice.receiptNumberFormat', 'invalid_template'],
    ['a credit note format with {sequence} twice', (s) => (s.invoice.creditNoteNumberFormat = '{sequence}-{sequence}'), 'invoice.creditNoteNumberFormat', 'invalid_template'],
    ['a prefix with a space', (s) => (s.invoice.numberPrefix = 'IN V'), 'invoice.numberPrefix', 'invalid_prefix'],
    ['a receipt prefix over 32 characters', (s) => (s.invoice.receiptNumberPrefix = 'R'.repeat(33)), 'invoice.receiptNumberPrefix', 'invalid_prefix'],
    ['credit notes numbered like invoices', (s) => (s.invoice.creditNoteNumberPrefix = 'INV'), 'invoice.creditNoteNumberPrefix', 'numbering_not_distinct'],
    ['default due days over 365', (s) => (s.invoice.defaultDueDays = 366), 'invoice.defaultDueDays', 'out_of_range'],
    ['negative default due days', (s) => (s.invoice.defaultDueDays = -1), 'invoice.defaultDueDays', 'out_of_range'],
    ['fractional default due days', (s) => (s.invoice.defaultDueDays = 1.5), 'invoice.defaultDueDays', 'invalid_type'],
    ['an unknown colour scheme', (s) => (s.invoice.colorScheme = 'neon'), 'invoice.colorScheme', 'invalid_option'],
    ['a reminder 0 days before due', (s) => (s.invoice.reminderScheduleDays = [7, 0]), 'invoice.reminderScheduleDays[1]', 'out_of_range'],
    ['a reminder 366 days before due', (s) => (s.invoice.reminderScheduleDays = [366, 1]), 'invoice.reminderScheduleDays[0]', 'out_of_range'],
    ['a reminder day given twice', (s) => (s.invoice.reminderScheduleDays = [7, 3, 7]), 'invoice.reminderScheduleDays[2]', 'duplicate'],
    ['a fractional reminder day', (s) => (s.invoice.reminderScheduleDays = [2.5]), 'invoice.reminderScheduleDays[0]', 'invalid_type'],
    ['11 reminders', (s) => (s.invoice.reminderScheduleDays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'invoice.reminderScheduleDays', 'too_many'],
    ['a payment-instructions toggle as text', (s) => (s.invoice.paymentInstructions.enabled = 'yes'), 'invoice.paymentInstructions.enabled', 'invalid_type'],
    // Payment
    ['an unknown default currency', (s) => (s.payment.defaultCurrency = 'XYZ'), 'payment.defaultCurrency', 'unknown_currency'],
    ['a default currency that is not supported', (s) => (s.payment.defaultCurrency = 'GBP'), 'payment.defaultCurrency', 'default_currency_not_supported'],
    ['no supported currency', (s) => (s.payment.supportedCurrencies = []), 'payment.supportedCurrencies', 'empty'],
    ['a lower-case supported currency', (s) => (s.payment.supportedCurrencies = ['USD', 'eur']), 'payment.supportedCurrencies[1]', 'unknown_currency'],
    ['a supported currency twice', (s) => (s.payment.supportedCurrencies = ['USD', 'EUR', 'USD']), 'payment.supportedCurrencies[2]', 'duplicate'],
    ['no payment method', (s) => (s.payment.enabledMethods = []), 'payment.enabledMethods', 'empty'],
    ['an unknown payment method', (s) => (s.payment.enabledMethods = ['card', 'barter']), 'payment.enabledMethods[1]', 'invalid_option'],
    ['a payment method twice', (s) => (s.payment.enabledMethods = ['card', 'cash', 'card']), 'payment.enabledMethods[2]', 'duplicate'],
    ['a late fee over 100%', (s) => (s.payment.lateFeePercentage = '100.01'), 'payment.lateFeePercentage', 'invalid_percentage'],
    ['a late fee as a number', (s) => (s.payment.lateFeePercentage = 1.5), 'payment.lateFeePercentage', 'invalid_percentage'],
    ['0 retry attempts', (s) => (s.payment.maxRetryAttempts = 0), 'payment.maxRetryAttempts', 'out_of_range'],
    ['11 retry attempts', (s) => (s.payment.maxRetryAttempts = 11), 'payment.maxRetryAttempts', 'out_of_range'],
    ['a retry interval of 0 hours', (s) => (s.payment.retryIntervalHours = 0), 'payment.retryIntervalHours', 'out_of_range'],
    ['a retry interval over a week', (s) => (s.payment.retryIntervalHours = 169), 'payment.retryIntervalHours', 'out_of_range'],
    ['no payment terms text', (s) => (s.payment.defaultPaymentTerms = null), 'payment.defaultPaymentTerms', 'required'],
    // Tax
    ['a default rate over 100%', (s) => (s.tax.defaultRate = '100.5'), 'tax.defaultRate', 'invalid_percentage'],
    ['a default rate with 5 decimals', (s) => (s.tax.defaultRate = '8.87501'), 'tax.defaultRate', 'invalid_percentage'],
    ['a tax rate without a name', (s) => (s.tax.rates[0].name = ''), 'tax.rates[0].name', 'blank'],
    ['a tax rate of an unknown type', (s) => (s.tax.rates[0].type = 'excise'), 'tax.rates[0].type', 'invalid_option'],
    ['a tax rate over 100%', (s) => (s.tax.rates[0].rate = '101'), 'tax.rates[0].rate', 'invalid_percentage'],
    ['a tax rate for "Quebec"', (s) => (s.tax.rates[0].jurisdiction = 'Quebec'), 'tax.rates[0].jurisdiction', 'invalid_jurisdiction'],
    ['a tax rate for an unassigned country', (s) => (s.tax.rates[0].jurisdiction = 'ZZ-QC'), 'tax.rates[0].jurisdiction', 'invalid_jurisdiction'],
    ['an inclusive flag as text', (s) => (s.tax.rates[0].inclusive = 'no'), 'tax.rates[0].inclusive', 'invalid_type'],
    ['a compound flag missing', (s) => delete s.tax.rates[0].compound, 'tax.rates[0].compound', 'required'],
    ['a tax rate without an active flag', (s) => delete s.tax.rates[0].active, 'tax.rates[0].active', 'required'],
    ['two tax rates with one id', (s) => s.tax.rates.push({ ...vat, name: 'USt 7%', rate: '7' }), 'tax.rates[1]', 'duplicate'],
    ['a tax rate id with spaces around it', (s) => (s.tax.rates[0].id = ' vat '), 'tax.rates[0].id', 'invalid_identifier'],
    ['a registration for an unknown country', (s) => (s.tax.registrations[0].jurisdiction = 'XX'), 'tax.registrations[0].jurisdiction', 'invalid_jurisdiction'],
    ['a registration without a number', (s) => (s.tax.registrations[0].number = ''), 'tax.registrations[0].number', 'blank'],
    ['two registrations for one jurisdiction', (s) => s.tax.registrations.push({ jurisdiction: 'DE', number: 'DE999' }), 'tax.registrations[1]', 'duplicate'],
    ['an unknown tax rounding', (s) => (s.tax.rounding = 'per_item'), 'tax.rounding', 'invalid_option'],
    // Notifications
    ['a webhook on plain http', (s) => (s.notifications.webhooks[0].url = 'http://hooks.example.com/billing'), 'notifications.webhooks[0].url', 'insecure_url'],
    ['a webhook URL with credentials', (s) => (s.notifications.webhooks[0].url = 'https://user:pass@hooks.example.com/'), 'notifications.webhooks[0].url', 'url_credentials'],
    ['a webhook URL that is not http', (s) => (s.notifications.webhooks[0].url = 'mailto:ops@example.com'), 'notifications.webhooks[0].url', 'invalid_url'],
    ['a webhook without events', (s) => (s.notifications.webhooks[0].events = []), 'notifications.webhooks[0].events', 'empty'],
    ['a webhook event that does not exist', (s) => (s.notifications.webhooks[0].events = ['invoice.created', 'invoice.exploded']), 'notifications.webhooks[0].events[1]', 'invalid_option'],
    ['a webhook event twice', (s) => (s.notifications.webhooks[0].events = ['invoice.paid', 'invoice.paid']), 'notifications.webhooks[0].events[1]', 'duplicate'],
    ['an unknown auth type', (s) => (s.notifications.webhooks[0].authType = 'oauth'), 'notifications.webhooks[0].authType', 'invalid_option'],
    ['a signed webhook without a secret', (s) => (s.notifications.webhooks[0].secretRef = null), 'notifications.webhooks[0].secretRef', 'secret_required'],
    ['a plaintext secret in a stored webhook', (s) => (s.notifications.webhooks[0].secret = 'whsec_plain'), 'notifications.webhooks[0].secret', 'unknown_field'],
    ['a blank secret reference', (s) => (s.notifications.webhooks[0].secretRef = ' '), 'notifications.webhooks[0].secretRef', 'blank'],
    ['two webhooks with one id', (s) => s.notifications.webhooks.push({ ...webhook, url: 'https://other.example.com/' }), 'notifications.webhooks[1]', 'duplicate'],
    ['an email toggle as text', (s) => (s.notifications.email.invoices = 'yes'), 'notifications.email.invoices', 'invalid_type'],
    // Features and tenant
    ['a feature flag missing', (s) => delete s.features.reporting, 'features.reporting', 'required'],
    ['an unknown time zone', (s) => (s.tenant.timeZone = 'Mars/Olympus_Mons'), 'tenant.timeZone', 'invalid_time_zone'],
    ['a tenant country of three letters', (s) => (s.tenant.country = 'DEU'), 'tenant.country', 'invalid_country'],
    ['a malformed locale', (s) => (s.tenant.locale = 'de_DE'), 'tenant.locale', 'invalid_locale'],
    ['a locale not in canonical form', (s) => (s.tenant.locale = 'de-de'), 'tenant.locale', 'invalid_locale'],
  ])('reports %s, once', (_case, change, path, code) => {
    expect(errorsAfter(change)).toEqual([{ path, code, message: expect.stringMatching(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')} `)) }]);
  });

  it('reports every violation at once, each under its own path', () => {
    const errors = errorsAfter((settings) => {
      settings.company.brandColor = 'red';
      settings.payment.maxRetryAttempts = 0;
      settings.tenant.timeZone = 'Nowhere/Town';
    });
    expect(errors.map((error) => error.code)).toEqual(['invalid_color', 'out_of_range', 'invalid_time_zone']);
  });

  it('rejects something that is not settings at all', () => {
    expect(validateBillingSettings(null).errors).toEqual([{ path: 'settings', code: 'required', message: 'settings is required' }]);
    expect(validateBillingSettings([]).errors[0]?.code).toBe('invalid_type');
  });

  it('names the canonical spelling of a locale', () => {
    const [error] = errorsAfter((settings) => (settings.tenant.locale = 'de-de'));
    expect(error?.message).toContain('write it as "de-DE"');
  });

});

describe('warnings', () => {
  function warningsAfter(change: (settings: Loose) => void) {
    const settings = validSettings() as unknown as Loose;
    change(settings);
    const result = validateBillingSettings(settings);
    expect(result.errors).toEqual([]);
    return result.warnings;
  }

  it.each<[string, (settings: Loose) => void, string, RegExp]>([
    ['reminders on with an empty schedule', (s) => (s.invoice.reminderScheduleDays = []), 'invoice.reminderScheduleDays', /no reminder will be sent/],
    ['tax calculation on with no active rate', (s) => (s.tax.rates[0].active = false), 'tax.rates', /no tax rate is active/],
    ['invoice emails on without a company email', (s) => (s.company.email = null), 'company.email', /no email address/],
    ['payment instructions shown without text', (s) => (s.invoice.paymentInstructions.enabled = true), 'invoice.paymentInstructions.text', /have no text/],
    ['enabled webhooks with the feature off', (s) => (s.features.webhooks = false), 'features.webhooks', /nothing will be delivered/],
  ])('warns about %s without an error', (_case, change, path, message) => {
    expect(warningsAfter(change)).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('says nothing when the warned-about features are off', () => {
    expect(
      warningsAfter((settings) => {
        settings.invoice.reminderScheduleDays = [];
        settings.invoice.sendPaymentReminders = false;
        settings.tax.rates = [];
        settings.tax.calculateAutomatically = false;
        settings.company.email = null;
        settings.invoice.sendInvoiceEmails = false;
      }),
    ).toEqual([]);
  });
});

describe('validateBillingSettingsSection', () => {
  it('reports only the errors of the section being changed, and every warning', () => {
    const current = validSettings();
    (current.company as Loose).brandColor = 'stale'; // stored before a rule existed
    const result = validateBillingSettingsSection(current, 'payment', { ...current.payment, maxRetryAttempts: 20 });
    expect(result.errors.map((error) => error.path)).toEqual(['payment.maxRetryAttempts']);
  });

  it('keeps the current tax rates when the tax options change, and refuses rates sent with them', () => {
    const current = validSettings();
    const { rates: _rates, ...options } = current.tax;
    expect(validateBillingSettingsSection(current, 'tax', { ...options, rounding: 'per_invoice' }).errors).toEqual([]);
    expect(validateBillingSettingsSection(current, 'tax', current.tax).errors).toEqual([
      { path: 'tax.rates', code: 'managed_by_commands', message: expect.stringContaining('use CreateTaxRate') },
    ]);
  });

  it('knows which paths belong to a section', () => {
    expect(isPathInSection('tax.rates[0].rate', 'tax')).toBe(true);
    expect(isPathInSection('tax', 'tax')).toBe(true);
    expect(isPathInSection('taxes.x', 'tax')).toBe(false);
  });
});

describe('validateTaxRate', () => {
  it('checks one rate under the path it is given', () => {
    expect(validateTaxRate(vat)).toEqual([]);
    expect(validateTaxRate({ ...vat, rate: '-5', extra: true })).toEqual([
      { path: 'taxRate.extra', code: 'unknown_field', message: expect.any(String) },
      { path: 'taxRate.rate', code: 'invalid_percentage', message: expect.any(String) },
    ]);
  });
});

describe('validateBillingSettingsSection: notifications as an update gives them', () => {
  const current = validSettings();
  /** The stored endpoint as an update would repeat it: without `secret`, which keeps the stored one. */
  const given = (overrides: Partial<WebhookEndpointInput> & Record<string, unknown> = {}): WebhookEndpointInput => {
    const { secretRef: _ref, secretLast4: _last4, previousSecretRef: _previous, previousSecretExpiresAt: _expires, ...fields } = webhook;
    return { ...fields, ...overrides } as WebhookEndpointInput;
  };
  const check = (...webhooks: unknown[]) => validateBillingSettingsSection(current, 'notifications', { email: current.notifications.email, webhooks });
  const bearer = 'tok_0123456789abcdefXYZ';

  it.each<[string, unknown]>([
    ['the stored secret kept (secret left out)', given()],
    ['the stored secret kept on another path of the same origin', given({ url: 'https://hooks.example.com/v2/billing', events: ['invoice.paid'] })],
    ['a new signing secret of 24 bytes', given({ secret: signingSecret24 })],
    ['a new signing secret of 32 bytes', given({ secret: signingSecret32 })],
    ['a new signing secret of 64 bytes', given({ secret: `whsec_${Buffer.alloc(64, 1).toString('base64')}` })],
    ['a bearer token of 16 characters', given({ authType: 'bearer_token', secret: 'x'.repeat(16) })],
    ['an API key', given({ authType: 'api_key', secret: bearer })],
    ['basic auth with a colon in the password', given({ authType: 'basic_auth', secret: 'billing:pa:ss:word-1234' })],
    ['no auth and no secret', given({ authType: 'none', secret: null })],
    ['no auth and the secret left out', given({ id: 'wh-new', authType: 'none' })],
  ])('accepts %s', (_case, endpoint) => {
    expect(check(endpoint)).toEqual({ errors: [], warnings: [] });
  });

  it.each<[string, unknown, string, SettingsValidationCode]>([
    ['a new endpoint that signs without a secret', given({ id: 'wh-2' }), 'secret', 'secret_required'],
    ['a kept secret moved to another host', given({ url: 'https://attacker.example.org/collect' }), 'secret', 'secret_required'],
    ['a kept secret moved to another port of the same host', given({ url: 'https://hooks.example.com:8443/billing' }), 'secret', 'secret_required'],
    ['a kept signing secret used as a bearer token', given({ authType: 'bearer_token' }), 'secret', 'secret_required'],
    ['a signing secret of null', given({ secret: null }), 'secret', 'secret_required'],
    ['a blank bearer token', given({ authType: 'bearer_token', secret: ' '.repeat(20) }), 'secret', 'secret_required'],
    ['a short bearer token', given({ authType: 'bearer_token', secret: 'tok-9x' }), 'secret', 'secret_too_short'],
    ['a bearer token over 256 characters', given({ authType: 'bearer_token', secret: 'x'.repeat(257) }), 'secret', 'too_long'],
    ['a signing secret without the whsec_ prefix', given({ secret: Buffer.alloc(32, 9).toString('base64') }), 'secret', 'invalid_secret_format'],
    ['a signing secret that is not base64', given({ secret: 'whsec_this is not base64 at all!!' }), 'secret', 'invalid_secret_format'],
    ['a signing secret in base64url', given({ secret: `whsec_${Buffer.alloc(24, 0xfb).toString('base64url')}` }), 'secret', 'invalid_secret_format'],
    ['a signing secret of 16 bytes', given({ secret: `whsec_${Buffer.alloc(16, 3).toString('base64')}` }), 'secret', 'invalid_secret_format'],
    ['a signing secret of 65 bytes', given({ secret: `whsec_${Buffer.alloc(65, 3).toString('base64')}` }), 'secret', 'invalid_secret_format'],
    ['basic auth without a colon', given({ authType: 'basic_auth', secret: 'no-colon-in-this-secret' }), 'secret', 'invalid_secret_format'],
    ['basic auth without a user', given({ authType: 'basic_auth', secret: ':only-a-password-here' }), 'secret', 'invalid_secret_format'],
    ['basic auth without a password', given({ authType: 'basic_auth', secret: 'only-a-user-name-here:' }), 'secret', 'invalid_secret_format'],
    ['a secret that is a number', given({ authType: 'bearer_token', secret: 1234567890123456 as unknown as string }), 'secret', 'invalid_type'],
    ['a field the input does not have', given({ token: bearer }), 'token', 'unknown_field'],
  ])('refuses %s, once, without repeating the secret', (_case, endpoint, field, code) => {
    const result = check(endpoint);
    expect(result.errors).toEqual([{ path: `notifications.webhooks[0].${field}`, code, message: expect.stringMatching(/^notifications\.webhooks\[0\]\./) }]);
    const secret = (endpoint as { secret?: unknown }).secret;
    if (typeof secret === 'string' && secret.trim() !== '') expect(JSON.stringify(result)).not.toContain(secret);
    expect(JSON.stringify(result)).not.toContain(bearer);
  });

  it('says why a stored secret is not kept, and that it must be sent again', () => {
    const [error] = check(given({ url: 'https://attacker.example.org/collect' })).errors;
    expect(error?.message).toMatch(/keeps its auth type and host, so send it again/);
  });

  it('warns that a secret on an endpoint without auth is ignored', () => {
    expect(check(given({ authType: 'none', secret: bearer })).warnings).toEqual([{ path: 'notifications.webhooks[0].secret', message: expect.stringMatching(/is ignored/) }]);
  });

  it('never repeats a secret or a URL in a message', () => {
    const leakingUrl = 'http://hooks.example.com/billing?token=abcdefghijklmnop';
    const result = check(given({ secret: 'too-short-secret'.slice(0, 12) }), given({ id: 'wh-2', url: leakingUrl, authType: 'basic_auth', secret: 'pass-without-colon-1234' }));
    expect(result.errors.map((error) => error.code)).toEqual(['secret_too_short', 'insecure_url', 'invalid_secret_format']);
    const text = JSON.stringify(result);
    for (const hidden of ['too-short-se', 'pass-without-colon', 'token=']) expect(text).not.toContain(hidden);
  });
});

describe('isSigningSecret', () => {
  const { webhookSigningSecretBytesMin: min, webhookSigningSecretBytesMax: max } = billingSettingsLimits;

  it(`accepts whsec_ and the base64 of any ${min} to ${max} bytes`, () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: min, maxLength: max }), (bytes) => isSigningSecret(`whsec_${Buffer.from(bytes).toString('base64')}`)));
  });

  it('refuses fewer or more bytes, another prefix, and base64 without its padding', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: min - 1 }), fc.uint8Array({ minLength: max + 1, maxLength: max + 40 })), (bytes) => !isSigningSecret(`whsec_${Buffer.from(bytes).toString('base64')}`)),
    );
    fc.assert(fc.property(fc.uint8Array({ minLength: min, maxLength: max }), fc.constantFrom('', 'whsec', 'wh_', 'WHSEC_', 'whsec-'), (bytes, prefix) => !isSigningSecret(`${prefix}${Buffer.from(bytes).toString('base64')}`)));
    const unpadded = Buffer.alloc(32, 5).toString('base64').replace(/=+$/, '');
    expect(isSigningSecret(`whsec_${unpadded}`)).toBe(false);
  });
});
