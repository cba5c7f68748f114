import { uuidV5 } from '../../libs/application/src/index.js';
import { parseComputedDecimal } from '../../libs/money/src/index.js';
import type { ChargeLine } from '../../libs/billing/src/index.js';

/**
 * The documents a subscription's charges become, named once for the application (which creates them) and the read
 * models (which link them to the subscription): the non-negative lines make an invoice, the negative ones (proration
 * credits) one credit note (docs/domain.md, "Subscriptions"). Ids are UUIDs derived from what the charge is for, so a
 * retried or re-dispatched command names the same documents and can never bill a period twice.
 */

/** The invoice of a period's bill: one per (subscription, period start), whoever bills it and however often it is retried. */
export function periodInvoiceId(subscriptionId: string, periodStart: string): string {
  return uuidV5(`subscription:${subscriptionId}:period:${periodStart}:invoice`);
}

/** The invoice of the lines still pending when a scheduled cancellation terminates the subscription (once per subscription). */
export function terminationInvoiceId(subscriptionId: string): string {
  return uuidV5(`subscription:${subscriptionId}:termination:invoice`);
}

/** The invoice a change invoiced now, or a cancellation now, creates: named by the command (its idempotency key). */
export function commandInvoiceId(commandId: string): string {
  return uuidV5(`${commandId}:subscription-invoice`);
}

/** The credit note of the credit lines that go with invoice `invoiceId` (named even when no invoice is created). */
export function chargeCreditNoteId(invoiceId: string): string {
  return uuidV5(`${invoiceId}:credit-note`);
}

export interface ChargeDocuments {
  /** The invoice of the non-negative lines, or null when every line is a credit. */
  readonly invoiceId: string | null;
  /** The credit note of the negative lines, or null when there is none. */
  readonly creditNoteId: string | null;
}

/** Which documents the lines of a charge event (invoice id `invoiceId`) become. */
export function chargeDocumentsOf(invoiceId: string, lines: readonly Pick<ChargeLine, 'amount'>[]): ChargeDocuments {
  const credits = lines.some((line) => isCredit(line));
  const charges = lines.some((line) => !isCredit(line));
  return { invoiceId: charges ? invoiceId : null, creditNoteId: credits ? chargeCreditNoteId(invoiceId) : null };
}

/** A line that gives money back: a negative amount. */
export function isCredit(line: Pick<ChargeLine, 'amount'>): boolean {
  return parseComputedDecimal(line.amount, 'amount').lt(0);
}
