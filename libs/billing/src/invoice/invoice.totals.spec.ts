import { describe, expect, it } from '@jest/globals';
import { invoiceTotals, lineAmounts } from './invoice.totals.js';

describe('lineAmounts', () => {
  it.each<[string, string, string, string | null, string, string]>([
    // currency, quantity, unit price, tax rate -> net, tax
    ['USD', '3', '19.99', '20', '59.97', '11.99'], // tax 11.994 -> 11.99
    ['USD', '1', '100.00', '8.875', '100.00', '8.88'], // tax 8.875 -> 8.88 (half-up)
    ['USD', '1', '0.125', null, '0.13', '0.00'], // a half rounds up
    ['USD', '1', '0.124999', '0', '0.12', '0.00'],
    ['USD', '1234.5', '0.0045', '20', '5.56', '1.11'], // 5.55525 -> 5.56; 1.112 -> 1.11
    ['USD', '2', '0', '20', '0.00', '0.00'],
    ['USD', '1', '10.00', '100', '10.00', '10.00'],
    ['JPY', '1.5', '101', '8', '152', '12'], // 151.5 -> 152; 12.16 -> 12
    ['JPY', '3', '333.335', '10', '1000', '100'], // 1000.005 -> 1000
    ['JPY', '1', '99.5', '10', '100', '10'],
    ['KWD', '3', '0.3335', '5', '1.001', '0.050'], // 1.0005 -> 1.001; 0.05005 -> 0.050
    ['KWD', '1', '1.2345', '15', '1.235', '0.185'], // 1.2345 -> 1.235; 0.18525 -> 0.185
  ])('%s: %s x %s at %s%% -> net %s, tax %s', (currency, quantity, unitPrice, taxRate, amount, taxAmount) => {
    expect(lineAmounts({ quantity, unitPrice, taxRate }, currency)).toEqual({ amount, taxAmount });
  });
});

describe('invoiceTotals', () => {
  it('adds the rounded line amounts: total = subtotal + tax total', () => {
    expect(
      invoiceTotals(
        [
          { amount: '59.97', taxAmount: '11.99' },
          { amount: '10.00', taxAmount: '0.89' },
        ],
        'USD',
      ),
    ).toEqual({ subtotal: '69.97', taxTotal: '12.88', total: '82.85' });
  });

  it('rounds tax per line, so three lines of 0.005 tax make 0.03, not a rounded 0.015', () => {
    const line = lineAmounts({ quantity: '1', unitPrice: '0.05', taxRate: '10' }, 'USD');
    expect(line).toEqual({ amount: '0.05', taxAmount: '0.01' });
    expect(invoiceTotals([line, line, line], 'USD')).toEqual({ subtotal: '0.15', taxTotal: '0.03', total: '0.18' });
  });

  it('is zero, written in the minor unit, for no lines', () => {
    expect(invoiceTotals([], 'USD')).toEqual({ subtotal: '0.00', taxTotal: '0.00', total: '0.00' });
    expect(invoiceTotals([], 'JPY')).toEqual({ subtotal: '0', taxTotal: '0', total: '0' });
    expect(invoiceTotals([], 'KWD')).toEqual({ subtotal: '0.000', taxTotal: '0.000', total: '0.000' });
  });

  it('never loses precision on large amounts', () => {
    expect(invoiceTotals([{ amount: '999999999999.99', taxAmount: '199999999999.99' }, { amount: '0.01', taxAmount: '0.01' }], 'USD')).toEqual({
      subtotal: '1000000000000.00',
      taxTotal: '200000000000.00',
      total: '1200000000000.00',
    });
  });
});
