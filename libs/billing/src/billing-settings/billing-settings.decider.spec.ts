import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import type { TaxRate } from '../tax/tax-rate.js';
import {
  defaultBillingSettings,
  type BillingSettings,
  type BillingSettingsSectionInput,
  type CompanySettings,
  type PaymentSettings,
  type WebhookEndpointInput,
} from './billing-settings.js';
import type {
  BillingSettingsCommand,
  CreateTaxRate,
  DeactivateTaxRate,
  ResetBillingSettings,
  UpdateBillingSettingsSection,
  UpdateTaxRate,
} from './billing-settings.commands.js';
import { billingSettingsDecider } from './billing-settings.decider.js';
import {
  billingSettingsEventSchemas,
  type BillingSettingsEvent,
  type BillingSettingsReset,
  type BillingSettingsSectionUpdated,
  type TaxRateCreated,
  type TaxRateDeactivated,
  type TaxRateUpdated,
} from './billing-settings.events.js';

const spec = DeciderSpecification.for(billingSettingsDecider);
const now = '2024-03-01T10:00:00Z';
const later = '2024-03-02T10:00:00Z';
const unchecked = <T>(value: unknown): T => value as T;

const company: CompanySettings = {
  ...defaultBillingSettings.company,
  name: 'Fibre Networks GmbH',
  legalName: 'Fibre Networks Gesellschaft mit beschränkter Haftung',
  taxId: 'DE123456789',
  address: { line1: 'Hauptstraße 1', line2: null, city: 'Berlin', state: null, postalCode: '10115', country: 'DE' },
  email: 'billing@fibre.example',
  website: 'https://fibre.example',
  brandColor: '#0055AA',
};
const payment: PaymentSettings = {
  ...defaultBillingSettings.payment,
  defaultCurrency: 'EUR',
  supportedCurrencies: ['EUR', 'USD'],
  enabledMethods: ['card', 'bank_account'],
  maxRetryAttempts: 5,
};
const gst: TaxRate = { id: 'gst', name: 'GST', type: 'gst', rate: '5', jurisdiction: 'CA', inclusive: false, compound: false, active: true };

function update(data: UpdateBillingSettingsSection['data'], at = now): UpdateBillingSettingsSection {
  return { type: 'UpdateBillingSettingsSection', data, metadata: { now: at } };
}
function reset(section?: ResetBillingSettings['data']['section'], at = later): ResetBillingSettings {
  return { type: 'ResetBillingSettings', data: section === undefined ? {} : { section }, metadata: { now: at } };
}
function createRate(data: Partial<CreateTaxRate['data']> = {}): CreateTaxRate {
  return { type: 'CreateTaxRate', data: { taxRateId: 'gst', name: 'GST', type: 'gst', rate: '5', jurisdiction: 'CA', ...data }, metadata: { now } };
}
function updateRate(data: Partial<UpdateTaxRate['data']> = {}): UpdateTaxRate {
  return { type: 'UpdateTaxRate', data: { taxRateId: 'gst', ...data }, metadata: { now: later } };
}
function deactivateRate(taxRateId = 'gst'): DeactivateTaxRate {
  return { type: 'DeactivateTaxRate', data: { taxRateId }, metadata: { now: later } };
}

function companyUpdated(values: CompanySettings = company, previous: CompanySettings = defaultBillingSettings.company, at = now): BillingSettingsSectionUpdated {
  return { type: 'BillingSettingsSectionUpdated', data: { section: 'company', values, previous, updatedAt: at } };
}
function paymentUpdated(): BillingSettingsSectionUpdated {
  return { type: 'BillingSettingsSectionUpdated', data: { section: 'payment', values: payment, previous: defaultBillingSettings.payment, updatedAt: now } };
}
function rateCreated(taxRate: TaxRate = gst): TaxRateCreated {
  return { type: 'TaxRateCreated', data: { taxRate, createdAt: now } };
}
function rateDeactivated(taxRateId = 'gst'): TaxRateDeactivated {
  return { type: 'TaxRateDeactivated', data: { taxRateId, deactivatedAt: later } };
}

function thrownBy(command: BillingSettingsCommand, events: BillingSettingsEvent[] = []): DomainError {
  try {
    billingSettingsDecider.decide(command, fold(billingSettingsDecider, events));
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

function settingsAfter(events: BillingSettingsEvent[]): BillingSettings {
  return fold(billingSettingsDecider, events).settings;
}

describe('untouched defaults (no events)', () => {
  it('holds the defaults without any event', () => {
    expect(fold(billingSettingsDecider, [])).toEqual({ settings: defaultBillingSettings, lastChangedAt: null });
  });

  it('UpdateBillingSettingsSection replaces the section and records the previous values', () => {
    spec.given([]).when(update({ section: 'company', values: company })).then([companyUpdated()]);
    spec.given([]).when(update({ section: 'payment', values: payment })).then([paymentUpdated()]);
  });

  it('UpdateBillingSettingsSection sets the tenant profile', () => {
    const tenant = { name: 'Kiribati Telecom', timeZone: 'Pacific/Kiritimati', country: 'KI', locale: 'en-KI' };
    spec
      .given([])
      .when(update({ section: 'tenant', values: tenant }))
      .then([{ type: 'BillingSettingsSectionUpdated', data: { section: 'tenant', values: tenant, previous: defaultBillingSettings.tenant, updatedAt: now } }]);
  });

  it('UpdateBillingSettingsSection of the tax options keeps the current rates in the stored section', () => {
    const { rates: _rates, ...options } = defaultBillingSettings.tax;
    const values: BillingSettingsSectionInput<'tax'> = { ...options, pricesIncludeTax: true, rounding: 'per_invoice' };
    spec
      .given([])
      .when(update({ section: 'tax', values }))
      .then([
        {
          type: 'BillingSettingsSectionUpdated',
          data: { section: 'tax', values: { ...values, rates: [] }, previous: defaultBillingSettings.tax, updatedAt: now },
        },
      ]);
  });

  it('UpdateBillingSettingsSection with the values already held changes nothing', () => {
    spec.given([]).when(update({ section: 'payment', values: defaultBillingSettings.payment })).thenNothing();
  });

  it('UpdateBillingSettingsSection with invalid values fails VALIDATION_FAILED listing every violation', () => {
    const values = { ...payment, defaultCurrency: 'GBP', maxRetryAttempts: 11, enabledMethods: [] };
    spec.given([]).when(update({ section: 'payment', values: unchecked(values) })).thenThrows('VALIDATION_FAILED', /^Invalid billing settings \(payment\): payment\.enabledMethods must enable/);
    expect(thrownBy(update({ section: 'payment', values: unchecked(values) })).details).toEqual({
      errors: [
        { path: 'payment.enabledMethods', code: 'empty', message: expect.any(String) },
        { path: 'payment.defaultCurrency', code: 'default_currency_not_supported', message: expect.any(String) },
        { path: 'payment.maxRetryAttempts', code: 'out_of_range', message: expect.any(String) },
      ],
    });
  });

  it.each<[string, UpdateBillingSettingsSection['data'], RegExp]>([
    ['an unknown section', unchecked({ section: 'branding', values: {} }), /section must be one of company, invoice, payment, tax, notifications, features, subscriptions, tenant/],
    ['values that are not an object', unchecked({ section: 'features', values: 'all' }), /features must be an object/],
    ['a missing field', unchecked({ section: 'features', values: { ...defaultBillingSettings.features, reporting: undefined } }), /features\.reporting is required/],
    ['tax rates in the tax section', unchecked({ section: 'tax', values: { ...defaultBillingSettings.tax, rates: [gst] } }), /use CreateTaxRate/],
    ['a template without {sequence}', unchecked({ section: 'invoice', values: { ...defaultBillingSettings.invoice, numberFormat: '{prefix}-{year}' } }), /must contain \{sequence\}/],
    ['an invalid time zone', unchecked({ section: 'tenant', values: { ...defaultBillingSettings.tenant, timeZone: 'Europe/Atlantis' } }), /tenant\.timeZone must be an IANA time zone/],
  ])('UpdateBillingSettingsSection with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(update(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('never puts a webhook secret into the error', () => {
    const webhook: WebhookEndpointInput = { id: 'wh-1', url: 'https://hooks.example.com/', events: ['invoice.paid'], authType: 'bearer_token', secret: 'tok-abc', secretRef: 'sec_a', enabled: true };
    const error = thrownBy(update({ section: 'notifications', values: { ...defaultBillingSettings.notifications, webhooks: [webhook] } }));
    expect(error.details).toEqual({ errors: [{ path: 'notifications.webhooks[0].secret', code: 'secret_too_short', message: expect.any(String) }] });
    expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain('tok-abc');
  });

  it('rejects a command whose metadata.now is not an instant', () => {
    spec.given([]).when({ ...update({ section: 'company', values: company }), metadata: { now: 'today' } }).thenThrows('VALIDATION_FAILED', /metadata\.now/);
  });

  it('ResetBillingSettings of defaults changes nothing', () => {
    spec.given([]).when(reset()).thenNothing();
    spec.given([]).when(reset('payment')).thenNothing();
  });

  it('CreateTaxRate adds an active rate, exclusive and simple unless told otherwise', () => {
    spec.given([]).when(createRate()).then([rateCreated()]);
    spec
      .given([])
      .when(createRate({ taxRateId: 'qst', name: 'QST', type: 'pst', rate: '9.975', jurisdiction: 'CA-QC', compound: true }))
      .then([rateCreated({ id: 'qst', name: 'QST', type: 'pst', rate: '9.975', jurisdiction: 'CA-QC', inclusive: false, compound: true, active: true })]);
  });

  it('CreateTaxRate with invalid values fails VALIDATION_FAILED listing every violation', () => {
    const command = createRate({ rate: '120', jurisdiction: 'Quebec' });
    spec.given([]).when(command).thenThrows('VALIDATION_FAILED', /^Invalid tax rate "gst": taxRate\.rate must be a percentage/);
    expect(thrownBy(command).details).toEqual({
      errors: [
        { path: 'taxRate.rate', code: 'invalid_percentage', message: expect.any(String) },
        { path: 'taxRate.jurisdiction', code: 'invalid_jurisdiction', message: expect.any(String) },
      ],
    });
  });

  it('CreateTaxRate without an id fails VALIDATION_FAILED', () => {
    spec.given([]).when(createRate({ taxRateId: '' })).thenThrows('VALIDATION_FAILED', /taxRateId is required/);
  });

  it('UpdateTaxRate and DeactivateTaxRate of an unknown rate fail NOT_FOUND', () => {
    spec.given([]).when(updateRate({ rate: '6' })).thenThrows('NOT_FOUND', /Tax rate "gst" does not exist/);
    spec.given([]).when(deactivateRate()).thenThrows('NOT_FOUND', /Tax rate "gst" does not exist/);
  });
});

describe('sections changed', () => {
  const history: BillingSettingsEvent[] = [companyUpdated(), paymentUpdated()];

  it('holds the new values and when they last changed', () => {
    const state = fold(billingSettingsDecider, history);
    expect(state.settings).toEqual({ ...defaultBillingSettings, company, payment });
    expect(state.lastChangedAt).toBe(now);
  });

  it('UpdateBillingSettingsSection records the values it replaces', () => {
    const renamed = { ...company, name: 'Fibre Networks AG' };
    spec.given(history).when(update({ section: 'company', values: renamed }, later)).then([companyUpdated(renamed, company, later)]);
  });

  it('ResetBillingSettings of one section restores its defaults and records what it held', () => {
    const expected: BillingSettingsReset = { type: 'BillingSettingsReset', data: { sections: ['company'], previous: { company }, resetAt: later } };
    spec.given(history).when(reset('company')).then([expected]);
    expect(settingsAfter([...history, expected])).toEqual({ ...defaultBillingSettings, payment });
  });

  it('ResetBillingSettings of everything lists only the sections that differed', () => {
    const expected: BillingSettingsReset = {
      type: 'BillingSettingsReset',
      data: { sections: ['company', 'payment'], previous: { company, payment }, resetAt: later },
    };
    spec.given(history).when(reset()).then([expected]);
    expect(settingsAfter([...history, expected])).toEqual(defaultBillingSettings);
  });

  it('ResetBillingSettings of a section still at its defaults changes nothing', () => {
    spec.given(history).when(reset('features')).thenNothing();
  });

  it('ResetBillingSettings of an unknown section fails VALIDATION_FAILED', () => {
    spec.given(history).when(reset(unchecked('colours'))).thenThrows('VALIDATION_FAILED', /section must be one of/);
  });
});

describe('tax rates exist', () => {
  const qst: TaxRate = { id: 'qst', name: 'QST', type: 'pst', rate: '9.975', jurisdiction: 'CA-QC', inclusive: false, compound: true, active: true };
  const history: BillingSettingsEvent[] = [rateCreated(), rateCreated(qst)];

  it('holds the rates in declared order', () => {
    expect(settingsAfter(history).tax.rates).toEqual([gst, qst]);
  });

  it('CreateTaxRate beyond 200 rates (deactivated ones included) fails VALIDATION_FAILED', () => {
    const full = Array.from({ length: 200 }, (_, index) => rateCreated({ ...gst, id: `rate-${index}` }));
    spec.given(full).when(createRate({ taxRateId: 'one-more' })).thenThrows('VALIDATION_FAILED', /tax\.rates must hold at most 200 entries/);
  });

  it('CreateTaxRate with an id in use fails ALREADY_EXISTS', () => {
    spec.given(history).when(createRate({ rate: '6' })).thenThrows('ALREADY_EXISTS', /Tax rate "gst" already exists/);
  });

  it('UpdateTaxRate changes the given fields and records the whole rate before and after', () => {
    const expected: TaxRateUpdated = { type: 'TaxRateUpdated', data: { taxRate: { ...gst, rate: '6', name: 'GST 6%' }, previous: gst, updatedAt: later } };
    spec.given(history).when(updateRate({ rate: '6', name: 'GST 6%' })).then([expected]);
    expect(settingsAfter([...history, expected]).tax.rates).toEqual([{ ...gst, rate: '6', name: 'GST 6%' }, qst]);
  });

  it('UpdateTaxRate to the values it has changes nothing', () => {
    spec.given(history).when(updateRate({ rate: '5' })).thenNothing();
  });

  it('UpdateTaxRate with an invalid value fails VALIDATION_FAILED', () => {
    spec.given(history).when(updateRate({ rate: '-1' })).thenThrows('VALIDATION_FAILED', /taxRate\.rate must be a percentage/);
    spec.given(history).when(updateRate({ type: unchecked('excise') })).thenThrows('VALIDATION_FAILED', /taxRate\.type must be one of/);
  });

  it('DeactivateTaxRate retires the rate but keeps it', () => {
    spec.given(history).when(deactivateRate()).then([rateDeactivated()]);
    expect(settingsAfter([...history, rateDeactivated()]).tax.rates).toEqual([{ ...gst, active: false }, qst]);
  });

  it('an update of the tax options keeps the rates', () => {
    const { rates: _rates, ...options } = defaultBillingSettings.tax;
    const [event] = billingSettingsDecider.decide(update({ section: 'tax', values: { ...options, pricesIncludeTax: true } }), fold(billingSettingsDecider, history));
    expect(event?.type === 'BillingSettingsSectionUpdated' && event.data.section === 'tax' && event.data.values.rates).toEqual([gst, qst]);
  });

  it('a reset of the tax section restores the options and keeps the rates', () => {
    const { rates: _rates, ...options } = defaultBillingSettings.tax;
    const changed = [...history, ...billingSettingsDecider.decide(update({ section: 'tax', values: { ...options, rounding: 'per_invoice' } }), fold(billingSettingsDecider, history))];
    const events = billingSettingsDecider.decide(reset('tax'), fold(billingSettingsDecider, changed));
    expect(events).toHaveLength(1);
    expect(settingsAfter([...changed, ...events]).tax).toEqual({ ...defaultBillingSettings.tax, rates: [gst, qst] });
    // Rates alone do not make the tax section differ from its defaults.
    spec.given(history).when(reset('tax')).thenNothing();
  });

  it('emits events that match their schemas (settings updates and resets at version 2, tax rate events at version 1)', () => {
    const state = fold(billingSettingsDecider, history);
    const commands: BillingSettingsCommand[] = [
      update({ section: 'company', values: company }),
      updateRate({ rate: '6' }),
      deactivateRate('qst'),
      createRate({ taxRateId: 'hst-on', name: 'HST', type: 'hst', rate: '13', jurisdiction: 'CA-ON' }),
    ];
    for (const command of commands) {
      for (const event of billingSettingsDecider.decide(command, state)) {
        const schema = billingSettingsEventSchemas[event.type];
        expect(schema.schemaVersion).toBe(event.type === 'BillingSettingsSectionUpdated' ? 2 : 1);
        expect(schema.data.parse(event.data)).toEqual(event.data);
      }
    }
    const resetEvent = billingSettingsDecider.decide(reset(), fold(billingSettingsDecider, [companyUpdated()]))[0];
    expect(billingSettingsEventSchemas.BillingSettingsReset.data.parse(resetEvent?.data)).toEqual(resetEvent?.data);
  });
});

describe('a tax rate deactivated', () => {
  const history: BillingSettingsEvent[] = [rateCreated(), rateDeactivated()];

  it('DeactivateTaxRate again changes nothing', () => {
    spec.given(history).when(deactivateRate()).thenNothing();
  });

  it('UpdateTaxRate fails TAX_RATE_INACTIVE', () => {
    spec.given(history).when(updateRate({ rate: '6' })).thenThrows('TAX_RATE_INACTIVE', /is deactivated: it can no longer change/);
  });

  it('CreateTaxRate with its id fails ALREADY_EXISTS: ids are never reused', () => {
    spec.given(history).when(createRate()).thenThrows('ALREADY_EXISTS');
  });
});
