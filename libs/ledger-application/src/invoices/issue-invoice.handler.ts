import {
  autoApplyPlan,
  calendarDateInZone,
  decideCustomerCreditApplication,
  decideInvoice,
  evolveInvoice,
  invoiceSettingsContextOf,
  type InvoiceState,
  type IssueInvoice,
} from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, storedAppend, executeWithRetry, streams, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest } from '../../../event-store/src/index.js';

import { loadInvoiceCustomerContext } from '../common/customer-context.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { takeDocumentNumber } from '../common/numbering.js';
import type { InvoiceIdInput } from './invoice.inputs.js';
import { invoiceOutcome, type InvoiceOutcome } from '../common/invoice-outcome.js';
import { exchangeRateAt } from '../common/exchange-rates.js';

/**
 * Issuing takes the next gapless number and freezes the invoice in ONE atomic two-stream append (sequence stream +
 * invoice stream): a number is never taken without its invoice, nor given twice. Racing issues retry.
 *
 * Everything comes from the tenant's settings at the issue instant: the prefix and number template
 * (documentNumberingOf), the numbering period and the issue date in the tenant's TIME ZONE (an issue at
 * 2024-12-31T11:00:00Z by a tenant in Pacific/Kiritimati is dated 2025-01-01 and numbered in the 2025 sequence), the
 * tax figures, and the reporting currency whose exchange rate the invoice locks.
 *
 * A change of template mid-period: the sequence stream is named by the template's period KIND and the period
 * (sequencePeriodKey: 'all', 'YYYY' or 'YYYY-MM'), not by its text. A new prefix or look with the same period kind
 * continues the same count (never back to 1, which could print a number already given); a new period kind counts
 * in the sequence of that kind and period. Because two different templates can still print the same text for
 * different counts, the number is also checked against every number of the sequences sharing the period (the one
 * appended to, at the revision appended at, and its siblings of the other period kinds): a number already given is
 * refused with DOCUMENT_NUMBER_TAKEN and nothing is appended (see libs/billing/src/invoice/invoice.number.ts).
 */
export function issueInvoice(services: ApplicationServices, context: CommandContext, input: InvoiceIdInput): Promise<InvoiceOutcome> {
  const { tenantId } = context;
  return executeWithRetry(services.store, async () => {
    const [invoice, settings] = await Promise.all([load(services.store, aggregates.invoice, context.tenantId, input.invoiceId, context.commandId), loadBillingSettings(services, tenantId)]);
    if (invoice.alreadyAppliedAt) return { appends: [], result: () => invoiceOutcome(invoice.state, invoice.alreadyAppliedAt, settings) };
    const { customerId, currency } = invoice.state;
    const data: Omit<IssueInvoice['data'], 'number'> = {
      invoiceId: input.invoiceId,
      issueDate: calendarDateInZone(context.now, settings.tenant.timeZone),
      exchangeRate: currency === null ? null : await exchangeRateAt(services, tenantId, currency, settings.payment.defaultCurrency, context.now),
      settings: invoiceSettingsContextOf(settings),
      ...(customerId === null ? {} : { customer: await loadInvoiceCustomerContext(services, tenantId, customerId) }),
    };
    const issue = (number: string): IssueInvoice => ({ type: 'IssueInvoice', data: { ...data, number }, metadata: { now: context.now } });
    // Check every invoice rule first, so that an invalid issue never touches the sequence.
    decideInvoice(issue('provisional'), invoice.state);
    const { number, appends: numberAppends } = await takeDocumentNumber(services.store, context, settings, 'invoice', input.invoiceId, context.now);
    const issuedEvents = decideInvoice(issue(number), invoice.state);
    const credit = await autoAppliedCredit(services, context, issuedEvents.reduce(evolveInvoice, invoice.state));
    const invoiceEvents = [...issuedEvents, ...credit.invoiceEvents];
    return {
      appends: [
        ...numberAppends,
        storedAppend(context, streams.invoice(context.tenantId, input.invoiceId), invoice.expectedRevision, invoiceEvents),
        ...credit.accountAppends,
      ],
      result: (position) => invoiceOutcome(invoiceEvents.reduce(evolveInvoice, invoice.state), position ?? invoice.lastPosition, settings),
    };
  });
}

/**
 * Auto-apply (docs/domain.md, "Credit notes and customer credit"): when the customer's account has auto-apply on and
 * credit in the invoice's currency, the issue's own append also spends min(credit, balance due) on it
 * (InvoiceCreditApplied after InvoiceIssued, and CustomerCreditApplied on the account at the revision read). An account
 * with auto-apply off, or without credit in that currency, is not touched.
 */
async function autoAppliedCredit(services: ApplicationServices, context: CommandContext, issued: InvoiceState) {
  const none = { invoiceEvents: [], accountAppends: [] as AppendRequest[] };
  const { customerId, currency, invoiceId } = issued;
  if (customerId === null || currency === null || invoiceId === null) return none;
  const account = await load(services.store, aggregates.customerAccount, context.tenantId, customerId);
  if (!account.state.autoApplyCredit) return none;
  const [planned] = autoApplyPlan(account.state.balances, [{ invoiceId, balanceDue: issued.balanceDue, currency }]);
  if (planned === undefined) return none;
  const decided = decideCustomerCreditApplication({
    invoice: issued,
    account: account.state,
    command: { customerId, invoiceId, amount: planned.amount, currency },
    ids: { applicationId: uuidV5(`${context.commandId}:auto-applied-credit`) },
    now: context.now,
  });
  const accountStream = streams.customerAccount(context.tenantId, customerId);
  return {
    invoiceEvents: decided.invoice,
    accountAppends: [{ streamId: accountStream, expectedRevision: account.expectedRevision, events: storedEvents(decided.account, context, accountStream) }],
  };
}
