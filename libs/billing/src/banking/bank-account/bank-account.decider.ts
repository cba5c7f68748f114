import { Money } from '../../../../money/src/index.js';
import { assertNever } from '../../common/assert-never.js';
import { requireCalendarDate, requireInstant } from '../../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../../common/domain-error.js';
import { optionalText, requireCurrency, requireIdentifier, requireOneOf, requireText, validationFailed } from '../../common/validation.js';
import { bankingLimits, requireBySchema, requireSignedAmount } from '../banking.common.js';
import type { BankAccountCommand, ChangeBankAccountVerification, RegisterBankAccount, SaveBankAccountCsvMapping } from './bank-account.commands.js';
import { csvMappingSchema, type CsvMapping } from './bank-account.csv-mapping.js';
import { verificationStatuses, type VerificationStatus } from '../../payment-method/payment-method.commands.js';
import { bankAccountTypes, type BankAccountEvent, type BankAccountRegistered } from './bank-account.events.js';

/** 'none' is a stream without events. `account` is the registration as recorded; `csvMapping` the last one saved. */
export interface BankAccountState {
  status: 'none' | 'registered';
  bankAccountId: string | null;
  account: Omit<BankAccountRegistered['data'], 'registeredAt'> | null;
  verification: VerificationStatus | null;
  csvMapping: CsvMapping | null;
  registeredAt: string | null;
}

export const initialBankAccountState: BankAccountState = { status: 'none', bankAccountId: null, account: null, verification: null, csvMapping: null, registeredAt: null };

/** Order of checks: metadata, the command's data, then the state (NOT_FOUND, ALREADY_EXISTS, INVALID_STATE_TRANSITION). */
export function decideBankAccount(command: BankAccountCommand, state: BankAccountState): BankAccountEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  return translatingMoneyErrors(() => {
    switch (command.type) {
      case 'RegisterBankAccount':
        return register(command, state);
      case 'ChangeBankAccountVerification':
        return changeVerification(command, state);
      case 'SaveBankAccountCsvMapping':
        return saveCsvMapping(command, state);
      default:
        return assertNever(command, 'bank account command');
    }
  });
}

export function evolveBankAccount(state: BankAccountState, event: BankAccountEvent): BankAccountState {
  switch (event.type) {
    case 'BankAccountRegistered': {
      const { registeredAt, ...account } = event.data;
      return { ...state, status: 'registered', bankAccountId: account.bankAccountId, account, verification: 'pending', registeredAt };
    }
    case 'BankAccountVerificationChanged':
      return { ...state, verification: event.data.status };
    case 'BankAccountCsvMappingSaved':
      return { ...state, csvMapping: event.data.mapping };
    default:
      return assertNever(event, 'bank account event');
  }
}

export const bankAccountDecider: Decider<BankAccountCommand, BankAccountEvent, BankAccountState> = {
  decide: decideBankAccount,
  evolve: evolveBankAccount,
  initialState: initialBankAccountState,
};

function register({ data, metadata }: RegisterBankAccount, state: BankAccountState): BankAccountEvent[] {
  const bankAccountId = requireIdentifier(data?.bankAccountId, 'bankAccountId');
  assertDecidedOnOwnStream('bank account', bankAccountId, state.bankAccountId);
  const currency = requireCurrency(data.currency, 'currency');
  const numberLast4 = data.numberLast4;
  if (typeof numberLast4 !== 'string' || !/^[0-9A-Z]{4}$/.test(numberLast4)) {
    throw validationFailed('numberLast4 must be the last 4 characters of the account number (digits or capital letters)', { field: 'numberLast4' });
  }
  const account: Omit<BankAccountRegistered['data'], 'registeredAt'> = {
    bankAccountId,
    name: requireText(data.name, 'name', bankingLimits.nameLengthMax),
    type: requireOneOf(data.type, 'type', bankAccountTypes),
    currency,
    bankName: requireText(data.bankName, 'bankName', bankingLimits.bankNameLengthMax),
    numberLast4,
    numberSecretRef: requireIdentifier(data.numberSecretRef, 'numberSecretRef'),
    openingBalance:
      data.openingBalance === undefined || data.openingBalance === null
        ? Money.zero(currency).toString()
        : requireSignedAmount(data.openingBalance, currency, 'openingBalance').toString(),
    openingBalanceDate: requireCalendarDate(data.openingBalanceDate, 'openingBalanceDate'),
  };
  if (state.account !== null) {
    // The same registration again (a retried request) is acknowledged; anything else under the same id is refused.
    if (JSON.stringify(account) === JSON.stringify(state.account)) return [];
    throw new DomainError('ALREADY_EXISTS', `Bank account ${bankAccountId} is already registered with different data`, { bankAccountId });
  }
  return [{ type: 'BankAccountRegistered', data: { ...account, registeredAt: metadata.now } }];
}

function changeVerification({ data, metadata }: ChangeBankAccountVerification, state: BankAccountState): BankAccountEvent[] {
  const bankAccountId = requireIdentifier(data?.bankAccountId, 'bankAccountId');
  assertDecidedOnOwnStream('bank account', bankAccountId, state.bankAccountId);
  const status = requireOneOf(data.status, 'status', verificationStatuses);
  const reason = optionalText(data.reason, 'reason', bankingLimits.reasonLengthMax);
  requireRegistered(bankAccountId, state);
  if (state.verification === status) {
    throw new DomainError('INVALID_STATE_TRANSITION', `Bank account ${bankAccountId} is already ${status}`, { bankAccountId, status });
  }
  return [{ type: 'BankAccountVerificationChanged', data: { bankAccountId, status, reason, changedAt: metadata.now } }];
}

function saveCsvMapping({ data, metadata }: SaveBankAccountCsvMapping, state: BankAccountState): BankAccountEvent[] {
  const bankAccountId = requireIdentifier(data?.bankAccountId, 'bankAccountId');
  assertDecidedOnOwnStream('bank account', bankAccountId, state.bankAccountId);
  const mapping = requireBySchema(csvMappingSchema, data.mapping, 'mapping');
  requireRegistered(bankAccountId, state);
  // The mapping it already has decides nothing, so a retried save appends nothing.
  if (state.csvMapping !== null && JSON.stringify(canonical(mapping)) === JSON.stringify(canonical(state.csvMapping))) return [];
  return [{ type: 'BankAccountCsvMappingSaved', data: { bankAccountId, mapping, savedAt: metadata.now } }];
}

function requireRegistered(bankAccountId: string, state: BankAccountState): void {
  if (state.status !== 'registered') {
    throw new DomainError('NOT_FOUND', `Bank account ${bankAccountId} is not registered`, { field: 'bankAccountId', bankAccountId });
  }
}

/** Key order does not make two mappings different. */
function canonical(mapping: CsvMapping): unknown {
  const columns = Object.fromEntries(Object.entries(mapping.columns).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return [mapping.delimiter, mapping.hasHeader, mapping.dateFormat, mapping.decimalSeparator, columns];
}
