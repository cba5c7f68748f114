import type { DocumentKind } from '../number-sequence/number-sequence.commands.js';
import { assertNever } from '../common/assert-never.js';
import { calendarPeriodInZone, type CalendarPeriod } from '../tenant-calendar/tenant-calendar.js';
import type { BillingSettings } from './billing-settings.js';

/** The prefix and template the settings give a document kind: the inputs of AssignDocumentNumber. */
export function documentNumberingOf(settings: BillingSettings, documentKind: DocumentKind): { prefix: string; template: string } {
  const { invoice } = settings;
  switch (documentKind) {
    case 'invoice':
      return { prefix: invoice.numberPrefix, template: invoice.numberFormat };
    case 'receipt':
      return { prefix: invoice.receiptNumberPrefix, template: invoice.receiptNumberFormat };
    case 'credit_note':
      return { prefix: invoice.creditNoteNumberPrefix, template: invoice.creditNoteNumberFormat };
    default:
      return assertNever(documentKind, 'document kind');
  }
}

/**
 * The numbering period (year, month) of a document issued at `issuedAt`, on the tenant's calendar: a sequence
 * that restarts each year restarts at midnight of 1 January in the tenant's time zone, not in UTC.
 */
export function documentNumberingPeriodOf(settings: BillingSettings, issuedAt: string): CalendarPeriod {
  return calendarPeriodInZone(issuedAt, settings.tenant.timeZone);
}
