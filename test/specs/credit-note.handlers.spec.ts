import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { applyCreditNote } from '../../libs/ledger-application/src/credit-notes/apply-credit-note.handler.js';
import { createCreditNote } from '../../libs/ledger-application/src/credit-notes/create-credit-note.handler.js';
import { issueCreditNote } from '../../libs/ledger-application/src/credit-notes/issue-credit-note.handler.js';
import { voidCreditNote } from '../../libs/ledger-application/src/credit-notes/void-credit-note.handler.js';
import { streams, uuidV5 } from '../../libs/application/src/index.js';
import {
  CUSTOMER_ID,
  ISSUED_AT,
  creditNoteApplied,
  creditNoteDrafted,
  creditNoteFigures,
  creditNoteIssued,
  creditNoteLine,
  creditNoteNumberAssigned,
  invoiceCreditApplied,
  invoiceCreditNoteRegistered,
  invoiceDrafted,
  issuedInvoiceHistory,
} from './billing-events.fixtures.js';
import { startHandlerSpecLedger, type HandlerSpecLedger } from './handler-spec.support.js';

type CreateCreditNoteInput = Parameters<typeof createCreditNote>[2];
type ApplyCreditNoteInput = Parameters<typeof applyCreditNote>[2];

/**
 * Credit notes through their real handlers on the real event store: drafted against what is creditable on the source
 * invoice, issued with a gapless number and registered on that invoice in one append, applied to an invoice, voided
 * only while nothing is applied.
 */
describe('credit note handlers', () => {
  let h: HandlerSpecLedger;

  beforeAll(async () => {
    h = await startHandlerSpecLedger();
  });

  afterAll(async () => {
    await h?.stop();
  });

  const services = () => h.ledger.services;
  const DRAFTED = '2026-03-10T08:00:00.000Z';
  const NOW = '2026-03-12T16:45:00.000Z';
  const issuedInvoice = issuedInvoiceHistory;
  /** cn-1 (12.00 USD on inv-1), issued as CN-2026-000001 and registered on inv-1. */
  const issuedNote = () => [creditNoteDrafted('cn-1', 'inv-1', DRAFTED), creditNoteIssued('cn-1', 'inv-1', 'CN-2026-000001', DRAFTED)];
  const invoiceWithNote = () => [...issuedInvoice(), invoiceCreditNoteRegistered('inv-1', 'cn-1', '59.96', DRAFTED)];

  describe('createCreditNote', () => {
    it('drafts a note on an issued invoice, recording what is still creditable on it', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-create-note`;
      const creditNoteId = uuidV5(`${commandId}:credit-note`);
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: issuedInvoice() })
        .when(() =>
          createCreditNote(services(), h.context(tenant, commandId, NOW), {
            customerId: CUSTOMER_ID,
            currency: 'USD',
            type: 'adjustment',
            reason: 'billing_error',
            lines: [{ description: 'Service outage, 2 days', quantity: '1', unitPrice: '10.00', taxRate: '20' }],
            sourceInvoiceId: 'inv-1',
          } as CreateCreditNoteInput),
        )
        .then({
          [streams.creditNote(tenant, creditNoteId)]: [
            {
              type: 'CreditNoteDrafted',
              data: {
                creditNoteId,
                customerId: CUSTOMER_ID,
                type: 'adjustment',
                reason: 'billing_error',
                lines: [{ ...creditNoteLine, lineId: uuidV5(`${commandId}:credit-note-line:0`) }],
                ...creditNoteFigures,
                sourceInvoiceId: 'inv-1',
                creditableOnSource: '71.96',
                draftedAt: NOW,
              },
            },
          ],
        });
    });

    it('refuses a note on a draft invoice (INVOICE_NOT_OPEN)', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: [invoiceDrafted('inv-1')] })
        .when(() =>
          createCreditNote(services(), h.context(tenant, `${tenant}-create-note`, NOW), {
            customerId: CUSTOMER_ID,
            currency: 'USD',
            type: 'adjustment',
            reason: 'billing_error',
            lines: [{ description: 'Service outage, 2 days', quantity: '1', unitPrice: '10.00', taxRate: '20' }],
            sourceInvoiceId: 'inv-1',
          } as CreateCreditNoteInput),
        )
        .thenFails('INVOICE_NOT_OPEN', /is draft: only an issued invoice can be credited/);
    });
  });

  describe('issueCreditNote', () => {
    it('takes the first CN number of the year and registers the note on its source invoice, in one append', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: issuedInvoice(), [streams.creditNote(tenant, 'cn-1')]: [creditNoteDrafted('cn-1', 'inv-1', DRAFTED)] })
        .when(() => issueCreditNote(services(), h.context(tenant, `${tenant}-issue-note`, NOW), { creditNoteId: 'cn-1' }))
        .then({
          [streams.numberSequence(tenant, 'credit_note', '2026')]: [creditNoteNumberAssigned('cn-1', 1, NOW)],
          [streams.creditNote(tenant, 'cn-1')]: [creditNoteIssued('cn-1', 'inv-1', 'CN-2026-000001', NOW)],
          [streams.invoice(tenant, 'inv-1')]: [invoiceCreditNoteRegistered('inv-1', 'cn-1', '59.96', NOW)],
        });
    });

    it('refuses a note larger than what is still creditable on the invoice (AMOUNT_EXCEEDS_CREDITABLE), taking no number', async () => {
      const tenant = h.newTenant();
      const earlierNote = { type: 'InvoiceCreditNoteRegistered' as const, data: { invoiceId: 'inv-1', creditNoteId: 'cn-0', currency: 'USD', amount: '65.00', creditableAfter: '6.96', registeredAt: ISSUED_AT } };
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: [...issuedInvoice(), earlierNote], [streams.creditNote(tenant, 'cn-1')]: [creditNoteDrafted('cn-1', 'inv-1', DRAFTED)] })
        .when(() => issueCreditNote(services(), h.context(tenant, `${tenant}-issue-note`, NOW), { creditNoteId: 'cn-1' }))
        .thenFails('AMOUNT_EXCEEDS_CREDITABLE');
    });
  });

  describe('applyCreditNote', () => {
    it('applies part of the note to an invoice: the note keeps the rest, the invoice balance falls by the amount', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-apply-note`;
      const applicationId = uuidV5(`${commandId}:credit-note-application`);
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: invoiceWithNote(), [streams.creditNote(tenant, 'cn-1')]: issuedNote() })
        .when(() =>
          applyCreditNote(services(), h.context(tenant, commandId, NOW), { creditNoteId: 'cn-1', applicationType: 'invoice', invoiceId: 'inv-1', amount: '5.00' } as ApplyCreditNoteInput),
        )
        .then({
          [streams.creditNote(tenant, 'cn-1')]: [
            creditNoteApplied({ creditNoteId: 'cn-1', applicationId, applicationType: 'invoice', invoiceId: 'inv-1', amount: '5.00', remaining: '7.00', status: 'partially_applied', appliedAt: NOW }),
          ],
          [streams.invoice(tenant, 'inv-1')]: [
            invoiceCreditApplied({ invoiceId: 'inv-1', applicationId, source: 'credit_note', sourceId: 'cn-1', amount: '5.00', balanceDueAfter: '66.96', appliedAt: NOW }),
          ],
        });
    });
  });

  describe('voidCreditNote', () => {
    it('voids an issued note with nothing applied: its total is creditable on the invoice again', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: invoiceWithNote(), [streams.creditNote(tenant, 'cn-1')]: issuedNote() })
        .when(() => voidCreditNote(services(), h.context(tenant, `${tenant}-void-note`, NOW), { creditNoteId: 'cn-1', reason: 'Raised in error' }))
        .then({
          [streams.creditNote(tenant, 'cn-1')]: [
            {
              type: 'CreditNoteVoided',
              data: { creditNoteId: 'cn-1', customerId: CUSTOMER_ID, reason: 'Raised in error', statusBefore: 'issued', ...creditNoteFigures, voidedAt: NOW },
            },
          ],
          [streams.invoice(tenant, 'inv-1')]: [
            { type: 'InvoiceCreditNoteReleased', data: { invoiceId: 'inv-1', creditNoteId: 'cn-1', currency: 'USD', amount: '12.00', creditableAfter: '71.96', releasedAt: NOW } },
          ],
        });
    });

    it('refuses a note with credit applied (CREDIT_NOTE_HAS_APPLICATIONS)', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({
          [streams.invoice(tenant, 'inv-1')]: [
            ...invoiceWithNote(),
            invoiceCreditApplied({ invoiceId: 'inv-1', applicationId: 'app-1', source: 'credit_note', sourceId: 'cn-1', amount: '5.00', balanceDueAfter: '66.96', appliedAt: DRAFTED }),
          ],
          [streams.creditNote(tenant, 'cn-1')]: [
            ...issuedNote(),
            creditNoteApplied({ creditNoteId: 'cn-1', applicationId: 'app-1', applicationType: 'invoice', invoiceId: 'inv-1', amount: '5.00', remaining: '7.00', status: 'partially_applied', appliedAt: DRAFTED }),
          ],
        })
        .when(() => voidCreditNote(services(), h.context(tenant, `${tenant}-void-note`, NOW), { creditNoteId: 'cn-1', reason: 'Raised in error' }))
        .thenFails('CREDIT_NOTE_HAS_APPLICATIONS');
    });
  });
});
