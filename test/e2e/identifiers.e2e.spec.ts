import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import { headOfLog } from '../support/expect-rejected.js';
import { draftInput, issuedInvoice, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Ids have one alphabet and length (libs/billing shared/validation.ts `identifierLimits`): 1 to 128 ASCII letters,
 * digits and `_ . : -`, starting with a letter or a digit. Every mutation that takes an id refuses ESC, CR, LF, the
 * right-to-left override, a zero-width space, an empty id and a 129-character id with VALIDATION_FAILED naming the
 * field, and appends nothing; ordinary ids keep working.
 */

const BAD_IDS: readonly (readonly [string, string])[] = [
  ['ESC', '\u001b[2J'],
  ['CR', 'cus\r1'],
  ['LF', 'cus\n1'],
  ['a right-to-left override (U+202E)', 'cus\u202E1'],
  ['a zero-width space (U+200B)', 'cus\u200B1'],
  ['an empty id', ''],
  ['129 characters', 'a'.repeat(129)],
];

interface IdCase {
  readonly mutation: string;
  readonly inputType: string;
  /** The field as the error message names it. */
  readonly field: string;
  readonly input: (id: string) => Record<string, unknown>;
}

let ledger: TestLedger;
let draftId: string;
let issuedId: string;
let paymentId: string;
let creditNoteId: string;
let paymentMethodId: string;
let lineId: string;

const document = (mutation: string, inputType: string) => `mutation ($input: ${inputType}!) { ${mutation}(input: $input) { __typename } }`;

async function mutate(mutation: string, inputType: string, input: Record<string, unknown>) {
  return ledger.graphql<Record<string, unknown>>(document(mutation, inputType), { input });
}

async function mutateOk<T>(mutation: string, inputType: string, selection: string, input: Record<string, unknown>): Promise<T> {
  const response = await ledger.graphql<Record<string, T>>(`mutation ($input: ${inputType}!) { ${mutation}(input: $input) { ${selection} } }`, { input });
  return requireData(response, mutation)[mutation] as T;
}

const address = { line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
const line = { description: 'Fibre', quantity: '1', unitPrice: '10.00', taxRate: null };

beforeAll(async () => {
  ledger = await startTestLedger();
  const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'id-customer' }));
  draftId = draft.invoice.id;
  lineId = draft.invoice.lines[0]?.id as string;
  issuedId = (await issuedInvoice(ledger, { customerId: 'id-customer' })).invoice.id;
  paymentId = (await mutateOk<{ payment: { id: string } }>('createPayment', 'CreatePaymentInput', 'payment { id }', {
    customerId: 'id-customer', amount: '1.00', currency: 'USD', method: 'CARD', reference: 'ch_ids',
  })).payment.id;
  creditNoteId = (await mutateOk<{ creditNote: { id: string } }>('createCreditNote', 'CreateCreditNoteInput', 'creditNote { id }', {
    customerId: 'id-customer', currency: 'USD', type: 'GOODWILL', reason: 'GOODWILL', lines: [line],
  })).creditNote.id;
  paymentMethodId = (await mutateOk<{ paymentMethod: { id: string } }>('addPaymentMethod', 'AddPaymentMethodInput', 'paymentMethod { id }', {
    customerId: 'id-customer', type: 'CARD', brand: 'Visa', last4: '4242', expiryMonth: 12, expiryYear: 2030, gatewayToken: 'tok_ids_1',
  })).paymentMethod.id;
});

afterAll(async () => {
  await ledger?.stop();
});

function cases(): IdCase[] {
  const payment = { amount: '1.00', currency: 'USD', method: 'CASH', reference: 'till-ids' };
  return [
    { mutation: 'createInvoice', inputType: 'CreateInvoiceInput', field: 'customerId', input: (id) => draftInput({ customerId: id }) },
    { mutation: 'addInvoiceLine', inputType: 'AddInvoiceLineInput', field: 'invoiceId', input: (id) => ({ invoiceId: id, line }) },
    { mutation: 'removeInvoiceLine', inputType: 'RemoveInvoiceLineInput', field: 'invoiceId', input: (id) => ({ invoiceId: id, lineId }) },
    { mutation: 'removeInvoiceLine', inputType: 'RemoveInvoiceLineInput', field: 'lineId', input: (id) => ({ invoiceId: draftId, lineId: id }) },
    { mutation: 'issueInvoice', inputType: 'IssueInvoiceInput', field: 'invoiceId', input: (id) => ({ invoiceId: id }) },
    { mutation: 'recordPayment', inputType: 'RecordPaymentInput', field: 'invoiceId', input: (id) => ({ invoiceId: id, ...payment }) },
    { mutation: 'voidInvoice', inputType: 'VoidInvoiceInput', field: 'invoiceId', input: (id) => ({ invoiceId: id, reason: 'x' }) },
    { mutation: 'writeOffInvoice', inputType: 'WriteOffInvoiceInput', field: 'invoiceId', input: (id) => ({ invoiceId: id, reason: 'x' }) },
    { mutation: 'createPayment', inputType: 'CreatePaymentInput', field: 'customerId', input: (id) => ({ customerId: id, ...payment }) },
    { mutation: 'createPayment', inputType: 'CreatePaymentInput', field: 'paymentMethodId', input: (id) => ({ customerId: 'id-customer', ...payment, method: 'CARD', paymentMethodId: id }) },
    {
      mutation: 'createPayment',
      inputType: 'CreatePaymentInput',
      field: 'allocations[0].invoiceId',
      input: (id) => ({ customerId: 'id-customer', ...payment, allocations: [{ invoiceId: id, amount: '1.00' }] }),
    },
    { mutation: 'markPaymentProcessing', inputType: 'MarkPaymentProcessingInput', field: 'paymentId', input: (id) => ({ paymentId: id }) },
    { mutation: 'markPaymentSucceeded', inputType: 'MarkPaymentSucceededInput', field: 'paymentId', input: (id) => ({ paymentId: id }) },
    { mutation: 'markPaymentFailed', inputType: 'MarkPaymentFailedInput', field: 'paymentId', input: (id) => ({ paymentId: id, reason: 'declined' }) },
    { mutation: 'retryPayment', inputType: 'RetryPaymentInput', field: 'paymentId', input: (id) => ({ paymentId: id }) },
    { mutation: 'cancelPayment', inputType: 'CancelPaymentInput', field: 'paymentId', input: (id) => ({ paymentId: id, reason: 'x' }) },
    { mutation: 'refundPayment', inputType: 'RefundPaymentInput', field: 'paymentId', input: (id) => ({ paymentId: id, amount: '1.00', method: 'ORIGINAL_PAYMENT', reason: 'x' }) },
    {
      mutation: 'createCreditNote',
      inputType: 'CreateCreditNoteInput',
      field: 'customerId',
      input: (id) => ({ customerId: id, currency: 'USD', type: 'GOODWILL', reason: 'GOODWILL', lines: [line] }),
    },
    {
      mutation: 'createCreditNote',
      inputType: 'CreateCreditNoteInput',
      field: 'sourceInvoiceId',
      input: (id) => ({ customerId: 'id-customer', currency: 'USD', type: 'GOODWILL', reason: 'GOODWILL', lines: [line], sourceInvoiceId: id }),
    },
    { mutation: 'issueCreditNote', inputType: 'IssueCreditNoteInput', field: 'creditNoteId', input: (id) => ({ creditNoteId: id }) },
    {
      mutation: 'applyCreditNote',
      inputType: 'ApplyCreditNoteInput',
      field: 'creditNoteId',
      input: (id) => ({ creditNoteId: id, applicationType: 'INVOICE', invoiceId: issuedId, amount: '1.00' }),
    },
    {
      mutation: 'applyCreditNote',
      inputType: 'ApplyCreditNoteInput',
      field: 'invoiceId',
      input: (id) => ({ creditNoteId, applicationType: 'INVOICE', invoiceId: id, amount: '1.00' }),
    },
    { mutation: 'voidCreditNote', inputType: 'VoidCreditNoteInput', field: 'creditNoteId', input: (id) => ({ creditNoteId: id, reason: 'x' }) },
    { mutation: 'applyCredit', inputType: 'ApplyCreditInput', field: 'customerId', input: (id) => ({ customerId: id, invoiceId: issuedId, amount: '1.00', currency: 'USD' }) },
    { mutation: 'applyCredit', inputType: 'ApplyCreditInput', field: 'invoiceId', input: (id) => ({ customerId: 'id-customer', invoiceId: id, amount: '1.00', currency: 'USD' }) },
    { mutation: 'setAutoApplyCredit', inputType: 'SetAutoApplyCreditInput', field: 'customerId', input: (id) => ({ customerId: id, enabled: true }) },
    {
      mutation: 'upsertCustomer',
      inputType: 'UpsertCustomerInput',
      field: 'customerId',
      input: (id) => ({ customerId: id, name: 'Ada', billingAddress: address, taxExempt: false }),
    },
    {
      mutation: 'addPaymentMethod',
      inputType: 'AddPaymentMethodInput',
      field: 'customerId',
      input: (id) => ({ customerId: id, type: 'CARD', brand: 'Visa', last4: '4242', expiryMonth: 12, expiryYear: 2030, gatewayToken: 'tok_ids_2' }),
    },
    { mutation: 'verifyPaymentMethod', inputType: 'VerifyPaymentMethodInput', field: 'paymentMethodId', input: (id) => ({ paymentMethodId: id }) },
    {
      mutation: 'failPaymentMethodVerification',
      inputType: 'FailPaymentMethodVerificationInput',
      field: 'paymentMethodId',
      input: (id) => ({ paymentMethodId: id, reason: 'x' }),
    },
    { mutation: 'expirePaymentMethod', inputType: 'ExpirePaymentMethodInput', field: 'paymentMethodId', input: (id) => ({ paymentMethodId: id }) },
    { mutation: 'deactivatePaymentMethod', inputType: 'DeactivatePaymentMethodInput', field: 'paymentMethodId', input: (id) => ({ paymentMethodId: id }) },
    {
      mutation: 'createTaxRate',
      inputType: 'CreateTaxRateInput',
      field: 'id',
      input: (id) => ({ id, name: 'VAT', type: 'VAT', rate: '20', jurisdiction: 'FR' }),
    },
    { mutation: 'updateTaxRate', inputType: 'UpdateTaxRateInput', field: 'taxRateId', input: (id) => ({ taxRateId: id, name: 'VAT' }) },
    { mutation: 'deactivateTaxRate', inputType: 'DeactivateTaxRateInput', field: 'taxRateId', input: (id) => ({ taxRateId: id }) },
  ];
}

describe('malformed ids', () => {
  it('every mutation that takes an id refuses each malformed id with VALIDATION_FAILED naming the field, and appends nothing', async () => {
    const before = await headOfLog(ledger);
    const outcomes: { case: string; code: string | undefined; namesField: boolean; data: unknown }[] = [];
    for (const idCase of cases()) {
      for (const [name, id] of BAD_IDS) {
        const response = await mutate(idCase.mutation, idCase.inputType, idCase.input(id));
        const message = response.errors?.[0]?.message ?? '';
        outcomes.push({
          case: `${idCase.mutation} ${idCase.field} with ${name}`,
          code: firstErrorCode(response),
          namesField: message.startsWith(`${idCase.field} `),
          data: response.data?.[idCase.mutation] ?? null,
        });
      }
    }
    expect(outcomes.filter((outcome) => outcome.code !== 'VALIDATION_FAILED' || !outcome.namesField || outcome.data !== null)).toEqual([]);
    expect(outcomes).toHaveLength(cases().length * BAD_IDS.length);
    expect(await headOfLog(ledger)).toBe(before);
  });

  it('the message says what is wrong, with the offending character spelt as a code point', async () => {
    const response = await mutate('createInvoice', 'CreateInvoiceInput', draftInput({ customerId: '\u001b[2J' }));
    expect(response.errors?.[0]?.message).toBe(
      'customerId must start with a letter or a digit and hold only ASCII letters, digits, "_", ".", ":" and "-" (it contains U+001B)',
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'customerId' });
    const long = await mutate('createInvoice', 'CreateInvoiceInput', draftInput({ customerId: 'a'.repeat(129) }));
    expect(long.errors?.[0]?.message).toBe('customerId must be at most 128 characters (got 129)');
  });
});

describe('ordinary ids', () => {
  it('letters, digits, "_", ".", ":" and "-" up to 128 characters work in every kind of id', async () => {
    const customerId = 'cus_Valid-1.x:y';
    await mutateOk('upsertCustomer', 'UpsertCustomerInput', 'position', { customerId, name: 'Ada', billingAddress: address, taxExempt: false });
    const invoice = await issuedInvoice(ledger, { customerId });
    expect(invoice.invoice).toMatchObject({ customerId, status: 'OPEN' });
    const longest = 'L'.repeat(128);
    expect((await ledger.mutateOk('createInvoice', draftInput({ customerId: longest }))).invoice.customerId).toBe(longest);
    const paid = await mutateOk<{ payment: { status: string } }>('createPayment', 'CreatePaymentInput', 'payment { status }', {
      customerId,
      amount: '1.00',
      currency: 'USD',
      method: 'CASH',
      reference: 'till-valid-ids',
      allocations: [{ invoiceId: invoice.invoice.id, amount: '1.00' }],
    });
    expect(paid.payment.status).toBe('SUCCEEDED');
    const rate = await mutateOk<{ taxRate: { id: string } }>('createTaxRate', 'CreateTaxRateInput', 'taxRate { id }', {
      id: 'fr-vat:20.0',
      name: 'TVA',
      type: 'VAT',
      rate: '20',
      jurisdiction: 'FR',
    });
    expect(rate.taxRate.id).toBe('fr-vat:20.0');
    for (const [mutation, inputType, input] of [
      ['issueCreditNote', 'IssueCreditNoteInput', { creditNoteId }],
      ['deactivatePaymentMethod', 'DeactivatePaymentMethodInput', { paymentMethodId }],
      ['markPaymentProcessing', 'MarkPaymentProcessingInput', { paymentId }],
      ['removeInvoiceLine', 'RemoveInvoiceLineInput', { invoiceId: draftId, lineId }],
    ] as const) {
      const response = await mutate(mutation, inputType, input);
      expect({ mutation, errors: response.errors ?? [] }).toEqual({ mutation, errors: [] });
    }
  });
});
