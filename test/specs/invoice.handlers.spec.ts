import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { addInvoiceLine } from '../../libs/ledger-application/src/invoices/add-invoice-line.handler.js';
import { createInvoice } from '../../libs/ledger-application/src/invoices/create-invoice.handler.js';
import { issueInvoice } from '../../libs/ledger-application/src/invoices/issue-invoice.handler.js';
import { voidInvoice } from '../../libs/ledger-application/src/invoices/void-invoice.handler.js';
import { writeOffInvoice } from '../../libs/ledger-application/src/invoices/write-off-invoice.handler.js';
import { streams, uuidV5 } from '../../libs/application/src/index.js';
import {
  CUSTOMER_ID,
  ISSUED_AT,
  invoiceDrafted,
  invoiceIssued,
  invoiceLine,
  invoiceNumberAssigned,
  invoicePaymentApplied,
  invoiceVoided,
} from './billing-events.fixtures.js';
import { SPEC_ACTOR, startHandlerSpecLedger, type HandlerSpecLedger } from './handler-spec.support.js';

/**
 * The invoice command handlers as the resolvers call them, on the real event store: given a history, when a command
 * runs, then exactly these events are appended (or it is refused with its code and nothing is appended).
 */
describe('invoice handlers', () => {
  let h: HandlerSpecLedger;

  beforeAll(async () => {
    h = await startHandlerSpecLedger();
  });

  afterAll(async () => {
    await h?.stop();
  });

  const NOW = '2026-03-02T11:00:00.000Z';
  const services = () => h.ledger.services;

  describe('createInvoice', () => {
    it('drafts the invoice with its priced lines and the default terms; ids come from the command id', async () => {
      const tenant = h.newTenant();
      const commandId = `${tenant}-create`;
      const invoiceId = uuidV5(`${commandId}:invoice`);
      await h.spec
        .given({})
        .when(() =>
          createInvoice(services(), h.context(tenant, commandId, NOW), {
            customerId: CUSTOMER_ID,
            currency: 'USD',
            lines: [{ description: 'Consulting hours', quantity: '3', unitPrice: '19.99', taxRate: '20' }],
          }),
        )
        .then({
          [streams.invoice(tenant, invoiceId)]: [
            {
              type: 'InvoiceDrafted',
              data: {
                invoiceId,
                customerId: CUSTOMER_ID,
                currency: 'USD',
                lines: [{ ...invoiceLine, lineId: uuidV5(`${commandId}:line:0`) }],
                dueDate: null,
                paymentTermsDays: 30,
                draftedAt: NOW,
              },
              metadata: { tenantId: tenant, actor: SPEC_ACTOR, commandId, correlationId: commandId, causationId: commandId, schemaVersion: 2 },
            },
          ],
        });
    });

    it('refuses a currency the tenant does not bill in (CURRENCY_NOT_SUPPORTED)', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({})
        .when(() => createInvoice(services(), h.context(tenant, `${tenant}-create`, NOW), { customerId: CUSTOMER_ID, currency: 'EUR', lines: [] }))
        .thenFails('CURRENCY_NOT_SUPPORTED', /EUR is not among this tenant's supported currencies \(USD\)/);
    });
  });

  describe('addInvoiceLine', () => {
    it('adds a priced line to a draft', async () => {
      const tenant = h.newTenant();
      const invoiceStream = streams.invoice(tenant, 'inv-1');
      const commandId = `${tenant}-add-line`;
      await h.spec
        .given({ [invoiceStream]: [invoiceDrafted('inv-1')] })
        .when(() =>
          addInvoiceLine(services(), h.context(tenant, commandId, NOW), {
            invoiceId: 'inv-1',
            line: { description: 'Router rental', quantity: '2', unitPrice: '4.995', taxRate: null },
          }),
        )
        .then({
          [invoiceStream]: [
            {
              type: 'InvoiceLineAdded',
              data: {
                invoiceId: 'inv-1',
                // 2 x 4.995 = 9.99 exactly; no rate, no tax.
                line: { lineId: uuidV5(`${commandId}:line`), description: 'Router rental', quantity: '2', unitPrice: '4.995', taxRate: null, amount: '9.99', taxAmount: '0.00' },
                addedAt: NOW,
              },
              metadata: { schemaVersion: 2 },
            },
          ],
        });
    });

    it('refuses a line on an issued invoice (INVOICE_NOT_DRAFT)', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: [invoiceDrafted('inv-1'), invoiceIssued('inv-1', 'INV-2026-000001')] })
        .when(() => addInvoiceLine(services(), h.context(tenant, `${tenant}-add-line`, NOW), { invoiceId: 'inv-1', line: { description: 'Late extra', quantity: '1', unitPrice: '1.00' } }))
        .thenFails('INVOICE_NOT_DRAFT', /only a draft invoice can add a line/);
    });
  });

  describe('issueInvoice', () => {
    /** What the issue records from the default settings for the invoice's due work (docs/overdue.md). */
    const collectionCalendar = { timeZone: 'UTC', reminderScheduleDays: [7, 3, 1] };

    it('takes the first number of the year and freezes the totals, in one append of the sequence and the invoice', async () => {
      const tenant = h.newTenant();
      const invoiceStream = streams.invoice(tenant, 'inv-1');
      await h.spec
        .given({ [invoiceStream]: [invoiceDrafted('inv-1')] })
        .when(() => issueInvoice(services(), h.context(tenant, `${tenant}-issue`, ISSUED_AT), { invoiceId: 'inv-1' }))
        .then({
          [streams.numberSequence(tenant, 'invoice', '2026')]: [invoiceNumberAssigned('inv-1', 1)],
          [invoiceStream]: [invoiceIssued('inv-1', 'INV-2026-000001', collectionCalendar)],
        });
    });

    it('continues the year’s sequence: the next number after those already given', async () => {
      const tenant = h.newTenant();
      const sequence = streams.numberSequence(tenant, 'invoice', '2026');
      const invoiceStream = streams.invoice(tenant, 'inv-3');
      await h.spec
        .given({ [sequence]: [invoiceNumberAssigned('inv-1', 1), invoiceNumberAssigned('inv-2', 2)], [invoiceStream]: [invoiceDrafted('inv-3')] })
        .when(() => issueInvoice(services(), h.context(tenant, `${tenant}-issue`, ISSUED_AT), { invoiceId: 'inv-3' }))
        .then({
          [sequence]: [invoiceNumberAssigned('inv-3', 3)],
          [invoiceStream]: [invoiceIssued('inv-3', 'INV-2026-000003', collectionCalendar)],
        });
    });

    it('sets the due date from the terms the draft carries', async () => {
      const tenant = h.newTenant();
      const invoiceStream = streams.invoice(tenant, 'inv-1');
      await h.spec
        .given({ [invoiceStream]: [invoiceDrafted('inv-1', { paymentTermsDays: 14 })] })
        .when(() => issueInvoice(services(), h.context(tenant, `${tenant}-issue`, ISSUED_AT), { invoiceId: 'inv-1' }))
        .then({
          [streams.numberSequence(tenant, 'invoice', '2026')]: [invoiceNumberAssigned('inv-1', 1)],
          [invoiceStream]: [invoiceIssued('inv-1', 'INV-2026-000001', { dueDate: '2026-03-16', ...collectionCalendar })],
        });
    });

    it('refuses an invoice already issued (INVOICE_NOT_DRAFT) and leaves the sequence alone', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({
          [streams.numberSequence(tenant, 'invoice', '2026')]: [invoiceNumberAssigned('inv-1', 1)],
          [streams.invoice(tenant, 'inv-1')]: [invoiceDrafted('inv-1'), invoiceIssued('inv-1', 'INV-2026-000001')],
        })
        .when(() => issueInvoice(services(), h.context(tenant, `${tenant}-issue-again`, NOW), { invoiceId: 'inv-1' }))
        .thenFails('INVOICE_NOT_DRAFT', /is open: only a draft invoice can be issued/);
    });

    it('refuses a draft without lines (VALIDATION_FAILED) without taking a number', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: [invoiceDrafted('inv-1', { lines: [] })] })
        .when(() => issueInvoice(services(), h.context(tenant, `${tenant}-issue`, ISSUED_AT), { invoiceId: 'inv-1' }))
        .thenFails('VALIDATION_FAILED', /has no lines/);
    });
  });

  describe('voidInvoice', () => {
    it('voids an issued invoice with nothing paid; its number stays given', async () => {
      const tenant = h.newTenant();
      const invoiceStream = streams.invoice(tenant, 'inv-1');
      await h.spec
        .given({ [invoiceStream]: [invoiceDrafted('inv-1'), invoiceIssued('inv-1', 'INV-2026-000001')] })
        .when(() => voidInvoice(services(), h.context(tenant, `${tenant}-void`, NOW), { invoiceId: 'inv-1', reason: 'Issued to the wrong customer' }))
        .then({ [invoiceStream]: [invoiceVoided('inv-1', 'Issued to the wrong customer', NOW)] });
    });

    it('refuses an invoice with a payment applied (INVOICE_HAS_PAYMENTS)', async () => {
      const tenant = h.newTenant();
      const payment = { paymentId: 'pay-1', amount: '20.00', reference: 'CASH-1', recordedAt: NOW };
      await h.spec
        .given({
          [streams.invoice(tenant, 'inv-1')]: [
            invoiceDrafted('inv-1'),
            invoiceIssued('inv-1', 'INV-2026-000001'),
            invoicePaymentApplied('inv-1', payment, { amount: '20.00', balanceDueAfter: '51.96', appliedAt: NOW }),
          ],
        })
        .when(() => voidInvoice(services(), h.context(tenant, `${tenant}-void`, NOW), { invoiceId: 'inv-1', reason: 'Changed our mind' }))
        .thenFails('INVOICE_HAS_PAYMENTS', /cannot be voided; issue a credit note instead/);
    });
  });

  describe('writeOffInvoice', () => {
    it('writes off what is still due after a partial payment', async () => {
      const tenant = h.newTenant();
      const invoiceStream = streams.invoice(tenant, 'inv-1');
      const payment = { paymentId: 'pay-1', amount: '20.00', reference: 'CASH-1', recordedAt: ISSUED_AT };
      await h.spec
        .given({
          [invoiceStream]: [invoiceDrafted('inv-1'), invoiceIssued('inv-1', 'INV-2026-000001'), invoicePaymentApplied('inv-1', payment, { amount: '20.00', balanceDueAfter: '51.96', appliedAt: ISSUED_AT })],
        })
        .when(() => writeOffInvoice(services(), h.context(tenant, `${tenant}-write-off`, NOW), { invoiceId: 'inv-1', reason: 'Customer insolvent' }))
        .then({
          [invoiceStream]: [
            { type: 'InvoiceWrittenOff', data: { invoiceId: 'inv-1', customerId: CUSTOMER_ID, currency: 'USD', amount: '51.96', reason: 'Customer insolvent', writtenOffAt: NOW } },
          ],
        });
    });

    it('refuses a void invoice (INVOICE_NOT_OPEN)', async () => {
      const tenant = h.newTenant();
      await h.spec
        .given({ [streams.invoice(tenant, 'inv-1')]: [invoiceDrafted('inv-1'), invoiceIssued('inv-1', 'INV-2026-000001'), invoiceVoided('inv-1', 'Duplicate', ISSUED_AT)] })
        .when(() => writeOffInvoice(services(), h.context(tenant, `${tenant}-write-off`, NOW), { invoiceId: 'inv-1', reason: 'Customer insolvent' }))
        .thenFails('INVOICE_NOT_OPEN', /is void: only an issued invoice with a balance due can be written off/);
    });
  });
});
