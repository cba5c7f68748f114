import type { CommandContext } from '../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { tenantTodayIn, type InvoiceOutcome } from '../../../../libs/ledger-application/src/index.js';
import type { InvoicePayloadType } from './invoice.types.js';
import { invoiceViewFromState } from './invoice.view.js';

/**
 * An invoice mutation's answer: the invoice as just decided, with "overdue" judged on the tenant's date at the
 * command's `now` (the tenant's clock), the day the command itself decided on.
 */
export function invoicePayload(context: Pick<CommandContext, 'now'>, { state, settings, position }: InvoiceOutcome): InvoicePayloadType {
  return { invoice: invoiceViewFromState(state, tenantTodayIn(context.now, settings)), position: encodePosition(position ?? START_POSITION) };
}
