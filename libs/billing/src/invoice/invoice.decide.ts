import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import type { InvoiceCommand } from './invoice.commands.js';
import { registerCreditNote, releaseCreditNote } from './invoice.credit-notes.js';
import { addInvoiceLine, createInvoice, removeInvoiceLine } from './invoice.drafting.js';
import type { InvoiceEvent } from './invoice.events.js';
import { issueInvoice } from './invoice.issue.js';
import { markInvoiceOverdue, markPaymentReminderDue } from './invoice.overdue.js';
import { applyCreditToInvoice, applyPaymentToInvoice, recordInvoicePayment, refundInvoicePayment, writeOffInvoice } from './invoice.settlement.js';
import type { InvoiceState } from './invoice.state.js';
import { voidInvoice } from './invoice.voiding.js';

/**
 * Order of checks in every command: the metadata, then whether the settings allow the command at all (a feature
 * turned off), then whether the invoice exists and is in a state that accepts the command, then the command's own
 * data, then rules that relate the data to the state and the settings.
 *
 * Settings and customer data arrive inside the commands (InvoiceSettingsContext); a command without them is decided
 * as before settings existed. Commands that change the lines (create, add, remove) and IssueInvoice re-price the
 * lines with the settings they carry and emit InvoiceTaxCalculated when the tax figures change.
 */
export function decideInvoice(command: InvoiceCommand, state: InvoiceState): InvoiceEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'CreateInvoice':
        return createInvoice(command, state);
      case 'AddInvoiceLine':
        return addInvoiceLine(command, state);
      case 'RemoveInvoiceLine':
        return removeInvoiceLine(command, state);
      case 'IssueInvoice':
        return issueInvoice(command, state);
      case 'RecordInvoicePayment':
        return recordInvoicePayment(command, state);
      case 'VoidInvoice':
        return voidInvoice(command, state);
      case 'ApplyPaymentToInvoice':
        return applyPaymentToInvoice(command, state);
      case 'ApplyCreditToInvoice':
        return applyCreditToInvoice(command, state);
      case 'RefundInvoicePayment':
        return refundInvoicePayment(command, state);
      case 'WriteOffInvoice':
        return writeOffInvoice(command, state);
      case 'RegisterCreditNote':
        return registerCreditNote(command, state);
      case 'ReleaseCreditNote':
        return releaseCreditNote(command, state);
      case 'MarkInvoiceOverdue':
        return markInvoiceOverdue(command, state);
      case 'MarkPaymentReminderDue':
        return markPaymentReminderDue(command, state);
      default:
        return assertNever(command, 'invoice command');
    }
  });
}
