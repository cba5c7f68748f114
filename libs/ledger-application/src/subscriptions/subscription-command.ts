import {
  decideSubscription,
  type BillingSettings,
  type CreditNoteState,
  type InvoiceState,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionState,
} from '../../../billing/src/index.js';
import { executeWithRetry, storedAppend, streams, type CommandContext, type CommandWithoutMetadata } from '../../../application/src/index.js';
import type { AppendRequest, Position } from '../../../event-store/src/index.js';
import type { ChargeDocuments } from '../../../../projections/subscriptions/subscription-documents.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { postCharges, type Charges } from './charges-posting.js';
import { evolveSubscriptionHistory, loadSubscriptionHistory, type SubscriptionHistory } from './subscription-stream.js';

/** A subscription as a command left it, what it posted, and the position of its events (or of where it was first applied). */
export interface SubscriptionOutcome {
  readonly state: SubscriptionState;
  readonly position: Position | undefined;
  /** The documents the command's charges became (none for a command that charged nothing, or a repeated one). */
  readonly documents: readonly ChargeDocuments[];
  /** The invoice and credit note as posted, when the command posted them. */
  readonly invoice: InvoiceState | null;
  readonly creditNote: CreditNoteState | null;
}

/**
 * Builds the command from the subscription's history (state and charged lines) and the tenant's settings: the
 * handler puts the terms, `today` and the tenant's policies into it. May refuse (a DomainError) before anything is
 * decided.
 */
export type SubscriptionCommandBuilder = (
  history: SubscriptionHistory,
  settings: BillingSettings,
) => CommandWithoutMetadata<SubscriptionCommand> | Promise<CommandWithoutMetadata<SubscriptionCommand>>;

/**
 * Every subscription command, whoever sends it (a mutation, or the scheduler for due work), runs here: load the
 * subscription's stream (with the command id, so a retried command answers with its first outcome and a
 * re-dispatched piece of due work acts once) and the settings, build the command, decide it, and post what its
 * events charge (SubscriptionPeriodBilled, SubscriptionChangeInvoiced) as an invoice and a credit note
 * (charges-posting.ts), all of it in ONE atomic append with the subscription's own events, each stream at the
 * revision read. A conflict anywhere re-reads and re-decides everything (executeWithRetry); a refusal stands only if
 * none of the streams it read has moved.
 */
export function runSubscriptionCommand(
  services: ApplicationServices,
  context: CommandContext,
  subscriptionId: string,
  build: SubscriptionCommandBuilder,
): Promise<SubscriptionOutcome> {
  const streamId = streams.subscription(context.tenantId, subscriptionId);
  return executeWithRetry(services.store, async (_attempt, reads) => {
    const [loaded, settings] = await Promise.all([loadSubscriptionHistory(services.store, context.tenantId, subscriptionId, context.commandId), loadBillingSettings(services, context.tenantId)]);
    reads.track(streamId, loaded);
    const { alreadyAppliedAt } = loaded;
    if (alreadyAppliedAt) {
      return { appends: [], result: () => ({ state: loaded.state.state, position: alreadyAppliedAt, documents: [], invoice: null, creditNote: null }) };
    }
    const command = { ...(await build(loaded.state, settings)), metadata: { now: context.now } } as SubscriptionCommand;
    const events = decideSubscription(command, loaded.state.state);
    const appends: AppendRequest[] = [storedAppend(context, streamId, loaded.expectedRevision, events)];
    const documents: ChargeDocuments[] = [];
    let invoice: InvoiceState | null = null;
    let creditNote: CreditNoteState | null = null;
    // Each charge is posted on the history as it stands when its event is decided (a cancellation applies its due
    // pending changes first, in the same decision).
    let history = loaded.state;
    for (const event of events) {
      const charges = chargesOf(event);
      if (charges !== null) {
        const posting = await postCharges(services, context, settings, history, charges, reads);
        appends.push(...posting.appends);
        documents.push(posting.documents);
        invoice = posting.invoice ?? invoice;
        creditNote = posting.creditNote ?? creditNote;
      }
      history = evolveSubscriptionHistory(history, event);
    }
    requireOneAppendPerStream(appends);
    return { appends, result: (position) => ({ state: history.state, position: position ?? loaded.lastPosition, documents, invoice, creditNote }) };
  });
}

/** What a subscription event charges, or null: a bill or an invoiced change with at least one line. */
export function chargesOf(event: SubscriptionEvent): Charges | null {
  switch (event.type) {
    case 'SubscriptionPeriodBilled': {
      const { data } = event;
      if (data.lines.length === 0) return null;
      return { subscriptionId: data.subscriptionId, customerId: data.customerId, currency: data.currency, invoiceId: data.invoiceId, lines: data.lines, reason: 'period' };
    }
    case 'SubscriptionChangeInvoiced': {
      const { data } = event;
      return { subscriptionId: data.subscriptionId, customerId: data.customerId, currency: data.currency, invoiceId: data.invoiceId, lines: data.lines, reason: data.reason };
    }
    default:
      return null;
  }
}

/** Two parts of one append on the same stream would conflict with each other: a bug in the posting, not a race. */
function requireOneAppendPerStream(appends: readonly AppendRequest[]): void {
  const seen = new Set<string>();
  for (const append of appends) {
    if (seen.has(append.streamId)) throw new Error(`a subscription command appends twice to ${append.streamId}`);
    seen.add(append.streamId);
  }
}
