import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import { currencyOf } from '../../../money/src/index.js';
import { fold } from '../common/decider.js';
import { eventsOf } from '../money-movement.test-helper.js';
import type { InvoiceCommand } from './invoice.commands.js';
import { invoiceDecider } from './invoice.decider.js';
import type { InvoiceEvent } from './invoice.events.js';
import { lateFeeLineDescription, lateFeeOf } from './invoice.late-fee.js';

const invoiceId = 'inv-1';
const customerId = 'cus-1';
const issuedAt = '2024-03-01T09:00:00.000Z';
const overdueNow = '2024-03-12T00:00:00.000Z';
const later = '2024-03-13T10:00:00.000Z';

type Step = Omit<InvoiceCommand, 'metadata'>;

/** An invoice of `total` issued on 2024-03-01, due 03-11, then `before` (before it became overdue), overdue on 03-12, then `after`. */
function invoiceAfter(total: string, options: { currency?: string; before?: Step[]; overdue?: boolean; after?: Step[] } = {}): InvoiceEvent[] {
  const at = (now: string) => (command: Step) => ({ ...command, metadata: { now } }) as InvoiceCommand;
  const commands: InvoiceCommand[] = [
    {
      type: 'CreateInvoice',
      data: { invoiceId, customerId, currency: options.currency ?? 'USD', lines: [{ lineId: 'L1', description: 'Fibre', quantity: '1', unitPrice: total, taxRate: null }], paymentTermsDays: 10 },
      metadata: { now: issuedAt },
    },
    { type: 'IssueInvoice', data: { invoiceId, number: 'INV-2024-000001', issueDate: '2024-03-01' }, metadata: { now: issuedAt } },
    ...(options.before ?? []).map(at('2024-03-05T10:00:00.000Z')),
    ...(options.overdue === false ? [] : [{ type: 'MarkInvoiceOverdue', data: { invoiceId, today: '2024-03-12' }, metadata: { now: overdueNow } } as InvoiceCommand]),
    ...(options.after ?? []).map(at(later)),
  ];
  return eventsOf(invoiceDecider, commands);
}

const paid = (amount: string, paymentId = 'pay-1'): Step => ({
  type: 'ApplyPaymentToInvoice',
  data: { invoiceId, paymentId, amount, currency: 'USD', method: 'cash', reference: `ref-${paymentId}`, paymentAmount: amount },
});
const credited = (amount: string): Step => ({
  type: 'ApplyCreditToInvoice',
  data: { invoiceId, applicationId: `app-${amount}`, source: 'customer_credit', sourceId: customerId, amount, currency: 'USD' },
});
const creditNoteRegistered = (amount: string): Step => ({ type: 'RegisterCreditNote', data: { invoiceId, creditNoteId: 'cn-1', amount, currency: 'USD' } });

const feeOf = (events: InvoiceEvent[], percentage: string) => {
  const fee = lateFeeOf(fold(invoiceDecider, events), percentage);
  return fee === null ? null : { amount: fee.amount.toString(), base: fee.base.toString() };
};

describe('the late fee', () => {
  it.each([
    ['1.5% of 100.00 USD', '100.00', 'USD', '1.5', '1.50'],
    ['1.5% of 33.33 USD: 0.49995, half-up to 0.50', '33.33', 'USD', '1.5', '0.50'],
    ['1.5% of 33.30 USD: 0.4995, half-up to 0.50', '33.30', 'USD', '1.5', '0.50'],
    ['1.5% of 33.29 USD: 0.49935, half-up to 0.50', '33.29', 'USD', '1.5', '0.50'],
    ['1.5% of 33.00 USD: 0.495, half-up to 0.50', '33.00', 'USD', '1.5', '0.50'],
    ['1.5% of 32.99 USD: 0.49485 to 0.49', '32.99', 'USD', '1.5', '0.49'],
    ['2.3456% of 1000 JPY: 23.456 to 23', '1000', 'JPY', '2.3456', '23'],
    ['2.5% of 1000 JPY: 25', '1000', 'JPY', '2.5', '25'],
    ['1.25% of 10.000 KWD: 0.125', '10.000', 'KWD', '1.25', '0.125'],
    ['100% of 71.96 USD', '71.96', 'USD', '100', '71.96'],
  ])('%s', (_case, total, currency, percentage, fee) => {
    expect(feeOf(invoiceAfter(total, { currency }), percentage)).toEqual({ amount: fee, base: total });
  });

  it('is a percentage of the balance left when the invoice became overdue, not of its total', () => {
    expect(feeOf(invoiceAfter('100.00', { before: [paid('40.00')] }), '10')).toEqual({ amount: '6.00', base: '60.00' });
  });

  it('stays owed when the invoice is paid after it became overdue: the balance was late', () => {
    expect(feeOf(invoiceAfter('100.00', { after: [paid('100.00')] }), '2')).toEqual({ amount: '2.00', base: '100.00' });
  });

  it.each<[string, string, Parameters<typeof invoiceAfter>[1], string]>([
    ['a percentage of 0', '100.00', {}, '0'],
    ['a percentage of 0.0000', '100.00', {}, '0.0000'],
    ['an invoice that is not overdue', '100.00', { overdue: false }, '1.5'],
    ['an invoice paid before its due date (never overdue)', '100.00', { before: [paid('100.00')] }, '1.5'],
    ['an overdue invoice then voided', '100.00', { after: [{ type: 'VoidInvoice', data: { invoiceId, reason: 'Wrong customer' } }] }, '1.5'],
    ['an overdue invoice then written off', '100.00', { after: [{ type: 'WriteOffInvoice', data: { invoiceId, reason: 'Bankrupt' } }] }, '1.5'],
    ['an overdue invoice then credited in full', '100.00', { after: [credited('100.00')] }, '1.5'],
    ['an invoice whose whole total a credit note took (not applied yet)', '100.00', { after: [creditNoteRegistered('100.00')] }, '1.5'],
    ['a fee that rounds to 0 (0.5% of 0.99 is 0.00495)', '0.99', {}, '0.5'],
  ])('is not owed for %s', (_case, total, options, percentage) => {
    expect(feeOf(invoiceAfter(total, options), percentage)).toBeNull();
  });

  it('a partial credit does not cancel it', () => {
    expect(feeOf(invoiceAfter('100.00', { after: [credited('50.00')] }), '1.5')).toEqual({ amount: '1.50', base: '100.00' });
  });

  it.each([['abc'], ['-1'], ['100.01'], ['1.23456'], ['']])('refuses a malformed or out-of-range percentage %p (VALIDATION_FAILED)', (percentage) => {
    expect(() => lateFeeOf(fold(invoiceDecider, invoiceAfter('100.00')), percentage)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('its line says which invoice it is for', () => {
    expect(lateFeeLineDescription('INV-2024-000001')).toBe('Late fee on INV-2024-000001');
  });

  it('is the exact product rounded half-up once, never more than the overdue balance (property)', () => {
    const currencies = ['USD', 'JPY', 'KWD'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...currencies),
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (currency, minorUnits, tenThousandths) => {
          const scale = currencyOf(currency).minorUnit;
          const total = new Big(minorUnits).div(new Big(10).pow(scale)).toFixed(scale);
          const percentage = new Big(tenThousandths).div(10_000).toFixed();
          const fee = lateFeeOf(fold(invoiceDecider, invoiceAfter(total, { currency })), percentage);
          const exact = new Big(total).times(percentage).div(100);
          const halfUnit = new Big(1).div(new Big(10).pow(scale)).div(2);
          if (fee === null) {
            // Only when the exact fee is below half a minor unit.
            expect(exact.lt(halfUnit)).toBe(true);
            return;
          }
          const amount = new Big(fee.amount.toString());
          // Half-up to the minor unit: at most half a unit above the exact fee (an exact half goes up), less than half below.
          expect(amount.minus(exact).lte(halfUnit)).toBe(true);
          expect(exact.minus(amount).lt(halfUnit)).toBe(true);
          expect(amount.lte(new Big(total))).toBe(true);
          expect(fee.amount.toString()).toBe(amount.toFixed(scale));
        },
      ),
      { numRuns: 300 },
    );
  });
});
