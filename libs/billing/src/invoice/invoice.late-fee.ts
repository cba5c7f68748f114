import type Big from 'big.js';
import { Money } from '../../../money/src/index.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { validationFailed } from '../common/validation.js';
import { parsePercentage, taxRateLimits } from '../tax/tax-rate.js';
import type { InvoiceState } from './invoice.state.js';

/**
 * The late fee (payment.lateFeePercentage, docs/overdue.md): when an invoice becomes overdue, a percentage of the
 * balance it had at that instant (InvoiceBecameOverdue.balanceDue), rounded half-up to the currency's minor unit,
 * charged once on an invoice of its own.
 */
export interface LateFee {
  /** The fee, > 0. */
  readonly amount: Money;
  /** The overdue balance it is a percentage of. */
  readonly base: Money;
  /** As the settings give it: "1.5". */
  readonly percentage: string;
}

/**
 * The late fee an overdue invoice owes at `percentage`, or null when none is owed: a percentage of 0, an invoice not
 * overdue, voided, written off or fully credited (credit covers its total, or credit notes registered on it took all
 * that was creditable), or a fee that rounds to 0. A payment made since it became overdue does not cancel the fee:
 * the balance was late.
 */
export function lateFeeOf(invoice: InvoiceState, percentage: string): LateFee | null {
  return translatingMoneyErrors(() => {
    const rate = requirePercentage(percentage);
    const { overdue, currency } = invoice;
    if (rate.eq(0) || overdue === null || currency === null) return null;
    if (invoice.status === 'void' || invoice.status === 'written_off' || isFullyCredited(invoice)) return null;
    const base = Money.of(overdue.balanceDue, currency);
    // rate x 0.01 is exact (a percentage has at most 4 decimals): the one rounding is the fee's, half-up.
    const amount = base.times(rate.times('0.01'), 'half_up');
    return amount.isPositive() ? { amount, base, percentage } : null;
  });
}

/** The fee invoice's one line. */
export function lateFeeLineDescription(invoiceNumber: string): string {
  return `Late fee on ${invoiceNumber}`;
}

/**
 * The invoice is credited in full: the credit applied to it reaches its total, or credit notes issued on it took all
 * of its total (nothing is left creditable), whether or not their credit was applied here.
 */
function isFullyCredited(invoice: InvoiceState): boolean {
  const currency = invoice.currency as string;
  return !Money.of(invoice.amountCredited, currency).lessThan(Money.of(invoice.total, currency)) || Money.of(invoice.creditableAmount, currency).isZero();
}

/** The settings' rule for a percentage (0 to 100, at most 4 decimals: parsePercentage), or VALIDATION_FAILED. */
function requirePercentage(value: unknown): Big {
  const rate = parsePercentage(value);
  if (rate === null) {
    throw validationFailed(`lateFeePercentage must be a percentage from 0 to 100 with at most ${taxRateLimits.rateScaleMax} decimals (got ${JSON.stringify(value)})`, { field: 'lateFeePercentage' });
  }
  return rate;
}
