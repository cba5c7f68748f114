import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { tenantTodayIn, type InvoiceOutcome } from '../../../../libs/ledger-application/src/index.js';
import type { LedgerServices } from '../ledger-services.js';
import type { InvoicePayloadType } from './invoice.types.js';
import { invoiceViewFromState } from './invoice.view.js';

/** An invoice mutation's answer: the invoice as just decided, with "overdue" judged on today in the tenant's time zone. */
export function invoicePayload(services: LedgerServices, { state, settings, position }: InvoiceOutcome): InvoicePayloadType {
  return { invoice: invoiceViewFromState(state, tenantTodayIn(services, settings)), position: encodePosition(position ?? START_POSITION) };
}
