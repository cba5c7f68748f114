import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { applyCredit, setAutoApplyCredit } from '../../../../libs/ledger-application/src/index.js';
import { applyCreditPayload, customerAccountPayload } from './customer-credit.payload.js';
import { ApplyCreditInput, ApplyCreditPayloadType, CustomerAccountPayloadType, SetAutoApplyCreditInput } from './customer-credit.types.js';

/**
 * Customer credit commands. The credit per currency is read with the `customerBalance` query (the customer_balances
 * read model); these mutations return the account as they left it. Resolvers only turn input into a command.
 */
@Resolver()
export class CustomerCreditResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => ApplyCreditPayloadType, { description: "Spends the customer's credit on one of its open invoices in the same currency" })
  applyCredit(@Args('input', { type: () => ApplyCreditInput }) input: ApplyCreditInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'applyCredit', input, (context) => applyCredit(this.services, context, input).then((outcome) => applyCreditPayload(context, outcome)));
  }

  @Mutation(() => CustomerAccountPayloadType, { description: "Whether the customer's credit pays new invoices automatically when they are issued" })
  setAutoApplyCredit(@Args('input', { type: () => SetAutoApplyCreditInput }) input: SetAutoApplyCreditInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'setAutoApplyCredit', input, (context) => setAutoApplyCredit(this.services, context, input).then(customerAccountPayload));
  }
}
