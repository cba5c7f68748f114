import type { CreditNoteApplication, CreditNoteLine, CreditNoteState, CreditNoteTaxBreakdownEntry } from '../../../../libs/billing/src/index.js';
import type { CreditNoteRecord } from '../../../../projections/credit-notes/credit-notes.queries.js';
import { money } from '../graphql/common.types.js';
import { pricedLineView, taxBreakdownEntryView } from '../graphql/priced-document.view.js';
import type { CreditApplicationType, CreditNoteStatus, CreditNoteType, CreditReason, CreditType } from './credit-note.types.js';

export function creditNotePdfPath(creditNoteId: string): string {
  return `/credit-notes/${creditNoteId}.pdf`;
}

/** What the state and the read model share; each view below fills it from its own source. */
interface CreditNoteFigures {
  creditNoteId: string;
  number: string | null;
  customerId: string;
  status: string;
  type: string;
  reason: string;
  currency: string;
  sourceInvoiceId: string | null;
  lines: readonly CreditNoteLine[];
  taxBreakdown: readonly CreditNoteTaxBreakdownEntry[];
  subtotal: string;
  taxTotal: string;
  total: string;
  amountApplied: string;
  remaining: string;
  applications: readonly Pick<CreditNoteApplication, 'applicationId' | 'applicationType' | 'invoiceId' | 'amount' | 'appliedAt'>[];
  draftedAt: string;
  issuedAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
}

function creditNoteView(note: CreditNoteFigures): CreditNoteType {
  const { currency } = note;
  return {
    id: note.creditNoteId,
    number: note.number,
    customerId: note.customerId,
    status: note.status as CreditNoteStatus,
    type: note.type as CreditType,
    reason: note.reason as CreditReason,
    currency,
    sourceInvoiceId: note.sourceInvoiceId,
    lines: note.lines.map((line) => pricedLineView(line, currency)),
    subtotal: money(note.subtotal, currency),
    taxTotal: money(note.taxTotal, currency),
    total: money(note.total, currency),
    taxBreakdown: note.taxBreakdown.map((entry) => taxBreakdownEntryView(entry, currency)),
    amountApplied: money(note.amountApplied, currency),
    remaining: money(note.remaining, currency),
    applications: note.applications.map((application) => ({
      id: application.applicationId,
      applicationType: application.applicationType as CreditApplicationType,
      invoiceId: application.invoiceId,
      amount: money(application.amount, currency),
      appliedAt: application.appliedAt,
    })),
    draftedAt: note.draftedAt,
    issuedAt: note.issuedAt,
    voidedAt: note.voidedAt,
    voidReason: note.voidReason,
    pdfPath: creditNotePdfPath(note.creditNoteId),
  };
}

/** The note as just decided (mutation payloads). Only called on a note that exists. */
export function creditNoteViewFromState(state: CreditNoteState): CreditNoteType {
  if (state.status === 'none' || state.creditNoteId === null || state.customerId === null || state.currency === null || state.type === null || state.reason === null || state.draftedAt === null) {
    throw new Error('a credit note view of a note that does not exist');
  }
  return creditNoteView({
    ...state,
    creditNoteId: state.creditNoteId,
    customerId: state.customerId,
    currency: state.currency,
    type: state.type,
    reason: state.reason,
    draftedAt: state.draftedAt,
  });
}

/** The note from the read model (queries). */
export function creditNoteViewFromRecord(record: CreditNoteRecord): CreditNoteType {
  return creditNoteView(record);
}
