import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadCustomerAccount } from '../support/stream-loaders.js';
import { loadInvoiceStream } from '../support/stream-loaders.js';
import { streams } from '../../libs/application/src/index.js';
import type { InvoiceState } from '../../libs/billing/src/index.js';
import { Money } from '../../libs/money/src/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { expectRejectedWithoutEvents, headOfLog } from '../support/expect-rejected.js';
import { DEV_TENANT_ID, draftInput, issuedInvoice, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { UPDATE_PAYMENT_SETTINGS } from '../support/settings-effect.support.js';

/**
 * Customer credit (docs/domain.md, "Credit notes and customer credit"): a balance per currency, spent on the customer's
 * own invoices with applyCredit (ONE append of CustomerCreditApplied + InvoiceCreditApplied), optionally auto-applied
 * when an invoice is issued (in the issue's own append). Never more than the credit, never more than the balance due,
 * even when applications race.
 */

interface MoneyView {
  amount: string;
  currency: string;
}
interface AccountView {
  customerId: string;
  autoApplyCredit: boolean;
  credit: MoneyView[];
}
interface ApplyCreditPayload {
  account: AccountView;
  invoice: { id: string; status: string; balanceDue: MoneyView; amountCredited: MoneyView };
  position: string;
}

const MONEY = '{ amount currency }';
const ACCOUNT_FIELDS = `customerId autoApplyCredit credit ${MONEY}`;
const APPLY_CREDIT = `mutation ($input: ApplyCreditInput!) { applyCredit(input: $input) { position account { ${ACCOUNT_FIELDS} } invoice { id status balanceDue ${MONEY} amountCredited ${MONEY} } } }`;
const SET_AUTO_APPLY = `mutation ($input: SetAutoApplyCreditInput!) { setAutoApplyCredit(input: $input) { position account { ${ACCOUNT_FIELDS} } } }`;
const NOTE = 'position creditNote { id status remaining { amount currency } }';
const CREATE_NOTE = `mutation ($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { ${NOTE} } }`;
const ISSUE_NOTE = `mutation ($input: IssueCreditNoteInput!) { issueCreditNote(input: $input) { ${NOTE} } }`;
const APPLY_NOTE = `mutation ($input: ApplyCreditNoteInput!) { applyCreditNote(input: $input) { ${NOTE} } }`;
const ISSUE_INVOICE = `mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { position invoice { id status balanceDue ${MONEY} amountCredited ${MONEY} } } }`;

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger({ clock: new TestClock('2026-03-02T09:00:00.000Z') });
  requireData(await ledger.graphql(UPDATE_PAYMENT_SETTINGS, { input: { supportedCurrencies: ['USD', 'EUR'] } }), 'updatePaymentSettings');
});

afterAll(async () => {
  await ledger?.stop();
});

interface NotePayload {
  creditNote: { id: string; status: string; remaining: MoneyView };
  position: string;
}

async function note(document: string, name: string, input: Record<string, unknown>): Promise<NotePayload> {
  return requireData(await ledger.graphql<Record<string, NotePayload>>(document, { input }), name)[name] as NotePayload;
}

/** An issued goodwill note of `amount` for the customer (no source invoice). */
async function issuedNote(customerId: string, amount: string, currency = 'USD'): Promise<string> {
  const draft = await note(CREATE_NOTE, 'createCreditNote', {
    customerId,
    currency,
    type: 'GOODWILL',
    reason: 'GOODWILL',
    lines: [{ description: 'Goodwill credit', quantity: '1', unitPrice: amount }],
  });
  await note(ISSUE_NOTE, 'issueCreditNote', { creditNoteId: draft.creditNote.id });
  return draft.creditNote.id;
}

/** Gives the customer `amount` of credit: an issued note applied whole to the customer account. */
async function seedCredit(customerId: string, amount: string, currency = 'USD'): Promise<string> {
  const creditNoteId = await issuedNote(customerId, amount, currency);
  return (await note(APPLY_NOTE, 'applyCreditNote', { creditNoteId, applicationType: 'CUSTOMER_ACCOUNT', amount })).position;
}

function applyCredit(input: Record<string, unknown>): Promise<GraphQLHttpResponse<{ applyCredit: ApplyCreditPayload }>> {
  return ledger.graphql<{ applyCredit: ApplyCreditPayload }>(APPLY_CREDIT, { input });
}

async function applyCreditOk(input: Record<string, unknown>): Promise<ApplyCreditPayload> {
  return requireData(await applyCredit(input), 'applyCredit').applyCredit;
}

async function setAutoApply(customerId: string, enabled: boolean): Promise<{ account: AccountView; position: string }> {
  return requireData(await ledger.graphql<{ setAutoApplyCredit: { account: AccountView; position: string } }>(SET_AUTO_APPLY, { input: { customerId, enabled } }), 'setAutoApplyCredit')
    .setAutoApplyCredit;
}

async function invoiceState(invoiceId: string): Promise<InvoiceState> {
  return (await loadInvoiceStream(ledger.services.store, DEV_TENANT_ID, invoiceId)).state;
}

async function accountBalances(customerId: string): Promise<Record<string, string>> {
  return (await loadCustomerAccount(ledger.services.store, DEV_TENANT_ID, customerId)).state.balances;
}

/** The mutation fails with `code`, returns no data, and the $all head does not move. */
function expectRejected(code: string, send: () => Promise<GraphQLHttpResponse<unknown>>): Promise<void> {
  return expectRejectedWithoutEvents(ledger, code, send);
}

const sumOf = (amounts: readonly string[]): string =>
  Money.sum(
    amounts.map((amount) => Money.of(amount, 'USD')),
    'USD',
  ).toString();

describe('applyCredit', () => {
  let invoiceId: string;

  it('spends the customer credit on an invoice in one append: the invoice balance and the credit both go down', async () => {
    const seeded = await seedCredit('cust-credit', '50.00');
    expect(await ledger.customerCredit('cust-credit', seeded)).toEqual([{ amount: '50.00', currency: 'USD' }]);
    invoiceId = (await issuedInvoice(ledger, { customerId: 'cust-credit' })).invoice.id;
    const payload = await applyCreditOk({ customerId: 'cust-credit', invoiceId, amount: '20.00', currency: 'USD' });
    expect(payload.account).toEqual({ customerId: 'cust-credit', autoApplyCredit: false, credit: [{ amount: '30.00', currency: 'USD' }] });
    expect(payload.invoice).toMatchObject({ id: invoiceId, status: 'PARTIALLY_PAID', balanceDue: { amount: '51.96' }, amountCredited: { amount: '20.00' } });
    const applied = (await ledger.tenantEvents()).filter((event) => ['CustomerCreditApplied', 'InvoiceCreditApplied'].includes(event.type));
    expect(applied.map((event) => event.type).sort()).toEqual(['CustomerCreditApplied', 'InvoiceCreditApplied']);
    expect(new Set(applied.map((event) => event.position.commit)).size).toBe(1);
    expect(applied.find((event) => event.type === 'InvoiceCreditApplied')?.data).toMatchObject({ source: 'customer_credit', sourceId: 'cust-credit', amount: '20.00' });
    expect(await ledger.customerCredit('cust-credit', payload.position)).toEqual([{ amount: '30.00', currency: 'USD' }]);
    expect(await ledger.invoice(invoiceId, payload.position)).toMatchObject({ balanceDue: { amount: '51.96' } });
  });

  it('the same idempotency key applies once and answers the same', async () => {
    const input = { customerId: 'cust-credit', invoiceId, amount: '1.00', currency: 'USD', idempotencyKey: 'apply-credit-once' };
    const first = await applyCreditOk(input);
    const again = await applyCreditOk(input);
    expect(again).toEqual(first);
    expect((await accountBalances('cust-credit')).USD).toBe('29.00');
    expect((await invoiceState(invoiceId)).balanceDue).toBe('50.96');
  });

  it('bad input: each case has its own code and appends nothing', async () => {
    const small = (await issuedInvoice(ledger, { customerId: 'cust-credit', lines: [{ description: 'Small', quantity: '1', unitPrice: '2.00' }] })).invoice.id;
    const draft = (await ledger.mutateOk('createInvoice', draftInput({ customerId: 'cust-credit' }))).invoice.id;
    const foreign = (await issuedInvoice(ledger, { customerId: 'someone-else' })).invoice.id;
    const euro = (await issuedInvoice(ledger, { customerId: 'cust-credit', currency: 'EUR' })).invoice.id;
    const apply = (overrides: Record<string, unknown>) => applyCredit({ customerId: 'cust-credit', invoiceId, amount: '1.00', currency: 'USD', ...overrides });
    await expectRejected('INSUFFICIENT_CREDIT', () => apply({ amount: '29.01' }));
    await expectRejected('AMOUNT_EXCEEDS_BALANCE', () => apply({ invoiceId: small, amount: '2.01' }));
    await expectRejected('CURRENCY_MISMATCH', () => apply({ invoiceId: euro }));
    await expectRejected('INSUFFICIENT_CREDIT', () => apply({ invoiceId: euro, currency: 'EUR' }));
    await expectRejected('VALIDATION_FAILED', () => apply({ invoiceId: foreign }));
    await expectRejected('NOT_FOUND', () => apply({ invoiceId: 'no-such-invoice' }));
    await expectRejected('INVOICE_NOT_OPEN', () => apply({ invoiceId: draft }));
    await expectRejected('VALIDATION_FAILED', () => apply({ amount: '0' }));
    await expectRejected('VALIDATION_FAILED', () => apply({ amount: '-1.00' }));
    await expectRejected('VALIDATION_FAILED', () => apply({ amount: '1.001' }));
    await expectRejected('VALIDATION_FAILED', () => apply({ customerId: '' }));
  });
});

describe('setAutoApplyCredit and auto-apply at issue', () => {
  it('turns auto-apply on; a new invoice is paid from the credit in its currency in the issue append', async () => {
    await seedCredit('cust-auto', '30.00');
    const set = await setAutoApply('cust-auto', true);
    expect(set.account).toEqual({ customerId: 'cust-auto', autoApplyCredit: true, credit: [{ amount: '30.00', currency: 'USD' }] });
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'cust-auto' }));
    const issued = requireData(await ledger.graphql<{ issueInvoice: ApplyCreditPayload }>(ISSUE_INVOICE, { input: { invoiceId: draft.invoice.id } }), 'issueInvoice').issueInvoice;
    expect(issued.invoice).toMatchObject({ status: 'PARTIALLY_PAID', balanceDue: { amount: '41.96' }, amountCredited: { amount: '30.00' } });
    expect((await accountBalances('cust-auto')).USD).toBe('0.00');
    const events = await ledger.tenantEvents();
    const issue = events.filter((event) => ['InvoiceIssued', 'InvoiceCreditApplied', 'CustomerCreditApplied'].includes(event.type) && JSON.stringify(event.data).includes(draft.invoice.id));
    expect(issue.map((event) => event.type).sort()).toEqual(['CustomerCreditApplied', 'InvoiceCreditApplied', 'InvoiceIssued']);
    expect(new Set(issue.map((event) => event.position.commit)).size).toBe(1);
  });

  it('credit above the new balance pays it whole (min(credit, balance)) and the rest stays on the account', async () => {
    await seedCredit('cust-auto', '100.00');
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'cust-auto' }));
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id });
    expect(issued.invoice).toMatchObject({ status: 'PAID', balanceDue: { amount: '0.00' } });
    expect((await accountBalances('cust-auto')).USD).toBe('28.04');
  });

  it('credit in another currency, or auto-apply off, leaves a new invoice untouched; setting the same value again records nothing', async () => {
    await seedCredit('cust-auto', '10.00', 'EUR');
    const euroDraft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'cust-auto', currency: 'EUR' }));
    const balances = await accountBalances('cust-auto');
    expect(balances).toEqual({ USD: '28.04', EUR: '10.00' });
    // EUR credit pays the EUR invoice; the USD credit does not touch it.
    expect((await ledger.mutateOk('issueInvoice', { invoiceId: euroDraft.invoice.id })).invoice.balanceDue).toEqual({ amount: '61.96', currency: 'EUR' });
    expect(await accountBalances('cust-auto')).toEqual({ USD: '28.04', EUR: '0.00' });
    const off = await setAutoApply('cust-auto', false);
    expect(off.account.autoApplyCredit).toBe(false);
    const before = await headOfLog(ledger);
    expect((await setAutoApply('cust-auto', false)).account.autoApplyCredit).toBe(false);
    expect(await headOfLog(ledger)).toBe(before);
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'cust-auto' }));
    expect((await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id })).invoice.balanceDue.amount).toBe('71.96');
    expect((await accountBalances('cust-auto')).USD).toBe('28.04');
  });

  it('a customer without an account is issued as before', async () => {
    const issued = await issuedInvoice(ledger, { customerId: 'cust-never-credited' });
    expect(issued.invoice.balanceDue.amount).toBe('71.96');
    expect((await ledger.tenantEvents()).filter((event) => event.streamId === streams.customerAccount(DEV_TENANT_ID, 'cust-never-credited'))).toEqual([]);
  });

  it('bad input: setAutoApplyCredit without a customer id or with a non-boolean is VALIDATION_FAILED and appends nothing', async () => {
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(SET_AUTO_APPLY, { input: { customerId: '', enabled: true } }));
    await expectRejected('VALIDATION_FAILED', () => ledger.graphql(SET_AUTO_APPLY, { input: { customerId: 'cust-auto', enabled: 'yes' } }));
  });
});

describe('racing credit applications on one invoice are never over-applied', () => {
  it('applyCredit and applyCreditNote at the same time: one fits, the other is refused; balance >= 0', async () => {
    for (let round = 0; round < 3; round += 1) {
      const customerId = `cust-race-${round}`;
      await seedCredit(customerId, '50.00');
      const creditNoteId = await issuedNote(customerId, '50.00');
      const invoiceId = (await issuedInvoice(ledger, { customerId })).invoice.id;
      const results = await Promise.all([
        applyCredit({ customerId, invoiceId, amount: '40.00', currency: 'USD' }),
        ledger.graphql(APPLY_NOTE, { input: { creditNoteId, applicationType: 'INVOICE', invoiceId, amount: '40.00' } }),
      ]);
      expect(results.map((result) => firstErrorCode(result) ?? 'OK').sort()).toEqual(['AMOUNT_EXCEEDS_BALANCE', 'OK']);
      const state = await invoiceState(invoiceId);
      expect(sumOf(state.creditApplications.map((application) => application.amount))).toBe('40.00');
      expect(state.balanceDue).toBe('31.96');
      // The refused side kept its credit whole.
      const credit = (await accountBalances(customerId)).USD;
      const refusedNote = firstErrorCode(results[1] as GraphQLHttpResponse<unknown>) !== undefined;
      expect(credit).toBe(refusedNote ? '10.00' : '50.00');
    }
  });

  it('two applyCredit calls on two invoices racing for the same credit: the credit never goes below zero', async () => {
    await seedCredit('cust-race-credit', '50.00');
    const [first, second] = await Promise.all([issuedInvoice(ledger, { customerId: 'cust-race-credit' }), issuedInvoice(ledger, { customerId: 'cust-race-credit' })]);
    const results = await Promise.all(
      [first, second].map((invoice) => applyCredit({ customerId: 'cust-race-credit', invoiceId: invoice?.invoice.id, amount: '30.00', currency: 'USD' })),
    );
    expect(results.map((result) => firstErrorCode(result) ?? 'OK').sort()).toEqual(['INSUFFICIENT_CREDIT', 'OK']);
    expect((await accountBalances('cust-race-credit')).USD).toBe('20.00');
  });
});
