import { decideCustomerAccount, evolveCustomerAccount, type CustomerAccountState } from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, executeWithRetry, streams, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/** What setAutoApplyCredit takes (structurally the GraphQL input). */
export interface SetAutoApplyCreditCommandInput {
  readonly customerId: string;
  readonly enabled: boolean;
}

/** A customer account as a command left it, and the position of its events (or of the stream's last one). */
export interface CustomerAccountOutcome {
  readonly customerId: string;
  readonly account: CustomerAccountState;
  readonly position: Position | undefined;
}

/** Turns automatic application of the customer's credit to newly issued invoices on or off (setting it again records nothing). */
export function setAutoApplyCredit(services: ApplicationServices, context: CommandContext, input: SetAutoApplyCreditCommandInput): Promise<CustomerAccountOutcome> {
  const streamId = streams.customerAccount(context.tenantId, input.customerId);
  return executeWithRetry(services.store, async () => {
    const account = await load(services.store, aggregates.customerAccount, context.tenantId, input.customerId, context.commandId);
    if (account.alreadyAppliedAt) {
      return { appends: [], result: () => ({ customerId: input.customerId, account: account.state, position: account.alreadyAppliedAt }) };
    }
    const events = decideCustomerAccount({ type: 'SetAutoApplyCredit', data: { customerId: input.customerId, enabled: input.enabled }, metadata: { now: context.now } }, account.state);
    return {
      appends: [{ streamId, expectedRevision: account.expectedRevision, events: storedEvents(events, context, streamId) }],
      result: (position) => ({ customerId: input.customerId, account: events.reduce(evolveCustomerAccount, account.state), position: position ?? account.lastPosition }),
    };
  });
}
