import { parseComputedDecimal } from '../../../money/src/index.js';
import type { BillingPeriod } from '../billing-period/index.js';
import type { PlanTerms } from '../catalog/plan-terms.js';

/**
 * What price is in force on which day. Each item keeps a timeline of segments: the terms and quantity from a day on,
 * until the next segment. Pauses (suspensions under the pause_billing policy) are days nothing is billed. A period
 * is billed by cutting it into pieces wherever an item's segment or a pause starts or ends; each piece becomes one
 * line, prorated by its days. The same cut serves the bill of a period, the proration of a change and the final
 * lines of a cancellation, so they cannot disagree.
 */

export interface ItemConfig {
  terms: PlanTerms;
  quantity: string;
}

/** The item's terms and quantity from `from` on (until the next segment). */
export interface ItemSegment extends ItemConfig {
  from: string;
}

export type ItemRole = 'base' | 'addon';

/** An item and its timeline: at least one segment, in order of `from`; the last one is in force now. */
export interface SubscriptionItemState {
  itemId: string;
  role: ItemRole;
  segments: ItemSegment[];
}

/** Days [from, to) that are not billed; `to` null while the pause lasts. */
export interface Pause {
  from: string;
  to: string | null;
}

/** Days [from, to) of one item at one configuration: what one line charges (or credits) for. */
export interface Piece extends ItemConfig {
  itemId: string;
  from: string;
  to: string;
}

export function currentConfig(item: SubscriptionItemState): ItemConfig {
  const last = item.segments.at(-1);
  if (last === undefined) throw new Error(`subscription invariant broken: item ${item.itemId} has no segment`);
  return { terms: last.terms, quantity: last.quantity };
}

/** The item's configuration on `day`, or null before its first segment. */
export function configAt(item: SubscriptionItemState, day: string): ItemConfig | null {
  let found: ItemSegment | null = null;
  for (const segment of item.segments) {
    if (segment.from > day) break;
    found = segment;
  }
  return found === null ? null : { terms: found.terms, quantity: found.quantity };
}

/**
 * The timeline with `config` in force from `from` on: segments starting on or after `from` are replaced (a second
 * change on the same day replaces the first; a change before the start date replaces the initial terms).
 */
export function withSegment(items: readonly SubscriptionItemState[], itemId: string, from: string, config: ItemConfig): SubscriptionItemState[] {
  return items.map((item) =>
    item.itemId !== itemId ? item : { ...item, segments: [...item.segments.filter((segment) => segment.from < from), { from, ...config }] },
  );
}

/** The timeline without the segments that ended on or before `day` (the one in force on `day` stays). */
export function segmentsFrom(items: readonly SubscriptionItemState[], day: string): SubscriptionItemState[] {
  return items.map((item) => {
    const firstKept = item.segments.findLastIndex((segment) => segment.from <= day);
    return firstKept <= 0 ? item : { ...item, segments: item.segments.slice(firstKept) };
  });
}

export function isPaused(pauses: readonly Pause[], day: string): boolean {
  return pauses.some((pause) => pause.from <= day && (pause.to === null || day < pause.to));
}

/** Same plan version, same figures, same words: a piece at one needs no line to become the other. */
export function sameConfig(a: ItemConfig, b: ItemConfig): boolean {
  return sameTerms(a.terms, b.terms) && parseComputedDecimal(a.quantity).eq(parseComputedDecimal(b.quantity));
}

export function sameTerms(a: PlanTerms, b: PlanTerms): boolean {
  return (
    a.planId === b.planId &&
    a.planVersion === b.planVersion &&
    a.productId === b.productId &&
    a.name === b.name &&
    a.serviceType === b.serviceType &&
    JSON.stringify(a.cycle) === JSON.stringify(b.cycle) &&
    a.timing === b.timing &&
    a.currency === b.currency &&
    parseComputedDecimal(a.unitPrice).eq(parseComputedDecimal(b.unitPrice)) &&
    sameOptionalDecimal(a.setupFee, b.setupFee) &&
    a.trialDays === b.trialDays &&
    sameOptionalDecimal(a.taxRate, b.taxRate)
  );
}

function sameOptionalDecimal(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return parseComputedDecimal(a).eq(parseComputedDecimal(b));
}

/**
 * The billable pieces of `item` in `range`: cut wherever a segment starts or a pause starts or ends, without the
 * paused days and the days before the item's first segment, and with neighbours at the same configuration joined.
 */
export function piecesOf(item: SubscriptionItemState, pauses: readonly Pause[], range: BillingPeriod): Piece[] {
  const cuts = new Set<string>([range.start, range.end]);
  const inside = (day: string | null): day is string => day !== null && day > range.start && day < range.end;
  for (const segment of item.segments) if (inside(segment.from)) cuts.add(segment.from);
  for (const pause of pauses) {
    if (inside(pause.from)) cuts.add(pause.from);
    if (inside(pause.to)) cuts.add(pause.to);
  }
  const days = [...cuts].sort();
  const pieces: Piece[] = [];
  for (let index = 0; index + 1 < days.length; index += 1) {
    const from = days[index] as string;
    const to = days[index + 1] as string;
    const config = configAt(item, from);
    if (config === null || isPaused(pauses, from)) continue;
    const previous = pieces.at(-1);
    if (previous !== undefined && previous.to === from && sameConfig(previous, config)) previous.to = to;
    else pieces.push({ itemId: item.itemId, from, to, ...config });
  }
  return pieces;
}

/** Whether two lists of pieces charge the same days at the same configurations. */
export function samePieces(a: readonly Piece[], b: readonly Piece[]): boolean {
  return a.length === b.length && a.every((piece, index) => {
    const other = b[index] as Piece;
    return piece.itemId === other.itemId && piece.from === other.from && piece.to === other.to && sameConfig(piece, other);
  });
}

/** The pieces cut to [from, to); pieces outside it disappear. */
export function clipPieces(pieces: readonly Piece[], from: string, to: string): Piece[] {
  return pieces.flatMap((piece) => {
    const start = piece.from > from ? piece.from : from;
    const end = piece.to < to ? piece.to : to;
    return start < end ? [{ ...piece, from: start, to: end }] : [];
  });
}
