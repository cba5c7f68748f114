import { Inject } from '@nestjs/common';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import {
  changeBankAccountVerification,
  registerBankAccount,
  saveBankStatementCsvMapping,
  setDefaultBankAccount,
  type BankAccountOutcome,
} from '../../../../libs/ledger-application/src/banking/index.js';
import { ReconciliationQueries } from '../../../../projections/reconciliation/reconciliation.queries.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels } from '../settings/read-your-writes.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt, type AsOfArguments } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import {
  BankAccountObjectType,
  BankAccountPayloadType,
  ChangeBankAccountVerificationInput,
  RegisterBankAccountInput,
  SaveBankStatementCsvMappingInput,
  SetDefaultBankAccountInput,
} from './banking.types.js';
import { bankAccountViewFromRecord, bankAccountViewFromState } from './banking.view.js';

export const RECONCILIATION_READ_MODELS = ['reconciliation'] as const;

/**
 * A banking query's read: waits until the reconciliation read model has reached `minPosition`, then reads it live, or
 * as it stood at `asOf` / `asOfTime` (inside one as-of transaction, so `read` runs its queries one after the other).
 */
export async function readReconciliation<Result>(
  services: LedgerServices,
  tenantId: string,
  minPosition: string | null,
  point: AsOfArguments,
  read: (queries: ReconciliationQueries) => Promise<Result>,
): Promise<Result> {
  await awaitReadModels(services, minPosition, RECONCILIATION_READ_MODELS);
  return readModelsAt(services, tenantId, point, (db, schema) => read(new ReconciliationQueries(db, schema)), RECONCILIATION_READ_MODELS);
}
export const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' } as const;
export const AS_OF = { type: () => String, nullable: true, description: AS_OF_DESCRIPTION } as const;
export const AS_OF_TIME = { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION } as const;

function bankAccountPayload({ state, isDefault, position }: BankAccountOutcome): BankAccountPayloadType {
  return { bankAccount: bankAccountViewFromState(state, isDefault), position: encodePosition(position ?? START_POSITION) };
}

/**
 * Company bank accounts (docs/reconciliation.md). The account number goes into the secret store in the handler and
 * is never answered: only its last 4 characters. Queries read the reconciliation read model.
 */
@Resolver(() => BankAccountObjectType)
export class BankAccountsResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => BankAccountPayloadType, { description: "Registers a company bank account; the first of a currency becomes that currency's default" })
  registerBankAccount(@Args('input', { type: () => RegisterBankAccountInput }) input: RegisterBankAccountInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'registerBankAccount', input, (context) => registerBankAccount(this.services, context, input).then(bankAccountPayload));
  }

  @Mutation(() => BankAccountPayloadType, { description: "Records the account's verification status" })
  changeBankAccountVerification(@Args('input', { type: () => ChangeBankAccountVerificationInput }) input: ChangeBankAccountVerificationInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'changeBankAccountVerification', input, (context) => changeBankAccountVerification(this.services, context, input).then(bankAccountPayload));
  }

  @Mutation(() => BankAccountPayloadType, { description: 'Makes the account the default of its currency: payments that name no account are deposited to it' })
  setDefaultBankAccount(@Args('input', { type: () => SetDefaultBankAccountInput }) input: SetDefaultBankAccountInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'setDefaultBankAccount', input, (context) => setDefaultBankAccount(this.services, context, input).then(bankAccountPayload));
  }

  @Mutation(() => BankAccountPayloadType, { description: "Saves how this account's CSV statements are read" })
  saveBankStatementCsvMapping(@Args('input', { type: () => SaveBankStatementCsvMappingInput }) input: SaveBankStatementCsvMappingInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'saveBankStatementCsvMapping', input, (context) => saveBankStatementCsvMapping(this.services, context, input).then(bankAccountPayload));
  }

  @Query(() => [BankAccountObjectType], { description: "The tenant's bank accounts, by id" })
  async bankAccounts(
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ): Promise<BankAccountObjectType[]> {
    const principal = requireReader(request);
    const accounts = await readReconciliation(this.services, principal.tenantId, minPosition, { asOf, asOfTime }, (queries) => queries.bankAccounts(principal.tenantId));
    return accounts.map(bankAccountViewFromRecord);
  }

  @Query(() => BankAccountObjectType, { nullable: true })
  async bankAccount(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ): Promise<BankAccountObjectType | null> {
    const principal = requireReader(request);
    const record = await readReconciliation(this.services, principal.tenantId, minPosition, { asOf, asOfTime }, (queries) => queries.bankAccount(principal.tenantId, id));
    return record === undefined ? null : bankAccountViewFromRecord(record);
  }
}
