import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../../testing/src/decider-spec.js';
import { fold } from '../../common/decider.js';
import type { SetDefaultBankAccount } from './bank-account-defaults.commands.js';
import { bankAccountDefaultsDecider, defaultBankAccountOf } from './bank-account-defaults.decider.js';
import type { DefaultBankAccountSet } from './bank-account-defaults.events.js';

const spec = DeciderSpecification.for(bankAccountDefaultsDecider);
const now = '2026-03-01T09:00:00.000Z';

const setDefault = (currency: string, bankAccountId: string, accountCurrency = currency): SetDefaultBankAccount => ({
  type: 'SetDefaultBankAccount',
  data: { currency, bankAccountId, accountCurrency },
  metadata: { now },
});
const defaultSet = (currency: string, bankAccountId: string): DefaultBankAccountSet => ({ type: 'DefaultBankAccountSet', data: { currency, bankAccountId, setAt: now } });

describe('default bank account per currency', () => {
  it('the first account of a currency becomes its default; another account may replace it', () => {
    spec.given([]).when(setDefault('EUR', 'ba_1')).then([defaultSet('EUR', 'ba_1')]);
    spec.given([defaultSet('EUR', 'ba_1')]).when(setDefault('EUR', 'ba_2')).then([defaultSet('EUR', 'ba_2')]);
  });

  it('the default it already is decides nothing (a retry)', () => {
    spec.given([defaultSet('EUR', 'ba_1')]).when(setDefault('EUR', 'ba_1')).thenNothing();
  });

  it('each currency has its own default; a currency with none reads null', () => {
    const state = fold(bankAccountDefaultsDecider, [defaultSet('EUR', 'ba_1'), defaultSet('USD', 'ba_2'), defaultSet('EUR', 'ba_3')]);
    expect(defaultBankAccountOf(state, 'EUR')).toBe('ba_3');
    expect(defaultBankAccountOf(state, 'USD')).toBe('ba_2');
    expect(defaultBankAccountOf(state, 'GBP')).toBeNull();
    // Not a property of the object prototype either.
    expect(defaultBankAccountOf(state, 'constructor')).toBeNull();
  });

  it('an account of another currency is CURRENCY_MISMATCH, with no event', () => {
    spec.given([]).when(setDefault('EUR', 'ba_1', 'USD')).thenThrows('CURRENCY_MISMATCH', /holds USD/);
  });

  it.each([
    ['an unknown currency', setDefault('EUR', 'ba_1', 'EUR'), 'ABCD'],
    ['a bad account id', setDefault('EUR', 'ba 1'), null],
  ])('refuses %s: VALIDATION_FAILED', (_what, command, currency) => {
    const sent = currency === null ? command : { ...command, data: { ...command.data, currency } };
    spec.given([]).when(sent).thenThrows('VALIDATION_FAILED');
  });
});
