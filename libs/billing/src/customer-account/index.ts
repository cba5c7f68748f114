export * from './customer-account.commands.js';
export * from './customer-account.events.js';
export {
  customerAccountDecider,
  customerCreditBalance,
  decideCustomerAccount,
  evolveCustomerAccount,
  initialCustomerAccountState,
  type CustomerAccountState,
} from './customer-account.decider.js';
export { autoApplyInvoicesMax, autoApplyPlan, type OpenInvoiceForCredit, type PlannedCreditApplication } from './customer-account.auto-apply.js';
