import { evolveInvoice } from '../../../billing/src/index.js';
import { load, aggregates, storedAppend, executeWithRetry, streams, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { autoAppliedCredit, decideInvoiceIssue } from '../common/invoice-issue.js';
import type { InvoiceIdInput } from './invoice.inputs.js';
import { invoiceOutcome, type InvoiceOutcome } from '../common/invoice-outcome.js';

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
    const { events: issuedEvents, numberAppends } = await decideInvoiceIssue(services, context, invoice.state, input.invoiceId, settings);
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
