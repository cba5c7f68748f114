export {
  creditableOnInvoice,
  isPayableBy,
  requireAcceptablePayment,
  requireChargeableMethod,
  requirePayable,
  requirePaymentOnInvoice,
  type InvoiceRead,
} from './invoice-payability.js';
