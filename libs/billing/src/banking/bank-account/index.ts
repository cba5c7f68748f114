export * from './bank-account.commands.js';
export * from './bank-account.csv-mapping.js';
export {
  bankAccountCsvMappingSavedSchema,
  bankAccountEventSchemas,
  bankAccountEventTypes,
  bankAccountRegisteredSchema,
  bankAccountTypes,
  bankAccountVerificationChangedSchema,
  type BankAccountCsvMappingSaved,
  type BankAccountEvent,
  type BankAccountEventType,
  type BankAccountRegistered,
  type BankAccountType,
  type BankAccountVerificationChanged,
} from './bank-account.events.js';
export { bankAccountDecider, decideBankAccount, evolveBankAccount, initialBankAccountState, type BankAccountState } from './bank-account.decider.js';
