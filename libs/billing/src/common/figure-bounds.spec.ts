import { describe, expect, it } from '@jest/globals';
import { creditNoteDecider } from '../credit-note/credit-note.decider.js';
import { customerAccountDecider } from '../customer-account/customer-account.decider.js';
import { exchangeRateDecider } from '../exchange-rate/exchange-rate.decider.js';
import type { InvoiceCommand, InvoiceSettingsContext, LineInput } from '../invoice/invoice.commands.js';
import { invoiceDecider } from '../invoice/invoice.decider.js';
import type { RecordPayment } from '../payment/payment.commands.js';
import { paymentDecider } from '../payment/payment.decider.js';
import { fold, type Decider } from './decider.js';
import { DomainError } from './domain-error.js';

/**
 * The one bound on figures (12 digits before the decimal point, the currency's decimals after it) in every decider
 * that accepts or computes one: the largest figure is accepted, one minor unit more is AMOUNT_OUT_OF_RANGE, and so is
 * any figure a command would compute above it (a line amount, an invoice or credit-note total, a converted total).
 */

const now = '2024-01-15T09:30:00.000Z';
const metadata = { now };

/** The events, or the error, of `command` decided on the state folded from `history`. */
function decideOn<Command, Event, State>(decider: Decider<Command, Event, State>, history: readonly Event[], command: Command): Event[] | DomainError {
  try {
    return decider.decide(command, fold(decider, history));
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

function expectOutOfRange(outcome: unknown, field: string): void {
  expect(outcome).toBeInstanceOf(DomainError);
  const error = outcome as DomainError;
  expect({ code: error.code, field: error.details.field }).toEqual({ code: 'AMOUNT_OUT_OF_RANGE', field });
  expect(error.message).toMatch(/is out of range: the largest accepted is 999999999999/);
}

function expectEvents(outcome: unknown): unknown[] {
  if (outcome instanceof DomainError) throw new Error(`expected events, got ${outcome.code}: ${outcome.message}`);
  return outcome as unknown[];
}

const line = (overrides: Partial<LineInput> = {}): LineInput => ({ lineId: 'L1', description: 'Backbone', quantity: '1', unitPrice: '1.00', taxRate: null, ...overrides });
const createInvoice = (lines: LineInput[], currency = 'USD'): InvoiceCommand => ({
  type: 'CreateInvoice',
  data: { invoiceId: 'inv-1', customerId: 'cus-1', currency, lines },
  metadata,
});

describe('invoice lines and totals', () => {
  it('accepts the largest line amount, and the largest quantity and unit price', () => {
    const events = expectEvents(decideOn(invoiceDecider, [], createInvoice([line({ unitPrice: '999999999999.99' })])));
    expect(events).toHaveLength(1);
    expectEvents(decideOn(invoiceDecider, [], createInvoice([line({ quantity: '999999999999.999999', unitPrice: '0.000001' })])));
    expectEvents(decideOn(invoiceDecider, [], createInvoice([line({ quantity: '999999999999', unitPrice: '0.50' })], 'JPY')));
  });

  it('refuses the reported line: 999999999999 x 999999 is AMOUNT_OUT_OF_RANGE, not a 19-digit amount', () => {
    expectOutOfRange(decideOn(invoiceDecider, [], createInvoice([line({ quantity: '999999999999', unitPrice: '999999' })])), 'lines[0].amount');
  });

  it.each([
    ['a quantity of 13 digits', { quantity: '1000000000000' }, 'lines[0].quantity'],
    ['a unit price of 13 digits', { unitPrice: '1000000000000' }, 'lines[0].unitPrice'],
    ['a unit price of 25 digits', { unitPrice: '1000000000000000000000000' }, 'lines[0].unitPrice'],
    ['a line amount one cent over', { unitPrice: '999999999999.995' }, 'lines[0].amount'],
    ['a product of 13 digits', { quantity: '2', unitPrice: '999999999999', taxRate: '100' }, 'lines[0].amount'],
  ])('refuses %s', (_case, overrides, field) => {
    expectOutOfRange(decideOn(invoiceDecider, [], createInvoice([line(overrides)])), field);
  });

  it('refuses a line that would push the total over the bound, on create and on add', () => {
    const largest = line({ unitPrice: '999999999999.99' });
    expectOutOfRange(decideOn(invoiceDecider, [], createInvoice([largest, line({ lineId: 'L2', unitPrice: '0.01' })])), 'total');
    expectOutOfRange(decideOn(invoiceDecider, [], createInvoice([line({ unitPrice: '999999999999.99', taxRate: '20' })])), 'total');
    const drafted = expectEvents(decideOn(invoiceDecider, [], createInvoice([largest]))) as never[];
    expectOutOfRange(decideOn(invoiceDecider, drafted, { type: 'AddInvoiceLine', data: { invoiceId: 'inv-1', line: line({ lineId: 'L2', unitPrice: '0.01' }) }, metadata }), 'total');
  });

  it('refuses an issue whose total converted to the reporting currency leaves the bound, and takes one that fits', () => {
    const settings: InvoiceSettingsContext = {
      invoicingEnabled: true,
      paymentsEnabled: true,
      supportedCurrencies: ['EUR', 'USD'],
      enabledPaymentMethods: ['card'],
      defaultDueDays: 14,
      reportingCurrency: 'USD',
      tax: { calculateAutomatically: false, pricesIncludeTax: false, rounding: 'per_line', rates: [] },
    };
    const drafted = expectEvents(decideOn(invoiceDecider, [], createInvoice([line({ unitPrice: '999999999999.99' })], 'EUR'))) as never[];
    const issue = (rate: string): InvoiceCommand => ({
      type: 'IssueInvoice',
      data: { invoiceId: 'inv-1', number: 'INV-1', issueDate: '2024-01-15', settings, exchangeRate: { base: 'EUR', quote: 'USD', rate, effectiveAt: '2024-01-01T00:00:00Z', source: 'ECB', inverted: false } },
      metadata,
    });
    expectOutOfRange(decideOn(invoiceDecider, drafted, issue('1.5')), 'reportingTotal');
    const issued = expectEvents(decideOn(invoiceDecider, drafted, issue('0.5'))) as { type: string; data: { reportingTotal?: string | null } }[];
    expect(issued.find((event) => event.type === 'InvoiceIssued')?.data.reportingTotal).toBe('500000000000.00');
  });
});

describe('payments, refunds, credit notes, customer credit and exchange rates', () => {
  const record = (amount: string, currency = 'USD'): RecordPayment => ({
    type: 'RecordPayment',
    data: { paymentId: 'pay-1', customerId: 'cus-1', amount, currency, method: 'cash', reference: 'till-1', allocation: { kind: 'oldest_due_first' } },
    metadata,
  });

  it('a payment of the largest amount is accepted; above it, even far above the input digit cap, AMOUNT_OUT_OF_RANGE', () => {
    expectEvents(decideOn(paymentDecider, [], record('999999999999.99')));
    expectEvents(decideOn(paymentDecider, [], record('999999999999.999', 'KWD')));
    expectOutOfRange(decideOn(paymentDecider, [], record('1000000000000.00')), 'amount');
    expectOutOfRange(decideOn(paymentDecider, [], record('999999999999999999.99')), 'amount');
    expectOutOfRange(decideOn(paymentDecider, [], record('99999999999999999999999999.99')), 'amount');
    expectOutOfRange(decideOn(paymentDecider, [], record('1000000000000', 'JPY')), 'amount');
  });

  it('explicit allocations are bounded like the payment', () => {
    const outcome = decideOn(paymentDecider, [], {
      ...record('10.00'),
      data: { ...record('10.00').data, allocation: { kind: 'explicit', invoices: [{ invoiceId: 'inv-1', amount: '1000000000000.00' }] } },
    });
    expectOutOfRange(outcome, 'allocation.invoices[0].amount');
  });

  it('a refund above the bound is AMOUNT_OUT_OF_RANGE before anything else is looked at', () => {
    const recorded = expectEvents(decideOn(paymentDecider, [], record('999999999999.99'))) as never[];
    const refund = { type: 'RefundPayment' as const, data: { paymentId: 'pay-1', refundId: 'ref-1', amount: '1000000000000.00', method: 'original', reason: 'x' }, metadata };
    expectOutOfRange(decideOn(paymentDecider, recorded, refund as never), 'amount');
  });

  it('a credit note: lines and total within the bound; an application above it is refused', () => {
    const create = (lines: LineInput[]) => ({
      type: 'CreateCreditNote' as const,
      data: { creditNoteId: 'cn-1', customerId: 'cus-1', currency: 'USD', type: 'error_correction', reason: 'billing_error', lines },
      metadata,
    });
    expectEvents(decideOn(creditNoteDecider, [], create([line({ unitPrice: '999999999999.99' })]) as never));
    expectOutOfRange(decideOn(creditNoteDecider, [], create([line({ quantity: '999999999999', unitPrice: '999999' })]) as never), 'lines[0].amount');
    expectOutOfRange(decideOn(creditNoteDecider, [], create([line({ unitPrice: '999999999999.99' }), line({ lineId: 'L2', unitPrice: '0.01' })]) as never), 'total');
  });

  it('customer credit: the largest credit is accepted, one cent more is refused, and a balance beyond the bound still works', () => {
    const credit = (entryId: string, amount: string) => ({
      type: 'CreditCustomerAccount' as const,
      data: { customerId: 'cus-1', entryId, amount, currency: 'USD', source: 'overpayment', sourceId: `pay-${entryId}` },
      metadata,
    });
    expectOutOfRange(decideOn(customerAccountDecider, [], credit('e1', '1000000000000.00') as never), 'amount');
    let history: never[] = [];
    for (const entryId of ['e1', 'e2', 'e3']) history = [...history, ...(expectEvents(decideOn(customerAccountDecider, history, credit(entryId, '999999999999.99') as never)) as never[])];
    const last = history.at(-1) as unknown as { data: { balanceAfter: string } };
    expect(last.data.balanceAfter).toBe('2999999999999.97');
    const apply = { type: 'ApplyCustomerCredit' as const, data: { customerId: 'cus-1', applicationId: 'app-1', invoiceId: 'inv-1', amount: '999999999999.99', currency: 'USD' }, metadata };
    expect((expectEvents(decideOn(customerAccountDecider, history, apply as never))[0] as { data: { balanceAfter: string } }).data.balanceAfter).toBe('1999999999999.98');
  });

  it('an exchange rate: the largest is recorded, 13 digits are AMOUNT_OUT_OF_RANGE', () => {
    const rate = (value: string) => ({ type: 'RecordExchangeRate' as const, data: { base: 'EUR', quote: 'USD', rate: value, effectiveAt: '2024-01-01T00:00:00Z', source: 'ECB' }, metadata });
    expectEvents(decideOn(exchangeRateDecider, [], rate('999999999999.999999999999')));
    expectOutOfRange(decideOn(exchangeRateDecider, [], rate('1000000000000')), 'rate');
  });
});
