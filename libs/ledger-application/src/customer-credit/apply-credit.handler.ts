import { decideCustomerCreditApplication, evolveCustomerAccount, evolveInvoice, type BillingSettings, type CustomerAccountState, type InvoiceState } from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, storedAppend, executeWithRetry, streams, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';

/** What applyCredit takes (structurally the GraphQL input). */
export interface ApplyCreditCommandInput {
  readonly customerId: string;
  readonly invoiceId: string;
  readonly amount: string;
  readonly currency: string;
}

/** The account and the invoice as the application left them, the settings it read ("today"), and the position. */
export interface CreditApplicationOutcome {
  readonly customerId: string;
  readonly account: CustomerAccountState;
  readonly invoice: InvoiceState;
  readonly settings: BillingSettings;
  readonly position: Position | undefined;
}

/**
 * Spends customer credit on one of the customer's invoices: ONE atomic append of what decideCustomerCreditApplication
 * decides, CustomerCreditApplied on the account and InvoiceCreditApplied on the invoice, each at the revision read. A
 * race with another application (credit note or customer credit) on the same invoice or account re-reads and
 * re-decides, so neither the balance due nor the credit can go below zero.
 */
export function applyCredit(services: ApplicationServices, context: CommandContext, input: ApplyCreditCommandInput): Promise<CreditApplicationOutcome> {
  const { tenantId } = context;
  const applicationId = uuidV5(`${context.commandId}:customer-credit-application`);
  const accountStream = streams.customerAccount(tenantId, input.customerId);
  return executeWithRetry(services.store, async () => {
    const [account, invoice, settings] = await Promise.all([
      load(services.store, aggregates.customerAccount, tenantId, input.customerId, context.commandId),
      load(services.store, aggregates.invoice, context.tenantId, input.invoiceId, context.commandId),
      loadBillingSettings(services, tenantId),
    ]);
    const payload = (accountState: CustomerAccountState, invoiceState: InvoiceState, position: Position | undefined): CreditApplicationOutcome => ({
      customerId: input.customerId,
      account: accountState,
      invoice: invoiceState,
      settings,
      position,
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
