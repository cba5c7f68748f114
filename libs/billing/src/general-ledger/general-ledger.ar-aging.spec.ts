import { describe, expect, it } from '@jest/globals';
import { isDomainError } from '../common/domain-error.js';
import { agingBucketOf, agingDaysPastDue, arAging, type ArOpenItem } from './general-ledger.ar-aging.js';

const asOf = '2024-06-30';

function item(invoiceId: string, dueDate: string, balanceDue: string, data: Partial<ArOpenItem> = {}): ArOpenItem {
  return { invoiceId, customerId: 'cus-1', dueDate, balanceDue, currency: 'USD', ...data };
}

describe('aging buckets', () => {
  it('puts each edge day in the documented bucket', () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map((days) => [days, agingBucketOf(days)])).toEqual([
      [-5, 'current'],
      [0, 'current'],
      [1, 'days_1_30'],
      [30, 'days_1_30'],
      [31, 'days_31_60'],
      [60, 'days_31_60'],
      [61, 'days_61_90'],
      [90, 'days_61_90'],
      [91, 'days_over_90'],
      [400, 'days_over_90'],
    ]);
  });

  it('counts calendar days across month ends and leap days', () => {
    expect(agingDaysPastDue('2024-01-31', '2024-03-01')).toBe(30);
    expect(agingDaysPastDue('2023-01-31', '2023-03-01')).toBe(29);
    expect(agingDaysPastDue('2024-12-31', '2025-01-01')).toBe(1);
    expect(agingDaysPastDue('2024-07-01', asOf)).toBe(-1);
  });
});

describe('arAging', () => {
  const items = [
    item('due-tomorrow', '2024-07-01', '1.00'),
    item('due-today', '2024-06-30', '2.00'),
    item('day-1', '2024-06-29', '4.00'),
    item('day-30', '2024-05-31', '8.00'),
    item('day-31', '2024-05-30', '16.00'),
    item('day-60', '2024-05-01', '32.00'),
    item('day-61', '2024-04-30', '64.00'),
    item('day-90', '2024-04-01', '128.00'),
    item('day-91', '2024-03-31', '256.00'),
    item('paid', '2024-01-01', '0.00'),
    item('other-customer', '2024-06-01', '10.00', { customerId: 'cus-0' }),
    item('yen', '2024-01-01', '5000', { currency: 'JPY' }),
  ];
  const report = arAging(items, asOf);

  it('ages every item with a balance, in the order given, and leaves out items with nothing due', () => {
    expect(report.items.map((aged) => [aged.invoiceId, aged.daysPastDue, aged.bucket])).toEqual([
      ['due-tomorrow', -1, 'current'],
      ['due-today', 0, 'current'],
      ['day-1', 1, 'days_1_30'],
      ['day-30', 30, 'days_1_30'],
      ['day-31', 31, 'days_31_60'],
      ['day-60', 60, 'days_31_60'],
      ['day-61', 61, 'days_61_90'],
      ['day-90', 90, 'days_61_90'],
      ['day-91', 91, 'days_over_90'],
      ['other-customer', 29, 'days_1_30'],
      ['yen', 181, 'days_over_90'],
    ]);
  });

  it('totals per customer and currency, and per currency, never adding currencies together', () => {
    expect(report.customers).toEqual([
      { customerId: 'cus-0', currency: 'USD', buckets: { current: '0.00', days_1_30: '10.00', days_31_60: '0.00', days_61_90: '0.00', days_over_90: '0.00' }, total: '10.00' },
      { customerId: 'cus-1', currency: 'JPY', buckets: { current: '0', days_1_30: '0', days_31_60: '0', days_61_90: '0', days_over_90: '5000' }, total: '5000' },
      { customerId: 'cus-1', currency: 'USD', buckets: { current: '3.00', days_1_30: '12.00', days_31_60: '48.00', days_61_90: '192.00', days_over_90: '256.00' }, total: '511.00' },
    ]);
    expect(report.totals).toEqual([
      { currency: 'JPY', buckets: { current: '0', days_1_30: '0', days_31_60: '0', days_61_90: '0', days_over_90: '5000' }, total: '5000' },
      { currency: 'USD', buckets: { current: '3.00', days_1_30: '22.00', days_31_60: '48.00', days_61_90: '192.00', days_over_90: '256.00' }, total: '521.00' },
    ]);
    expect(report.asOf).toBe(asOf);
  });

  it('is empty without open items', () => {
    expect(arAging([], asOf)).toEqual({ asOf, items: [], customers: [], totals: [] });
  });

  it('refuses bad input with VALIDATION_FAILED', () => {
    const codeOf = (work: () => unknown): string | undefined => {
      try {
        work();
      } catch (error) {
        return isDomainError(error) ? error.code : 'not a DomainError';
      }
      return undefined;
    };
    expect(codeOf(() => arAging([], '2024-06-31'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => arAging([item('x', '2024-13-01', '1.00')], asOf))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => arAging([item('x', '2024-06-01', '-1.00')], asOf))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => arAging([item('x', '2024-06-01', '1.001')], asOf))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => arAging([item('x', '2024-06-01', '1.00', { currency: 'XYZ' })], asOf))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => arAging([item('', '2024-06-01', '1.00')], asOf))).toBe('VALIDATION_FAILED');
  });
});
