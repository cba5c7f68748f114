import { evolveSubscription, initialSubscriptionState, type ChargeLine, type SubscriptionEvent, type SubscriptionState } from '../../../billing/src/index.js';
import { aggregates, loadStream, type LoadedStream } from '../../../application/src/index.js';
import type { EventStore } from '../../../event-store/src/index.js';
import { chargeDocumentsOf, isCredit } from '../../../../projections/subscriptions/subscription-documents.js';

/**
 * A line an invoice of the subscription charged: which invoice, which of its lines (an invoice line's id is the
 * charge line's), for which item and days. A proration credit is a credit on the invoice that charged its days.
 */
export interface ChargedLine {
  readonly invoiceId: string;
  readonly line: ChargeLine;
}

/** The subscription's state and the lines its invoices charged, oldest first. */
export interface SubscriptionHistory {
  readonly state: SubscriptionState;
  readonly charged: readonly ChargedLine[];
}

const initialHistory: SubscriptionHistory = { state: initialSubscriptionState, charged: [] };

/**
 * The history as one more event leaves it. Only the lines that can still be credited are kept: a credit is always for
 * days of the last billed period or later (the subscription never credits further back), so lines that ended before
 * the last billed period's start are dropped, and the list stays as short as one period's invoices.
 */
export function evolveSubscriptionHistory(history: SubscriptionHistory, event: SubscriptionEvent): SubscriptionHistory {
  const state = evolveSubscription(history.state, event);
  let charged = history.charged;
  if (event.type === 'SubscriptionPeriodBilled' || event.type === 'SubscriptionChangeInvoiced') {
    const { invoiceId } = chargeDocumentsOf(event.data.invoiceId, event.data.lines);
    if (invoiceId !== null) charged = [...charged, ...event.data.lines.filter((line) => !isCredit(line)).map((line) => ({ invoiceId, line }))];
  }
  const from = state.lastBilledPeriod?.start;
  if (from !== undefined) charged = charged.filter(({ line }) => line.periodEnd > from);
  return { state, charged };
}

/** A subscription's stream folded into its history; with a command id, a retried command is recognised (alreadyAppliedAt). */
export function loadSubscriptionHistory(store: EventStore, tenantId: string, subscriptionId: string, commandId?: string): Promise<LoadedStream<SubscriptionHistory>> {
  return loadStream(
    store,
    aggregates.subscription.stream(tenantId, subscriptionId),
    { evolve: evolveSubscriptionHistory, initialState: initialHistory },
    aggregates.subscription.parse,
    commandId,
  );
}

/**
 * The invoice that charged the days a credit line gives back: the latest invoice line of the same item, charged (a
 * recurring or proration charge line) for a range that holds the credit's first day. `pending` are lines charged in
 * the same posting (they come after everything recorded). Null when none did (days the subscription never invoiced).
 */
export function chargeOf(credit: ChargeLine, charged: readonly ChargedLine[]): ChargedLine | null {
  for (let index = charged.length - 1; index >= 0; index -= 1) {
    const candidate = charged[index] as ChargedLine;
    const { line } = candidate;
    if (line.itemId !== credit.itemId || (line.kind !== 'recurring' && line.kind !== 'proration_charge')) continue;
    if (line.periodStart <= credit.periodStart && credit.periodStart < line.periodEnd) return candidate;
  }
  return null;
}
