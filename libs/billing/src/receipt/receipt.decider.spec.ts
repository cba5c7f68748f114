import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import type { IssueReceipt } from './receipt.commands.js';
import { receiptDecider } from './receipt.decider.js';
import { receiptEventSchemas, type Receipt, type ReceiptIssued } from './receipt.events.js';
import { receiptText } from './receipt.text.js';

const spec = DeciderSpecification.for(receiptDecider);

const issuedAt = '2024-01-15T09:31:00.000Z';
const now = '2024-01-15T09:31:02.000Z';
const later = '2024-01-16T08:00:00.000Z';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

const company = {
  name: 'Acme Networks',
  legalName: 'Acme Networks LLC',
  taxId: 'US-12-3456789',
  addressLines: ['1 Main Street', 'Springfield, IL 62701', 'US'],
  email: 'billing@acme.example',
};

function issue(data: Partial<IssueReceipt['data']> = {}, at = now): IssueReceipt {
  return {
    type: 'IssueReceipt',
    data: {
      receiptId: 'rcpt-pay-1',
      paymentId: 'pay-1',
      number: 'RCT-2024-000001',
      issuedAt,
      issueDate: '2024-01-15',
      payer: { customerId: 'cus-1', name: 'Acme Fibre Inc.' },
      amount: '100.00',
      currency: 'USD',
      methodDescription: 'visa ****4242',
      paymentReference: 'ch_3NxA1',
      invoicesPaid: [
        { invoiceId: 'inv-1', number: 'INV-2024-000001', amount: '71.96' },
        { invoiceId: 'inv-2', number: 'INV-2024-000002', amount: '20' },
      ],
      company,
      ...data,
    },
    metadata: { now: at },
  };
}

const receipt: Receipt = {
  receiptId: 'rcpt-pay-1',
  paymentId: 'pay-1',
  number: 'RCT-2024-000001',
  issuedAt,
  issueDate: '2024-01-15',
  payer: { customerId: 'cus-1', name: 'Acme Fibre Inc.' },
  amount: '100.00',
  currency: 'USD',
  methodDescription: 'visa ****4242',
  paymentReference: 'ch_3NxA1',
  invoicesPaid: [
    { invoiceId: 'inv-1', number: 'INV-2024-000001', amount: '71.96' },
    { invoiceId: 'inv-2', number: 'INV-2024-000002', amount: '20.00' },
  ],
  creditedAmount: '8.04',
  company: { ...company, registrationNumber: null, phone: null, website: null },
};

function issued(data: Partial<Receipt> = {}): ReceiptIssued {
  return { type: 'ReceiptIssued', data: { ...receipt, ...data } };
}

describe('no receipt', () => {
  it('IssueReceipt issues it, amounts fixed to the minor unit, the remainder credited', () => {
    spec.given([]).when(issue()).then([issued()]);
  });

  it('IssueReceipt of a payment that paid no invoice credits all of it, optional parts null', () => {
    spec
      .given([])
      .when(issue({ invoicesPaid: [], payer: { customerId: 'cus-1' }, paymentReference: undefined, company: { name: 'Acme Networks' } }))
      .then([
        issued({
          invoicesPaid: [],
          creditedAmount: '100.00',
          payer: { customerId: 'cus-1', name: null },
          paymentReference: null,
          company: { name: 'Acme Networks', legalName: null, taxId: null, registrationNumber: null, addressLines: [], email: null, phone: null, website: null },
        }),
      ]);
  });

  it('IssueReceipt accepts the tenant date a day either side of the UTC date', () => {
    spec.given([]).when(issue({ issueDate: '2024-01-14' })).then([issued({ issueDate: '2024-01-14' })]);
    spec.given([]).when(issue({ issueDate: '2024-01-16' })).then([issued({ issueDate: '2024-01-16' })]);
  });

  it.each([
    ['no number', { number: '' }, /number is required/],
    ['issuedAt after now', { issuedAt: '2024-01-15T09:31:03.000Z' }, /a receipt cannot be dated in the future/],
    ['issuedAt that is not an instant', { issuedAt: '2024-01-15' }, /issuedAt must be an ISO-8601 instant/],
    ['an issueDate two days off', { issueDate: '2024-01-17' }, /issueDate 2024-01-17 is not the date of issuedAt/],
    ['no payer', { payer: unchecked<IssueReceipt['data']['payer']>(undefined) }, /payer must be an object/],
    ['a zero amount', { amount: '0.00' }, /amount must be greater than 0/],
    ['a float amount', { amount: unchecked<string>(100) }, /amount must be a decimal string/],
    ['too many decimals for JPY', { amount: '100.5', currency: 'JPY', invoicesPaid: [] }, /has 1 decimal place but JPY has no minor unit/],
    ['no method description', { methodDescription: ' ' }, /methodDescription is required/],
    ['a card number in the method description', { methodDescription: 'visa 4242 4242 4242 4242' }, /methodDescription looks like it holds a full card number/],
    [
      'invoices paid above the amount',
      { invoicesPaid: [{ invoiceId: 'inv-1', number: 'INV-2024-000001', amount: '100.01' }] },
      /invoicesPaid add up to 100.01 USD, more than the 100.00 received/,
    ],
    [
      'an invoice listed twice',
      {
        invoicesPaid: [
          { invoiceId: 'inv-1', number: 'INV-2024-000001', amount: '1.00' },
          { invoiceId: 'inv-1', number: 'INV-2024-000001', amount: '1.00' },
        ],
      },
      /invoice inv-1 is listed more than once/,
    ],
    ['an invoice without its number', { invoicesPaid: [{ invoiceId: 'inv-1', number: '', amount: '1.00' }] }, /invoicesPaid\[0\].number is required/],
    ['no company name', { company: { name: '' } }, /company.name is required/],
    ['seven address lines', { company: { name: 'Acme', addressLines: ['1', '2', '3', '4', '5', '6', '7'] } }, /company.addressLines has at most 6 items/],
  ])('IssueReceipt with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(issue(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('IssueReceipt without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...issue(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });
});

describe('issued', () => {
  it('is the state after ReceiptIssued', () => {
    expect(fold(receiptDecider, [issued()])).toEqual({ status: 'issued', receipt });
  });

  it('IssueReceipt again with the same data (a redelivered PaymentSucceeded) is acknowledged without an event', () => {
    spec.given([issued()]).when(issue({}, later)).thenNothing();
  });

  it('IssueReceipt again is compared whatever the key order of the stored event (jsonb)', () => {
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed);
      if (typeof value !== 'object' || value === null) return value;
      return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversed(item)]));
    };
    spec.given([{ type: 'ReceiptIssued', data: reversed(receipt) as Receipt }]).when(issue()).thenNothing();
  });

  it('IssueReceipt again with another amount fails RECEIPT_IMMUTABLE naming what differs', () => {
    spec.given([issued()]).when(issue({ amount: '100.01' })).thenThrows('RECEIPT_IMMUTABLE', /Receipt RCT-2024-000001 \(rcpt-pay-1\) was issued and can no longer change/);
    let error: unknown;
    try {
      receiptDecider.decide(issue({ amount: '100.01', number: 'RCT-2024-000002' }), fold(receiptDecider, [issued()]));
    } catch (caught) {
      error = caught;
    }
    expect((error as DomainError).details).toEqual({ receiptId: 'rcpt-pay-1', number: 'RCT-2024-000001', differences: ['number', 'amount', 'creditedAmount'] });
  });

  it('IssueReceipt again with another company address fails RECEIPT_IMMUTABLE', () => {
    spec.given([issued()]).when(issue({ company: { ...company, addressLines: ['2 Main Street'] } })).thenThrows('RECEIPT_IMMUTABLE');
  });

  it('IssueReceipt again with invalid data fails VALIDATION_FAILED (the data is checked first)', () => {
    spec.given([issued()]).when(issue({ amount: '-1' })).thenThrows('VALIDATION_FAILED', /amount must be greater than 0/);
  });

  it('a receipt decided on the stream of another receipt is a programmer error', () => {
    expect(() => receiptDecider.decide(issue({ receiptId: 'rcpt-pay-2' }), fold(receiptDecider, [issued()]))).toThrow(/was decided on the stream of rcpt-pay-1/);
  });
});

describe('receiptText', () => {
  it('lists title, number, date, payer, amount, method, invoices paid, credit and company info', () => {
    expect(receiptText(receipt)).toEqual([
      'RECEIPT',
      'Receipt number: RCT-2024-000001',
      'Date: 2024-01-15',
      'Received from: Acme Fibre Inc. (cus-1)',
      'Amount paid: 100.00 USD',
      'Payment method: visa ****4242',
      'Payment reference: ch_3NxA1',
      'Invoices paid:',
      '  INV-2024-000001: 71.96 USD',
      '  INV-2024-000002: 20.00 USD',
      'Credited to account: 8.04 USD',
      'Issued by: Acme Networks',
      'Legal name: Acme Networks LLC',
      'Tax ID: US-12-3456789',
      '1 Main Street',
      'Springfield, IL 62701',
      'US',
      'Email: billing@acme.example',
    ]);
  });

  it('leaves absent parts out and writes amounts with the currency minor unit (JPY 0, KWD 3)', () => {
    const bare: Receipt = {
      ...receipt,
      payer: { customerId: 'cus-9', name: null },
      paymentReference: null,
      invoicesPaid: [],
      company: { name: 'Acme Networks', legalName: null, taxId: null, registrationNumber: 'RC 42', addressLines: [], email: null, phone: '+1 555 0100', website: null },
    };
    expect(receiptText({ ...bare, amount: '12000', currency: 'JPY', creditedAmount: '0' })).toEqual([
      'RECEIPT',
      'Receipt number: RCT-2024-000001',
      'Date: 2024-01-15',
      'Received from: cus-9',
      'Amount paid: 12000 JPY',
      'Payment method: visa ****4242',
      'Invoices paid: none',
      'Issued by: Acme Networks',
      'Registration number: RC 42',
      'Phone: +1 555 0100',
    ]);
    expect(receiptText({ ...bare, amount: '1.5', currency: 'KWD', creditedAmount: '1.5' })).toContain('Amount paid: 1.500 KWD');
  });

  it('formats amounts and the date for a locale when asked', () => {
    const lines = receiptText({ ...receipt, amount: '1234.50', creditedAmount: '1142.54' }, { locale: 'en-US' });
    expect(lines).toContain('Date: 01/15/2024');
    expect(lines).toContain('Amount paid: $1,234.50');
    expect(lines).toContain('  INV-2024-000001: $71.96');
  });

  it('refuses an amount with more decimals than the currency rather than rounding it', () => {
    expect(() => receiptText({ ...receipt, amount: '100.005' })).toThrow(/has 3 decimal places/);
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const events = receiptDecider.decide(issue(), receiptDecider.initialState);
    expect(events.map((event) => event.type)).toEqual(['ReceiptIssued']);
    for (const event of events) {
      const schema = receiptEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });
});
