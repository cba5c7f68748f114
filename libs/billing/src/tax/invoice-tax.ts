import { Money, currencyOf, isCurrencyCode, parseDecimal } from '../../../money/src/index.js';
import { invoiceLimits } from '../invoice/invoice.limits.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { requireRecordedIdentifier, requireOneOf, validationFailed } from '../common/validation.js';
import { isCountryCode } from './country-codes.js';
import { ExactFraction, allocateUnits, unitsToDecimalString } from './exact-fraction.js';
import { isRegionCode, jurisdictionApplies, requireTaxRate, taxRoundings, type TaxRate, type TaxRounding } from './tax-rate.js';

/**
 * The tax engine (docs/domain.md, "Tax": tax per line on the discounted amount; exclusive or inclusive pricing;
 * compound rates apply on net + earlier taxes). Pure: rates, customer and options arrive as data.
 *
 * Which rates apply to a line: the active rates (or, when the line names `taxRateIds`, exactly those, which must
 * exist and be active) whose jurisdiction matches the customer's billing address: "CA" for any address in Canada,
 * "CA-QC" only in Québec. A tax-exempt customer pays no tax at all: the line's amount is its net, even when
 * prices include tax (the customer pays the same price, no part of it is tax).
 *
 * Order and compounding: simple (non-compound) rates first, then compound rates, each group in the order the
 * rates were declared. A simple rate r taxes the net: tax = net x r. A compound rate taxes the net plus every tax
 * computed before it, so with simple a and compound b, c: tax_b = net(1 + a)b, tax_c = net(1 + a)(1 + b)c. Each
 * rate's share of the net is its multiplier k (k_a = a, k_b = (1 + a)b, ...), and net x (1 + sum of k) is the
 * gross.
 *
 * Inclusive pricing: a rate's tax is inside the price when `pricesIncludeTax` is on or the rate is marked
 * `inclusive`. The net is then price / (1 + sum of the included rates' k); with only included rates that is
 * price / ((1 + sum of simple) x product of (1 + compound)). Taxes are computed from the net like exclusive ones,
 * and rates not included in the price are added on top.
 *
 * Rounding, always half-up to the currency's minor unit (USD 2, JPY 0, KWD 3):
 * - per_line: the line amount (quantity x unit price) is rounded; then the net (for inclusive prices), then each
 *   tax of the line; a compound rate taxes the net plus the line's rounded earlier taxes, the figures printed on
 *   the line. For inclusive prices the rounding difference (a minor unit or two) goes to the last included tax
 *   with a non-zero rate, so that net + included taxes = price exactly.
 * - per_invoice: taxes stay exact per line; each rate's total over the invoice is rounded once, then split back
 *   over the lines in proportion to their exact taxes (largest remainder), so the lines still add up to the
 *   totals. For inclusive prices the line's net is its price minus its share of the included taxes.
 * Totals: subtotal = sum of line nets (after discounts, without tax); total = subtotal + tax total.
 */

export interface TaxLineInput {
  lineId: string;
  /** Strict decimal strings, as on invoice lines: quantity > 0, unit price >= 0 (inclusive of tax when it is). */
  quantity: string;
  unitPrice: string;
  /** An amount off the line (in the currency's minor unit, at most the line amount); taxes apply after it. */
  discount?: string | null;
  /** The only rates that may apply to this line; absent means every active rate. An empty list: untaxed line. */
  taxRateIds?: readonly string[] | null;
}

export interface TaxBillingAddress {
  /** ISO 3166-1 alpha-2, e.g. "CA". */
  country: string;
  /** The ISO 3166-2 subdivision without the country, e.g. "QC" for "CA-QC". */
  region?: string | null;
}

export interface TaxCustomer {
  taxExempt: boolean;
  billingAddress: TaxBillingAddress;
}

export interface InvoiceTaxInput {
  lines: readonly TaxLineInput[];
  currency: string;
  rates: readonly TaxRate[];
  pricesIncludeTax: boolean;
  rounding: TaxRounding;
  customer: TaxCustomer;
}

export interface AppliedLineTax {
  rateId: string;
  name: string;
  /** The percentage, as declared ("9.975"). */
  rate: string;
  amount: string;
}

export interface LineTaxResult {
  lineId: string;
  /** quantity x unit price, rounded. */
  amount: string;
  discount: string;
  /** What the line is worth without tax, after the discount. */
  net: string;
  taxes: AppliedLineTax[];
  taxTotal: string;
  /** net + taxes: what the customer pays for the line. */
  gross: string;
}

export interface TaxBreakdownEntry {
  rateId: string;
  name: string;
  rate: string;
  jurisdiction: string;
  compound: boolean;
  /** Whether this rate's tax was inside the prices (tax-inclusive pricing or an inclusive rate). */
  inclusive: boolean;
  /** Sum of the nets of the lines the rate applied to. */
  taxableAmount: string;
  taxAmount: string;
}

export interface InvoiceTaxResult {
  currency: string;
  lines: LineTaxResult[];
  /** Sum of the line nets. */
  subtotal: string;
  /** Sum of the line discounts (already taken off the nets). */
  discountTotal: string;
  taxTotal: string;
  /** subtotal + taxTotal. */
  total: string;
  /** One entry per rate that applied to at least one line, in declared order. */
  breakdown: TaxBreakdownEntry[];
}

export const invoiceTaxLimits = {
  linesMax: invoiceLimits.linesMax,
  ratesMax: 500,
  taxRateIdsPerLineMax: 50,
} as const;

/** A rate as applied to one line: its position in the order and its share of the net. */
interface OrderedRate {
  rate: TaxRate;
  /** rate / 100. */
  fraction: ExactFraction;
  /** The tax of this rate per unit of net (see the header comment). */
  multiplier: ExactFraction;
  included: boolean;
}

interface PricedLine {
  lineId: string;
  amount: Money;
  discount: Money;
  /** amount - discount: the price the taxes are worked from. */
  base: Money;
  rates: OrderedRate[];
}

interface TaxedLine extends PricedLine {
  net: Money;
  taxes: { rate: OrderedRate; amount: Money }[];
}

interface TaxRequest {
  currency: string;
  minorUnit: number;
  rates: TaxRate[];
  pricesIncludeTax: boolean;
  rounding: TaxRounding;
  customer: { taxExempt: boolean; country: string; region: string | null };
  lines: { lineId: string; quantity: string; unitPrice: string; discount: string | null; taxRateIds: string[] | null }[];
}

const hundred = ExactFraction.of('100');

export function calculateInvoiceTax(input: InvoiceTaxInput): InvoiceTaxResult {
  return translatingMoneyErrors(() => {
    const request = readRequest(input);
    const priced = request.lines.map((line, index) => priceLine(line, index, request));
    const taxed = request.rounding === 'per_line' ? priced.map((line) => taxLinePerLine(line, request)) : taxPerInvoice(priced, request);
    return summarise(taxed, request);
  });
}

function priceLine(line: TaxRequest['lines'][number], index: number, request: TaxRequest): PricedLine {
  const field = `lines[${index}]`;
  const { currency } = request;
  const quantity = parseDecimal(line.quantity, `${field}.quantity`, {
    maxScale: invoiceLimits.quantityScaleMax,
    maxIntegerDigits: invoiceLimits.integerDigitsMax,
  });
  if (quantity.lte(0)) throw validationFailed(`${field}.quantity must be greater than 0`, { field: `${field}.quantity` });
  const unitPrice = parseDecimal(line.unitPrice, `${field}.unitPrice`, {
    maxScale: invoiceLimits.unitPriceScaleMax,
    maxIntegerDigits: invoiceLimits.integerDigitsMax,
  });
  if (unitPrice.lt(0)) throw validationFailed(`${field}.unitPrice must not be negative`, { field: `${field}.unitPrice` });
  const amount = Money.of(quantity.times(unitPrice), currency, 'half_up');
  const discount = line.discount === null ? Money.zero(currency) : Money.parse(line.discount, currency, `${field}.discount`);
  if (discount.isNegative() || discount.greaterThan(amount)) {
    throw validationFailed(`${field}.discount must be from 0 to the line amount ${amount.toString()} (got ${discount.toString()})`, {
      field: `${field}.discount`,
    });
  }
  return { lineId: line.lineId, amount, discount, base: amount.minus(discount), rates: ratesForLine(line, field, request) };
}

function ratesForLine(line: TaxRequest['lines'][number], field: string, request: TaxRequest): OrderedRate[] {
  if (request.customer.taxExempt) return [];
  let candidates: TaxRate[];
  if (line.taxRateIds === null) {
    candidates = request.rates.filter((rate) => rate.active);
  } else {
    const named = new Set(line.taxRateIds);
    line.taxRateIds.forEach((rateId, position) => {
      const rate = request.rates.find((candidate) => candidate.id === rateId);
      if (rate === undefined) {
        throw validationFailed(`${field}.taxRateIds[${position}]: tax rate ${JSON.stringify(rateId)} does not exist`, { field, rateId });
      }
      if (!rate.active) {
        throw validationFailed(`${field}.taxRateIds[${position}]: tax rate ${JSON.stringify(rateId)} is deactivated and applies to no new line`, {
          field,
          rateId,
        });
      }
    });
    candidates = request.rates.filter((rate) => named.has(rate.id));
  }
  const address = { country: request.customer.country, region: request.customer.region };
  const applicable = candidates.filter((rate) => jurisdictionApplies(rate.jurisdiction, address));
  const ordered = [...applicable.filter((rate) => !rate.compound), ...applicable.filter((rate) => rate.compound)];
  let multiplierSum = ExactFraction.zero;
  return ordered.map((rate) => {
    const fraction = ExactFraction.of(rate.rate).dividedBy(hundred);
    const multiplier = rate.compound ? fraction.times(ExactFraction.one.plus(multiplierSum)) : fraction;
    multiplierSum = multiplierSum.plus(multiplier);
    return { rate, fraction, multiplier, included: request.pricesIncludeTax || rate.inclusive };
  });
}

/** The exact net of a line: its base, less the taxes included in it. */
function exactNet(line: PricedLine): ExactFraction {
  const base = ExactFraction.of(line.base.amount);
  const included = line.rates.filter((rate) => rate.included);
  if (included.length === 0) return base;
  const divisor = included.reduce((sum, rate) => sum.plus(rate.multiplier), ExactFraction.one);
  return base.dividedBy(divisor);
}

function money(value: ExactFraction, request: TaxRequest): Money {
  return Money.of(value.toDecimalString(request.minorUnit, 'half_up'), request.currency);
}

function taxLinePerLine(line: PricedLine, request: TaxRequest): TaxedLine {
  const net = money(exactNet(line), request);
  const taxes: TaxedLine['taxes'] = [];
  let earlierTaxes = Money.zero(request.currency);
  for (const rate of line.rates) {
    const taxBase = rate.rate.compound ? net.plus(earlierTaxes) : net;
    const amount = money(ExactFraction.of(taxBase.amount).times(rate.fraction), request);
    taxes.push({ rate, amount });
    earlierTaxes = earlierTaxes.plus(amount);
  }
  const includedTaxes = taxes.filter((tax) => tax.rate.included);
  if (includedTaxes.length > 0) {
    const includedSum = Money.sum(
      includedTaxes.map((tax) => tax.amount),
      request.currency,
    );
    const difference = line.base.minus(net).minus(includedSum);
    if (!difference.isZero()) {
      const receiver = [...includedTaxes].reverse().find((tax) => !tax.rate.fraction.isZero());
      assertRoundingDifference(difference, includedTaxes.length, request, receiver !== undefined);
      if (receiver !== undefined) receiver.amount = receiver.amount.plus(difference);
    }
  }
  return { ...line, net, taxes };
}

/**
 * Rounding the net and each included tax moves each by at most half a minor unit (compounding can carry a little
 * more), so the difference to the price is at most a few units. Anything larger is a bug in this engine.
 */
function assertRoundingDifference(difference: Money, includedCount: number, request: TaxRequest, hasReceiver: boolean): void {
  const unitsLimit = BigInt(includedCount + 1);
  const units = ExactFraction.of(difference.amount).roundToUnits(request.minorUnit, 'down');
  if (!hasReceiver || units > unitsLimit || units < -unitsLimit) {
    throw new Error(`tax engine invariant broken: a rounding difference of ${difference.toString()} ${request.currency} on an inclusive line`);
  }
}

function taxPerInvoice(lines: PricedLine[], request: TaxRequest): TaxedLine[] {
  const exact = lines.map((line) => {
    const net = exactNet(line);
    return { line, taxes: line.rates.map((rate) => ({ rate, exact: net.times(rate.multiplier) })) };
  });
  // Allocated minor units, by line index and then by rate id.
  const allocated = lines.map(() => new Map<string, bigint>());
  for (const rate of request.rates) {
    const shares = exact.flatMap((entry, index) => entry.taxes.filter((tax) => tax.rate.rate.id === rate.id).map((tax) => ({ index, exact: tax.exact })));
    if (shares.length === 0) continue;
    const totalExact = shares.reduce((sum, share) => sum.plus(share.exact), ExactFraction.zero);
    const units = allocateUnits(
      totalExact.roundToUnits(request.minorUnit, 'half_up'),
      shares.map((share) => share.exact),
    );
    shares.forEach((share, position) => allocated[share.index]?.set(rate.id, units[position] ?? 0n));
  }
  return exact.map(({ line }, index) => {
    const taxes = line.rates.map((rate) => ({ rate, amount: unitsToMoney(allocated[index]?.get(rate.rate.id) ?? 0n, request) }));
    const includedSum = Money.sum(
      taxes.filter((tax) => tax.rate.included).map((tax) => tax.amount),
      request.currency,
    );
    return { ...line, net: line.base.minus(includedSum), taxes };
  });
}

function unitsToMoney(units: bigint, request: TaxRequest): Money {
  return Money.of(unitsToDecimalString(units, request.minorUnit), request.currency);
}

function summarise(lines: TaxedLine[], request: TaxRequest): InvoiceTaxResult {
  const { currency } = request;
  const zero = Money.zero(currency);
  const lineResults = lines.map((line): LineTaxResult => {
    const taxTotal = Money.sum(
      line.taxes.map((tax) => tax.amount),
      currency,
    );
    return {
      lineId: line.lineId,
      amount: line.amount.toString(),
      discount: line.discount.toString(),
      net: line.net.toString(),
      taxes: line.taxes.map((tax) => ({ rateId: tax.rate.rate.id, name: tax.rate.rate.name, rate: tax.rate.rate.rate, amount: tax.amount.toString() })),
      taxTotal: taxTotal.toString(),
      gross: line.net.plus(taxTotal).toString(),
    };
  });
  const breakdown: TaxBreakdownEntry[] = [];
  for (const rate of request.rates) {
    const uses = lines.flatMap((line) => line.taxes.filter((tax) => tax.rate.rate.id === rate.id).map((tax) => ({ line, tax })));
    if (uses.length === 0) continue;
    breakdown.push({
      rateId: rate.id,
      name: rate.name,
      rate: rate.rate,
      jurisdiction: rate.jurisdiction,
      compound: rate.compound,
      inclusive: uses.some((use) => use.tax.rate.included),
      taxableAmount: Money.sum(
        uses.map((use) => use.line.net),
        currency,
      ).toString(),
      taxAmount: Money.sum(
        uses.map((use) => use.tax.amount),
        currency,
      ).toString(),
    });
  }
  const subtotal = Money.sum(
    lines.map((line) => line.net),
    currency,
  );
  const taxTotal = lines.reduce((sum, line) => line.taxes.reduce((lineSum, tax) => lineSum.plus(tax.amount), sum), zero);
  return {
    currency,
    lines: lineResults,
    subtotal: subtotal.toString(),
    discountTotal: Money.sum(
      lines.map((line) => line.discount),
      currency,
    ).toString(),
    taxTotal: taxTotal.toString(),
    total: subtotal.plus(taxTotal).toString(),
    breakdown,
  };
}

function readRequest(input: InvoiceTaxInput): TaxRequest {
  if (typeof input !== 'object' || input === null) throw validationFailed('the tax request must be an object');
  if (typeof input.currency !== 'string' || !isCurrencyCode(input.currency)) {
    throw validationFailed(`currency must be a supported ISO 4217 currency code`, { field: 'currency' });
  }
  const { minorUnit } = currencyOf(input.currency);
  if (typeof input.pricesIncludeTax !== 'boolean') throw validationFailed('pricesIncludeTax must be true or false', { field: 'pricesIncludeTax' });
  const rounding = requireOneOf(input.rounding, 'rounding', taxRoundings);
  const rates = readRates(input.rates);
  return {
    currency: input.currency,
    minorUnit,
    rates,
    pricesIncludeTax: input.pricesIncludeTax,
    rounding,
    customer: readCustomer(input.customer),
    lines: readLines(input.lines),
  };
}

function readRates(value: unknown): TaxRate[] {
  if (!Array.isArray(value) || value.length > invoiceTaxLimits.ratesMax) {
    throw validationFailed(`rates must be a list of at most ${invoiceTaxLimits.ratesMax} tax rates`, { field: 'rates' });
  }
  const rates = value.map((rate: unknown, index) => requireTaxRate(rate, `rates[${index}]`));
  rates.forEach((rate, index) => {
    if (rates.findIndex((other) => other.id === rate.id) !== index) {
      throw validationFailed(`rates[${index}].id ${JSON.stringify(rate.id)} is used by another rate`, { field: `rates[${index}].id` });
    }
  });
  return rates;
}

function readCustomer(value: unknown): TaxRequest['customer'] {
  const customer = value as Partial<TaxCustomer> | null | undefined;
  if (typeof customer !== 'object' || customer === null) throw validationFailed('customer must be an object', { field: 'customer' });
  if (typeof customer.taxExempt !== 'boolean') throw validationFailed('customer.taxExempt must be true or false', { field: 'customer.taxExempt' });
  const address = customer.billingAddress;
  if (typeof address !== 'object' || address === null || !isCountryCode(address.country)) {
    throw validationFailed('customer.billingAddress.country must be an ISO 3166-1 alpha-2 code such as "CA"', {
      field: 'customer.billingAddress.country',
    });
  }
  const region = address.region ?? null;
  if (region !== null && !isRegionCode(region)) {
    throw validationFailed('customer.billingAddress.region must be the ISO 3166-2 subdivision without the country, such as "QC"', {
      field: 'customer.billingAddress.region',
    });
  }
  return { taxExempt: customer.taxExempt, country: address.country, region };
}

function readLines(value: unknown): TaxRequest['lines'] {
  if (!Array.isArray(value) || value.length > invoiceTaxLimits.linesMax) {
    throw validationFailed(`lines must be a list of at most ${invoiceTaxLimits.linesMax} lines`, { field: 'lines' });
  }
  const seen = new Set<string>();
  return value.map((candidate: unknown, index) => {
    const field = `lines[${index}]`;
    if (typeof candidate !== 'object' || candidate === null) throw validationFailed(`${field} must be an object`, { field });
    const line = candidate as Record<string, unknown>;
    const lineId = requireRecordedIdentifier(line.lineId, `${field}.lineId`);
    if (seen.has(lineId)) throw validationFailed(`${field}.lineId ${JSON.stringify(lineId)} is used by another line`, { field: `${field}.lineId` });
    seen.add(lineId);
    return {
      lineId,
      quantity: line.quantity as string,
      unitPrice: line.unitPrice as string,
      discount: line.discount === undefined || line.discount === null ? null : (line.discount as string),
      taxRateIds: readTaxRateIds(line.taxRateIds, `${field}.taxRateIds`),
    };
  });
}

function readTaxRateIds(value: unknown, field: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length > invoiceTaxLimits.taxRateIdsPerLineMax) {
    throw validationFailed(`${field} must be a list of at most ${invoiceTaxLimits.taxRateIdsPerLineMax} tax rate ids`, { field });
  }
  const ids = value.map((id: unknown, index) => requireRecordedIdentifier(id, `${field}[${index}]`));
  if (new Set(ids).size !== ids.length) throw validationFailed(`${field} names a tax rate twice`, { field });
  return ids;
}
