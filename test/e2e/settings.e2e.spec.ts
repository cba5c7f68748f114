import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rebuildProjection, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { billingSettingsHistoryProjection, billingSettingsProjection } from '../../projections/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';

/**
 * The billing settings API end to end (docs/domain.md, "Settings"): read, update per section, validate, reset, history
 * with its actor, tax rates, and who may do what. Every describe works in a tenant of its own, so no test depends
 * on what another one changed. Every rejected request is checked to append nothing.
 */

const SETTINGS_FIELDS = `
  company { name legalName taxId registrationNumber address { line1 line2 city state postalCode country } phone email website logoUrl brandColor }
  invoice { numberPrefix numberFormat receiptNumberPrefix receiptNumberFormat creditNoteNumberPrefix creditNoteNumberFormat defaultDueDays paymentInstructions { enabled text } footer termsAndConditions showLogo colorScheme sendInvoiceEmails sendPaymentReminders reminderScheduleDays }
  payment { enabledMethods defaultCurrency supportedCurrencies defaultPaymentTerms lateFeePercentage retryFailedPayments maxRetryAttempts retryIntervalHours }
  tax { calculateAutomatically pricesIncludeTax defaultRate registrations { jurisdiction number } rates { id name type rate jurisdiction inclusive compound active } rounding }
  notifications { email { invoices paymentConfirmations overdueNotices receipts } webhooks { id url events authType secretSet secretLast4 enabled } }
  features { invoicing payments creditNotes receipts taxCalculation webhooks reporting }
  tenant { name timeZone country locale }
  updatedAt`;

const SETTINGS_QUERY = `query ($minPosition: String) { billingSettings(minPosition: $minPosition) { ${SETTINGS_FIELDS} } }`;
const HISTORY_QUERY = `query ($first: Int, $after: String, $section: BillingSettingsSection, $minPosition: String) {
  billingSettingsHistory(first: $first, after: $after, section: $section, minPosition: $minPosition) {
    edges { cursor node { position type section sections actor changedAt values previous } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const TAX_RATE_FIELDS = 'id name type rate jurisdiction inclusive compound active';
const TAX_RATES_QUERY = `query ($activeOnly: Boolean, $minPosition: String) { taxRates(activeOnly: $activeOnly, minPosition: $minPosition) { ${TAX_RATE_FIELDS} } }`;

type SectionMutation =
  | 'updateCompanySettings'
  | 'updateInvoiceSettings'
  | 'updatePaymentSettings'
  | 'updateTaxSettings'
  | 'updateNotificationSettings'
  | 'updateFeatureSettings'
  | 'updateTenantProfile'
  | 'resetBillingSettings';

const inputTypeOf: Record<SectionMutation, string> = {
  updateCompanySettings: 'UpdateCompanySettingsInput',
  updateInvoiceSettings: 'UpdateInvoiceSettingsInput',
  updatePaymentSettings: 'UpdatePaymentSettingsInput',
  updateTaxSettings: 'UpdateTaxSettingsInput',
  updateNotificationSettings: 'UpdateNotificationSettingsInput',
  updateFeatureSettings: 'UpdateFeatureSettingsInput',
  updateTenantProfile: 'UpdateTenantProfileInput',
  resetBillingSettings: 'ResetBillingSettingsInput',
};

type TaxRateMutation = 'createTaxRate' | 'updateTaxRate' | 'deactivateTaxRate';
const taxRateInputTypeOf: Record<TaxRateMutation, string> = { createTaxRate: 'CreateTaxRateInput', updateTaxRate: 'UpdateTaxRateInput', deactivateTaxRate: 'DeactivateTaxRateInput' };

// Loosely typed views of the answers: the tests compare them with literal values.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Settings = Record<string, any>;
interface SettingsPayload {
  settings: Settings;
  position: string;
}
interface TaxRateView {
  id: string;
  name: string;
  type: string;
  rate: string;
  jurisdiction: string;
  inclusive: boolean;
  compound: boolean;
  active: boolean;
}
interface Change {
  position: string;
  type: string;
  section: string | null;
  sections: string[];
  actor: string;
  changedAt: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  values: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  previous: Record<string, any> | null;
}
interface Violation {
  path: string;
  code: string;
  message: string;
}

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

/** A tenant of its own for one describe, with an admin key and that key's id (the actor of its changes). */
async function tenantWithAdmin(tenantId: string): Promise<{ tenantId: string; key: string; actor: string }> {
  const key = await ledger.createKey(tenantId, 'admin');
  const principal = await ledger.services.apiKeys.authenticate(key);
  if (!principal) throw new Error('the key just registered does not authenticate');
  return { tenantId, key, actor: `api-key:${principal.keyId}` };
}

function sectionMutation(name: SectionMutation, input: Record<string, unknown>, key: string) {
  const document = `mutation ($input: ${inputTypeOf[name]}!) { ${name}(input: $input) { position settings { ${SETTINGS_FIELDS} } } }`;
  return ledger.graphql<Record<string, SettingsPayload>>(document, { input }, key);
}

async function sectionMutationOk(name: SectionMutation, input: Record<string, unknown>, key: string): Promise<SettingsPayload> {
  return requireData(await sectionMutation(name, input, key), name)[name] as SettingsPayload;
}

function taxRateMutation(name: TaxRateMutation, input: Record<string, unknown>, key: string) {
  const document = `mutation ($input: ${taxRateInputTypeOf[name]}!) { ${name}(input: $input) { position taxRate { ${TAX_RATE_FIELDS} } settings { tax { rates { id active } } } } }`;
  return ledger.graphql<Record<string, { position: string; taxRate: TaxRateView; settings: Settings }>>(document, { input }, key);
}

async function taxRateMutationOk(name: TaxRateMutation, input: Record<string, unknown>, key: string) {
  return requireData(await taxRateMutation(name, input, key), name)[name] as { position: string; taxRate: TaxRateView; settings: Settings };
}

async function readSettings(key: string, minPosition?: string): Promise<Settings> {
  return requireData(await ledger.graphql<{ billingSettings: Settings }>(SETTINGS_QUERY, { minPosition }, key), 'billingSettings').billingSettings;
}

async function readHistory(key: string, variables: Record<string, unknown>) {
  const data = requireData(await ledger.graphql<{ billingSettingsHistory: { edges: { cursor: string; node: Change }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(HISTORY_QUERY, variables, key), 'history');
  return data.billingSettingsHistory;
}

/** Sends a request that must fail with `code`, and checks that the tenant's event log did not grow. */
async function expectRejected<Data>(tenantId: string, code: string, send: () => Promise<GraphQLHttpResponse<Data>>): Promise<GraphQLHttpResponse<Data>> {
  const before = (await ledger.tenantEvents(tenantId)).length;
  const response = await send();
  expect(firstErrorCode(response)).toBe(code);
  expect(response.rawBody).not.toContain('"stack');
  expect((await ledger.tenantEvents(tenantId)).length).toBe(before);
  return response;
}

function violationsOf(response: GraphQLHttpResponse<unknown>): Violation[] {
  return (response.errors?.[0]?.extensions?.violations ?? []) as Violation[];
}

describe('a tenant that has changed nothing', () => {
  it('reads the defaults, with no change time', async () => {
    const { key } = await tenantWithAdmin('settings-fresh');
    const settings = await readSettings(key);
    expect(settings.company).toMatchObject({ name: null, brandColor: '#1F2937', address: { line1: null, country: null } });
    expect(settings.invoice).toMatchObject({ numberPrefix: 'INV', numberFormat: '{prefix}-{year}-{sequence:06d}', defaultDueDays: 30, colorScheme: 'DEFAULT', reminderScheduleDays: [7, 3, 1] });
    expect(settings.payment).toMatchObject({ defaultCurrency: 'USD', supportedCurrencies: ['USD'], maxRetryAttempts: 3, retryIntervalHours: 24, lateFeePercentage: '0' });
    expect(settings.payment.enabledMethods).toContain('CARD');
    expect(settings.tax).toMatchObject({ calculateAutomatically: true, rates: [], rounding: 'PER_LINE' });
    expect(settings.notifications.webhooks).toEqual([]);
    expect(settings.tenant).toEqual({ name: null, timeZone: 'UTC', country: 'US', locale: 'en-US' });
    expect(settings.updatedAt).toBeNull();
    expect((await readHistory(key, {})).edges).toEqual([]);
  });
});

describe('updating one section', () => {
  let admin: Awaited<ReturnType<typeof tenantWithAdmin>>;

  beforeAll(async () => {
    admin = await tenantWithAdmin('settings-update');
  });

  it('changes the fields given, keeps the others, and reads back the same with minPosition', async () => {
    const first = await sectionMutationOk('updateCompanySettings', { name: 'Fibre Networks GmbH', brandColor: '#0055AA', address: { city: 'Berlin', country: 'DE' } }, admin.key);
    expect(first.settings.company).toMatchObject({ name: 'Fibre Networks GmbH', brandColor: '#0055AA', address: { city: 'Berlin', country: 'DE', line1: null } });
    expect(first.settings.updatedAt).toEqual(expect.any(String));

    // Only the phone and the street: the name, colour and city stay as they were.
    const second = await sectionMutationOk('updateCompanySettings', { phone: '+49 30 1234567', address: { line1: 'Hauptstraße 1' } }, admin.key);
    expect(second.settings.company).toMatchObject({ name: 'Fibre Networks GmbH', brandColor: '#0055AA', phone: '+49 30 1234567', address: { line1: 'Hauptstraße 1', city: 'Berlin', country: 'DE' } });
    // null clears an optional field.
    const cleared = await sectionMutationOk('updateCompanySettings', { phone: null }, admin.key);
    expect(cleared.settings.company.phone).toBeNull();

    expect(await readSettings(admin.key, cleared.position)).toEqual(cleared.settings);
  });

  it('the same values again append nothing and answer the same position', async () => {
    const once = await sectionMutationOk('updateFeatureSettings', { reporting: false }, admin.key);
    const before = (await ledger.tenantEvents(admin.tenantId)).length;
    const again = await sectionMutationOk('updateFeatureSettings', { reporting: false }, admin.key);
    expect(again).toEqual(once);
    expect((await ledger.tenantEvents(admin.tenantId)).length).toBe(before);
  });

  it('updates every other section through its own mutation', async () => {
    const invoice = await sectionMutationOk('updateInvoiceSettings', { numberPrefix: 'FAC', reminderScheduleDays: [10, 5], paymentInstructions: { enabled: true, text: 'IBAN DE00 1234' }, colorScheme: 'BRAND' }, admin.key);
    expect(invoice.settings.invoice).toMatchObject({ numberPrefix: 'FAC', reminderScheduleDays: [10, 5], paymentInstructions: { enabled: true, text: 'IBAN DE00 1234' }, colorScheme: 'BRAND', defaultDueDays: 30 });

    const payment = await sectionMutationOk('updatePaymentSettings', { supportedCurrencies: ['EUR', 'USD'], defaultCurrency: 'EUR', maxRetryAttempts: 10, retryIntervalHours: 168, lateFeePercentage: '1.5', enabledMethods: ['CARD', 'BANK_ACCOUNT'] }, admin.key);
    expect(payment.settings.payment).toMatchObject({ supportedCurrencies: ['EUR', 'USD'], defaultCurrency: 'EUR', maxRetryAttempts: 10, retryIntervalHours: 168, lateFeePercentage: '1.5', enabledMethods: ['CARD', 'BANK_ACCOUNT'] });

    const tax = await sectionMutationOk('updateTaxSettings', { pricesIncludeTax: true, rounding: 'PER_INVOICE', defaultRate: '19', registrations: [{ jurisdiction: 'DE', number: 'DE123456789' }] }, admin.key);
    expect(tax.settings.tax).toMatchObject({ pricesIncludeTax: true, rounding: 'PER_INVOICE', defaultRate: '19', registrations: [{ jurisdiction: 'DE', number: 'DE123456789' }], rates: [] });

    const notifications = await sectionMutationOk('updateNotificationSettings', { email: { receipts: false } }, admin.key);
    expect(notifications.settings.notifications.email).toEqual({ invoices: true, paymentConfirmations: true, overdueNotices: true, receipts: false });

    const tenant = await sectionMutationOk('updateTenantProfile', { name: 'Fibre', timeZone: 'Europe/Berlin', country: 'DE', locale: 'de-DE' }, admin.key);
    expect(tenant.settings.tenant).toEqual({ name: 'Fibre', timeZone: 'Europe/Berlin', country: 'DE', locale: 'de-DE' });

    // Every section change so far is in the read model, the company section untouched by the others.
    const read = await readSettings(admin.key, tenant.position);
    expect(read).toEqual(tenant.settings);
    expect(read.company.name).toBe('Fibre Networks GmbH');
  });

  it('with an idempotency key: the same request answers the same payload once, another request with the key is refused', async () => {
    const input = { footer: 'Thank you', idempotencyKey: 'settings-footer-1' };
    const first = await sectionMutationOk('updateInvoiceSettings', input, admin.key);
    const before = (await ledger.tenantEvents(admin.tenantId)).length;
    expect(await sectionMutationOk('updateInvoiceSettings', input, admin.key)).toEqual(first);
    expect((await ledger.tenantEvents(admin.tenantId)).length).toBe(before);
    await expectRejected(admin.tenantId, 'IDEMPOTENCY_KEY_REUSED', () => sectionMutation('updateInvoiceSettings', { ...input, footer: 'Other' }, admin.key));
  });
});

describe('a settings rule broken through the API is VALIDATION_FAILED with its constraint code, and appends nothing', () => {
  let admin: Awaited<ReturnType<typeof tenantWithAdmin>>;

  beforeAll(async () => {
    admin = await tenantWithAdmin('settings-invalid');
  });

  const webhook = { id: 'billing-hook', url: 'https://hooks.example.com/ledger', events: ['INVOICE_PAID'], authType: 'SIGNATURE' };
  const cases: [string, SectionMutation, Record<string, unknown>, string, string][] = [
    ['a brand colour that is not #RRGGBB', 'updateCompanySettings', { brandColor: 'red' }, 'company.brandColor', 'invalid_color'],
    ['a default currency not among the supported ones', 'updatePaymentSettings', { defaultCurrency: 'EUR' }, 'payment.defaultCurrency', 'default_currency_not_supported'],
    ['max retry attempts 11', 'updatePaymentSettings', { maxRetryAttempts: 11 }, 'payment.maxRetryAttempts', 'out_of_range'],
    ['a retry interval of 0 hours', 'updatePaymentSettings', { retryIntervalHours: 0 }, 'payment.retryIntervalHours', 'out_of_range'],
    ['an unknown time zone', 'updateTenantProfile', { timeZone: 'Mars/Olympus_Mons' }, 'tenant.timeZone', 'invalid_time_zone'],
    ['a webhook that signs without a secret', 'updateNotificationSettings', { webhooks: [webhook] }, 'notifications.webhooks[0].secret', 'secret_required'],
    ['a locale not in canonical BCP-47 form', 'updateTenantProfile', { locale: 'en_US' }, 'tenant.locale', 'invalid_locale'],
    ['an unknown supported currency', 'updatePaymentSettings', { supportedCurrencies: ['USD', 'XYZ'] }, 'payment.supportedCurrencies[1]', 'unknown_currency'],
    ['a late fee above 100 percent', 'updatePaymentSettings', { lateFeePercentage: '150' }, 'payment.lateFeePercentage', 'invalid_percentage'],
    ['a number format without the sequence', 'updateInvoiceSettings', { numberFormat: '{prefix}-{year}' }, 'invoice.numberFormat', 'template_missing_sequence'],
    ['a company email that is not one', 'updateCompanySettings', { email: 'billing-at-example' }, 'company.email', 'invalid_email'],
    ['a blank company name (null unsets, "" is refused)', 'updateCompanySettings', { name: '  ' }, 'company.name', 'blank'],
    ['a repeated reminder day', 'updateInvoiceSettings', { reminderScheduleDays: [3, 3] }, 'invoice.reminderScheduleDays[1]', 'duplicate'],
  ];

  it.each(cases)('%s', async (_case, mutation, input, path, code) => {
    const response = await expectRejected(admin.tenantId, 'VALIDATION_FAILED', () => sectionMutation(mutation, input, admin.key));
    expect(response.data?.[mutation] ?? null).toBeNull();
    const violations = violationsOf(response);
    expect(violations).toContainEqual({ path, code, message: expect.stringContaining(path) });
    // The message lists every violation, so a client that shows only the message still shows all of them.
    for (const violation of violations) expect(response.errors?.[0]?.message).toContain(violation.message);
  });

  it('lists every violation of one request, each with its own path and code', async () => {
    const response = await expectRejected(admin.tenantId, 'VALIDATION_FAILED', () => sectionMutation('updatePaymentSettings', { maxRetryAttempts: 11, retryIntervalHours: 0, defaultCurrency: 'JPY' }, admin.key));
    expect(violationsOf(response).map(({ path, code }) => ({ path, code }))).toEqual(
      expect.arrayContaining([
        { path: 'payment.maxRetryAttempts', code: 'out_of_range' },
        { path: 'payment.retryIntervalHours', code: 'out_of_range' },
        { path: 'payment.defaultCurrency', code: 'default_currency_not_supported' },
      ]),
    );
  });

  it('a value of the wrong GraphQL type, or tax rates sent with the tax options, is refused before the domain', async () => {
    await expectRejected(admin.tenantId, 'VALIDATION_FAILED', () => sectionMutation('updatePaymentSettings', { maxRetryAttempts: '3' }, admin.key));
    await expectRejected(admin.tenantId, 'VALIDATION_FAILED', () => sectionMutation('updateTaxSettings', { rates: [] }, admin.key));
    await expectRejected(admin.tenantId, 'VALIDATION_FAILED', () => sectionMutation('updateInvoiceSettings', { colorScheme: 'NEON' }, admin.key));
  });

  it('nothing of the rejected requests reached the settings', async () => {
    const settings = await readSettings(admin.key);
    expect(settings.updatedAt).toBeNull();
    expect((await ledger.tenantEvents(admin.tenantId)).length).toBe(0);
  });
});

describe('validateBillingSettings', () => {
  let admin: Awaited<ReturnType<typeof tenantWithAdmin>>;
  const VALIDATE = `query ($section: BillingSettingsSection!, $payment: PaymentSettingsInput, $invoice: InvoiceSettingsInput, $company: CompanySettingsInput, $minPosition: String) {
    validateBillingSettings(section: $section, payment: $payment, invoice: $invoice, company: $company, minPosition: $minPosition) { valid errors { path code message } warnings { path message } }
  }`;
  type Validation = { valid: boolean; errors: Violation[]; warnings: { path: string; message: string }[] };

  beforeAll(async () => {
    admin = await tenantWithAdmin('settings-validate');
  });

  async function validate(variables: Record<string, unknown>): Promise<Validation> {
    return requireData(await ledger.graphql<{ validateBillingSettings: Validation }>(VALIDATE, variables, admin.key), 'validateBillingSettings').validateBillingSettings;
  }

  it('reports the errors a save would give, and writes nothing', async () => {
    const result = await validate({ section: 'PAYMENT', payment: { maxRetryAttempts: 11, supportedCurrencies: ['EUR'] } });
    expect(result.valid).toBe(false);
    expect(result.errors.map(({ path, code }) => ({ path, code }))).toEqual(
      expect.arrayContaining([
        { path: 'payment.maxRetryAttempts', code: 'out_of_range' },
        { path: 'payment.defaultCurrency', code: 'default_currency_not_supported' },
      ]),
    );
    expect((await ledger.tenantEvents(admin.tenantId)).length).toBe(0);
  });

  it('returns warnings for values that are valid but will not do what one expects', async () => {
    const result = await validate({ section: 'INVOICE', invoice: { sendPaymentReminders: true, reminderScheduleDays: [], paymentInstructions: { enabled: true, text: null } } });
    expect(result.valid).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((warning) => warning.path)).toEqual(expect.arrayContaining(['invoice.reminderScheduleDays', 'invoice.paymentInstructions.text']));
    expect(result.warnings.find((warning) => warning.path === 'invoice.reminderScheduleDays')?.message).toMatch(/no reminder will be sent/);
  });

  it('validates against the saved settings: after saving EUR as a supported currency, EUR as default is valid', async () => {
    const saved = await sectionMutationOk('updatePaymentSettings', { supportedCurrencies: ['USD', 'EUR'] }, admin.key);
    const result = await validate({ section: 'PAYMENT', payment: { defaultCurrency: 'EUR' }, minPosition: saved.position });
    expect(result).toMatchObject({ valid: true, errors: [] });
  });

  it('takes exactly the section it names', async () => {
    const response = await ledger.graphql(VALIDATE, { section: 'PAYMENT', company: { brandColor: '#000000' } }, admin.key);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
    expect(response.errors?.[0]?.message).toMatch(/pass the argument payment and no other section/);
  });
});

describe('billingSettingsHistory', () => {
  let admin: Awaited<ReturnType<typeof tenantWithAdmin>>;
  let colour: SettingsPayload;
  let terms: SettingsPayload;

  beforeAll(async () => {
    admin = await tenantWithAdmin('settings-history');
    colour = await sectionMutationOk('updateCompanySettings', { brandColor: '#112233' }, admin.key);
    terms = await sectionMutationOk('updatePaymentSettings', { defaultPaymentTerms: 'Net 14' }, admin.key);
  });

  it('shows each change, newest first, with its actor (the API key id), its time and its values before and after', async () => {
    const history = await readHistory(admin.key, { minPosition: terms.position });
    expect(history.edges.map((edge) => edge.node.type)).toEqual(['BillingSettingsSectionUpdated', 'BillingSettingsSectionUpdated']);
    const [latest, earliest] = history.edges.map((edge) => edge.node) as [Change, Change];
    expect(latest).toMatchObject({ position: terms.position, section: 'PAYMENT', sections: ['PAYMENT'], actor: admin.actor, changedAt: terms.settings.updatedAt });
    expect(latest.values.defaultPaymentTerms).toBe('Net 14');
    expect(latest.previous?.defaultPaymentTerms).toBe('Net 30');
    expect(earliest).toMatchObject({ position: colour.position, section: 'COMPANY', actor: admin.actor, changedAt: colour.settings.updatedAt });
    expect([earliest.previous?.brandColor, earliest.values.brandColor]).toEqual(['#1F2937', '#112233']);
  });

  it('records the actor of each key: a change by another admin key names that key', async () => {
    const other = await tenantWithAdmin('settings-history');
    const change = await sectionMutationOk('updateFeatureSettings', { receipts: false }, other.key);
    const history = await readHistory(admin.key, { minPosition: change.position, first: 1 });
    expect(history.edges[0]?.node).toMatchObject({ section: 'FEATURES', actor: other.actor });
    expect(other.actor).not.toBe(admin.actor);
  });

  it('filters by section and pages with cursors', async () => {
    const extra = await sectionMutationOk('updateCompanySettings', { brandColor: '#445566' }, admin.key);
    const company = await readHistory(admin.key, { section: 'COMPANY', minPosition: extra.position });
    expect(company.edges.map((edge) => edge.node.values.brandColor)).toEqual(['#445566', '#112233']);

    const firstPage = await readHistory(admin.key, { section: 'COMPANY', first: 1 });
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const secondPage = await readHistory(admin.key, { section: 'COMPANY', first: 1, after: firstPage.pageInfo.endCursor });
    expect(secondPage.edges.map((edge) => edge.node.values.brandColor)).toEqual(['#112233']);
    expect(secondPage.pageInfo.hasNextPage).toBe(false);
  });

  it('an auditor reads the history', async () => {
    const auditor = await ledger.createKey(admin.tenantId, 'auditor');
    expect((await readHistory(auditor, { first: 100 })).edges.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a page size out of bounds and a cursor that is not one', async () => {
    expect(firstErrorCode(await ledger.graphql(HISTORY_QUERY, { first: 0 }, admin.key))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(HISTORY_QUERY, { first: 101 }, admin.key))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(HISTORY_QUERY, { after: 'not-a-cursor' }, admin.key))).toBe('VALIDATION_FAILED');
  });
});

describe('resetBillingSettings', () => {
  let admin: Awaited<ReturnType<typeof tenantWithAdmin>>;

  beforeAll(async () => {
    admin = await tenantWithAdmin('settings-reset');
    await sectionMutationOk('updateCompanySettings', { name: 'Kept until the full reset', brandColor: '#ABCDEF' }, admin.key);
    await sectionMutationOk('updatePaymentSettings', { supportedCurrencies: ['EUR'], defaultCurrency: 'EUR', maxRetryAttempts: 7 }, admin.key);
    await taxRateMutationOk('createTaxRate', { id: 'de-vat', name: 'VAT', type: 'VAT', rate: '19', jurisdiction: 'DE' }, admin.key);
    await sectionMutationOk('updateTaxSettings', { rounding: 'PER_INVOICE' }, admin.key);
  });

  it('puts one section back to its defaults and leaves the others', async () => {
    const reset = await sectionMutationOk('resetBillingSettings', { section: 'PAYMENT' }, admin.key);
    expect(reset.settings.payment).toMatchObject({ supportedCurrencies: ['USD'], defaultCurrency: 'USD', maxRetryAttempts: 3 });
    expect(reset.settings.company).toMatchObject({ name: 'Kept until the full reset', brandColor: '#ABCDEF' });
    const history = await readHistory(admin.key, { minPosition: reset.position, first: 1 });
    expect(history.edges[0]?.node).toMatchObject({ type: 'BillingSettingsReset', section: 'PAYMENT', sections: ['PAYMENT'], actor: admin.actor });
    expect(history.edges[0]?.node.previous?.payment?.defaultCurrency).toBe('EUR');
    expect(history.edges[0]?.node.values.payment?.defaultCurrency).toBe('USD');
  });

  it('without a section resets everything that differs, keeping the tax rates; a second reset appends nothing', async () => {
    const reset = await sectionMutationOk('resetBillingSettings', {}, admin.key);
    expect(reset.settings.company).toMatchObject({ name: null, brandColor: '#1F2937' });
    expect(reset.settings.tax).toMatchObject({ rounding: 'PER_LINE', rates: [expect.objectContaining({ id: 'de-vat', active: true })] });
    const history = await readHistory(admin.key, { minPosition: reset.position, first: 1 });
    expect(history.edges[0]?.node).toMatchObject({ type: 'BillingSettingsReset', section: null });
    expect(history.edges[0]?.node.sections.sort()).toEqual(['COMPANY', 'TAX']);

    const before = (await ledger.tenantEvents(admin.tenantId)).length;
    const again = await sectionMutationOk('resetBillingSettings', {}, admin.key);
    expect(again.position).toBe(reset.position);
    expect((await ledger.tenantEvents(admin.tenantId)).length).toBe(before);
    expect(await readSettings(admin.key, reset.position)).toEqual(reset.settings);
  });
});

describe('tax rates', () => {
  let admin: Awaited<ReturnType<typeof tenantWithAdmin>>;

  beforeAll(async () => {
    admin = await tenantWithAdmin('settings-tax-rates');
  });

  async function readRates(variables: Record<string, unknown>): Promise<TaxRateView[]> {
    return requireData(await ledger.graphql<{ taxRates: TaxRateView[] }>(TAX_RATES_QUERY, variables, admin.key), 'taxRates').taxRates;
  }

  it('are created, changed and deactivated by their own mutations, and listed by taxRates', async () => {
    const gst = await taxRateMutationOk('createTaxRate', { id: 'ca-gst', name: 'GST', type: 'GST', rate: '5', jurisdiction: 'CA' }, admin.key);
    expect(gst.taxRate).toEqual({ id: 'ca-gst', name: 'GST', type: 'GST', rate: '5', jurisdiction: 'CA', inclusive: false, compound: false, active: true });
    const qst = await taxRateMutationOk('createTaxRate', { name: 'QST', type: 'PST', rate: '9.975', jurisdiction: 'CA-QC', compound: true }, admin.key);
    expect(qst.taxRate).toMatchObject({ id: expect.any(String), rate: '9.975', compound: true });

    const changed = await taxRateMutationOk('updateTaxRate', { taxRateId: 'ca-gst', rate: '6', name: 'GST (new)' }, admin.key);
    expect(changed.taxRate).toMatchObject({ id: 'ca-gst', rate: '6', name: 'GST (new)', type: 'GST', jurisdiction: 'CA' });

    const retired = await taxRateMutationOk('deactivateTaxRate', { taxRateId: 'ca-gst' }, admin.key);
    expect(retired.taxRate.active).toBe(false);

    expect((await readRates({ minPosition: retired.position })).map((rate) => [rate.id, rate.active])).toEqual([
      ['ca-gst', false],
      [qst.taxRate.id, true],
    ]);
    expect((await readRates({ activeOnly: true })).map((rate) => rate.id)).toEqual([qst.taxRate.id]);

    const history = await readHistory(admin.key, { section: 'TAX', minPosition: retired.position });
    expect(history.edges.map((edge) => edge.node.type)).toEqual(['TaxRateDeactivated', 'TaxRateUpdated', 'TaxRateCreated', 'TaxRateCreated']);
  });

  it('refuse what the domain refuses, each with its code, appending nothing', async () => {
    let response = await expectRejected(admin.tenantId, 'VALIDATION_FAILED', () => taxRateMutation('createTaxRate', { name: 'Too much', type: 'VAT', rate: '101', jurisdiction: 'DE' }, admin.key));
    expect(violationsOf(response)).toContainEqual(expect.objectContaining({ path: 'taxRate.rate', code: 'invalid_percentage' }));
    response = await expectRejected(admin.tenantId, 'VALIDATION_FAILED', () => taxRateMutation('createTaxRate', { name: 'Nowhere', type: 'VAT', rate: '10', jurisdiction: 'Germany' }, admin.key));
    expect(violationsOf(response)).toContainEqual(expect.objectContaining({ path: 'taxRate.jurisdiction', code: 'invalid_jurisdiction' }));
    await expectRejected(admin.tenantId, 'ALREADY_EXISTS', () => taxRateMutation('createTaxRate', { id: 'ca-gst', name: 'Again', type: 'GST', rate: '5', jurisdiction: 'CA' }, admin.key));
    await expectRejected(admin.tenantId, 'TAX_RATE_INACTIVE', () => taxRateMutation('updateTaxRate', { taxRateId: 'ca-gst', rate: '7' }, admin.key));
    await expectRejected(admin.tenantId, 'NOT_FOUND', () => taxRateMutation('deactivateTaxRate', { taxRateId: 'no-such-rate' }, admin.key));
  });
});

describe('who may change the settings', () => {
  let admin: Awaited<ReturnType<typeof tenantWithAdmin>>;
  let named: SettingsPayload;

  beforeAll(async () => {
    admin = await tenantWithAdmin('settings-access');
    named = await sectionMutationOk('updateCompanySettings', { name: 'Access Networks' }, admin.key);
  });

  it('an auditor key reads the settings but cannot change them (FORBIDDEN, nothing appended)', async () => {
    const auditor = await ledger.createKey(admin.tenantId, 'auditor');
    expect((await readSettings(auditor, named.position)).company.name).toBe('Access Networks');
    const attempts: [SectionMutation, Record<string, unknown>][] = [
      ['updateCompanySettings', { name: 'Hijacked' }],
      ['updatePaymentSettings', { maxRetryAttempts: 5 }],
      ['updateNotificationSettings', { email: { invoices: false } }],
      ['updateTenantProfile', { timeZone: 'Europe/Paris' }],
      ['resetBillingSettings', {}],
    ];
    for (const [mutation, input] of attempts) await expectRejected(admin.tenantId, 'FORBIDDEN', () => sectionMutation(mutation, input, auditor));
    await expectRejected(admin.tenantId, 'FORBIDDEN', () => taxRateMutation('createTaxRate', { name: 'VAT', type: 'VAT', rate: '19', jurisdiction: 'DE' }, auditor));
  });

  it('a service key cannot change them either, and no key at all is UNAUTHENTICATED', async () => {
    const service = await ledger.createKey(admin.tenantId, 'service');
    await expectRejected(admin.tenantId, 'FORBIDDEN', () => sectionMutation('updateCompanySettings', { name: 'Service' }, service));
    const anonymous = await ledger.graphql(SETTINGS_QUERY, {}, 'not-a-key');
    expect(firstErrorCode(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('a finance key may change them', async () => {
    const finance = await ledger.createKey(admin.tenantId, 'finance');
    const changed = await sectionMutationOk('updatePaymentSettings', { defaultPaymentTerms: 'Net 45' }, finance);
    expect(changed.settings.payment.defaultPaymentTerms).toBe('Net 45');
  });

  it('another tenant never sees these settings, their history or their tax rates, and its changes stay its own', async () => {
    const rate = await taxRateMutationOk('createTaxRate', { id: 'access-vat', name: 'VAT', type: 'VAT', rate: '20', jurisdiction: 'FR' }, admin.key);
    const other = await tenantWithAdmin('settings-access-other');
    const seen = await readSettings(other.key, rate.position);
    expect(seen.company.name).toBeNull();
    expect(seen.tax.rates).toEqual([]);
    expect((await readHistory(other.key, { minPosition: rate.position })).edges).toEqual([]);
    expect(requireData(await ledger.graphql<{ taxRates: TaxRateView[] }>(TAX_RATES_QUERY, {}, other.key), 'taxRates').taxRates).toEqual([]);
    // Its own change does not touch the first tenant, and names the tax rate of the first tenant as unknown.
    await expectRejected(other.tenantId, 'NOT_FOUND', () => taxRateMutation('deactivateTaxRate', { taxRateId: 'access-vat' }, other.key));
    const own = await sectionMutationOk('updateCompanySettings', { name: 'Other Networks' }, other.key);
    expect((await readSettings(admin.key, own.position)).company.name).toBe('Access Networks');
    expect((await readHistory(admin.key, {})).edges.every((edge) => edge.node.actor !== other.actor)).toBe(true);
  });
});

describe('the settings read models', () => {
  it('rebuilt from position zero hold exactly the rows kept live', async () => {
    const { store, db } = ledger.services;
    // Settled: a short head (another suite's open transaction hides the newest commits) would let the rebuild below see
    // events the live projection was not yet waited for.
    const head = await settledHead(store, 'rebuild-head-marker');
    const projections = [billingSettingsProjection, billingSettingsHistoryProjection];
    expect(await waitForProjections(db, projections.map((projection) => projection.name), head, 10_000)).toBe(true);
    for (const projection of projections) {
      const schema = `fresh_${projection.name}`;
      await rebuildProjection(store, db, projection, { buildSchema: schema });
      const live = await readModelSnapshot(db, 'read_models', [projection]);
      expect(Object.values(live).every((rows) => rows.length > 0)).toBe(true);
      expect(await readModelSnapshot(db, schema, [projection])).toEqual(live);
    }
  });
});
