export {
  assertBalancedEntry,
  ledgerAccounts,
  type JournalEntry,
  type JournalLine,
  type JournalTaxDetail,
  type LedgerAccount,
} from './general-ledger.journal.js';
export {
  invoiceWriteOffPostings,
  paymentRefundPostings,
  postingsFor,
  type InvoiceWriteOffPostingInput,
  type IssuedInvoiceFigures,
  type LedgerEventEnvelope,
  type LedgerPostingContext,
  type LedgerRefundMethod,
  type LedgerSourceEvent,
  type MatchedLinesFigures,
  type PaymentRefundPostingInput,
} from './general-ledger.postings.js';
export { trialBalance, type TrialBalance, type TrialBalanceRow } from './general-ledger.trial-balance.js';
export {
  agingBucketOf,
  arAging,
  arAgingBuckets,
  arAgingItemsMax,
  agingDaysPastDue,
  arOpenItemOf,
  type ArAgingAmounts,
  type ArAgingBucket,
  type ArAgingCustomerRow,
  type ArAgingItem,
  type ArAgingReport,
  type ArOpenItem,
} from './general-ledger.ar-aging.js';
