import { describe, it } from '@jest/globals';
import { DecisionSpecification } from '../../../testing/src/decision-spec.js';
import { defaultBillingSettings, type BillingSettings } from '../billing-settings/index.js';
import { requireCreditNoteCurrencySupported, requireCreditNotesFeature, requirePaymentAllowed } from './settings-requirements.js';

/** The tenant's settings that refuse a command before anything is decided on the streams. */
const settings = (change: { features?: Partial<BillingSettings['features']>; payment?: Partial<BillingSettings['payment']> }): BillingSettings => ({
  ...defaultBillingSettings,
  features: { ...defaultBillingSettings.features, ...change.features },
  payment: { ...defaultBillingSettings.payment, ...change.payment },
});

describe('requirePaymentAllowed', () => {
  const spec = DecisionSpecification.for(
    (given: BillingSettings) => given,
    (given, when: { method: string; currency: string }) => requirePaymentAllowed(given, when.method, when.currency),
  );

  it('allows an enabled method in a supported currency', () => {
    spec.given(defaultBillingSettings).when({ method: 'card', currency: 'USD' }).then(undefined);
  });

  it('refuses while payments are turned off, before anything else (FEATURE_DISABLED)', () => {
    spec.given(settings({ features: { payments: false }, payment: { enabledMethods: [] } })).when({ method: 'card', currency: 'EUR' }).thenThrows('FEATURE_DISABLED', /features\.payments/);
  });

  it('refuses a method the tenant has not enabled (PAYMENT_METHOD_DISABLED), then a currency it does not take (CURRENCY_NOT_SUPPORTED)', () => {
    spec.given(settings({ payment: { enabledMethods: ['cash'] } })).when({ method: 'card', currency: 'EUR' }).thenThrows('PAYMENT_METHOD_DISABLED', /payment\.enabledMethods: cash/);
    spec.given(settings({ payment: { enabledMethods: [] } })).when({ method: 'card', currency: 'USD' }).thenThrows('PAYMENT_METHOD_DISABLED', /payment\.enabledMethods: none/);
    spec.given(defaultBillingSettings).when({ method: 'card', currency: 'EUR' }).thenThrows('CURRENCY_NOT_SUPPORTED', /add it to payment\.supportedCurrencies/);
  });

  it('leaves a currency that is no ISO code to the decider (VALIDATION_FAILED there)', () => {
    spec.given(defaultBillingSettings).when({ method: 'card', currency: 'usd' }).then(undefined);
  });
});

describe('credit note settings', () => {
  const spec = DecisionSpecification.for(
    (given: BillingSettings) => given,
    (given, when: { currency: string }) => {
      requireCreditNotesFeature(given);
      requireCreditNoteCurrencySupported(given, when.currency);
    },
  );

  it('allows a credit note in a supported currency while credit notes are on', () => {
    spec.given(defaultBillingSettings).when({ currency: 'USD' }).then(undefined);
  });

  it('refuses while credit notes are turned off (FEATURE_DISABLED), and in a currency the tenant does not bill in (CURRENCY_NOT_SUPPORTED)', () => {
    spec.given(settings({ features: { creditNotes: false } })).when({ currency: 'USD' }).thenThrows('FEATURE_DISABLED', /features\.creditNotes/);
    spec.given(defaultBillingSettings).when({ currency: 'EUR' }).thenThrows('CURRENCY_NOT_SUPPORTED');
    spec.given(defaultBillingSettings).when({ currency: 'eur' }).then(undefined);
  });
});
