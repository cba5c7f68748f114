import {
  DomainError,
  calendarDateInZone,
  decideBankAccount,
  decideBankAccountDefaults,
  defaultBankAccountOf,
  evolveBankAccount,
  evolveBankAccountDefaults,
  requireIdentifier,
  type BankAccountState,
  type BankAccountDefaultsState,
  type RegisterBankAccount,
} from '../../../billing/src/index.js';
import { validationFailed } from '../../../billing/src/common/validation.js';
import { aggregates, executeCommand, executeWithRetry, load, storedAppend, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import { secretReference } from '../../../secrets/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import type { ChangeBankAccountVerificationCommandInput, RegisterBankAccountCommandInput, SaveCsvMappingCommandInput, SetDefaultBankAccountCommandInput } from './banking.inputs.js';

/** A bank account as a command left it, whether it is its currency's default, and the position of the events. */
export interface BankAccountOutcome {
  readonly state: BankAccountState;
  readonly isDefault: boolean;
  readonly position: Position | undefined;
}

/** An account number or IBAN: 4..34 letters and digits once spaces and dashes are taken out (ISO 13616 allows 34). */
const ACCOUNT_NUMBER = /^[0-9A-Z]{4,34}$/;

/**
 * The account number as stored (upper case, no spaces or dashes) and its last 4 characters. A refusal never quotes
 * the number: it names the field and the rule only.
 */
export function normaliseAccountNumber(value: unknown): { readonly number: string; readonly last4: string } {
  if (typeof value !== 'string') throw validationFailed('accountNumber is required: the account number or IBAN', { field: 'accountNumber' });
  const number = value.replace(/[\s-]/g, '').toUpperCase();
  if (!ACCOUNT_NUMBER.test(number)) throw validationFailed('accountNumber must hold 4 to 34 letters and digits (spaces and dashes are ignored)', { field: 'accountNumber' });
  return { number, last4: number.slice(-4) };
}

/**
 * Registers a company bank account. The number goes to the secret store under a reference derived from the command
 * id (a retry writes the same one); the event carries the reference and the last 4 characters only. The first account
 * of a currency becomes that currency's default in the same atomic append (the tenant's defaults stream at the
 * revision read, so two first accounts registered at once cannot both become the default). The command is decided
 * before the number is stored, so a refused one stores nothing.
 */
export async function registerBankAccount(services: ApplicationServices, context: CommandContext, input: RegisterBankAccountCommandInput): Promise<BankAccountOutcome> {
  const bankAccountId = input.bankAccountId ?? `ba_${uuidV5(`${context.commandId}:bank-account`)}`;
  requireIdentifier(bankAccountId, 'bankAccountId');
  const { number, last4 } = normaliseAccountNumber(input.accountNumber);
  const numberSecretRef = secretReference(context.commandId, `bank-account-number:${bankAccountId}`);
  const { tenantId } = context;
  const openingBalanceDate = input.openingBalanceDate ?? calendarDateInZone(context.now, (await loadBillingSettings(services, tenantId)).tenant.timeZone);
  const accountStream = aggregates.bankAccount.stream(tenantId, bankAccountId);
  const defaultsStream = aggregates.bankAccountDefaults.stream(tenantId, tenantId);
  return executeWithRetry(services.store, async (_attempt, reads) => {
    const [account, defaults] = await Promise.all([
      load(services.store, aggregates.bankAccount, tenantId, bankAccountId, context.commandId),
      load(services.store, aggregates.bankAccountDefaults, tenantId, tenantId),
    ]);
    reads.track(accountStream, account);
    reads.track(defaultsStream, defaults);
    if (account.alreadyAppliedAt) return { appends: [], result: () => outcomeOf(account.state, defaults.state, account.alreadyAppliedAt) };
    const command: RegisterBankAccount = {
      type: 'RegisterBankAccount',
      data: {
        bankAccountId,
        name: input.name,
        type: input.type,
        currency: input.currency,
        bankName: input.bankName,
        numberLast4: last4,
        numberSecretRef,
        openingBalance: input.openingBalance ?? null,
        openingBalanceDate,
      },
      metadata: { now: context.now },
    };
    const events = decideBankAccount(command, account.state);
    const state = events.reduce(evolveBankAccount, account.state);
    const currency = state.account?.currency ?? input.currency;
    const defaultEvents =
      events.length > 0 && defaultBankAccountOf(defaults.state, currency) === null
        ? decideBankAccountDefaults({ type: 'SetDefaultBankAccount', data: { currency, bankAccountId, accountCurrency: currency }, metadata: { now: context.now } }, defaults.state)
        : [];
    if (events.length > 0) await services.secrets.put(tenantId, numberSecretRef, number);
    const defaultsAfter = defaultEvents.reduce(evolveBankAccountDefaults, defaults.state);
    return {
      appends: [storedAppend(context, accountStream, account.expectedRevision, events), storedAppend(context, defaultsStream, defaults.expectedRevision, defaultEvents)],
      result: (position) => outcomeOf(state, defaultsAfter, position ?? account.lastPosition),
    };
  });
}

function outcomeOf(state: BankAccountState, defaults: BankAccountDefaultsState, position: Position | undefined): BankAccountOutcome {
  const currency = state.account?.currency;
  return { state, isDefault: currency !== undefined && defaultBankAccountOf(defaults, currency) === state.bankAccountId, position };
}

/** A new verification status (pending, verified, failed, expired); the same status again is INVALID_STATE_TRANSITION. */
export async function changeBankAccountVerification(services: ApplicationServices, context: CommandContext, input: ChangeBankAccountVerificationCommandInput): Promise<BankAccountOutcome> {
  const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
  const outcome = await executeCommand(services.store, context, aggregates.bankAccount.on(bankAccountId, {
    command: () => ({ type: 'ChangeBankAccountVerification', data: { bankAccountId, status: input.status, reason: input.reason ?? null } }),
  }));
  return withDefault(services, context.tenantId, outcome);
}

/** Saves how this account's CSV statements are read (replacing any earlier mapping); the same mapping again appends nothing. */
export async function saveBankStatementCsvMapping(services: ApplicationServices, context: CommandContext, input: SaveCsvMappingCommandInput): Promise<BankAccountOutcome> {
  const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
  const outcome = await executeCommand(services.store, context, aggregates.bankAccount.on(bankAccountId, {
    command: () => ({ type: 'SaveBankAccountCsvMapping', data: { bankAccountId, mapping: input.mapping } }),
  }));
  return withDefault(services, context.tenantId, outcome);
}

/**
 * Makes a registered account the default of its currency (NOT_FOUND for an unknown account). The account's currency is
 * read from its stream and given to the decider, which refuses another currency. Already the default: nothing appended.
 */
export async function setDefaultBankAccount(services: ApplicationServices, context: CommandContext, input: SetDefaultBankAccountCommandInput): Promise<BankAccountOutcome> {
  const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
  const { tenantId } = context;
  const account = await requireBankAccount(services, tenantId, bankAccountId);
  const currency = account.account?.currency as string;
  const outcome = await executeCommand(services.store, context, aggregates.bankAccountDefaults.on(tenantId, {
    command: () => ({ type: 'SetDefaultBankAccount', data: { currency, bankAccountId, accountCurrency: currency } }),
  }));
  return { state: account, isDefault: defaultBankAccountOf(outcome.state, currency) === bankAccountId, position: outcome.position };
}

/** A registered bank account's state, or NOT_FOUND naming `field`. */
export async function requireBankAccount(services: ApplicationServices, tenantId: string, bankAccountId: string, field = 'bankAccountId'): Promise<BankAccountState> {
  const loaded = await load(services.store, aggregates.bankAccount, tenantId, requireIdentifier(bankAccountId, field));
  if (loaded.state.status !== 'registered' || loaded.state.account === null) {
    throw new DomainError('NOT_FOUND', `Bank account ${bankAccountId} is not registered`, { field, bankAccountId });
  }
  return loaded.state;
}

async function withDefault(services: ApplicationServices, tenantId: string, outcome: { state: BankAccountState; position: Position | undefined }): Promise<BankAccountOutcome> {
  const defaults = await load(services.store, aggregates.bankAccountDefaults, tenantId, tenantId);
  return outcomeOf(outcome.state, defaults.state, outcome.position);
}
