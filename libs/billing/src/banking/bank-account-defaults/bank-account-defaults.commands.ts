import type { DomainCommand } from '../../common/command.js';

/**
 * Makes `bankAccountId` the default of `currency`. `accountCurrency` is the currency the account was registered in,
 * read by the application layer from the account's stream (the decider of this stream cannot see it): an account is
 * the default only of its own currency.
 */
export type SetDefaultBankAccount = DomainCommand<'SetDefaultBankAccount', { currency: string; bankAccountId: string; accountCurrency: string }>;

export type BankAccountDefaultsCommand = SetDefaultBankAccount;
