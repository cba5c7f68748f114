export * from './billing-settings.js';
export * from './billing-settings.commands.js';
export { billingSettingsDecider, decideBillingSettings } from './billing-settings.decider.js';
export * from './billing-settings.events.js';
export * from './billing-settings.numbering.js';
export * from './billing-settings.state.js';
export * from './billing-settings.upcast.js';
export {
  isSigningSecret,
  keepsWebhookSecret,
  settingsValidationCodes,
  validateBillingSettings,
  validateBillingSettingsSection,
  validateTaxRate,
  type SettingsValidationCode,
  type SettingsValidationError,
  type SettingsValidationResult,
  type SettingsValidationWarning,
} from './billing-settings.validation.js';
