import { Money } from '../../../money/src/index.js';
import { assertNever } from '../common/assert-never.js';
import type { CreditApplicationType, CreditReason, CreditType } from './credit-note.commands.js';
import type { CreditNoteEvent, CreditNoteLine, CreditNoteTaxBreakdownEntry } from './credit-note.events.js';

/** CreditNoteStatus (docs/domain.md, "Credit notes and customer credit"), as the API exposes it. */
export const creditNoteStatuses = ['draft', 'issued', 'applied', 'voided', 'partially_applied'] as const;
export type CreditNoteStatus = (typeof creditNoteStatuses)[number];

/** 'none' is a stream without events. */
export type CreditNoteLifecycleStatus = 'none' | CreditNoteStatus;

/** One application of the note's credit, as the note remembers it. */
export interface CreditNoteApplication {
  applicationId: string;
  applicationType: CreditApplicationType;
  invoiceId: string | null;
  amount: string;
  appliedAt: string;
}

/**
 * Amounts are decimal strings fixed to the currency's minor unit ("0" before the note exists). A draft grants no
 * credit yet, so `remaining` is zero until the note is issued; from then on remaining = total - amountApplied, exactly,
 * and once voided it is zero again.
 */
export interface CreditNoteState {
  status: CreditNoteLifecycleStatus;
  creditNoteId: string | null;
  customerId: string | null;
  currency: string | null;
  type: CreditType | null;
  reason: CreditReason | null;
  lines: CreditNoteLine[];
  taxBreakdown: CreditNoteTaxBreakdownEntry[];
  subtotal: string;
  taxTotal: string;
  total: string;
  amountApplied: string;
  remaining: string;
  sourceInvoiceId: string | null;
  number: string | null;
  draftedAt: string | null;
  issuedAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  applications: CreditNoteApplication[];
}

export const initialCreditNoteState: CreditNoteState = {
  status: 'none',
  creditNoteId: null,
  customerId: null,
  currency: null,
  type: null,
  reason: null,
  lines: [],
  taxBreakdown: [],
  subtotal: '0',
  taxTotal: '0',
  total: '0',
  amountApplied: '0',
  remaining: '0',
  sourceInvoiceId: null,
  number: null,
  draftedAt: null,
  issuedAt: null,
  voidedAt: null,
  voidReason: null,
  applications: [],
};

/** Applies one event. Events are facts: evolve never validates or throws for business reasons. */
export function evolveCreditNote(state: CreditNoteState, event: CreditNoteEvent): CreditNoteState {
  switch (event.type) {
    case 'CreditNoteDrafted': {
      const { data } = event;
      const zero = Money.zero(data.currency).toString();
      return {
        ...initialCreditNoteState,
        status: 'draft',
        creditNoteId: data.creditNoteId,
        customerId: data.customerId,
        currency: data.currency,
        type: data.type,
        reason: data.reason,
        lines: data.lines,
        taxBreakdown: data.taxBreakdown,
        subtotal: data.subtotal,
        taxTotal: data.taxTotal,
        total: data.total,
        amountApplied: zero,
        remaining: zero,
        sourceInvoiceId: data.sourceInvoiceId,
        draftedAt: data.draftedAt,
      };
    }
    case 'CreditNoteIssued':
      return { ...state, status: 'issued', number: event.data.number, issuedAt: event.data.issuedAt, remaining: event.data.total };
    case 'CreditNoteApplied': {
      const { data } = event;
      return {
        ...state,
        status: data.status,
        amountApplied: Money.of(state.amountApplied, data.currency).plus(Money.of(data.amount, data.currency)).toString(),
        remaining: data.remaining,
        applications: [
          ...state.applications,
          { applicationId: data.applicationId, applicationType: data.applicationType, invoiceId: data.invoiceId, amount: data.amount, appliedAt: data.appliedAt },
        ],
      };
    }
    case 'CreditNoteVoided':
      // The number stays: numbering is gapless and a voided document keeps its number.
      return {
        ...state,
        status: 'voided',
        remaining: Money.zero(event.data.currency).toString(),
        voidedAt: event.data.voidedAt,
        voidReason: event.data.reason,
      };
    default:
      return assertNever(event, 'credit note event');
  }
}
