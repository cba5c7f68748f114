import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { periodAmount, prorate, type ChargeLine, type InvoiceState, type SubscriptionEvent } from '../../../billing/src/index.js';
import { priceLine } from '../../../billing/src/invoice/invoice.line-input.js';
import { commands, historyOf, planTerms, withBase } from '../../../billing/src/subscription/subscription.test-helper.js';
import { creditNoteLineOf, invoiceLineOf } from './charges-posting.js';
import { chargeOf, evolveSubscriptionHistory, type ChargedLine, type SubscriptionHistory } from './subscription-stream.js';
import { initialSubscriptionState } from '../../../billing/src/index.js';

/** The pure parts of posting a subscription's charges: invoice lines, credit note lines, and which invoice a credit is on. */

function line(overrides: Partial<ChargeLine> = {}): ChargeLine {
  return {
    lineId: 'L1',
    kind: 'recurring',
    itemId: 'base',
    planId: 'fibre',
    planVersion: 1,
    description: 'Fibre 100 (2025-04-01 to 2025-04-30, monthly)',
    quantity: '1',
    unitPrice: '10.00',
    amount: '10.00',
    taxRate: null,
    periodStart: '2025-04-01',
    periodEnd: '2025-05-01',
    fraction: null,
    ...overrides,
  };
}

describe('invoiceLineOf: an invoice line that nets exactly what the subscription charged', () => {
  it.each([
    ['a whole period keeps quantity and unit price', line({ quantity: '3', unitPrice: '10.00', amount: '30.00' }), '3', '10.00'],
    ['a fractional quantity whose product rounds to the amount', line({ quantity: '2.5', unitPrice: '3.33', amount: '8.33' }), '2.5', '3.33'],
    ['a prorated part is one unit at its amount', line({ amount: '5.00', fraction: { days: 15, periodDays: 30 } }), '1', '5.00'],
    ['a prorated part of several units', line({ quantity: '2', unitPrice: '39.99', amount: '27.99', fraction: { days: 21, periodDays: 60 } }), '1', '27.99'],
  ])('%s', (_case, charge, quantity, unitPrice) => {
    expect(invoiceLineOf(charge, 'USD')).toEqual({ lineId: 'L1', description: charge.description, quantity, unitPrice, taxRate: null });
  });

  it('in a currency without decimals, one unit at the yen amount', () => {
    expect(invoiceLineOf(line({ unitPrice: '5000', amount: '3548', fraction: { days: 22, periodDays: 31 } }), 'JPY')).toMatchObject({ quantity: '1', unitPrice: '3548' });
  });

  it('property: the invoice prices every charge line (whole or prorated, any currency) at exactly its amount', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('USD', 'JPY', 'KWD'),
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 28, max: 366 }),
        fc.integer({ min: 1, max: 366 }),
        (currency, priceMinor, quantityTenThousandths, periodDays, daysSeed) => {
          const scale = currency === 'USD' ? 2 : currency === 'JPY' ? 0 : 3;
          const unitPrice = (priceMinor / 10 ** scale).toFixed(scale);
          const quantity = (quantityTenThousandths / 10_000).toFixed(4).replace(/\.?0+$/, '');
          const days = 1 + (daysSeed % periodDays);
          const whole = days === periodDays;
          const figures = { unitPrice, quantity, currency };
          const amount = whole ? periodAmount(figures) : prorate({ ...figures, fraction: { days, periodDays } });
          const charge = line({ quantity, unitPrice, amount, fraction: whole ? null : { days, periodDays } });
          expect(priceLine(invoiceLineOf(charge, currency), 'line', currency).amount).toBe(amount);
        },
      ),
    );
  });
});

describe('creditNoteLineOf: a credit given back with the tax charged on it', () => {
  const invoiceWith = (taxes: Array<{ rate: string; inclusive?: boolean }>, amount = '100.00', netAmount = amount): Map<string, { state: InvoiceState }> =>
    new Map([
      [
        'inv-april',
        {
          state: {
            lines: [
              {
                lineId: 'L1',
                description: 'Fibre',
                quantity: '1',
                unitPrice: amount,
                taxRate: null,
                amount,
                taxAmount: '0.00',
                netAmount,
                taxes: taxes.map(({ rate, inclusive = false }) => ({ rateId: `r-${rate}`, name: `${rate}%`, rate, jurisdiction: 'US', compound: false, inclusive, amount: '0.00' })),
              },
            ],
          } as unknown as InvoiceState,
        },
      ],
    ]);
  const credit = (overrides: Partial<ChargeLine> = {}) => line({ lineId: 'L2', kind: 'proration_credit', amount: '-50.00', fraction: { days: 15, periodDays: 30 }, ...overrides });
  const source: ChargedLine = { invoiceId: 'inv-april', line: line({ amount: '100.00', unitPrice: '100.00' }) };

  it.each([
    ['an explicit rate is kept', credit({ taxRate: '20' }), source, invoiceWith([]), '50.00', '20'],
    ["a line left to the tenant's rates takes the rates its source line was taxed at", credit(), source, invoiceWith([{ rate: '8.5' }]), '50.00', '8.5'],
    ['several simple rates add up', credit(), source, invoiceWith([{ rate: '5' }, { rate: '9.975' }]), '50.00', '14.975'],
    ['under tax-inclusive prices, the net share of the amount', credit(), source, invoiceWith([{ rate: '20', inclusive: true }], '120.00', '100.00'), '41.67', '20'],
    ['a source line that was not taxed gives no tax', credit(), source, invoiceWith([]), '50.00', null],
    ['no source: no tax', credit(), null, invoiceWith([{ rate: '8.5' }]), '50.00', null],
  ])('%s', (_case, charge, from, invoices, unitPrice, taxRate) => {
    expect(creditNoteLineOf(charge, from, invoices, 'USD')).toEqual({ lineId: 'L2', description: charge.description, quantity: '1', unitPrice, taxRate });
  });
});

describe('chargeOf: the invoice that charged the days a credit gives back', () => {
  const charged: ChargedLine[] = [
    { invoiceId: 'inv-april', line: line() },
    { invoiceId: 'inv-april', line: line({ lineId: 'L2', itemId: 'ip' }) },
    { invoiceId: 'inv-change', line: line({ lineId: 'L1', kind: 'proration_charge', periodStart: '2025-04-10', amount: '14.00' }) },
  ];
  it.each([
    ['the latest charge of the item covering its first day', line({ kind: 'proration_credit', periodStart: '2025-04-20', amount: '-3.67' }), 'inv-change'],
    ['days before a later charge began are on the earlier invoice', line({ kind: 'proration_credit', periodStart: '2025-04-05', amount: '-8.67' }), 'inv-april'],
    ['another item is matched on its own lines', line({ kind: 'proration_credit', itemId: 'ip', periodStart: '2025-04-20', amount: '-3.67' }), 'inv-april'],
    ['days no invoice charged', line({ kind: 'proration_credit', periodStart: '2025-05-02', amount: '-1.00' }), null],
  ])('%s', (_case, credit, invoiceId) => {
    expect(chargeOf(credit, charged)?.invoiceId ?? null).toBe(invoiceId);
  });
});

describe('the subscription history the postings read', () => {
  const fold = (events: readonly SubscriptionEvent[]): SubscriptionHistory => events.reduce(evolveSubscriptionHistory, { state: initialSubscriptionState, charged: [] });

  it('records the non-negative lines of each invoiced charge under its invoice, and keeps only what can still be credited', () => {
    const history = fold(historyOf([commands.create(), commands.bill('2025-04-01'), commands.bill('2025-05-01', '2025-05-01', 'inv-may')]));
    // April's lines ended before the last billed period (May): no credit can reach them any more.
    expect(history.charged.map(({ invoiceId, line: charged }) => [invoiceId, charged.periodStart])).toEqual([['inv-may', '2025-05-01']]);
    expect(history.state.lastBilledPeriod).toEqual({ start: '2025-05-01', end: '2025-06-01' });
  });

  it('a charge of credits only creates no invoice, so it charged nothing', () => {
    const events = historyOf([
      commands.create(withBase(planTerms({ unitPrice: '100.00' }))),
      commands.bill('2025-04-01', '2025-04-01', 'inv-april'),
      commands.cancel('2025-04-16', { invoiceId: 'inv-cancel' }),
    ]);
    const history = fold(events);
    expect(history.charged.map(({ invoiceId }) => invoiceId)).toEqual(['inv-april']);
  });
});
