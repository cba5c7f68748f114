import {
  DomainError,
  calendarDateInZone,
  previewChange,
  requireIdentifier,
  startOfDayInZone,
  upcomingCharges,
  type BillingPeriod,
  type ChangePreview,
  type ChargeLine,
  type CreditNoteState,
  type InvoiceState,
} from '../../../billing/src/index.js';
import { newId, type CommandContext } from '../../../application/src/index.js';
import { commandInvoiceId, periodInvoiceId } from '../../../../projections/subscriptions/subscription-documents.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { changeCommandData } from './change-subscription.handler.js';
import { postCharges, type Charges } from './charges-posting.js';
import { loadSubscriptionHistory, type SubscriptionHistory } from './subscription-stream.js';
import type { ChangeSubscriptionCommandInput } from './subscription.inputs.js';
import type { SubscriptionServices } from './subscription-terms.js';

/**
 * Previews run the very code of the real run on the very inputs it will read, and append nothing: the subscription's
 * stream, the tenant's settings, the customer, the catalog and the number sequences as a command reads them (not the
 * read models, so a preview is never behind the posting it announces). The charge lines come from the decider's own
 * previews (upcomingCharges runs the due work before the next bill exactly as the scheduler will; previewChange
 * decides ChangeSubscription), and the documents from postCharges, the function that posts them: so the upcoming
 * invoice, line by line and with its tax, is the invoice the renewal will issue, and a change's preview is what the
 * change will post.
 */

/** What a posting would create, decided and not appended. */
export interface PostingPreview {
  /** The invoice as it would be issued (its number is the one the sequence would give now, and may be taken meanwhile). */
  readonly invoice: InvoiceState | null;
  /** The credit note of the credit lines, issued and applied as it would be. */
  readonly creditNote: CreditNoteState | null;
}

export interface UpcomingInvoice extends PostingPreview {
  readonly subscriptionId: string;
  readonly period: BillingPeriod;
  /** The day the period is billed (in the subscription's zone): its start in advance, its end in arrears. */
  readonly billDate: string;
  /** The instant the scheduler will bill it at: the start of billDate in the subscription's zone. */
  readonly billAt: string;
  readonly lines: readonly ChargeLine[];
  /** The signed total of the lines (charges less credits, before tax). */
  readonly total: string;
  readonly currency: string;
}

/** The next bill of a subscription, or null when none is left (terminated, or nothing before a scheduled cancellation). */
export async function upcomingInvoice(services: ApplicationServices, tenantId: string, subscriptionId: string): Promise<UpcomingInvoice | null> {
  const id = requireIdentifier(subscriptionId, 'subscriptionId');
  const [loaded, settings, now] = await Promise.all([loadSubscriptionHistory(services.store, tenantId, id), loadBillingSettings(services, tenantId), services.tenantClock.now(tenantId)]);
  const { state } = loaded.state;
  if (state.status === 'none') throw new DomainError('NOT_FOUND', `Subscription ${id} does not exist`, { subscriptionId: id });
  const upcoming = upcomingCharges(state, calendarDateInZone(now, state.timeZone));
  if (upcoming === null || state.customerId === null || state.currency === null) return null;
  const billAt = startOfDayInZone(upcoming.dueDate, state.timeZone);
  const charges: Charges = {
    subscriptionId: id,
    customerId: state.customerId,
    currency: state.currency,
    invoiceId: periodInvoiceId(id, upcoming.period.start),
    lines: upcoming.lines,
    reason: 'period',
  };
  const posting = upcoming.lines.length === 0 ? { invoice: null, creditNote: null } : await postCharges(services, previewContext(tenantId, billAt), settings, loaded.state, charges);
  return {
    subscriptionId: id,
    period: upcoming.period,
    billDate: upcoming.dueDate,
    billAt,
    lines: upcoming.lines,
    total: upcoming.total,
    currency: state.currency,
    invoice: posting.invoice,
    creditNote: posting.creditNote,
  };
}

export interface SubscriptionChangePreview extends ChangePreview, PostingPreview {
  readonly subscriptionId: string;
  readonly currency: string;
}

/**
 * What changeSubscription with this input would do now: the same command data (the plan read and priced the same
 * way, the same day), decided by the decider's previewChange; with always_invoice, the invoice and credit note it
 * would post. Refusals are the command's own (the same codes).
 */
export async function previewSubscriptionChange(services: SubscriptionServices, tenantId: string, input: ChangeSubscriptionCommandInput): Promise<SubscriptionChangePreview> {
  const id = requireIdentifier(input.subscriptionId, 'subscriptionId');
  const [loaded, settings, now] = await Promise.all([loadSubscriptionHistory(services.store, tenantId, id), loadBillingSettings(services, tenantId), services.tenantClock.now(tenantId)]);
  const context = previewContext(tenantId, now);
  const data = await changeCommandData(services, context, loaded.state, settings, input);
  const preview = previewChange(loaded.state.state, data);
  const posting = preview.invoicedNow ? await postPreview(services, context, settings, loaded.state, data.invoiceId ?? commandInvoiceId(context.commandId), preview.lines) : { invoice: null, creditNote: null };
  return { ...preview, ...posting, subscriptionId: id, currency: loaded.state.state.currency as string };
}

function postPreview(services: ApplicationServices, context: CommandContext, settings: Awaited<ReturnType<typeof loadBillingSettings>>, history: SubscriptionHistory, invoiceId: string, lines: readonly ChargeLine[]): Promise<PostingPreview> {
  const { state } = history;
  return postCharges(services, context, settings, history, {
    subscriptionId: state.subscriptionId as string,
    customerId: state.customerId as string,
    currency: state.currency as string,
    invoiceId,
    lines,
    reason: 'change',
  });
}

/** A context that names no real command: previews decide with it and append nothing. */
function previewContext(tenantId: string, now: string): CommandContext {
  const commandId = newId();
  return { tenantId, actor: 'preview', commandId, correlationId: commandId, causationId: commandId, now };
}
