import { decideCustomerAccount, evolveCustomerAccount } from '../../../../../libs/billing/src/index.js';
import { load, aggregates, storedEvents, executeWithRetry, streams, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { customerAccountView } from '../customer-account.view.js';
import type { CustomerAccountPayloadType, SetAutoApplyCreditInput } from '../customer-credit.types.js';

/** Turns automatic application of the customer's credit to newly issued invoices on or off (setting it again records nothing). */
export function setAutoApplyCredit(services: LedgerServices, context: CommandContext, input: SetAutoApplyCreditInput): Promise<CustomerAccountPayloadType> {
  const streamId = streams.customerAccount(context.tenantId, input.customerId);
  return executeWithRetry(services.store, async () => {
    const account = await load(services.store, aggregates.customerAccount, context.tenantId, input.customerId, context.commandId);
    if (account.alreadyAppliedAt) {
      return { appends: [], result: () => ({ account: customerAccountView(input.customerId, account.state), position: encodePosition(account.alreadyAppliedAt ?? START_POSITION) }) };
    }
    const events = decideCustomerAccount({ type: 'SetAutoApplyCredit', data: { customerId: input.customerId, enabled: input.enabled }, metadata: { now: context.now } }, account.state);
    return {
      appends: [{ streamId, expectedRevision: account.expectedRevision, events: storedEvents(events, context, streamId) }],
      result: (position) => ({
        account: customerAccountView(input.customerId, events.reduce(evolveCustomerAccount, account.state)),
        position: encodePosition(position ?? account.lastPosition ?? START_POSITION),
      }),
    };
  });
}
