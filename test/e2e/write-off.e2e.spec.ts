import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { expectRejectedWithoutEvents } from '../support/expect-rejected.js';
import { draftInput, issuedInvoice, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';

/**
 * writeOffInvoice (docs/domain.md, "Invoices"): the remaining balance of an issued invoice is written off as
 * uncollectable (InvoiceWrittenOff, amount = the balance due); the invoice then owes nothing and reads WRITTEN_OFF.
 * Anything else is refused with its own code and appends nothing.
 */

interface MoneyView {
  amount: string;
  currency: string;
}
interface WrittenOffInvoice {
  id: string;
  status: string;
  balanceDue: MoneyView;
  amountCredited: MoneyView;
  amountWrittenOff: MoneyView;
  writtenOffAt: string | null;
  writeOffReason: string | null;
}

const MONEY = '{ amount currency }';
const INVOICE_FIELDS = `id status balanceDue ${MONEY} amountCredited ${MONEY} amountWrittenOff ${MONEY} writtenOffAt writeOffReason`;
const WRITE_OFF = `mutation ($input: WriteOffInvoiceInput!) { writeOffInvoice(input: $input) { position invoice { ${INVOICE_FIELDS} } } }`;
const INVOICE_QUERY = `query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { ${INVOICE_FIELDS} } }`;
const CREATE_NOTE = 'mutation ($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id } } }';
const ISSUE_NOTE = 'mutation ($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) { position } }';
const APPLY_NOTE = 'mutation ($input: ApplyCreditNoteInput!) { applyCreditNote(input: $input) { position } }';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger({ clock: new TestClock('2026-03-02T09:00:00.000Z') });
});

afterAll(async () => {
  await ledger?.stop();
});

type WriteOffPayload = { writeOffInvoice: { invoice: WrittenOffInvoice; position: string } };

function writeOff(input: Record<string, unknown>): Promise<GraphQLHttpResponse<WriteOffPayload>> {
  return ledger.graphql<WriteOffPayload>(WRITE_OFF, { input });
}

/** The mutation fails with `code`, returns no data, and the $all head does not move. */
function expectRejected(code: string, send: () => Promise<GraphQLHttpResponse<unknown>>): Promise<void> {
  return expectRejectedWithoutEvents(ledger, code, send);
}

/** Credits `amount` of the invoice with an issued credit note on it, applied to it. */
async function creditInvoice(invoiceId: string, customerId: string, amount: string): Promise<void> {
  const draft = requireData(
    await ledger.graphql<{ createCreditNote: { creditNote: { id: string } } }>(CREATE_NOTE, {
      input: { customerId, currency: 'USD', type: 'ADJUSTMENT', reason: 'BILLING_ERROR', sourceInvoiceId: invoiceId, lines: [{ description: 'Correction', quantity: '1', unitPrice: amount }] },
    }),
    'createCreditNote',
  ).createCreditNote.creditNote.id;
  requireData(await ledger.graphql(ISSUE_NOTE, { input: { creditNoteId: draft } }), 'issueCreditNote');
  requireData(await ledger.graphql(APPLY_NOTE, { input: { creditNoteId: draft, applicationType: 'INVOICE', invoiceId, amount } }), 'applyCreditNote');
}

describe('writeOffInvoice', () => {
  let writtenOff: WrittenOffInvoice;

  it('writes off what is still due after a credit: balance 0, status WRITTEN_OFF, one InvoiceWrittenOff of the balance', async () => {
    const invoice = (await issuedInvoice(ledger, { customerId: 'cust-bad-debt' })).invoice.id;
    await creditInvoice(invoice, 'cust-bad-debt', '10.00');
    const { writeOffInvoice } = requireData(await writeOff({ invoiceId: invoice, reason: 'Customer insolvent' }), 'writeOffInvoice');
    writtenOff = writeOffInvoice.invoice;
    expect(writtenOff).toMatchObject({
      status: 'WRITTEN_OFF',
      balanceDue: { amount: '0.00', currency: 'USD' },
      amountCredited: { amount: '10.00' },
      amountWrittenOff: { amount: '61.96' },
      writeOffReason: 'Customer insolvent',
      writtenOffAt: expect.any(String),
    });
    const events = (await ledger.tenantEvents()).filter((event) => event.type === 'InvoiceWrittenOff');
    expect(events.map((event) => event.data)).toEqual([
      { invoiceId: invoice, customerId: 'cust-bad-debt', currency: 'USD', amount: '61.96', reason: 'Customer insolvent', writtenOffAt: writtenOff.writtenOffAt },
    ]);
    const read = requireData(await ledger.graphql<{ invoice: WrittenOffInvoice }>(INVOICE_QUERY, { id: invoice, minPosition: writeOffInvoice.position }), 'invoice').invoice;
    expect(read).toEqual(writtenOff);
  });

  it('the same idempotency key writes off once and answers the same', async () => {
    const invoice = (await issuedInvoice(ledger, { customerId: 'cust-bad-debt' })).invoice.id;
    const input = { invoiceId: invoice, reason: 'Uncollectable', idempotencyKey: `write-off-${invoice}` };
    const first = requireData(await writeOff(input), 'writeOffInvoice');
    const again = requireData(await writeOff(input), 'writeOffInvoice');
    expect(again).toEqual(first);
    expect((await ledger.tenantEvents()).filter((event) => event.type === 'InvoiceWrittenOff' && (event.data as { invoiceId: string }).invoiceId === invoice)).toHaveLength(1);
  });

  it('bad input: each case has its own code and appends nothing', async () => {
    const done = writtenOff.id;
    const draft = (await ledger.mutateOk('createInvoice', draftInput({ customerId: 'cust-bad-debt' }))).invoice.id;
    const voided = (await ledger.mutateOk('voidInvoice', { invoiceId: (await issuedInvoice(ledger, { customerId: 'cust-bad-debt' })).invoice.id, reason: 'Duplicate' })).invoice.id;
    const settled = (await issuedInvoice(ledger, { customerId: 'cust-bad-debt' })).invoice.id;
    await creditInvoice(settled, 'cust-bad-debt', '71.96');
    const open = (await issuedInvoice(ledger, { customerId: 'cust-bad-debt' })).invoice.id;
    await expectRejected('INVOICE_NOT_OPEN', () => writeOff({ invoiceId: done, reason: 'Again' }));
    await expectRejected('INVOICE_NOT_OPEN', () => writeOff({ invoiceId: draft, reason: 'Draft' }));
    await expectRejected('INVOICE_NOT_OPEN', () => writeOff({ invoiceId: voided, reason: 'Void' }));
    await expectRejected('INVOICE_NOT_WRITABLE_OFF', () => writeOff({ invoiceId: settled, reason: 'Nothing due' }));
    await expectRejected('NOT_FOUND', () => writeOff({ invoiceId: 'no-such-invoice', reason: 'Unknown' }));
    await expectRejected('VALIDATION_FAILED', () => writeOff({ invoiceId: open, reason: '' }));
    await expectRejected('VALIDATION_FAILED', () => writeOff({ invoiceId: open }));
    const auditor = await ledger.createKey('dev', 'auditor');
    await expectRejected('FORBIDDEN', () => ledger.graphql(WRITE_OFF, { input: { invoiceId: open, reason: 'Auditors read only' } }, auditor));
  });

  it('a written-off invoice takes no more credit', async () => {
    const draft = requireData(
      await ledger.graphql<{ createCreditNote: { creditNote: { id: string } } }>(CREATE_NOTE, {
        input: { customerId: 'cust-bad-debt', currency: 'USD', type: 'GOODWILL', reason: 'GOODWILL', lines: [{ description: 'Goodwill', quantity: '1', unitPrice: '5.00' }] },
      }),
      'createCreditNote',
    ).createCreditNote.creditNote.id;
    requireData(await ledger.graphql(ISSUE_NOTE, { input: { creditNoteId: draft } }), 'issueCreditNote');
    await expectRejected('INVOICE_NOT_OPEN', () => ledger.graphql(APPLY_NOTE, { input: { creditNoteId: draft, applicationType: 'INVOICE', invoiceId: writtenOff.id, amount: '5.00' } }));
  });
});
