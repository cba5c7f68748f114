import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { creditNotesProjection } from '../../projections/credit-notes/credit-notes.projection.js';
import { CreditNoteQueries } from '../../projections/credit-notes/credit-notes.queries.js';
import { inStream, ProjectionSpecification } from '../../libs/testing/src/projection-spec.js';
import { creditNoteApplied, creditNoteDrafted, creditNoteFigures, creditNoteIssued, creditNoteLine } from './billing-events.fixtures.js';
import { startProjectionSpecDatabase, type ProjectionSpecDatabase } from './projection-spec.support.js';

/**
 * The credit-notes projection on its own, on real PostgreSQL: a note's row from draft to issued, applied and voided,
 * and one row per application of its credit.
 */
describe('credit-notes projection', () => {
  let database: ProjectionSpecDatabase;

  beforeAll(async () => {
    database = await startProjectionSpecDatabase();
  });

  afterAll(async () => {
    await database?.stop();
  });

  const spec = () => ProjectionSpecification.for({ projection: creditNotesProjection, db: database.db });
  const stream = 'acme:credit_note-cn-1';
  const DRAFTED = '2026-03-10T08:00:00.000Z';
  const ISSUED = '2026-03-10T09:00:00.000Z';
  const APPLIED = '2026-03-12T16:45:00.000Z';

  /** cn-1 as drafted (12.00 USD on inv-1); cases override what later events change. */
  const draftRow = (overrides: Record<string, unknown> = {}) => ({
    tenant_id: 'acme',
    credit_note_id: 'cn-1',
    number: null,
    customer_id: 'customer-1',
    source_invoice_id: 'inv-1',
    type: 'adjustment',
    reason: 'billing_error',
    status: 'draft',
    currency: 'USD',
    lines: [creditNoteLine],
    tax_breakdown: creditNoteFigures.taxBreakdown,
    subtotal: '10.00',
    tax_total: '2.00',
    total: '12.00',
    // A draft grants nothing yet.
    amount_applied: '0.00',
    remaining: '0.00',
    drafted_at: DRAFTED,
    issued_at: null,
    voided_at: null,
    void_reason: null,
    updated_at: DRAFTED,
    ...overrides,
  });
  const issued = { status: 'issued', number: 'CN-2026-000001', remaining: '12.00', issued_at: ISSUED, updated_at: ISSUED };
  const issuedNote = () => [inStream(stream, creditNoteDrafted('cn-1', 'inv-1', DRAFTED)), inStream(stream, creditNoteIssued('cn-1', 'inv-1', 'CN-2026-000001', ISSUED))];
  const partlyApplied = () =>
    inStream(stream, creditNoteApplied({ creditNoteId: 'cn-1', applicationId: 'app-1', applicationType: 'invoice', invoiceId: 'inv-1', amount: '5.00', remaining: '7.00', status: 'partially_applied', appliedAt: APPLIED }));

  it('a draft: its lines and figures, nothing remaining to apply yet', async () => {
    await spec()
      .given([inStream(stream, creditNoteDrafted('cn-1', 'inv-1', DRAFTED))])
      .then({ credit_notes: [draftRow()], credit_note_applications: [] });
  });

  it('issued: numbered, its whole total remaining', async () => {
    await spec().given(issuedNote()).then({ credit_notes: [draftRow(issued)], credit_note_applications: [] });
  });

  it('applied in part, then the rest to the customer account: the status, the applied amount and each application', async () => {
    await spec()
      .given([...issuedNote(), partlyApplied()])
      .when([
        inStream(
          stream,
          creditNoteApplied({ creditNoteId: 'cn-1', applicationId: 'app-2', applicationType: 'customer_account', invoiceId: null, amount: '7.00', remaining: '0.00', status: 'applied', appliedAt: '2026-03-13T10:00:00.000Z' }),
        ),
      ])
      .then({
        credit_notes: [draftRow({ ...issued, status: 'applied', amount_applied: '12.00', remaining: '0.00', updated_at: '2026-03-13T10:00:00.000Z' })],
        credit_note_applications: [
          { tenant_id: 'acme', credit_note_id: 'cn-1', application_id: 'app-1', application_type: 'invoice', invoice_id: 'inv-1', amount: '5.00', remaining_after: '7.00', applied_at: APPLIED },
          {
            tenant_id: 'acme',
            credit_note_id: 'cn-1',
            application_id: 'app-2',
            application_type: 'customer_account',
            invoice_id: null,
            amount: '7.00',
            remaining_after: '0.00',
            applied_at: '2026-03-13T10:00:00.000Z',
          },
        ],
      });
  });

  it('voided while issued: nothing remains, the reason and instant kept, the number stays', async () => {
    await spec()
      .given(issuedNote())
      .when([
        inStream(stream, {
          type: 'CreditNoteVoided',
          data: { creditNoteId: 'cn-1', customerId: 'customer-1', reason: 'Raised in error', statusBefore: 'issued', ...creditNoteFigures, voidedAt: APPLIED },
        }),
      ])
      .then({ credit_notes: [draftRow({ ...issued, status: 'voided', remaining: '0.00', voided_at: APPLIED, void_reason: 'Raised in error', updated_at: APPLIED })] });
  });

  it('CreditNoteQueries.getCreditNote reads the note back with its applications', async () => {
    await spec()
      .given([...issuedNote(), partlyApplied()])
      .thenQuery((db, schema) => new CreditNoteQueries(db, schema).getCreditNote('acme', 'cn-1'), {
        creditNoteId: 'cn-1',
        number: 'CN-2026-000001',
        customerId: 'customer-1',
        sourceInvoiceId: 'inv-1',
        type: 'adjustment',
        reason: 'billing_error',
        status: 'partially_applied',
        currency: 'USD',
        lines: [creditNoteLine],
        taxBreakdown: creditNoteFigures.taxBreakdown,
        subtotal: '10.00',
        taxTotal: '2.00',
        total: '12.00',
        amountApplied: '5.00',
        remaining: '7.00',
        draftedAt: DRAFTED,
        issuedAt: ISSUED,
        voidedAt: null,
        voidReason: null,
        applications: [{ applicationId: 'app-1', applicationType: 'invoice', invoiceId: 'inv-1', amount: '5.00', remainingAfter: '7.00', appliedAt: APPLIED }],
      });
  });
});
