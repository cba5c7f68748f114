export {
  requireCreditNoteCurrencySupported,
  requireCreditNotesFeature,
  requireCurrencySupported,
  requireMethodEnabled,
  requirePaymentAllowed,
  requirePaymentsFeature,
} from './settings-requirements.js';
