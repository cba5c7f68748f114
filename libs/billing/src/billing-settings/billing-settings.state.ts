import { assertNever } from '../common/assert-never.js';
import type { TaxRate } from '../tax/tax-rate.js';
import { defaultBillingSettings, type BillingSettings, type BillingSettingsSection } from './billing-settings.js';
import type { BillingSettingsEvent } from './billing-settings.events.js';

/**
 * A tenant's settings stream. A stream without events holds the defaults: a new tenant has working settings
 * before anyone saves anything, and no "settings created" event is needed.
 */
export interface BillingSettingsState {
  settings: BillingSettings;
  /** When the settings last changed (the event's instant); null while they are the untouched defaults. */
  lastChangedAt: string | null;
}

export const initialBillingSettingsState: BillingSettingsState = { settings: defaultBillingSettings, lastChangedAt: null };

/** The section `section` would hold after a reset: the defaults, except that tax rates are kept. */
export function resetSectionValues<Section extends BillingSettingsSection>(settings: BillingSettings, section: Section): BillingSettings[Section] {
  if (section === 'tax') return { ...defaultBillingSettings.tax, rates: settings.tax.rates } as BillingSettings[Section];
  return defaultBillingSettings[section];
}

/** Applies one event. Events are facts: evolve never validates. */
export function evolveBillingSettings(state: BillingSettingsState, event: BillingSettingsEvent): BillingSettingsState {
  switch (event.type) {
    case 'BillingSettingsSectionUpdated':
      return {
        settings: { ...state.settings, [event.data.section]: event.data.values },
        lastChangedAt: event.data.updatedAt,
      };
    case 'BillingSettingsReset': {
      let settings = state.settings;
      for (const section of event.data.sections) settings = { ...settings, [section]: resetSectionValues(settings, section) };
      return { settings, lastChangedAt: event.data.resetAt };
    }
    case 'TaxRateCreated':
      return withRates(state, [...state.settings.tax.rates, event.data.taxRate], event.data.createdAt);
    case 'TaxRateUpdated':
      return withRates(
        state,
        state.settings.tax.rates.map((rate) => (rate.id === event.data.taxRate.id ? event.data.taxRate : rate)),
        event.data.updatedAt,
      );
    case 'TaxRateDeactivated':
      return withRates(
        state,
        state.settings.tax.rates.map((rate) => (rate.id === event.data.taxRateId ? { ...rate, active: false } : rate)),
        event.data.deactivatedAt,
      );
    case 'WebhookEndpointDisabled': {
      const webhooks = state.settings.notifications.webhooks.map((webhook) => (webhook.id === event.data.endpointId ? { ...webhook, enabled: false } : webhook));
      return { settings: { ...state.settings, notifications: { ...state.settings.notifications, webhooks } }, lastChangedAt: event.data.disabledAt };
    }
    default:
      return assertNever(event, 'billing settings event');
  }
}

function withRates(state: BillingSettingsState, rates: TaxRate[], changedAt: string): BillingSettingsState {
  return { settings: { ...state.settings, tax: { ...state.settings.tax, rates } }, lastChangedAt: changedAt };
}
