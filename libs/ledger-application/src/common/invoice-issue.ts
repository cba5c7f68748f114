import {
  autoApplyPlan,
  calendarDateInZone,
  decideCustomerCreditApplication,
  decideInvoice,
  invoiceSettingsContextOf,
  type BillingSettings,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type InvoiceEvent,
  type InvoiceState,
  type IssueInvoice,
} from '../../../billing/src/index.js';
import { aggregates, load, storedEvents, streams, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest } from '../../../event-store/src/index.js';
import type { ApplicationServices } from './application-services.js';
import { loadInvoiceCustomerContext } from './customer-context.js';
import { exchangeRateAt } from './exchange-rates.js';
import { takeDocumentNumber } from './numbering.js';

/**
 * The building blocks of an invoice's issue, shared by every path that issues one (the issueInvoice handler, and a
 * subscription's renewal and change invoices), so that every invoice is numbered, dated, taxed and credited alike.
 */

/** An invoice's issue, decided: its events, and the number sequence's appends that go in the same atomic append. */
export interface InvoiceIssueDecision {
  readonly events: InvoiceEvent[];
  readonly numberAppends: readonly AppendRequest[];
}

/**
 * The issue of `invoice` (as read) at the command's instant, the building block of every issue (issueInvoice, and a
 * subscription's renewal invoices): the issue date in the tenant's zone, the exchange rate locked, the settings and
 * the customer's tax context, every invoice rule checked on a provisional number before the sequence is touched, then
 * the next gapless number. The caller appends `numberAppends` with the invoice's events in one atomic append.
 */
export async function decideInvoiceIssue(
  services: ApplicationServices,
  context: CommandContext,
  invoice: InvoiceState,
  invoiceId: string,
  settings: BillingSettings,
): Promise<InvoiceIssueDecision> {
  const { tenantId } = context;
  const { customerId, currency } = invoice;
  // Read side by side: the event store serves reads started together with one statement.
  const [exchangeRate, customer] = await Promise.all([
    currency === null ? null : exchangeRateAt(services, tenantId, currency, settings.payment.defaultCurrency, context.now),
    customerId === null ? undefined : loadInvoiceCustomerContext(services, tenantId, customerId),
  ]);
  const data: Omit<IssueInvoice['data'], 'number'> = {
    invoiceId,
    issueDate: calendarDateInZone(context.now, settings.tenant.timeZone),
    exchangeRate,
    settings: invoiceSettingsContextOf(settings),
    ...(customer === undefined ? {} : { customer }),
  };
  const issue = (number: string): IssueInvoice => ({ type: 'IssueInvoice', data: { ...data, number }, metadata: { now: context.now } });
  // Check every invoice rule first, so that an invalid issue never touches the sequence.
  decideInvoice(issue('provisional'), invoice);
  const { number, appends } = await takeDocumentNumber(services.store, context, settings, 'invoice', invoiceId, context.now);
  return { events: decideInvoice(issue(number), invoice), numberAppends: appends };
}

/** Customer credit spent on an issued invoice: the invoice's events and the account's append (none when nothing is spent). */
export interface AutoAppliedCredit {
  readonly invoiceEvents: InvoiceEvent[];
  readonly accountAppends: AppendRequest[];
}

/**
 * Auto-apply (docs/domain.md, "Credit notes and customer credit"): when the customer's account has auto-apply on and
 * credit in the invoice's currency, the issue's own append also spends min(credit, balance due) on it
 * (InvoiceCreditApplied after InvoiceIssued, and CustomerCreditApplied on the account at the revision read). An account
 * with auto-apply off, or without credit in that currency, is not touched.
 */
export async function autoAppliedCredit(services: ApplicationServices, context: CommandContext, issued: InvoiceState): Promise<AutoAppliedCredit> {
  const { customerId } = issued;
  if (customerId === null || issued.currency === null || issued.invoiceId === null) return { invoiceEvents: [], accountAppends: [] };
  const account = await load(services.store, aggregates.customerAccount, context.tenantId, customerId);
  const decided = decideAutoAppliedCredit(context, issued, account.state);
  if (decided.invoice.length === 0) return { invoiceEvents: [], accountAppends: [] };
  const accountStream = streams.customerAccount(context.tenantId, customerId);
  return {
    invoiceEvents: decided.invoice,
    accountAppends: [{ streamId: accountStream, expectedRevision: account.expectedRevision, events: storedEvents(decided.account, context, accountStream) }],
  };
}

/**
 * The auto-apply decision on an account already read (a caller that writes the account in the same append, with
 * other events before these, folds them first): the events of both sides, or none.
 */
export function decideAutoAppliedCredit(
  context: CommandContext,
  issued: InvoiceState,
  account: CustomerAccountState,
): { invoice: InvoiceEvent[]; account: CustomerAccountEvent[] } {
  const none = { invoice: [], account: [] };
  const { customerId, currency, invoiceId } = issued;
  if (customerId === null || currency === null || invoiceId === null) return none;
  if (!account.autoApplyCredit) return none;
  const [planned] = autoApplyPlan(account.balances, [{ invoiceId, balanceDue: issued.balanceDue, currency }]);
  if (planned === undefined) return none;
  return decideCustomerCreditApplication({
    invoice: issued,
    account,
    command: { customerId, invoiceId, amount: planned.amount, currency },
    ids: { applicationId: uuidV5(`${context.commandId}:auto-applied-credit`) },
    now: context.now,
  });
}
