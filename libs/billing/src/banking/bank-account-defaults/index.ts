export * from './bank-account-defaults.commands.js';
export * from './bank-account-defaults.events.js';
export {
  bankAccountDefaultsDecider,
  decideBankAccountDefaults,
  defaultBankAccountOf,
  evolveBankAccountDefaults,
  initialBankAccountDefaultsState,
  type BankAccountDefaultsState,
} from './bank-account-defaults.decider.js';
