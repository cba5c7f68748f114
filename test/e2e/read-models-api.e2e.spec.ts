import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { requireData } from '../support/graphql-http.client.js';
import { issuedInvoice, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';

/**
 * The Invoice read model as GraphQL shows it: the credit, refund, write-off and creditable figures and the
 * WRITTEN_OFF status, the same in a mutation's answer (from the decider's state) and in a query (from the read
 * model), the status filter, and the receivables reports once an invoice is credited and written off.
 */

let ledger: TestLedger;
const clock = new TestClock('2026-03-02T09:00:00.000Z');

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
});

afterAll(async () => {
  await ledger?.stop();
});

const MONEY = 'amount currency';
const INVOICE_FIELDS = `id number status total { ${MONEY} } amountPaid { ${MONEY} } amountCredited { ${MONEY} } amountRefunded { ${MONEY} }
  amountWrittenOff { ${MONEY} } creditableAmount { ${MONEY} } balanceDue { ${MONEY} } writtenOffAt writeOffReason voidedAt
  paymentApplications { paymentId appliedAmount { ${MONEY} } reopenedAmount { ${MONEY} } appliedAt }
  creditApplications { applicationId source sourceId amount { ${MONEY} } appliedAt }`;

interface MoneyView {
  amount: string;
  currency: string;
}
interface InvoiceFigures {
  id: string;
  number: string | null;
  status: string;
  total: MoneyView;
  amountPaid: MoneyView;
  amountCredited: MoneyView;
  amountRefunded: MoneyView;
  amountWrittenOff: MoneyView;
  creditableAmount: MoneyView;
  balanceDue: MoneyView;
  writtenOffAt: string | null;
  writeOffReason: string | null;
  voidedAt: string | null;
  paymentApplications: { paymentId: string; appliedAmount: MoneyView; reopenedAmount: MoneyView; appliedAt: string }[];
  creditApplications: { applicationId: string; source: string; sourceId: string; amount: MoneyView; appliedAt: string }[];
}

async function invoice(id: string, minPosition: string): Promise<InvoiceFigures> {
  const response = await ledger.graphql<{ invoice: InvoiceFigures }>(`query Invoice($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { ${INVOICE_FIELDS} } }`, { id, minPosition });
  return requireData(response, 'invoice').invoice;
}

async function creditNoteMutation(name: string, input: Record<string, unknown>): Promise<{ creditNote: { id: string }; position: string }> {
  const response = await ledger.graphql<Record<string, { creditNote: { id: string }; position: string }>>(
    `mutation Note($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { creditNote { id } position } }`,
    { input },
  );
  return requireData(response, name)[name]!;
}

describe('an invoice credited by a note, then written off', () => {
  let invoiceId: string;
  let noteId: string;
  let credited: InvoiceFigures;
  let writtenOff: { invoice: InvoiceFigures; position: string };

  beforeAll(async () => {
    // 3 x 19.99 = 59.97 + 20% (11.99) = 71.96.
    const issued = await issuedInvoice(ledger, { customerId: 'rm-customer' });
    invoiceId = issued.invoice.id;
    // A note of 10.00 + 20% = 12.00 on the invoice, applied to it in full.
    const note = await creditNoteMutation('createCreditNote', {
      customerId: 'rm-customer',
      currency: 'USD',
      type: 'ADJUSTMENT',
      reason: 'BILLING_ERROR',
      lines: [{ description: 'Overbilled hour', quantity: '1', unitPrice: '10.00', taxRate: '20' }],
      sourceInvoiceId: invoiceId,
    });
    noteId = note.creditNote.id;
    await creditNoteMutation('issueCreditNote', { creditNoteId: noteId });
    const applied = await creditNoteMutation('applyCreditNote', { creditNoteId: note.creditNote.id, applicationType: 'INVOICE', invoiceId, amount: '12.00' });
    credited = await invoice(invoiceId, applied.position);
    const response = await ledger.graphql<{ writeOffInvoice: { invoice: InvoiceFigures; position: string } }>(
      `mutation WriteOff($input: WriteOffInvoiceInput!) { writeOffInvoice(input: $input) { invoice { ${INVOICE_FIELDS} } position } }`,
      { input: { invoiceId, reason: 'customer unreachable' } },
    );
    writtenOff = requireData(response, 'writeOffInvoice').writeOffInvoice;
  });

  it('shows the credit applied and what is still creditable', () => {
    expect(credited).toMatchObject({
      status: 'PARTIALLY_PAID',
      total: { amount: '71.96', currency: 'USD' },
      amountPaid: { amount: '0.00' },
      amountCredited: { amount: '12.00', currency: 'USD' },
      amountRefunded: { amount: '0.00' },
      amountWrittenOff: { amount: '0.00' },
      creditableAmount: { amount: '59.96', currency: 'USD' },
      balanceDue: { amount: '59.96' },
      writtenOffAt: null,
      paymentApplications: [],
    });
    expect(credited.creditApplications.map((application) => [application.source, application.sourceId, application.amount.amount])).toEqual([['CREDIT_NOTE', noteId, '12.00']]);
  });

  it('is WRITTEN_OFF with the balance left written off, the same in the mutation answer and in the query', async () => {
    expect(writtenOff.invoice).toMatchObject({
      status: 'WRITTEN_OFF',
      amountCredited: { amount: '12.00' },
      amountWrittenOff: { amount: '59.96', currency: 'USD' },
      balanceDue: { amount: '0.00', currency: 'USD' },
      writeOffReason: 'customer unreachable',
    });
    expect(writtenOff.invoice.writtenOffAt).toEqual(expect.any(String));
    expect(await invoice(invoiceId, writtenOff.position)).toEqual(writtenOff.invoice);
  });

  it('is listed under the WRITTEN_OFF filter and leaves the receivables: aging and trial balance agree', async () => {
    const list = await ledger.invoices({ filter: { status: 'WRITTEN_OFF' }, minPosition: writtenOff.position });
    expect(list.edges.map((edge) => edge.node.id)).toEqual([invoiceId]);
    const reports = await ledger.graphql<{ arAging: { items: { invoiceId: string }[] }; trialBalance: { rows: { account: string; balance: MoneyView }[] } }>(
      `query Reports($minPosition: String) {
        arAging(asOf: "2026-12-31", minPosition: $minPosition) { items { invoiceId } }
        trialBalance(asOf: "2030-01-01T00:00:00.000Z", currency: "USD", minPosition: $minPosition) { rows { account balance { ${MONEY} } } }
      }`,
      { minPosition: writtenOff.position },
    );
    const { arAging, trialBalance } = requireData(reports, 'reports');
    expect(arAging.items.map((item) => item.invoiceId)).not.toContain(invoiceId);
    const balance = (account: string) => trialBalance.rows.find((row) => row.account === account)?.balance.amount;
    // Only this test's documents are in USD in this ledger: receivables 71.96 - 12.00 - 59.96 = 0.
    expect(balance('ACCOUNTS_RECEIVABLE')).toBe('0.00');
    expect(balance('BAD_DEBT')).toBe('59.96');
    expect(balance('CREDIT_NOTES')).toBe('0.00');
  });
});

describe('a payment recorded on an invoice (through the Payment aggregate)', () => {
  it('is listed with its applied amount, the same in the mutation answer and in the query', async () => {
    const issued = await issuedInvoice(ledger, { customerId: 'rm-payer' });
    const response = await ledger.graphql<{ recordPayment: { invoice: InvoiceFigures; position: string } }>(
      `mutation Pay($input: RecordPaymentInput!) { recordPayment(input: $input) { invoice { ${INVOICE_FIELDS} } position } }`,
      { input: { invoiceId: issued.invoice.id, amount: '30.00', currency: 'USD', method: 'CASH', reference: 'rm-cash-1' } },
    );
    const paid = requireData(response, 'recordPayment').recordPayment;
    expect(paid.invoice).toMatchObject({ status: 'PARTIALLY_PAID', amountPaid: { amount: '30.00' }, balanceDue: { amount: '41.96' } });
    expect(paid.invoice.paymentApplications.map((application) => [application.appliedAmount.amount, application.reopenedAmount.amount])).toEqual([['30.00', '0.00']]);
    expect(await invoice(issued.invoice.id, paid.position)).toEqual(paid.invoice);
  });
});
