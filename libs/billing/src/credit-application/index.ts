export {
  creditableOnSourceInvoice,
  creditNoteApplicationReadsOf,
  decideCreditNoteApplication,
  decideCreditNoteDraft,
  decideCustomerCreditApplication,
  requireInvoiceOfCustomer,
  type CreditNoteApplicationInput,
  type CreditNoteApplicationRequest,
  type CreditNoteDraftInput,
  type CustomerCreditApplicationInput,
} from './credit-application.decide.js';
