import { Money, parseComputedDecimal } from '../../../money/src/index.js';
import { cycleLabel, daysBetween, periodAmount, periodContaining, prorate, type BillingPeriod, type BillingSchedule } from '../billing-period/index.js';
import { addDaysToCalendarDate } from '../common/calendar-date.js';
import type { ChargeLine, ChargeLineKind } from './subscription.events.js';
import type { ItemConfig, Piece } from './subscription.timeline.js';

/** A charge line before it is numbered on the invoice (or in the pending list) it goes to. */
export type ChargeLineDraft = Omit<ChargeLine, 'lineId'>;

const descriptionPrefixes: Record<ChargeLineKind, string> = {
  recurring: '',
  setup_fee: '',
  proration_credit: 'Unused time on ',
  proration_charge: 'Remaining time on ',
};

/**
 * One line per piece. A piece is measured against the full period of the schedule that contains it (a partial first
 * period against the whole one): a whole period bills unit price x quantity (fraction null), a part bills
 * unit price x quantity x days / period days, rounded once, half-up. A proration credit is the exact mirror of the
 * charge for the same days: the same rounding, negated.
 */
export function chargeLinesOf(pieces: readonly Piece[], kind: Exclude<ChargeLineKind, 'setup_fee'>, schedule: BillingSchedule): ChargeLineDraft[] {
  return pieces.map((piece) => {
    const full = periodContaining(schedule, piece.from);
    const days = daysBetween(piece.from, piece.to);
    const periodDays = daysBetween(full.start, full.end);
    const whole = piece.from === full.start && piece.to === full.end;
    const fraction = whole ? null : { days, periodDays };
    const figures = { unitPrice: piece.terms.unitPrice, quantity: piece.quantity, currency: piece.terms.currency };
    const positive = fraction === null ? periodAmount(figures) : prorate({ ...figures, fraction });
    const share = fraction === null ? cycleLabel(schedule.cycle) : `${days}/${periodDays} of ${cycleLabel(schedule.cycle)}`;
    return {
      kind,
      itemId: piece.itemId,
      planId: piece.terms.planId,
      planVersion: piece.terms.planVersion,
      description: `${descriptionPrefixes[kind]}${piece.terms.name} (${piece.from} to ${lastDayOf(piece.to)}, ${share})`,
      quantity: piece.quantity,
      unitPrice: piece.terms.unitPrice,
      amount: kind === 'proration_credit' ? negated(positive) : positive,
      taxRate: piece.terms.taxRate,
      periodStart: piece.from,
      periodEnd: piece.to,
      fraction,
    };
  });
}

/** The setup fee of each item that has one (once per item, whatever its quantity), for the first invoice. */
export function setupFeeLinesOf(items: ReadonlyArray<{ itemId: string; config: ItemConfig }>, period: BillingPeriod): ChargeLineDraft[] {
  return items.flatMap(({ itemId, config: { terms } }) => {
    if (terms.setupFee === null || Money.parse(terms.setupFee, terms.currency).isZero()) return [];
    return [
      {
        kind: 'setup_fee' as const,
        itemId,
        planId: terms.planId,
        planVersion: terms.planVersion,
        description: `${terms.name} setup fee`,
        quantity: '1',
        unitPrice: terms.setupFee,
        amount: Money.parse(terms.setupFee, terms.currency).toString(),
        taxRate: terms.taxRate,
        periodStart: period.start,
        periodEnd: period.end,
        fraction: null,
      },
    ];
  });
}

/** Lines numbered `${prefix}${first}`, `${prefix}${first + 1}`... in order. */
export function numberedLines(lines: readonly ChargeLineDraft[], prefix: string, first = 1): ChargeLine[] {
  return lines.map((line, index) => ({ lineId: `${prefix}${first + index}`, ...line }));
}

/** A proration line that moves no money (a day of a tiny price) says nothing: it is left out. */
export function withoutZeroProrations(lines: readonly ChargeLineDraft[]): ChargeLineDraft[] {
  return lines.filter((line) => line.kind === 'recurring' || line.kind === 'setup_fee' || !parseComputedDecimal(line.amount, 'amount').eq(0));
}

export function totalOf(lines: ReadonlyArray<Pick<ChargeLine, 'amount'>>, currency: string): string {
  return Money.sum(
    lines.map((line) => Money.parseComputed(line.amount, currency)),
    currency,
  ).toString();
}

/** The last day of a half-open range ending before `end`: how people read a period on an invoice. */
function lastDayOf(end: string): string {
  return addDaysToCalendarDate(end, -1);
}

function negated(amount: string): string {
  if (/^0(\.0+)?$/.test(amount)) return amount;
  return amount.startsWith('-') ? amount.slice(1) : `-${amount}`;
}
