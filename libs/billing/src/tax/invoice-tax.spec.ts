import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { calculateInvoiceTax, type InvoiceTaxInput, type TaxLineInput } from './invoice-tax.js';
import type { TaxRate } from './tax-rate.js';

/**
 * Every expected figure below was worked out by hand (the comment above each case shows the arithmetic), not by
 * running the engine. Rounding is half-up to the currency's minor unit.
 */

function rate(id: string, values: Partial<TaxRate> = {}): TaxRate {
  return { id, name: id.toUpperCase(), type: 'vat', rate: '20', jurisdiction: 'GB', inclusive: false, compound: false, active: true, ...values };
}

const ukVat = rate('uk-vat', { name: 'VAT 20%' });
const gst = rate('gst', { name: 'GST', type: 'gst', rate: '5', jurisdiction: 'CA' });
const qst = rate('qst', { name: 'QST', type: 'pst', rate: '9.975', jurisdiction: 'CA-QC', compound: true });
const ontarioHst = rate('hst-on', { name: 'HST Ontario', type: 'hst', rate: '13', jurisdiction: 'CA-ON' });
const retiredGst = rate('gst-old', { name: 'GST (old)', type: 'gst', rate: '7', jurisdiction: 'CA', active: false });

const london = { taxExempt: false, billingAddress: { country: 'GB' } };
const montreal = { taxExempt: false, billingAddress: { country: 'CA', region: 'QC' } };

function line(lineId: string, quantity: string, unitPrice: string, extra: Partial<TaxLineInput> = {}): TaxLineInput {
  return { lineId, quantity, unitPrice, ...extra };
}

function calculate(input: Partial<InvoiceTaxInput>) {
  return calculateInvoiceTax({
    lines: [],
    currency: 'USD',
    rates: [ukVat],
    pricesIncludeTax: false,
    rounding: 'per_line',
    customer: london,
    ...input,
  });
}

function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

describe('exclusive prices', () => {
  it('adds 20% VAT per line', () => {
    // L1: 3 x 19.99 = 59.97; VAT 59.97 x 0.20 = 11.994 -> 11.99; gross 71.96.
    // L2: 1 x 10.00 = 10.00; VAT 2.00; gross 12.00.  Subtotal 69.97, tax 13.99, total 83.96.
    const result = calculate({ currency: 'GBP', lines: [line('L1', '3', '19.99'), line('L2', '1', '10.00')] });
    expect(result.lines).toEqual([
      { lineId: 'L1', amount: '59.97', discount: '0.00', net: '59.97', taxes: [{ rateId: 'uk-vat', name: 'VAT 20%', rate: '20', amount: '11.99' }], taxTotal: '11.99', gross: '71.96' },
      { lineId: 'L2', amount: '10.00', discount: '0.00', net: '10.00', taxes: [{ rateId: 'uk-vat', name: 'VAT 20%', rate: '20', amount: '2.00' }], taxTotal: '2.00', gross: '12.00' },
    ]);
    expect(result).toMatchObject({ currency: 'GBP', subtotal: '69.97', discountTotal: '0.00', taxTotal: '13.99', total: '83.96' });
    expect(result.breakdown).toEqual([
      { rateId: 'uk-vat', name: 'VAT 20%', rate: '20', jurisdiction: 'GB', compound: false, inclusive: false, taxableAmount: '69.97', taxAmount: '13.99' },
    ]);
  });

  it('taxes the discounted amount', () => {
    // 2 x 50.00 = 100.00, less 10.00 = 90.00 net; VAT 18.00; gross 108.00.
    const result = calculate({ lines: [line('L1', '2', '50.00', { discount: '10.00' })] });
    expect(result.lines[0]).toMatchObject({ amount: '100.00', discount: '10.00', net: '90.00', taxTotal: '18.00', gross: '108.00' });
    expect(result).toMatchObject({ subtotal: '90.00', discountTotal: '10.00', taxTotal: '18.00', total: '108.00' });
  });

  it('applies a compound rate on the net plus the earlier tax (Québec: GST 5% + QST 9.975%)', () => {
    // 100.00 net; GST 100.00 x 0.05 = 5.00; QST (100.00 + 5.00) x 0.09975 = 10.47375 -> 10.47; 115.47.
    const result = calculate({ currency: 'CAD', rates: [qst, gst], customer: montreal, lines: [line('L1', '1', '100.00')] });
    // GST comes first although QST was declared first: simple rates before compound ones.
    expect(result.lines[0]?.taxes).toEqual([
      { rateId: 'gst', name: 'GST', rate: '5', amount: '5.00' },
      { rateId: 'qst', name: 'QST', rate: '9.975', amount: '10.47' },
    ]);
    expect(result).toMatchObject({ subtotal: '100.00', taxTotal: '15.47', total: '115.47' });
  });

  it('compounds on every earlier tax, compound ones included, in declared order', () => {
    // Simple 10%, then compound 10%, then compound 10% on 100.00:
    // 10.00; (100 + 10) x 0.1 = 11.00; (100 + 10 + 11) x 0.1 = 12.10; total 133.10 = 100 x 1.1^3.
    const rates = [rate('a', { rate: '10' }), rate('b', { rate: '10', compound: true }), rate('c', { rate: '10', compound: true })];
    const result = calculate({ rates, lines: [line('L1', '1', '100.00')] });
    expect(result.lines[0]?.taxes.map((tax) => tax.amount)).toEqual(['10.00', '11.00', '12.10']);
    expect(result.total).toBe('133.10');
  });
});

describe('inclusive prices', () => {
  it('backs 20% VAT out of a price of 120.00: net 100.00, tax 20.00', () => {
    // net = 120.00 / 1.20 = 100.00; VAT = 100.00 x 0.20 = 20.00; 100.00 + 20.00 = 120.00.
    const result = calculate({ pricesIncludeTax: true, lines: [line('L1', '1', '120.00')] });
    expect(result.lines[0]).toMatchObject({ amount: '120.00', net: '100.00', taxTotal: '20.00', gross: '120.00' });
    expect(result).toMatchObject({ subtotal: '100.00', taxTotal: '20.00', total: '120.00' });
    expect(result.breakdown[0]).toMatchObject({ inclusive: true, taxableAmount: '100.00', taxAmount: '20.00' });
  });

  it('keeps net + tax equal to the price when it does not divide evenly', () => {
    // net = 10.00 / 1.20 = 8.3333... -> 8.33; VAT = 8.33 x 0.20 = 1.666 -> 1.67; 8.33 + 1.67 = 10.00.
    const result = calculate({ pricesIncludeTax: true, lines: [line('L1', '1', '10.00')] });
    expect(result.lines[0]).toMatchObject({ net: '8.33', taxTotal: '1.67', gross: '10.00' });
  });

  it('backs a compound pair out of the price: divides by (1 + 0.05)(1 + 0.09975)', () => {
    // divisor = 1.05 x 1.09975 = 1.1547375; net = 115.47 / 1.1547375 = 99.99675... -> 100.00;
    // GST 5.00; QST (100.00 + 5.00) x 0.09975 = 10.47375 -> 10.47; 100.00 + 5.00 + 10.47 = 115.47.
    const result = calculate({ currency: 'CAD', rates: [gst, qst], pricesIncludeTax: true, customer: montreal, lines: [line('L1', '1', '115.47')] });
    expect(result.lines[0]?.taxes.map((tax) => tax.amount)).toEqual(['5.00', '10.47']);
    expect(result).toMatchObject({ subtotal: '100.00', taxTotal: '15.47', total: '115.47' });
  });

  it('assigns the last minor unit of rounding difference to the last included tax', () => {
    // net = 10.10 / 1.1547375 = 8.7465... -> 8.75; GST 8.75 x 0.05 = 0.4375 -> 0.44;
    // QST (8.75 + 0.44) x 0.09975 = 0.9167025 -> 0.92; 8.75 + 0.44 + 0.92 = 10.11, one cent over the price,
    // so QST becomes 0.91 and 8.75 + 0.44 + 0.91 = 10.10 exactly.
    const result = calculate({ currency: 'CAD', rates: [gst, qst], pricesIncludeTax: true, customer: montreal, lines: [line('L1', '1', '10.10')] });
    expect(result.lines[0]).toMatchObject({ net: '8.75', taxTotal: '1.35', gross: '10.10' });
    expect(result.lines[0]?.taxes.map((tax) => tax.amount)).toEqual(['0.44', '0.91']);
  });

  it('adds a rate not included in the price on top of the included ones', () => {
    // Only QST is marked inclusive: price 104.99 includes QST; GST (simple, exclusive) is added on top.
    // k_GST = 0.05; k_QST = 0.09975 x 1.05 = 0.1047375; net = 104.99 / 1.1047375 = 95.0370... -> 95.04;
    // GST 95.04 x 0.05 = 4.752 -> 4.75; QST (95.04 + 4.75) x 0.09975 = 9.9540525 -> 9.95;
    // included: 95.04 + 9.95 = 104.99 (no difference); gross 104.99 + 4.75 = 109.74.
    const inclusiveQst = { ...qst, inclusive: true };
    const result = calculate({ currency: 'CAD', rates: [gst, inclusiveQst], customer: montreal, lines: [line('L1', '1', '104.99')] });
    expect(result.lines[0]).toMatchObject({ net: '95.04', taxTotal: '14.70', gross: '109.74' });
    expect(result.lines[0]?.taxes.map((tax) => tax.amount)).toEqual(['4.75', '9.95']);
    expect(result.breakdown.map((entry) => [entry.rateId, entry.inclusive])).toEqual([
      ['gst', false],
      ['qst', true],
    ]);
  });
});

describe('which rates apply', () => {
  it('mixes rates on one invoice by jurisdiction, line choice and activity', () => {
    // Montreal customer. Rates: GST (CA), QST (CA-QC, compound), HST (CA-ON, not this region), retired GST.
    // L1 (all rates): 200.00; GST 10.00; QST (200 + 10) x 0.09975 = 20.9475 -> 20.95; gross 230.95.
    // L2 (GST only): 3 x 9.99 = 29.97; GST 1.4985 -> 1.50; gross 31.47.
    // L3 (untaxed): 5.00; gross 5.00.
    // Subtotal 234.97; tax 10.00 + 20.95 + 1.50 = 32.45; total 267.42.
    // GST taxable 229.97 (L1 + L2), tax 11.50; QST taxable 200.00, tax 20.95.
    const result = calculate({
      currency: 'CAD',
      rates: [gst, qst, ontarioHst, retiredGst],
      customer: montreal,
      lines: [line('L1', '1', '200.00'), line('L2', '3', '9.99', { taxRateIds: ['gst'] }), line('L3', '1', '5.00', { taxRateIds: [] })],
    });
    expect(result.lines.map((entry) => [entry.lineId, entry.taxes.map((tax) => `${tax.rateId}:${tax.amount}`), entry.gross])).toEqual([
      ['L1', ['gst:10.00', 'qst:20.95'], '230.95'],
      ['L2', ['gst:1.50'], '31.47'],
      ['L3', [], '5.00'],
    ]);
    expect(result).toMatchObject({ subtotal: '234.97', taxTotal: '32.45', total: '267.42' });
    expect(result.breakdown).toEqual([
      { rateId: 'gst', name: 'GST', rate: '5', jurisdiction: 'CA', compound: false, inclusive: false, taxableAmount: '229.97', taxAmount: '11.50' },
      { rateId: 'qst', name: 'QST', rate: '9.975', jurisdiction: 'CA-QC', compound: true, inclusive: false, taxableAmount: '200.00', taxAmount: '20.95' },
    ]);
  });

  it('applies a regional rate only in its region, and a country rate everywhere in the country', () => {
    // Toronto: GST 5% and HST 13% both match (the data decides; real HST replaces GST, a tenant would not declare both).
    // 100.00; 5.00 + 13.00; total 118.00.  Vancouver (no region rate): GST only, 105.00.  A US customer: nothing.
    const rates = [gst, qst, ontarioHst];
    const toronto = calculate({ currency: 'CAD', rates, customer: { taxExempt: false, billingAddress: { country: 'CA', region: 'ON' } }, lines: [line('L1', '1', '100.00')] });
    expect(toronto.lines[0]?.taxes.map((tax) => tax.rateId)).toEqual(['gst', 'hst-on']);
    expect(toronto.total).toBe('118.00');
    const vancouver = calculate({ currency: 'CAD', rates, customer: { taxExempt: false, billingAddress: { country: 'CA', region: 'BC' } }, lines: [line('L1', '1', '100.00')] });
    expect(vancouver.total).toBe('105.00');
    const buffalo = calculate({ currency: 'CAD', rates, customer: { taxExempt: false, billingAddress: { country: 'US', region: 'NY' } }, lines: [line('L1', '1', '100.00')] });
    expect(buffalo).toMatchObject({ taxTotal: '0.00', total: '100.00', breakdown: [] });
  });

  it('charges a tax-exempt customer no tax, and with inclusive prices the whole price is net', () => {
    // Exclusive: 59.97 net, no VAT, total 59.97.  Inclusive: the price 120.00 is all net, total 120.00.
    const exempt = { taxExempt: true, billingAddress: { country: 'GB' } };
    const exclusive = calculate({ customer: exempt, lines: [line('L1', '3', '19.99')] });
    expect(exclusive.lines[0]).toMatchObject({ net: '59.97', taxes: [], taxTotal: '0.00', gross: '59.97' });
    expect(exclusive).toMatchObject({ subtotal: '59.97', taxTotal: '0.00', total: '59.97', breakdown: [] });
    const inclusive = calculate({ customer: exempt, pricesIncludeTax: true, lines: [line('L1', '1', '120.00')] });
    expect(inclusive).toMatchObject({ subtotal: '120.00', taxTotal: '0.00', total: '120.00' });
  });

  it('lists a 0% rate that applies, with a zero amount', () => {
    const zeroRated = rate('uk-zero', { name: 'Zero rated', rate: '0' });
    const result = calculate({ rates: [zeroRated], lines: [line('L1', '1', '10.00')] });
    expect(result.lines[0]?.taxes).toEqual([{ rateId: 'uk-zero', name: 'Zero rated', rate: '0', amount: '0.00' }]);
  });
});

describe('currencies with other minor units', () => {
  it('JPY (0 decimals): 3 x ¥333 at 10% is ¥999 + ¥100', () => {
    // 3 x 333 = 999; tax 999 x 0.10 = 99.9 -> 100; total 1099.
    const result = calculate({ currency: 'JPY', rates: [rate('jp', { rate: '10', jurisdiction: 'JP', type: 'custom' })], customer: { taxExempt: false, billingAddress: { country: 'JP' } }, lines: [line('L1', '3', '333')] });
    expect(result.lines[0]).toMatchObject({ amount: '999', net: '999', taxTotal: '100', gross: '1099' });
    expect(result).toMatchObject({ subtotal: '999', taxTotal: '100', total: '1099' });
  });

  it('JPY inclusive: ¥1100 at 10% is ¥1000 + ¥100; ¥1000 is ¥909 + ¥91', () => {
    // 1100 / 1.1 = 1000; tax 100.   1000 / 1.1 = 909.09 -> 909; tax 909 x 0.1 = 90.9 -> 91; 909 + 91 = 1000.
    const jp = rate('jp', { rate: '10', jurisdiction: 'JP', type: 'custom' });
    const result = calculate({ currency: 'JPY', rates: [jp], pricesIncludeTax: true, customer: { taxExempt: false, billingAddress: { country: 'JP' } }, lines: [line('L1', '1', '1100'), line('L2', '1', '1000')] });
    expect(result.lines.map((entry) => [entry.net, entry.taxTotal, entry.gross])).toEqual([
      ['1000', '100', '1100'],
      ['909', '91', '1000'],
    ]);
  });

  it('KWD (3 decimals): 2 x 1.2345 at 5%', () => {
    // 2 x 1.2345 = 2.469; tax 2.469 x 0.05 = 0.12345 -> 0.123; gross 2.592.
    const kw = rate('kw', { rate: '5', jurisdiction: 'KW', type: 'custom' });
    const result = calculate({ currency: 'KWD', rates: [kw], customer: { taxExempt: false, billingAddress: { country: 'KW' } }, lines: [line('L1', '2', '1.2345')] });
    expect(result.lines[0]).toMatchObject({ amount: '2.469', net: '2.469', taxTotal: '0.123', gross: '2.592' });
    expect(result).toMatchObject({ subtotal: '2.469', taxTotal: '0.123', total: '2.592' });
  });
});

describe('per-line and per-invoice rounding', () => {
  // Three lines of 0.05 at 10%: each line's exact tax is 0.005.
  const lines = [line('L1', '1', '0.05'), line('L2', '1', '0.05'), line('L3', '1', '0.05')];
  const tenPercent = rate('ten', { rate: '10' });

  it('per line: each 0.005 rounds up to 0.01, tax 0.03, total 0.18', () => {
    const result = calculate({ rates: [tenPercent], rounding: 'per_line', lines });
    expect(result.lines.map((entry) => entry.taxTotal)).toEqual(['0.01', '0.01', '0.01']);
    expect(result).toMatchObject({ subtotal: '0.15', taxTotal: '0.03', total: '0.18' });
  });

  it('per invoice: 3 x 0.005 = 0.015 rounds once to 0.02, total 0.17; the lines share it and still add up', () => {
    // 2 cents over three equal exact shares of 0.5 cent: floors are 0, the two cents go to the earliest lines.
    const result = calculate({ rates: [tenPercent], rounding: 'per_invoice', lines });
    expect(result.lines.map((entry) => entry.taxTotal)).toEqual(['0.01', '0.01', '0.00']);
    expect(result).toMatchObject({ subtotal: '0.15', taxTotal: '0.02', total: '0.17' });
    expect(result.breakdown[0]).toMatchObject({ taxableAmount: '0.15', taxAmount: '0.02' });
  });

  it('per invoice with inclusive prices: each line net is its price less its share of the tax', () => {
    // Two lines of 10.00 incl. 20%: exact tax each 10 / 1.2 x 0.2 = 1.6666...; total 3.3333... -> 3.33,
    // split 1.67 + 1.66 (equal remainders, the earlier line first); nets 8.33 and 8.34; total 20.00.
    // Per line would give 1.67 + 1.67 = 3.34 and nets 8.33 + 8.33.
    const twoLines = [line('L1', '1', '10.00'), line('L2', '1', '10.00')];
    const perInvoice = calculate({ pricesIncludeTax: true, rounding: 'per_invoice', lines: twoLines });
    expect(perInvoice.lines.map((entry) => [entry.net, entry.taxTotal, entry.gross])).toEqual([
      ['8.33', '1.67', '10.00'],
      ['8.34', '1.66', '10.00'],
    ]);
    expect(perInvoice).toMatchObject({ subtotal: '16.67', taxTotal: '3.33', total: '20.00' });
    const perLine = calculate({ pricesIncludeTax: true, rounding: 'per_line', lines: twoLines });
    expect(perLine).toMatchObject({ subtotal: '16.66', taxTotal: '3.34', total: '20.00' });
  });

  it('per invoice compounds on exact earlier taxes', () => {
    // 100.00: GST exact 5; QST exact 105 x 0.09975 = 10.47375 -> 10.47; same as per line here.
    const result = calculate({ currency: 'CAD', rates: [gst, qst], rounding: 'per_invoice', customer: montreal, lines: [line('L1', '1', '100.00')] });
    expect(result).toMatchObject({ taxTotal: '15.47', total: '115.47' });
  });
});

describe('invalid requests', () => {
  it.each<[string, Partial<InvoiceTaxInput>, RegExp]>([
    ['an unknown currency', { currency: 'XYZ' }, /currency must be a supported ISO 4217/],
    ['an unknown rounding', { rounding: 'per_month' as InvoiceTaxInput['rounding'] }, /rounding must be one of per_line, per_invoice/],
    ['a zero quantity', { lines: [line('L1', '0', '1.00')] }, /lines\[0\]\.quantity must be greater than 0/],
    ['a negative unit price', { lines: [line('L1', '1', '-1.00')] }, /lines\[0\]\.unitPrice must not be negative/],
    ['a float quantity', { lines: [{ lineId: 'L1', quantity: 1 as unknown as string, unitPrice: '1.00' }] }, /lines\[0\]\.quantity must be a decimal string/],
    ['a discount above the line amount', { lines: [line('L1', '1', '5.00', { discount: '5.01' })] }, /discount must be from 0 to the line amount 5\.00/],
    ['a discount with too many decimals', { lines: [line('L1', '1', '5.00', { discount: '0.001' })] }, /discount "0\.001" has 3 decimal places/],
    ['a duplicate line id', { lines: [line('L1', '1', '1.00'), line('L1', '1', '1.00')] }, /lines\[1\]\.lineId "L1" is used by another line/],
    ['an unknown tax rate id', { lines: [line('L1', '1', '1.00', { taxRateIds: ['nope'] })] }, /tax rate "nope" does not exist/],
    ['a deactivated tax rate id', { rates: [ukVat, retiredGst], lines: [line('L1', '1', '1.00', { taxRateIds: ['gst-old'] })] }, /tax rate "gst-old" is deactivated/],
    ['a rate over 100%', { rates: [rate('x', { rate: '100.5' })] }, /rates\[0\]\.rate must be a percentage from 0 to 100/],
    ['a rate with a bad jurisdiction', { rates: [rate('x', { jurisdiction: 'Quebec' })] }, /rates\[0\]\.jurisdiction must be a country code/],
    ['two rates with one id', { rates: [ukVat, ukVat] }, /rates\[1\]\.id "uk-vat" is used by another rate/],
    ['a lower-case country', { customer: { taxExempt: false, billingAddress: { country: 'gb' } } }, /billingAddress\.country must be an ISO 3166-1 alpha-2/],
    ['a region with the country in it', { customer: { taxExempt: false, billingAddress: { country: 'CA', region: 'CA-QC' } } }, /region must be the ISO 3166-2 subdivision without the country/],
  ])('rejects %s with VALIDATION_FAILED', (_case, input, message) => {
    const error = errorOf(() => calculate({ lines: [line('L1', '1', '1.00')], ...input }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
  });
});
