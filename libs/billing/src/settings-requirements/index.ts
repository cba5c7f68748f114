export {
  requireCreditNoteCurrencySupported,
  requireCreditNotesFeature,
  requireCurrencySupported,
  requireMethodEnabled,
  requirePaymentAllowed,
  requirePaymentsFeature,
  requireReportingFeature,
  receiptsEnabled,
} from './settings-requirements.js';
