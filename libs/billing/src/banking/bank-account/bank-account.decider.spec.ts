import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../../testing/src/decider-spec.js';
import { isDomainError } from '../../common/domain-error.js';
import { expectEventsValid, unchecked } from '../banking.test-helper.js';
import type { ChangeBankAccountVerification, RegisterBankAccount, SaveBankAccountCsvMapping } from './bank-account.commands.js';
import type { CsvMapping } from './bank-account.csv-mapping.js';
import { bankAccountDecider, decideBankAccount, initialBankAccountState } from './bank-account.decider.js';
import { bankAccountEventSchemas, type BankAccountCsvMappingSaved, type BankAccountRegistered, type BankAccountVerificationChanged } from './bank-account.events.js';

const spec = DeciderSpecification.for(bankAccountDecider);
const now = '2026-03-01T09:00:00.000Z';
const bankAccountId = 'ba_1';

function register(data: Partial<RegisterBankAccount['data']> = {}): RegisterBankAccount {
  return {
    type: 'RegisterBankAccount',
    data: {
      bankAccountId,
      name: 'Operating account',
      type: 'business_checking',
      currency: 'EUR',
      bankName: 'Example Bank',
      numberLast4: '4321',
      numberSecretRef: 'sec_3f2a',
      openingBalance: '1500.5',
      openingBalanceDate: '2026-03-01',
      ...data,
    },
    metadata: { now },
  };
}

const registered: BankAccountRegistered = {
  type: 'BankAccountRegistered',
  data: {
    bankAccountId,
    name: 'Operating account',
    type: 'business_checking',
    currency: 'EUR',
    bankName: 'Example Bank',
    numberLast4: '4321',
    numberSecretRef: 'sec_3f2a',
    openingBalance: '1500.50',
    openingBalanceDate: '2026-03-01',
    registeredAt: now,
  },
};

const verify = (status: ChangeBankAccountVerification['data']['status'], reason: string | null = null): ChangeBankAccountVerification => ({
  type: 'ChangeBankAccountVerification',
  data: { bankAccountId, status, reason },
  metadata: { now },
});
const verified = (status: BankAccountVerificationChanged['data']['status'], reason: string | null = null): BankAccountVerificationChanged => ({
  type: 'BankAccountVerificationChanged',
  data: { bankAccountId, status, reason, changedAt: now },
});

const mapping: CsvMapping = {
  delimiter: ';',
  hasHeader: true,
  dateFormat: 'DD.MM.YYYY',
  decimalSeparator: ',',
  columns: { bookingDate: 'Buchungstag', valueDate: 'Valuta', amount: 'Betrag', reference: 'Verwendungszweck', counterparty: 'Name' },
};
const saveMapping = (value: unknown): SaveBankAccountCsvMapping => ({ type: 'SaveBankAccountCsvMapping', data: { bankAccountId, mapping: unchecked(value) }, metadata: { now } });
const mappingSaved: BankAccountCsvMappingSaved = { type: 'BankAccountCsvMappingSaved', data: { bankAccountId, mapping, savedAt: now } };

describe('registration', () => {
  it('RegisterBankAccount records the account, its opening balance fixed to the minor unit; only the last 4 and the secret reference', () => {
    spec.given([]).when(register()).then([registered]);
    expectEventsValid([registered], bankAccountEventSchemas);
    expect(JSON.stringify(registered)).not.toMatch(/DE\d{20}/);
  });

  it('an absent opening balance is zero at the minor unit ("0" for yen)', () => {
    const events = decideBankAccount(register({ openingBalance: undefined, currency: 'JPY' }), initialBankAccountState);
    expect(events).toMatchObject([{ data: { openingBalance: '0', currency: 'JPY' } }]);
  });

  it('a negative opening balance (an overdraft) is kept signed', () => {
    expect(decideBankAccount(register({ openingBalance: '-20.00' }), initialBankAccountState)).toMatchObject([{ data: { openingBalance: '-20.00' } }]);
  });

  it('the same registration again is acknowledged without an event; different data is ALREADY_EXISTS', () => {
    spec.given([registered]).when(register()).thenNothing();
    spec.given([registered]).when(register({ name: 'Payroll' })).thenThrows('ALREADY_EXISTS');
  });

  it.each<[string, Partial<RegisterBankAccount['data']>, string, RegExp]>([
    ['an id with a space', { bankAccountId: 'ba 1' }, 'VALIDATION_FAILED', /bankAccountId/],
    ['an unknown type', { type: unchecked('brokerage') }, 'VALIDATION_FAILED', /type must be one of/],
    ['an unknown currency', { currency: 'XYZ' }, 'VALIDATION_FAILED', /currency/],
    ['an empty name', { name: '  ' }, 'VALIDATION_FAILED', /name/],
    ['no bank name', { bankName: unchecked(undefined) }, 'VALIDATION_FAILED', /bankName/],
    ['last 4 of 3 characters', { numberLast4: '123' }, 'VALIDATION_FAILED', /numberLast4/],
    ['last 4 in lower case', { numberLast4: '12ab' }, 'VALIDATION_FAILED', /numberLast4/],
    ['the whole account number as last 4', { numberLast4: 'DE89370400440532013000' }, 'VALIDATION_FAILED', /numberLast4/],
    ['no secret reference', { numberSecretRef: unchecked(null) }, 'VALIDATION_FAILED', /numberSecretRef/],
    ['too many decimals', { openingBalance: '1.001' }, 'VALIDATION_FAILED', /decimal places/],
    ['a float', { openingBalance: unchecked(12.5) }, 'VALIDATION_FAILED', /openingBalance/],
    ['an amount beyond the bound', { openingBalance: '1000000000000.00' }, 'AMOUNT_OUT_OF_RANGE', /out of range/],
    ['a bad opening date', { openingBalanceDate: '2026-02-30' }, 'VALIDATION_FAILED', /openingBalanceDate/],
  ])('refuses %s (%s), with no event', (_what, data, code, message) => {
    spec.given([]).when(register(data)).thenThrows(code, message);
  });
});

describe('verification', () => {
  it('starts pending, and any other status may follow', () => {
    spec.given([registered]).when(verify('verified', 'micro-deposits confirmed')).then([verified('verified', 'micro-deposits confirmed')]);
    spec.given([registered, verified('verified')]).when(verify('expired')).then([verified('expired')]);
    spec.given([registered, verified('failed')]).when(verify('pending')).then([verified('pending')]);
  });

  it('the status it already has is INVALID_STATE_TRANSITION (pending right after registration too)', () => {
    spec.given([registered]).when(verify('pending')).thenThrows('INVALID_STATE_TRANSITION', /already pending/);
    spec.given([registered, verified('verified')]).when(verify('verified')).thenThrows('INVALID_STATE_TRANSITION');
  });

  it('an unregistered account is NOT_FOUND; an unknown status VALIDATION_FAILED', () => {
    spec.given([]).when(verify('verified')).thenThrows('NOT_FOUND');
    spec.given([registered]).when(verify(unchecked('approved'))).thenThrows('VALIDATION_FAILED');
  });
});

describe('CSV mapping', () => {
  it('is saved, and the same mapping again (keys in another order) decides nothing', () => {
    spec.given([registered]).when(saveMapping(mapping)).then([mappingSaved]);
    const reordered = { columns: { counterparty: 'Name', reference: 'Verwendungszweck', amount: 'Betrag', valueDate: 'Valuta', bookingDate: 'Buchungstag' }, decimalSeparator: ',', dateFormat: 'DD.MM.YYYY', hasHeader: true, delimiter: ';' };
    spec.given([registered, mappingSaved]).when(saveMapping(reordered)).thenNothing();
  });

  it('a debit and a credit column instead of an amount is a mapping too; a changed one is saved again', () => {
    const split = { ...mapping, columns: { bookingDate: '1', debit: '3', credit: '4' }, hasHeader: false };
    spec.given([registered, mappingSaved]).when(saveMapping(split)).then([{ ...mappingSaved, data: { ...mappingSaved.data, mapping: split } }]);
  });

  it.each<[string, unknown, RegExp]>([
    ['neither amount nor debit+credit', { ...mapping, columns: { bookingDate: 'Date' } }, /amount column, or both a debit and a credit/],
    ['amount and debit+credit together', { ...mapping, columns: { bookingDate: 'Date', amount: 'A', debit: 'D', credit: 'C' } }, /not both/],
    ['a debit without a credit', { ...mapping, columns: { bookingDate: 'Date', debit: 'D' } }, /both a debit and a credit/],
    ['an empty column name', { ...mapping, columns: { bookingDate: '', amount: 'A' } }, /columns.bookingDate/],
    ['a column name of 101 characters', { ...mapping, columns: { bookingDate: 'x'.repeat(101), amount: 'A' } }, /at most 100/],
    ['an unknown column', { ...mapping, columns: { bookingDate: 'Date', amount: 'A', iban: 'IBAN' } }, /columns/],
    ['an unknown delimiter', { ...mapping, delimiter: ':' }, /delimiter/],
    ['an unknown date format', { ...mapping, dateFormat: 'D/M/YY' }, /dateFormat/],
    ['the decimal separator equal to the delimiter', { ...mapping, delimiter: ',', decimalSeparator: ',' }, /decimalSeparator must differ/],
    ['no mapping at all', undefined, /mapping/],
  ])('refuses %s: VALIDATION_FAILED listing the path, no event', (_what, value, message) => {
    spec.given([registered]).when(saveMapping(value)).thenThrows('VALIDATION_FAILED', message);
  });

  it('a column name of exactly 100 characters is accepted', () => {
    const long = { ...mapping, columns: { bookingDate: 'x'.repeat(100), amount: 'A' } };
    expect(decideBankAccount(saveMapping(long), bankAccountDecider.evolve(initialBankAccountState, registered))).toHaveLength(1);
  });

  it('an unregistered account is NOT_FOUND', () => {
    spec.given([]).when(saveMapping(mapping)).thenThrows('NOT_FOUND');
  });

  it('the problems are listed with their paths in details', () => {
    try {
      decideBankAccount(saveMapping({ ...mapping, delimiter: ':', columns: { bookingDate: '' } }), bankAccountDecider.evolve(initialBankAccountState, registered));
      throw new Error('expected a refusal');
    } catch (error) {
      expect(isDomainError(error) && error.details.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'mapping.delimiter' }), expect.objectContaining({ path: 'mapping.columns.bookingDate' })]),
      );
    }
  });
});

it('a command without metadata.now is VALIDATION_FAILED', () => {
  spec.given([]).when({ ...register(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
});
