import { assertNever } from '../../common/assert-never.js';
import { requireInstant } from '../../common/calendar-date.js';
import type { Decider } from '../../common/decider.js';
import { DomainError } from '../../common/domain-error.js';
import { requireCurrency, requireIdentifier } from '../../common/validation.js';
import type { BankAccountDefaultsCommand } from './bank-account-defaults.commands.js';
import type { BankAccountDefaultsEvent } from './bank-account-defaults.events.js';

/** The default bank account of each currency that has one. */
export interface BankAccountDefaultsState {
  defaults: Readonly<Record<string, string>>;
}

export const initialBankAccountDefaultsState: BankAccountDefaultsState = { defaults: {} };

/** The default account of `currency`, or null: payments in a currency with no account record bankAccountId null. */
export function defaultBankAccountOf(state: BankAccountDefaultsState, currency: string): string | null {
  return Object.hasOwn(state.defaults, currency) ? (state.defaults[currency] ?? null) : null;
}

export function decideBankAccountDefaults(command: BankAccountDefaultsCommand, state: BankAccountDefaultsState): BankAccountDefaultsEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'SetDefaultBankAccount': {
      const { data, metadata } = command;
      const currency = requireCurrency(data?.currency, 'currency');
      const bankAccountId = requireIdentifier(data.bankAccountId, 'bankAccountId');
      const accountCurrency = requireCurrency(data.accountCurrency, 'accountCurrency');
      if (accountCurrency !== currency) {
        throw new DomainError('CURRENCY_MISMATCH', `Bank account ${bankAccountId} holds ${accountCurrency}: it cannot be the default ${currency} account`, {
          field: 'currency',
          bankAccountId,
          currency,
          accountCurrency,
        });
      }
      if (defaultBankAccountOf(state, currency) === bankAccountId) return [];
      return [{ type: 'DefaultBankAccountSet', data: { currency, bankAccountId, setAt: metadata.now } }];
    }
    default:
      return assertNever(command.type, 'bank account defaults command');
  }
}

export function evolveBankAccountDefaults(state: BankAccountDefaultsState, event: BankAccountDefaultsEvent): BankAccountDefaultsState {
  switch (event.type) {
    case 'DefaultBankAccountSet':
      return { defaults: { ...state.defaults, [event.data.currency]: event.data.bankAccountId } };
    default:
      return assertNever(event.type, 'bank account defaults event');
  }
}

export const bankAccountDefaultsDecider: Decider<BankAccountDefaultsCommand, BankAccountDefaultsEvent, BankAccountDefaultsState> = {
  decide: decideBankAccountDefaults,
  evolve: evolveBankAccountDefaults,
  initialState: initialBankAccountDefaultsState,
};
