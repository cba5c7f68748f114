import type { BillingSettings, InvoiceState } from '../../../billing/src/index.js';
import type { Position } from '../../../event-store/src/index.js';

/**
 * An invoice as a command left it, the settings the command read (the answer judges "overdue" on today in the
 * tenant's time zone), and the position of the command's events (or of where it was first applied).
 */
export interface InvoiceOutcome {
  readonly state: InvoiceState;
  readonly settings: BillingSettings;
  readonly position: Position | undefined;
}

/** The outcome of an invoice command, in the shape executeCommand's `result` takes (the settings are its extra read). */
export function invoiceOutcome(state: InvoiceState, position: Position | undefined, settings: BillingSettings): InvoiceOutcome {
  return { state, settings, position };
}
