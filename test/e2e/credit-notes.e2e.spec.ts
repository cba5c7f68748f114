import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pdfText } from '../support/pdf-text.js';
import { loadCustomerAccount } from '../support/stream-loaders.js';
import { loadInvoiceStream } from '../support/stream-loaders.js';
import type { InvoiceState } from '../../libs/billing/src/index.js';
import { encodePosition } from '../../libs/event-store/src/index.js';
import { Money } from '../../libs/money/src/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { DEV_TENANT_ID, issuedInvoice, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { newTenant, UPDATE_COMPANY_SETTINGS, UPDATE_PAYMENT_SETTINGS, UPSERT_CUSTOMER } from '../support/settings-effect.support.js';

/**
 * Credit notes (docs/domain.md, "Credit notes and customer credit"): draft -> issued -> partially_applied -> applied,
 * and draft | issued -> voided; a note never credits more than is still creditable on its source invoice (checked
 * again, atomically, when it is issued); applications go to an invoice, the customer account or a refund, and never
 * take an invoice below zero even when they race; numbers are gapless (CN-{year}-{sequence:06d}); the PDF is served
 * with the receipt's authentication and tenant scope.
 */

interface MoneyView {
  amount: string;
  currency: string;
}
interface CreditNoteView {
  id: string;
  number: string | null;
  customerId: string;
  status: string;
  type: string;
  reason: string;
  currency: string;
  sourceInvoiceId: string | null;
  lines: { id: string; description: string; quantity: string; unitPrice: string; taxRate: string | null; amount: MoneyView; taxAmount: MoneyView }[];
  subtotal: MoneyView;
  taxTotal: MoneyView;
  total: MoneyView;
  taxBreakdown: { name: string; rate: string; taxableAmount: MoneyView; taxAmount: MoneyView }[];
  amountApplied: MoneyView;
  remaining: MoneyView;
  applications: { id: string; applicationType: string; invoiceId: string | null; amount: MoneyView; appliedAt: string }[];
  draftedAt: string;
  issuedAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  pdfPath: string;
}
interface CreditNotePayload {
  creditNote: CreditNoteView;
  position: string;
}
interface CreditNoteConnection {
  edges: { cursor: string; node: CreditNoteView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const MONEY = '{ amount currency }';
const NOTE_FIELDS = `id number customerId status type reason currency sourceInvoiceId
  lines { id description quantity unitPrice taxRate amount ${MONEY} taxAmount ${MONEY} }
  subtotal ${MONEY} taxTotal ${MONEY} total ${MONEY} taxBreakdown { name rate taxableAmount ${MONEY} taxAmount ${MONEY} }
  amountApplied ${MONEY} remaining ${MONEY} applications { id applicationType invoiceId amount ${MONEY} appliedAt }
  draftedAt issuedAt voidedAt voidReason pdfPath`;
const noteMutations = {
  createCreditNote: 'CreateCreditNoteInput',
  issueCreditNote: 'IssueCreditNoteInput',
  applyCreditNote: 'ApplyCreditNoteInput',
  voidCreditNote: 'VoidCreditNoteInput',
} as const;
type NoteMutation = keyof typeof noteMutations;
const CREDIT_NOTE_QUERY = `query ($id: ID!, $minPosition: String) { creditNote(id: $id, minPosition: $minPosition) { ${NOTE_FIELDS} } }`;
const CREDIT_NOTES_QUERY = `query ($filter: CreditNoteFilter, $first: Int, $after: String, $minPosition: String) {
  creditNotes(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { ${NOTE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const UPDATE_FEATURES = 'mutation ($input: UpdateFeatureSettingsInput!) { updateFeatureSettings(input: $input) { position } }';

const clock = new TestClock('2026-03-02T09:00:00.000Z');
let ledger: TestLedger;
let baseUrl: string;

beforeAll(async () => {
  ledger = await startTestLedger({ clock });
  baseUrl = ledger.url.replace(/\/graphql$/, '');
  requireData(await ledger.graphql(UPDATE_COMPANY_SETTINGS, { input: { name: 'Fibre Networks GmbH', address: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' } } }), 'updateCompanySettings');
  requireData(
    await ledger.graphql(UPSERT_CUSTOMER, { input: { customerId: 'cust-cn', name: 'Acme Fibre Inc.', billingAddress: { line1: '1 Main Street', city: 'Springfield', postalCode: '62701', country: 'US' }, taxExempt: false } }),
    'upsertCustomer',
  );
});

afterAll(async () => {
  await ledger?.stop();
});

function noteMutation(name: NoteMutation, input: Record<string, unknown>, key?: string): Promise<GraphQLHttpResponse<Record<string, CreditNotePayload>>> {
  const document = `mutation ($input: ${noteMutations[name]}!) { ${name}(input: $input) { position creditNote { ${NOTE_FIELDS} } } }`;
  return ledger.graphql<Record<string, CreditNotePayload>>(document, { input }, key);
}

async function noteOk(name: NoteMutation, input: Record<string, unknown>, key?: string): Promise<CreditNotePayload> {
  return requireData(await noteMutation(name, input, key), name)[name] as CreditNotePayload;
}

/** 1 x 10.00 at 20% tax: a note of 12.00 USD. */
const tenCreditLine = { description: 'Outage credit, March', quantity: '1', unitPrice: '10.00', taxRate: '20' };

function noteInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { customerId: 'cust-cn', currency: 'USD', type: 'ADJUSTMENT', reason: 'SERVICE_ISSUE', lines: [tenCreditLine], ...overrides };
}

/** A note of `amount` USD (one untaxed line), issued. */
async function issuedNote(amount: string, overrides: Record<string, unknown> = {}, key?: string): Promise<CreditNoteView> {
  return (await issuedNotePayload(amount, overrides, key)).creditNote;
}

/** The issue's answer, with the position a query may wait for (read your own write). */
async function issuedNotePayload(amount: string, overrides: Record<string, unknown> = {}, key?: string) {
  const draft = await noteOk('createCreditNote', noteInput({ type: 'GOODWILL', reason: 'GOODWILL', lines: [{ description: 'Goodwill', quantity: '1', unitPrice: amount }], ...overrides }), key);
  return noteOk('issueCreditNote', { creditNoteId: draft.creditNote.id }, key);
}

/** The invoice as its own stream says now (the aggregate, not a read model). */
async function invoiceState(invoiceId: string, tenantId: string = DEV_TENANT_ID): Promise<InvoiceState> {
  return (await loadInvoiceStream(ledger.services.store, tenantId, invoiceId)).state;
}

async function accountCredit(customerId: string, currency: string): Promise<string | undefined> {
  return (await loadCustomerAccount(ledger.services.store, DEV_TENANT_ID, customerId)).state.balances[currency];
}

/** The mutation fails with `code`, returns no data, and the $all head does not move. */
function expectRejected(code: string, send: () => Promise<GraphQLHttpResponse<unknown>>): Promise<void> {
  return expectRejectedWithoutEvents(ledger, code, send);
}

async function creditNoteQuery(id: string, minPosition?: string, key?: string): Promise<CreditNoteView | null> {
  return requireData(await ledger.graphql<{ creditNote: CreditNoteView | null }>(CREDIT_NOTE_QUERY, { id, minPosition }, key), 'creditNote').creditNote;
}

async function creditNotesQuery(variables: Record<string, unknown>, key?: string): Promise<CreditNoteConnection> {
  return requireData(await ledger.graphql<{ creditNotes: CreditNoteConnection }>(CREDIT_NOTES_QUERY, variables, key), 'creditNotes').creditNotes;
}

// The default invoice of the test support: 3 x 19.99 at 20% tax = 59.97 + 11.99 = 71.96 USD.
let sourceInvoiceId: string;
let sourceInvoiceNumber: string;
let lifecycle: CreditNoteView;
let lifecyclePosition: string;

describe('lifecycle: draft -> issued -> partially_applied -> applied', () => {
  it('createCreditNote makes a draft on the source invoice: priced lines, totals, no number, nothing to apply yet', async () => {
    const invoice = await issuedInvoice(ledger, { customerId: 'cust-cn' });
    sourceInvoiceId = invoice.invoice.id;
    sourceInvoiceNumber = invoice.invoice.number as string;
    const { creditNote } = await noteOk('createCreditNote', noteInput({ sourceInvoiceId }));
    expect(creditNote).toMatchObject({
      number: null,
      status: 'DRAFT',
      type: 'ADJUSTMENT',
      reason: 'SERVICE_ISSUE',
      currency: 'USD',
      sourceInvoiceId,
      lines: [{ description: 'Outage credit, March', quantity: '1', unitPrice: '10', taxRate: '20', amount: { amount: '10.00', currency: 'USD' }, taxAmount: { amount: '2.00' } }],
      subtotal: { amount: '10.00' },
      taxTotal: { amount: '2.00' },
      total: { amount: '12.00' },
      taxBreakdown: [{ name: '20%', rate: '20', taxableAmount: { amount: '10.00' }, taxAmount: { amount: '2.00' } }],
      amountApplied: { amount: '0.00' },
      remaining: { amount: '0.00' },
      applications: [],
      issuedAt: null,
      pdfPath: `/credit-notes/${creditNote.id}.pdf`,
    });
    lifecycle = creditNote;
    // A draft takes nothing from the invoice yet.
    expect((await invoiceState(sourceInvoiceId)).creditableAmount).toBe('71.96');
  });

  it('issueCreditNote takes CN-2026-000001 and registers the note on its invoice in the same append', async () => {
    const { creditNote, position } = await noteOk('issueCreditNote', { creditNoteId: lifecycle.id });
    expect(creditNote).toMatchObject({ number: 'CN-2026-000001', status: 'ISSUED', remaining: { amount: '12.00' }, issuedAt: expect.any(String) });
    const invoice = await invoiceState(sourceInvoiceId);
    expect(invoice.creditableAmount).toBe('59.96');
    expect(invoice.balanceDue).toBe('71.96');
    // One command, one commit: the number, the note and the invoice's registration share the command id and position.
    const issue = (await ledger.tenantEvents()).filter(
      (event) => ['DocumentNumberAssigned', 'CreditNoteIssued', 'InvoiceCreditNoteRegistered'].includes(event.type) && JSON.stringify(event.data).includes(lifecycle.id),
    );
    expect(issue.map((event) => event.type).sort()).toEqual(['CreditNoteIssued', 'DocumentNumberAssigned', 'InvoiceCreditNoteRegistered']);
    expect(new Set(issue.map((event) => event.metadata.commandId)).size).toBe(1);
    expect(new Set(issue.map((event) => event.position.commit)).size).toBe(1);
    expect(encodePosition(issue.at(-1)?.position ?? { commit: 0n, prepare: 0n })).toBe(position);
    lifecycle = creditNote;
  });

  it('applying 5.00 to the invoice makes it partially applied (7.00 remaining) and lowers the invoice balance by 5.00', async () => {
    const { creditNote } = await noteOk('applyCreditNote', { creditNoteId: lifecycle.id, applicationType: 'INVOICE', invoiceId: sourceInvoiceId, amount: '5.00' });
    expect(creditNote).toMatchObject({
      status: 'PARTIALLY_APPLIED',
      amountApplied: { amount: '5.00' },
      remaining: { amount: '7.00' },
      applications: [{ applicationType: 'INVOICE', invoiceId: sourceInvoiceId, amount: { amount: '5.00', currency: 'USD' } }],
    });
    const invoice = await invoiceState(sourceInvoiceId);
    expect({ balanceDue: invoice.balanceDue, amountCredited: invoice.amountCredited, status: invoice.status }).toEqual({ balanceDue: '66.96', amountCredited: '5.00', status: 'partially_paid' });
  });

  it('applying the remaining 7.00 to the customer account makes it applied and credits the account 7.00', async () => {
    const before = await accountCredit('cust-cn', 'USD');
    expect(before).toBeUndefined();
    const payload = await noteOk('applyCreditNote', { creditNoteId: lifecycle.id, applicationType: 'CUSTOMER_ACCOUNT', amount: '7.00' });
    expect(payload.creditNote).toMatchObject({ status: 'APPLIED', amountApplied: { amount: '12.00' }, remaining: { amount: '0.00' } });
    expect(payload.creditNote.applications.map((application) => [application.applicationType, application.invoiceId, application.amount.amount])).toEqual([
      ['INVOICE', sourceInvoiceId, '5.00'],
      ['CUSTOMER_ACCOUNT', null, '7.00'],
    ]);
    expect(await accountCredit('cust-cn', 'USD')).toBe('7.00');
    lifecycle = payload.creditNote;
    lifecyclePosition = payload.position;
  });

  it('creditNote(id, minPosition) reads the note and its applications from the read model', async () => {
    const read = await creditNoteQuery(lifecycle.id, lifecyclePosition);
    expect(read).toEqual(lifecycle);
  });

  it('an applied note cannot be voided: the applied part is never undone', async () => {
    await expectRejected('CREDIT_NOTE_HAS_APPLICATIONS', () => noteMutation('voidCreditNote', { creditNoteId: lifecycle.id, reason: 'Changed our mind' }));
  });

  it('a REFUND application touches only the note: partially applied, nothing on any invoice or account', async () => {
    const note = await issuedNote('30.00');
    const accountBefore = await accountCredit('cust-cn', 'USD');
    const { creditNote } = await noteOk('applyCreditNote', { creditNoteId: note.id, applicationType: 'REFUND', amount: '12.50' });
    expect(creditNote).toMatchObject({ status: 'PARTIALLY_APPLIED', remaining: { amount: '17.50' }, applications: [{ applicationType: 'REFUND', invoiceId: null, amount: { amount: '12.50' } }] });
    expect(await accountCredit('cust-cn', 'USD')).toBe(accountBefore);
    await expectRejected('CREDIT_NOTE_HAS_APPLICATIONS', () => noteMutation('voidCreditNote', { creditNoteId: note.id, reason: 'Too late' }));
  });
});

describe('void', () => {
  it('a draft is voided without taking a number', async () => {
    const draft = await noteOk('createCreditNote', noteInput());
    const { creditNote } = await noteOk('voidCreditNote', { creditNoteId: draft.creditNote.id, reason: 'Entered by mistake' });
    expect(creditNote).toMatchObject({ status: 'VOIDED', number: null, voidReason: 'Entered by mistake', voidedAt: expect.any(String), remaining: { amount: '0.00' } });
    const numbers = (await ledger.tenantEvents()).filter((event) => event.type === 'DocumentNumberAssigned' && (event.data as { documentId?: string }).documentId === draft.creditNote.id);
    expect(numbers).toEqual([]);
  });

  it('an issued note keeps its number and gives its total back to what is creditable on the source invoice', async () => {
    const invoice = await issuedInvoice(ledger, { customerId: 'cust-cn' });
    const draft = await noteOk('createCreditNote', noteInput({ sourceInvoiceId: invoice.invoice.id, lines: [{ description: 'Overcharge', quantity: '2', unitPrice: '15.00' }] }));
    const issued = await noteOk('issueCreditNote', { creditNoteId: draft.creditNote.id });
    expect((await invoiceState(invoice.invoice.id)).creditableAmount).toBe('41.96');
    const { creditNote } = await noteOk('voidCreditNote', { creditNoteId: draft.creditNote.id, reason: 'Issued on the wrong invoice' });
    expect(creditNote).toMatchObject({ status: 'VOIDED', number: issued.creditNote.number, remaining: { amount: '0.00' } });
    expect((await invoiceState(invoice.invoice.id)).creditableAmount).toBe('71.96');
    // The release happened in the void's own append.
    const events = await ledger.tenantEvents();
    const voided = events.find((event) => event.type === 'CreditNoteVoided' && (event.data as { creditNoteId: string }).creditNoteId === draft.creditNote.id);
    const released = events.find((event) => event.type === 'InvoiceCreditNoteReleased' && (event.data as { creditNoteId: string }).creditNoteId === draft.creditNote.id);
    expect(released?.position.commit).toBe(voided?.position.commit);
    await expectRejected('CREDIT_NOTE_NOT_OPEN', () => noteMutation('voidCreditNote', { creditNoteId: draft.creditNote.id, reason: 'Again' }));
    await expectRejected('CREDIT_NOTE_NOT_OPEN', () => noteMutation('applyCreditNote', { creditNoteId: draft.creditNote.id, applicationType: 'REFUND', amount: '1.00' }));
  });
});

describe('never more than is creditable on the source invoice', () => {
  it('a note above the invoice total is refused at creation', async () => {
    const invoice = await issuedInvoice(ledger, { customerId: 'cust-cn' });
    await expectRejected('AMOUNT_EXCEEDS_CREDITABLE', () =>
      noteMutation('createCreditNote', noteInput({ sourceInvoiceId: invoice.invoice.id, lines: [{ description: 'Too much', quantity: '1', unitPrice: '71.97' }] })),
    );
  });

  it('two drafts that each fit but together exceed the invoice: the second issue is refused and appends nothing', async () => {
    const invoice = await issuedInvoice(ledger, { customerId: 'cust-cn' });
    const line = { description: 'Half a refund', quantity: '1', unitPrice: '40.00' };
    const first = await noteOk('createCreditNote', noteInput({ sourceInvoiceId: invoice.invoice.id, lines: [line] }));
    const second = await noteOk('createCreditNote', noteInput({ sourceInvoiceId: invoice.invoice.id, lines: [line] }));
    await noteOk('issueCreditNote', { creditNoteId: first.creditNote.id });
    await expectRejected('AMOUNT_EXCEEDS_CREDITABLE', () => noteMutation('issueCreditNote', { creditNoteId: second.creditNote.id }));
    expect((await invoiceState(invoice.invoice.id)).creditableAmount).toBe('31.96');
    // Once the first is voided, the second fits again.
    await noteOk('voidCreditNote', { creditNoteId: first.creditNote.id, reason: 'Replaced' });
    expect((await noteOk('issueCreditNote', { creditNoteId: second.creditNote.id })).creditNote.status).toBe('ISSUED');
  });

  it('two such notes issued at the same time: exactly one is issued, the invoice is never over-credited', async () => {
    const invoice = await issuedInvoice(ledger, { customerId: 'cust-cn' });
    const line = { description: 'Racing refund', quantity: '1', unitPrice: '50.00' };
    const drafts = await Promise.all([1, 2, 3].map(() => noteOk('createCreditNote', noteInput({ sourceInvoiceId: invoice.invoice.id, lines: [line] }))));
    const results = await Promise.all(drafts.map((draft) => noteMutation('issueCreditNote', { creditNoteId: draft.creditNote.id })));
    const codes = results.map((result) => firstErrorCode(result) ?? 'OK').sort();
    expect(codes).toEqual(['AMOUNT_EXCEEDS_CREDITABLE', 'AMOUNT_EXCEEDS_CREDITABLE', 'OK']);
    const state = await invoiceState(invoice.invoice.id);
    expect(state.creditableAmount).toBe('21.96');
    expect(state.creditNotes.map((note) => note.amount)).toEqual(['50.00']);
  });
});

describe('racing applications never over-apply an invoice', () => {
  it('three notes applied to one invoice at the same time: the balance never goes below zero', async () => {
    const invoice = await issuedInvoice(ledger, { customerId: 'cust-cn' });
    const notes = await Promise.all([issuedNote('50.00'), issuedNote('50.00'), issuedNote('50.00')]);
    const results = await Promise.all(
      notes.map((note) => noteMutation('applyCreditNote', { creditNoteId: note.id, applicationType: 'INVOICE', invoiceId: invoice.invoice.id, amount: '30.00' })),
    );
    // 71.96 due: two applications of 30.00 fit, the third finds 11.96 due whichever order they ran in.
    expect(results.map((result) => firstErrorCode(result) ?? 'OK').sort()).toEqual(['AMOUNT_EXCEEDS_BALANCE', 'OK', 'OK']);
    const state = await invoiceState(invoice.invoice.id);
    const applied = Money.sum(state.creditApplications.map((application) => Money.of(application.amount, 'USD')), 'USD');
    expect(applied.toString()).toBe('60.00');
    expect(state.balanceDue).toBe('11.96');
    expect(applied.greaterThan(Money.of(state.total, 'USD'))).toBe(false);
  });
});

describe('numbering', () => {
  it('issued notes take consecutive numbers, also when issued at the same time; drafts and voids of drafts take none', async () => {
    const before = (await ledger.tenantEvents()).filter((event) => event.type === 'CreditNoteIssued').length;
    const drafts = await Promise.all([1, 2, 3, 4].map(() => noteOk('createCreditNote', noteInput())));
    const issued = await Promise.all(drafts.map((draft) => noteOk('issueCreditNote', { creditNoteId: draft.creditNote.id })));
    const all = (await ledger.tenantEvents()).filter((event) => event.type === 'CreditNoteIssued').map((event) => (event.data as { number: string }).number);
    expect(all).toHaveLength(before + 4);
    // Every number from 1 to the count, once: gapless and never twice.
    expect([...all].sort()).toEqual(all.map((_, index) => `CN-2026-${String(index + 1).padStart(6, '0')}`));
    expect(new Set(issued.map((payload) => payload.creditNote.number)).size).toBe(4);
  });
});

describe('queries', () => {
  it('creditNotes filters by customer, status, source invoice and type, and pages newest first with opaque cursors', async () => {
    const other = await noteOk('createCreditNote', noteInput({ customerId: 'cust-other', type: 'DISCOUNT', reason: 'PRICE_ADJUSTMENT' }));
    const head = other.position;
    const byCustomer = await creditNotesQuery({ filter: { customerId: 'cust-other' }, minPosition: head });
    expect(byCustomer.edges.map((edge) => edge.node.id)).toEqual([other.creditNote.id]);
    const bySource = await creditNotesQuery({ filter: { sourceInvoiceId } });
    expect(bySource.edges.map((edge) => edge.node.id)).toEqual([lifecycle.id]);
    const applied = await creditNotesQuery({ filter: { status: 'APPLIED' }, first: 100 });
    expect(applied.edges.map((edge) => edge.node.id)).toEqual([lifecycle.id]);
    const discounts = await creditNotesQuery({ filter: { type: 'DISCOUNT' } });
    expect(discounts.edges.map((edge) => edge.node.id)).toEqual([other.creditNote.id]);
    const everything = await creditNotesQuery({ first: 100 });
    const drafted = everything.edges.map((edge) => edge.node.draftedAt);
    expect(drafted).toEqual([...drafted].sort().reverse());
    const pageOne = await creditNotesQuery({ first: 2 });
    expect(pageOne.pageInfo.hasNextPage).toBe(true);
    const pageTwo = await creditNotesQuery({ first: 2, after: pageOne.pageInfo.endCursor });
    expect([...pageOne.edges, ...pageTwo.edges].map((edge) => edge.node.id)).toEqual(everything.edges.slice(0, 4).map((edge) => edge.node.id));
    expect(firstErrorCode(await ledger.graphql(CREDIT_NOTES_QUERY, { first: 1, after: 'not-a-cursor' }))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(CREDIT_NOTES_QUERY, { first: 0 }))).toBe('VALIDATION_FAILED');
    expect(await creditNoteQuery('no-such-note')).toBeNull();
  });

  it('each tenant numbers its own notes and sees only its own', async () => {
    const other = await newTenant(ledger, 'credit-notes');
    const { creditNote: theirs, position } = await issuedNotePayload('5.00', { customerId: 'cust-elsewhere' }, other.key);
    expect(theirs.number).toBe('CN-2026-000001');
    expect((await creditNotesQuery({ first: 100, minPosition: position }, other.key)).edges.map((edge) => edge.node.id)).toEqual([theirs.id]);
    expect(await creditNoteQuery(lifecycle.id, undefined, other.key)).toBeNull();
    // Another tenant cannot credit this tenant's invoice: it does not exist for them.
    await expectRejected('NOT_FOUND', () => noteMutation('createCreditNote', noteInput({ customerId: 'cust-cn', sourceInvoiceId }), other.key));
  });
});

describe('GET /credit-notes/:id.pdf', () => {
  it('answers the PDF, whose text holds the number, the lines, the totals, the applications, the customer and the company', async () => {
    const response = await fetch(`${baseUrl}/credit-notes/${lifecycle.id}.pdf`, { headers: { authorization: `Bearer ${ledger.adminKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="CN-2026-000001.pdf"');
    const text = await pdfText(await response.arrayBuffer());
    // pdfjs reads a table row as its cells, one text item each, separated by a space item (libs/documents draws the layout).
    const row = (...cells: string[]): string => cells.join('\n \n');
    for (const expected of [
      'CREDIT NOTE',
      'Credit note number: CN-2026-000001',
      'Date: 03/02/2026',
      'Acme Fibre Inc.',
      'Customer ID: cust-cn',
      `Credits invoice: ${sourceInvoiceNumber}`,
      'Reason: service issue',
      row('Outage credit, March', '1', '$10.00', '20%', '$10.00'),
      row('Total credit', '$12.00'),
      row('03/02/2026', `Invoice ${sourceInvoiceNumber}`, '$5.00'),
      row('03/02/2026', "The customer's account", '$7.00'),
      row('Remaining credit', '$0.00'),
      'FROM\n\nFibre Networks GmbH',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("401 without a key or with a wrong one; 404 for an unknown note and for another tenant's", async () => {
    expect((await fetch(`${baseUrl}/credit-notes/${lifecycle.id}.pdf`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/credit-notes/${lifecycle.id}.pdf`, { headers: { authorization: 'Bearer wrong-key-wrong-key-wrong-key' } })).status).toBe(401);
    expect((await fetch(`${baseUrl}/credit-notes/no-such-note.pdf`, { headers: { authorization: `Bearer ${ledger.adminKey}` } })).status).toBe(404);
    expect((await fetch(`${baseUrl}/credit-notes/${lifecycle.id}`, { headers: { authorization: `Bearer ${ledger.adminKey}` } })).status).toBe(404);
    const other = await newTenant(ledger, 'credit-notes-pdf');
    expect((await fetch(`${baseUrl}/credit-notes/${lifecycle.id}.pdf`, { headers: { authorization: `Bearer ${other.key}` } })).status).toBe(404);
  });
});

describe('bad input: each case has its own code and appends nothing', () => {
  let draftNote: CreditNoteView;
  let openNote: CreditNoteView;
  let foreignInvoiceId: string;

  beforeAll(async () => {
    draftNote = (await noteOk('createCreditNote', noteInput())).creditNote;
    openNote = await issuedNote('20.00');
    foreignInvoiceId = (await issuedInvoice(ledger, { customerId: 'someone-else' })).invoice.id;
  });

  it('createCreditNote', async () => {
    const draftInvoice = await ledger.mutateOk('createInvoice', { customerId: 'cust-cn', currency: 'USD', lines: [{ description: 'x', quantity: '1', unitPrice: '5.00' }] });
    requireData(await ledger.graphql(UPDATE_PAYMENT_SETTINGS, { input: { supportedCurrencies: ['USD', 'EUR'] } }), 'updatePaymentSettings');
    const euroInvoice = await issuedInvoice(ledger, { customerId: 'cust-cn', currency: 'EUR' });
    await expectRejected('VALIDATION_FAILED', () => noteMutation('createCreditNote', noteInput({ currency: 'usd' })));
    await expectRejected('VALIDATION_FAILED', () => noteMutation('createCreditNote', noteInput({ lines: [] })));
    await expectRejected('VALIDATION_FAILED', () => noteMutation('createCreditNote', noteInput({ lines: [{ description: 'Negative', quantity: '1', unitPrice: '-5.00' }] })));
    await expectRejected('VALIDATION_FAILED', () => noteMutation('createCreditNote', noteInput({ type: 'NOT_A_TYPE' })));
    await expectRejected('VALIDATION_FAILED', () => noteMutation('createCreditNote', noteInput({ sourceInvoiceId: foreignInvoiceId })));
    await expectRejected('NOT_FOUND', () => noteMutation('createCreditNote', noteInput({ sourceInvoiceId: 'no-such-invoice' })));
    await expectRejected('INVOICE_NOT_OPEN', () => noteMutation('createCreditNote', noteInput({ sourceInvoiceId: draftInvoice.invoice.id })));
    await expectRejected('CURRENCY_MISMATCH', () => noteMutation('createCreditNote', noteInput({ sourceInvoiceId: euroInvoice.invoice.id })));
    await expectRejected('CURRENCY_NOT_SUPPORTED', () => noteMutation('createCreditNote', noteInput({ currency: 'JPY' })));
  });

  it('issueCreditNote', async () => {
    await expectRejected('NOT_FOUND', () => noteMutation('issueCreditNote', { creditNoteId: 'no-such-note' }));
    await expectRejected('CREDIT_NOTE_NOT_DRAFT', () => noteMutation('issueCreditNote', { creditNoteId: openNote.id }));
  });

  it('applyCreditNote', async () => {
    const apply = (overrides: Record<string, unknown>) => noteMutation('applyCreditNote', { creditNoteId: openNote.id, applicationType: 'INVOICE', invoiceId: sourceInvoiceId, amount: '1.00', ...overrides });
    const paidUp = await issuedInvoice(ledger, { customerId: 'cust-cn', lines: [{ description: 'Small', quantity: '1', unitPrice: '2.00' }] });
    await expectRejected('CREDIT_NOTE_NOT_OPEN', () => apply({ creditNoteId: draftNote.id }));
    await expectRejected('NOT_FOUND', () => apply({ creditNoteId: 'no-such-note' }));
    await expectRejected('AMOUNT_EXCEEDS_REMAINING_CREDIT', () => apply({ applicationType: 'REFUND', invoiceId: null, amount: '20.01' }));
    await expectRejected('AMOUNT_EXCEEDS_BALANCE', () => apply({ invoiceId: paidUp.invoice.id, amount: '2.01' }));
    await expectRejected('VALIDATION_FAILED', () => apply({ invoiceId: foreignInvoiceId }));
    await expectRejected('VALIDATION_FAILED', () => apply({ invoiceId: null }));
    await expectRejected('VALIDATION_FAILED', () => apply({ applicationType: 'REFUND' }));
    await expectRejected('VALIDATION_FAILED', () => apply({ amount: '0' }));
    await expectRejected('VALIDATION_FAILED', () => apply({ amount: '1.001' }));
    await expectRejected('NOT_FOUND', () => apply({ invoiceId: 'no-such-invoice' }));
  });

  it('voidCreditNote', async () => {
    await expectRejected('NOT_FOUND', () => noteMutation('voidCreditNote', { creditNoteId: 'no-such-note', reason: 'x' }));
    await expectRejected('VALIDATION_FAILED', () => noteMutation('voidCreditNote', { creditNoteId: openNote.id, reason: '' }));
    await expectRejected('CREDIT_NOTE_HAS_APPLICATIONS', () => noteMutation('voidCreditNote', { creditNoteId: lifecycle.id, reason: 'x' }));
  });

  it('an auditor may not run credit note mutations', async () => {
    const auditor = await ledger.createKey(DEV_TENANT_ID, 'auditor');
    await expectRejected('FORBIDDEN', () => noteMutation('createCreditNote', noteInput(), auditor));
  });
});

describe('features.creditNotes', () => {
  it('off: every credit note mutation is FEATURE_DISABLED and appends nothing; on again: they work', async () => {
    const tenant = await newTenant(ledger, 'cn-feature');
    const draft = await noteOk('createCreditNote', noteInput(), tenant.key);
    requireData(await ledger.graphql(UPDATE_FEATURES, { input: { creditNotes: false } }, tenant.key), 'updateFeatureSettings');
    const before = (await ledger.tenantEvents(tenant.tenantId)).length;
    for (const [name, input] of [
      ['createCreditNote', noteInput()],
      ['issueCreditNote', { creditNoteId: draft.creditNote.id }],
      ['applyCreditNote', { creditNoteId: draft.creditNote.id, applicationType: 'REFUND', amount: '1.00' }],
      ['voidCreditNote', { creditNoteId: draft.creditNote.id, reason: 'x' }],
    ] as const) {
      expect(firstErrorCode(await noteMutation(name, input, tenant.key))).toBe('FEATURE_DISABLED');
    }
    expect((await ledger.tenantEvents(tenant.tenantId)).length).toBe(before);
    requireData(await ledger.graphql(UPDATE_FEATURES, { input: { creditNotes: true } }, tenant.key), 'updateFeatureSettings');
    expect((await noteOk('issueCreditNote', { creditNoteId: draft.creditNote.id }, tenant.key)).creditNote.number).toBe('CN-2026-000001');
  });
});

describe('idempotency', () => {
  it('the same key applies a note once and answers the same', async () => {
    const note = await issuedNote('10.00');
    const input = { creditNoteId: note.id, applicationType: 'REFUND', amount: '4.00', idempotencyKey: `apply-${note.id}` };
    const first = await noteOk('applyCreditNote', input);
    const again = await noteOk('applyCreditNote', input);
    expect(again).toEqual(first);
    expect(first.creditNote.remaining.amount).toBe('6.00');
  });
});

describe('general ledger', () => {
  it('after every credit note flow above, the trial balance still sums to zero in USD', async () => {
    const query = `query ($asOf: DateTime!, $currency: String!, $minPosition: String) {
      trialBalance(asOf: $asOf, currency: $currency, minPosition: $minPosition) { totalDebit { amount currency } totalCredit { amount currency } } }`;
    const head = await headOfLog(ledger);
    const { trialBalance } = requireData(
      await ledger.graphql<{ trialBalance: { totalDebit: MoneyView; totalCredit: MoneyView } }>(query, { asOf: '2026-12-31T00:00:00.000Z', currency: 'USD', minPosition: head }),
      'trialBalance',
    );
    expect(trialBalance.totalDebit.amount).toBe(trialBalance.totalCredit.amount);
    expect(Money.of(trialBalance.totalDebit.amount, 'USD').isPositive()).toBe(true);
  });
});
