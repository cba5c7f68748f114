import { Money } from '../../../money/src/index.js';
import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import { requireCurrency, requireIdentifier, requireOneOf, requirePositiveAmount, validationFailed } from '../common/validation.js';
import {
  customerCreditSources,
  type ApplyCustomerCredit,
  type CreditCustomerAccount,
  type CustomerAccountCommand,
  type DebitCustomerAccount,
  type SetAutoApplyCredit,
} from './customer-account.commands.js';
import type { CustomerAccountEvent } from './customer-account.events.js';

/**
 * One stream per customer. `balances` holds the credit per currency (decimal strings fixed to the currency's minor
 * unit; a currency never credited is absent and counts as zero). Balances are never negative: every application is
 * checked against the balance in its own currency, and currencies are never mixed. The ids already seen are kept so
 * that a redelivered credit or application is acknowledged without acting twice.
 */
export interface CustomerAccountState {
  status: 'none' | 'open';
  customerId: string | null;
  balances: Record<string, string>;
  entryIds: string[];
  applicationIds: string[];
  autoApplyCredit: boolean;
}

export const initialCustomerAccountState: CustomerAccountState = {
  status: 'none',
  customerId: null,
  balances: {},
  entryIds: [],
  applicationIds: [],
  autoApplyCredit: false,
};

/** The customer's credit in `currency`, fixed to its minor unit ("0.00" when there never was any). */
export function customerCreditBalance(state: CustomerAccountState, currency: string): string {
  return state.balances[currency] ?? Money.zero(currency).toString();
}

/**
 * Order of checks in every command: the metadata, the customer id (and that it is this stream's), a repeated
 * entryId/applicationId (acknowledged with no event), the command's own data, then the balance.
 */
export function decideCustomerAccount(command: CustomerAccountCommand, state: CustomerAccountState): CustomerAccountEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'CreditCustomerAccount':
        return creditCustomerAccount(command, state);
      case 'ApplyCustomerCredit':
        return applyCustomerCredit(command, state);
      case 'DebitCustomerAccount':
        return debitCustomerAccount(command, state);
      case 'SetAutoApplyCredit':
        return setAutoApplyCredit(command, state);
      default:
        return assertNever(command, 'customer account command');
    }
  });
}

/** Applies one event. Events are facts: evolve never validates or throws for business reasons. */
export function evolveCustomerAccount(state: CustomerAccountState, event: CustomerAccountEvent): CustomerAccountState {
  switch (event.type) {
    case 'CustomerAccountCredited':
    case 'CustomerAccountDebited': {
      // An entry either way: the balance after it, and its id (so the same entry is never counted twice).
      const { data } = event;
      return {
        ...state,
        status: 'open',
        customerId: data.customerId,
        balances: { ...state.balances, [data.currency]: data.balanceAfter },
        entryIds: [...state.entryIds, data.entryId],
      };
    }
    case 'CustomerCreditApplied': {
      const { data } = event;
      return {
        ...state,
        status: 'open',
        customerId: data.customerId,
        balances: { ...state.balances, [data.currency]: data.balanceAfter },
        applicationIds: [...state.applicationIds, data.applicationId],
      };
    }
    case 'CustomerAutoApplyCreditSet':
      return { ...state, status: 'open', customerId: event.data.customerId, autoApplyCredit: event.data.enabled };
    default:
      return assertNever(event, 'customer account event');
  }
}

export const customerAccountDecider: Decider<CustomerAccountCommand, CustomerAccountEvent, CustomerAccountState> = {
  decide: decideCustomerAccount,
  evolve: evolveCustomerAccount,
  initialState: initialCustomerAccountState,
};

function creditCustomerAccount({ data, metadata }: CreditCustomerAccount, state: CustomerAccountState): CustomerAccountEvent[] {
  const customerId = requireStreamCustomer(state, data?.customerId);
  if (state.entryIds.includes(data.entryId)) return [];
  const entryId = requireIdentifier(data.entryId, 'entryId');
  const currency = requireCurrency(data.currency, 'currency');
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const source = requireOneOf(data.source, 'source', customerCreditSources);
  const sourceId = requireIdentifier(data.sourceId, 'sourceId');
  const balanceAfter = Money.of(customerCreditBalance(state, currency), currency).plus(amount);
  return [
    {
      type: 'CustomerAccountCredited',
      data: { customerId, entryId, amount: amount.toString(), currency, source, sourceId, balanceAfter: balanceAfter.toString(), creditedAt: metadata.now },
    },
  ];
}

function applyCustomerCredit({ data, metadata }: ApplyCustomerCredit, state: CustomerAccountState): CustomerAccountEvent[] {
  const customerId = requireStreamCustomer(state, data?.customerId);
  if (state.applicationIds.includes(data.applicationId)) return [];
  const applicationId = requireIdentifier(data.applicationId, 'applicationId');
  const invoiceId = requireIdentifier(data.invoiceId, 'invoiceId');
  const currency = requireCurrency(data.currency, 'currency');
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const balance = Money.of(customerCreditBalance(state, currency), currency);
  if (amount.greaterThan(balance)) {
    throw new DomainError(
      'INSUFFICIENT_CREDIT',
      `Customer ${customerId} has ${balance.toString()} ${currency} of credit: ${amount.toString()} cannot be applied to invoice ${invoiceId}`,
      { customerId, invoiceId, currency, amount: amount.toString(), balance: balance.toString() },
    );
  }
  return [
    {
      type: 'CustomerCreditApplied',
      data: { customerId, applicationId, invoiceId, amount: amount.toString(), currency, balanceAfter: balance.minus(amount).toString(), appliedAt: metadata.now },
    },
  ];
}

/**
 * Takes credit back for a refund that pays back a payment's excess (which had become credit). Entry ids are shared
 * with credits: a redelivered debit (same entryId) is acknowledged without acting twice.
 */
function debitCustomerAccount({ data, metadata }: DebitCustomerAccount, state: CustomerAccountState): CustomerAccountEvent[] {
  const customerId = requireStreamCustomer(state, data?.customerId);
  if (state.entryIds.includes(data.entryId)) return [];
  const entryId = requireIdentifier(data.entryId, 'entryId');
  const currency = requireCurrency(data.currency, 'currency');
  const amount = requirePositiveAmount(data.amount, currency, 'amount');
  const reason = requireOneOf(data.reason, 'reason', ['refund'] as const);
  const sourceId = requireIdentifier(data.sourceId, 'sourceId');
  const balance = Money.of(customerCreditBalance(state, currency), currency);
  if (amount.greaterThan(balance)) {
    throw new DomainError(
      'INSUFFICIENT_CREDIT',
      `Customer ${customerId} has ${balance.toString()} ${currency} of credit: ${amount.toString()} cannot be taken back for ${reason} ${sourceId}`,
      { customerId, currency, amount: amount.toString(), balance: balance.toString(), sourceId },
    );
  }
  return [
    {
      type: 'CustomerAccountDebited',
      data: { customerId, entryId, amount: amount.toString(), currency, reason, sourceId, balanceAfter: balance.minus(amount).toString(), debitedAt: metadata.now },
    },
  ];
}

function setAutoApplyCredit({ data, metadata }: SetAutoApplyCredit, state: CustomerAccountState): CustomerAccountEvent[] {
  const customerId = requireStreamCustomer(state, data?.customerId);
  if (typeof data.enabled !== 'boolean') {
    throw validationFailed(`enabled must be true or false (got ${JSON.stringify(data.enabled)})`, { field: 'enabled' });
  }
  // Setting what is already set records nothing; the default of a new account is off.
  if (data.enabled === state.autoApplyCredit) return [];
  return [{ type: 'CustomerAutoApplyCreditSet', data: { customerId, enabled: data.enabled, setAt: metadata.now } }];
}

function requireStreamCustomer(state: CustomerAccountState, value: unknown): string {
  const customerId = requireIdentifier(value, 'customerId');
  assertDecidedOnOwnStream('customer account', customerId, state.customerId);
  return customerId;
}

