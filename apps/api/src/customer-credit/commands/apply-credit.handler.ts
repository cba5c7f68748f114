import { decideCustomerCreditApplication, evolveCustomerAccount, evolveInvoice } from '../../../../../libs/billing/src/index.js';
import { load, aggregates, storedEvents, storedAppend, executeWithRetry, streams, uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION, type Position } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettings, tenantTodayIn } from '../../../../../libs/ledger-application/src/shared/billing-settings.js';
import { invoiceViewFromState } from '../../invoices/invoice.view.js';
import { customerAccountView } from '../customer-account.view.js';
import type { ApplyCreditInput, ApplyCreditPayloadType } from '../customer-credit.types.js';

/**
 * Spends customer credit on one of the customer's invoices: ONE atomic append of what decideCustomerCreditApplication
 * decides, CustomerCreditApplied on the account and InvoiceCreditApplied on the invoice, each at the revision read. A
 * race with another application (credit note or customer credit) on the same invoice or account re-reads and
 * re-decides, so neither the balance due nor the credit can go below zero.
 */
export function applyCredit(services: LedgerServices, context: CommandContext, input: ApplyCreditInput): Promise<ApplyCreditPayloadType> {
  const { tenantId } = context;
  const applicationId = uuidV5(`${context.commandId}:customer-credit-application`);
  const accountStream = streams.customerAccount(tenantId, input.customerId);
  return executeWithRetry(services.store, async () => {
    const [account, invoice, settings] = await Promise.all([
      load(services.store, aggregates.customerAccount, tenantId, input.customerId, context.commandId),
      load(services.store, aggregates.invoice, context.tenantId, input.invoiceId, context.commandId),
      loadBillingSettings(services, tenantId),
    ]);
    const payload = (accountState: typeof account.state, invoiceState: typeof invoice.state, position: Position | undefined): ApplyCreditPayloadType => ({
      account: customerAccountView(input.customerId, accountState),
      invoice: invoiceViewFromState(invoiceState, tenantTodayIn(services, settings)),
      position: encodePosition(position ?? START_POSITION),
    });
    if (account.alreadyAppliedAt) return { appends: [], result: () => payload(account.state, invoice.state, account.alreadyAppliedAt) };
    const decided = decideCustomerCreditApplication({
      invoice: invoice.state,
      account: account.state,
      command: { customerId: input.customerId, invoiceId: input.invoiceId, amount: input.amount, currency: input.currency },
      ids: { applicationId },
      now: context.now,
    });
    return {
      appends: [
        { streamId: accountStream, expectedRevision: account.expectedRevision, events: storedEvents(decided.account, context, accountStream) },
        storedAppend(context, streams.invoice(context.tenantId, input.invoiceId), invoice.expectedRevision, decided.invoice),
      ],
      result: (position) => payload(decided.account.reduce(evolveCustomerAccount, account.state), decided.invoice.reduce(evolveInvoice, invoice.state), position ?? account.lastPosition),
    };
  });
}
