import Big from 'big.js';
import { formatDecimal } from '../../../../money/src/index.js';
import { requireCalendarDate } from '../../common/calendar-date.js';
import { translatingMoneyErrors } from '../../common/domain-error.js';
import { requireBoundedDecimal, requireIdentifier, requireIntegerInRange, validationFailed } from '../../common/validation.js';
import type { MatchingCriteria } from '../matching-rules/index.js';
import { compileWildcard, normaliseReference, wildcardPatternLengthMax, type WildcardMatcher } from './matching.text.js';
import type { MatchableLine, MatchablePayment, MatchProposal, ProposeMatchesInput, RuleVersion } from './matching.types.js';
import { searchSubset, subsetCandidatesMax, subsetSizeMax, subsetSizeMin } from './subset-search.js';

/**
 * The matching engine (docs/matching.md): proposes which unmatched statement lines settle which unmatched payments,
 * rule by rule. Pure and deterministic: inputs are sorted by id first, so the same sets in any order give the same
 * proposals; nothing reads a clock. A line or payment is used by at most one proposal; when the rules cannot tell two
 * candidates apart the engine proposes nothing for them (a wrong automatic match is worse than an open line).
 */

const priorityMax = 1000;
const valueDateWindowDaysMax = 31;
const millisecondsPerDay = 86_400_000;

interface Line {
  readonly lineId: string;
  readonly day: number;
  readonly amount: Big;
  readonly minor: bigint;
  readonly reference: string | null;
  readonly counterparty: string | null;
  readonly normalisedReference: string;
  readonly normalisedDescription: string;
  readonly normalisedCounterparty: string;
}

interface Payment {
  readonly paymentId: string;
  readonly day: number;
  readonly amount: Big;
  readonly minor: bigint;
  readonly normalisedReference: string;
  readonly normalisedCustomerName: string;
  /** The payment reference and the invoice numbers, normalised, empty ones dropped: what 'contains' looks for. */
  readonly referenceNeedles: readonly string[];
}

interface CompiledRule {
  readonly rule: RuleVersion;
  readonly criteria: MatchingCriteria;
  readonly referencePattern: WildcardMatcher | null;
  readonly counterpartyPattern: WildcardMatcher | null;
  readonly counterpartyValue: string;
  readonly tolerance: Big | null;
}

interface Candidate {
  readonly line: Line;
  readonly payment: Payment;
  readonly distance: Big;
  readonly gap: number;
}

/** Proposes matches; VALIDATION_FAILED / AMOUNT_OUT_OF_RANGE on malformed input (ids, dates, amounts, criteria). */
export function proposeMatches(input: ProposeMatchesInput): MatchProposal[] {
  return translatingMoneyErrors(() => {
    const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
    const scale = scaleOf(input);
    const lines = readLines(input.lines, scale);
    const payments = readPayments(input.payments, scale);
    const rules = readRules(input.rules).filter(({ rule }) => rule.bankAccountId === null || rule.bankAccountId === bankAccountId);
    const state: EngineState = { scale, usedLines: new Set(), usedPayments: new Set(), paymentsByDay: indexByDay(payments) };
    const proposals: MatchProposal[] = [];
    for (const rule of rules) {
      const openLines = lines.filter((line) => !state.usedLines.has(line.lineId) && lineHolds(rule, line));
      const openPayments = payments.filter((payment) => !state.usedPayments.has(payment.paymentId));
      const found =
        rule.criteria.multiplicity === 'one_to_one'
          ? matchOneToOne(rule, openLines, state)
          : rule.criteria.multiplicity === 'one_to_many'
            ? matchOneToMany(rule, openLines, state)
            : matchManyToOne(rule, openLines, openPayments, state);
      for (const proposal of found) {
        proposal.lineIds.forEach((lineId) => state.usedLines.add(lineId));
        proposal.payments.forEach(({ paymentId }) => state.usedPayments.add(paymentId));
        proposals.push(proposal);
      }
    }
    return proposals;
  });
}

interface EngineState {
  readonly scale: number;
  readonly usedLines: Set<string>;
  readonly usedPayments: Set<string>;
  readonly paymentsByDay: ReadonlyMap<number, readonly Payment[]>;
}

// ---- one to one -------------------------------------------------------------------------------------------------

/** A pair is taken only when each side is the other's strictly best candidate (smaller |difference|, then date gap). */
function matchOneToOne(rule: CompiledRule, lines: readonly Line[], state: EngineState): MatchProposal[] {
  const candidates: Candidate[] = [];
  for (const line of lines) {
    // The payment is "the payments' sum" of a one-line match: the one-to-many bounds filter cheaply in minor units.
    const bounds = oneToManyBounds(rule, line.minor, state.scale);
    for (const payment of paymentsNear(line, rule, state)) {
      if (payment.minor < bounds.minimum || payment.minor > bounds.maximum || !pairHolds(rule, line, payment)) continue;
      const difference = payment.amount.minus(line.amount);
      if (!withinTolerance(rule, payment.amount, difference)) throw new Error('matching invariant broken: minor-unit bounds and tolerance disagree');
      candidates.push({ line, payment, distance: difference.abs(), gap: Math.abs(line.day - payment.day) });
    }
  }
  const bestForLine = uniqueBest(candidates, (candidate) => candidate.line.lineId);
  const bestForPayment = uniqueBest(candidates, (candidate) => candidate.payment.paymentId);
  const proposals: MatchProposal[] = [];
  for (const line of lines) {
    const best = bestForLine.get(line.lineId);
    if (best === undefined || bestForPayment.get(best.payment.paymentId) !== best) continue;
    proposals.push(proposalOf(rule, [line], [best.payment], state.scale));
  }
  return proposals;
}

/** For each key, the candidate strictly better than every other one with that key; keys with a tie are left out. */
function uniqueBest(candidates: readonly Candidate[], keyOf: (candidate: Candidate) => string): Map<string, Candidate> {
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const key = keyOf(candidate);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [candidate]);
    else group.push(candidate);
  }
  const unique = new Map<string, Candidate>();
  groups.forEach((group, key) => {
    const [best, second] = [...group].sort(compareCandidates);
    if (best !== undefined && (second === undefined || compareCandidates(best, second) < 0)) unique.set(key, best);
  });
  return unique;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const byDistance = a.distance.cmp(b.distance);
  return byDistance !== 0 ? byDistance : a.gap - b.gap;
}

// ---- one to many and many to one ---------------------------------------------------------------------------------

/** One line = the sum of 2..12 payments less a difference within tolerance; a payment claimed by two lines goes to neither. */
function matchOneToMany(rule: CompiledRule, lines: readonly Line[], state: EngineState): MatchProposal[] {
  const tentative: MatchProposal[] = [];
  for (const line of lines) {
    const bounds = oneToManyBounds(rule, line.minor, state.scale);
    const candidates = paymentsNear(line, rule, state).filter((payment) => payment.minor <= bounds.maximum && pairHolds(rule, line, payment));
    const chosen = chooseSubset(candidates, bounds);
    if (chosen !== null) tentative.push(proposalOf(rule, [line], chosen, state.scale));
  }
  return withoutSharedMembers(tentative, (proposal) => proposal.payments.map(({ paymentId }) => paymentId));
}

/** One payment = the sum of 2..12 lines plus a difference within tolerance; a line claimed by two payments goes to neither. */
function matchManyToOne(rule: CompiledRule, lines: readonly Line[], payments: readonly Payment[], state: EngineState): MatchProposal[] {
  const tentative: MatchProposal[] = [];
  const linesByDay = indexByDay(lines);
  const window = rule.criteria.valueDateWindowDays;
  for (const payment of payments) {
    const bounds = manyToOneBounds(rule, payment.minor, state.scale);
    const candidates: Line[] = [];
    for (let day = payment.day - window; day <= payment.day + window; day += 1) {
      for (const line of linesByDay.get(day) ?? []) if (line.minor <= bounds.maximum && pairHolds(rule, line, payment)) candidates.push(line);
    }
    candidates.sort((a, b) => compareIds(a.lineId, b.lineId));
    const chosen = chooseSubset(candidates, bounds);
    if (chosen !== null) tentative.push(proposalOf(rule, chosen, [payment], state.scale));
  }
  return withoutSharedMembers(tentative, (proposal) => proposal.lineIds);
}

interface MinorBounds {
  readonly target: bigint;
  readonly minimum: bigint;
  readonly maximum: bigint;
}

function chooseSubset<Member extends { readonly minor: bigint }>(candidates: readonly Member[], bounds: MinorBounds): Member[] | null {
  if (candidates.length < subsetSizeMin || candidates.length > subsetCandidatesMax) return null;
  const result = searchSubset({ amounts: candidates.map(({ minor }) => minor), ...bounds, sizeMin: subsetSizeMin, sizeMax: subsetSizeMax });
  if (result.kind !== 'unique') return null;
  return result.indices.map((index) => {
    const member = candidates[index];
    if (member === undefined) throw new Error('matching invariant broken: subset index out of range');
    return member;
  });
}

function withoutSharedMembers(proposals: readonly MatchProposal[], membersOf: (proposal: MatchProposal) => readonly string[]): MatchProposal[] {
  const claims = new Map<string, number>();
  proposals.forEach((proposal) => membersOf(proposal).forEach((id) => claims.set(id, (claims.get(id) ?? 0) + 1)));
  return proposals.filter((proposal) => membersOf(proposal).every((id) => claims.get(id) === 1));
}

/**
 * Bounds on the payments' sum S for a line of L minor units (difference = S - L). Percent p = pn / 10^k:
 * |S - L| * 100 <= S * p gives S * (H + pn) >= H * L and S * (H - pn) <= H * L with H = 100 * 10^k, all integers.
 */
function oneToManyBounds(rule: CompiledRule, lineMinor: bigint, scale: number): MinorBounds {
  const { amountTolerance, differenceAccount } = rule.criteria;
  const feesOnly = differenceAccount === 'bank_fees';
  if (amountTolerance === null || rule.tolerance === null) return { target: lineMinor, minimum: lineMinor, maximum: lineMinor };
  if (amountTolerance.kind === 'absolute') {
    const allowed = minorFloor(rule.tolerance, scale);
    return { target: lineMinor, minimum: feesOnly ? lineMinor : lineMinor - allowed, maximum: lineMinor + allowed };
  }
  const { numerator, hundred } = percentFraction(rule.tolerance);
  const minimum = feesOnly ? lineMinor : ceilDivide(hundred * lineMinor, hundred + numerator);
  const maximum = numerator >= hundred ? unbounded : (hundred * lineMinor) / (hundred - numerator);
  return { target: lineMinor, minimum, maximum };
}

/** Bounds on the lines' sum S for a payment of P minor units (difference = P - S, |P - S| <= P * p / 100). */
function manyToOneBounds(rule: CompiledRule, paymentMinor: bigint, scale: number): MinorBounds {
  const { amountTolerance, differenceAccount } = rule.criteria;
  if (amountTolerance === null || rule.tolerance === null) return { target: paymentMinor, minimum: paymentMinor, maximum: paymentMinor };
  let allowed: bigint;
  if (amountTolerance.kind === 'absolute') {
    allowed = minorFloor(rule.tolerance, scale);
  } else {
    const { numerator, hundred } = percentFraction(rule.tolerance);
    allowed = (paymentMinor * numerator) / hundred;
  }
  return { target: paymentMinor, minimum: paymentMinor - allowed, maximum: differenceAccount === 'bank_fees' ? paymentMinor : paymentMinor + allowed };
}

/** Larger than any sum of 24 amounts below 10^12 at any scale the ledger uses. */
const unbounded = 10n ** 40n;

function minorFloor(value: Big, scale: number): bigint {
  return BigInt(value.times(new Big(10).pow(scale)).round(0, Big.roundDown).toFixed(0));
}

function percentFraction(percent: Big): { numerator: bigint; hundred: bigint } {
  const decimals = Math.max(0, percent.c.length - percent.e - 1);
  const power = 10n ** BigInt(decimals);
  return { numerator: BigInt(percent.times(new Big(10).pow(decimals)).toFixed(0)), hundred: 100n * power };
}

function ceilDivide(dividend: bigint, divisor: bigint): bigint {
  return (dividend + divisor - 1n) / divisor;
}

// ---- criteria --------------------------------------------------------------------------------------------------------

/** Criteria that depend on the line alone (patterns and fixed counterparty values): filter lines once per rule. */
function lineHolds(rule: CompiledRule, line: Line): boolean {
  const { reference, counterparty } = rule.criteria;
  if (reference?.operator === 'pattern' && (line.reference === null || !(rule.referencePattern?.test(line.reference) ?? false))) return false;
  if (counterparty === null || counterparty.operator === 'customer_name') return true;
  switch (counterparty.operator) {
    case 'equals':
      return line.normalisedCounterparty !== '' && line.normalisedCounterparty === rule.counterpartyValue;
    case 'contains':
      return rule.counterpartyValue !== '' && line.normalisedCounterparty.includes(rule.counterpartyValue);
    case 'pattern':
      return line.counterparty !== null && (rule.counterpartyPattern?.test(line.counterparty) ?? false);
  }
}

/** Criteria between a line and a payment, amounts aside: value date window, reference, customer name. */
function pairHolds(rule: CompiledRule, line: Line, payment: Payment): boolean {
  const { reference, counterparty, valueDateWindowDays } = rule.criteria;
  if (Math.abs(line.day - payment.day) > valueDateWindowDays) return false;
  if (reference?.operator === 'equals') {
    if (line.normalisedReference === '' || line.normalisedReference !== payment.normalisedReference) return false;
  } else if (reference?.operator === 'contains') {
    const found = payment.referenceNeedles.some((needle) => line.normalisedReference.includes(needle) || line.normalisedDescription.includes(needle));
    if (!found) return false;
  }
  if (counterparty?.operator === 'customer_name') {
    const name = payment.normalisedCustomerName;
    if (name === '' || !line.normalisedCounterparty.includes(name)) return false;
  }
  return true;
}

/** Exact comparison with big.js; bank_fees never takes a line larger than its payments (fees only reduce a deposit). */
function withinTolerance(rule: CompiledRule, paymentTotal: Big, difference: Big): boolean {
  const { amountTolerance, differenceAccount } = rule.criteria;
  if (differenceAccount === 'bank_fees' && difference.lt(0)) return false;
  if (amountTolerance === null || rule.tolerance === null) return difference.eq(0);
  if (amountTolerance.kind === 'absolute') return difference.abs().lte(rule.tolerance);
  return difference.abs().times(100).lte(paymentTotal.times(rule.tolerance));
}

function paymentsNear(line: Line, rule: CompiledRule, state: EngineState): Payment[] {
  const window = rule.criteria.valueDateWindowDays;
  const near: Payment[] = [];
  for (let day = line.day - window; day <= line.day + window; day += 1) {
    for (const payment of state.paymentsByDay.get(day) ?? []) if (!state.usedPayments.has(payment.paymentId)) near.push(payment);
  }
  return near.sort((a, b) => compareIds(a.paymentId, b.paymentId));
}

function proposalOf(rule: CompiledRule, lines: readonly Line[], payments: readonly Payment[], scale: number): MatchProposal {
  const lineTotal = lines.reduce((sum, line) => sum.plus(line.amount), new Big(0));
  const paymentTotal = payments.reduce((sum, payment) => sum.plus(payment.amount), new Big(0));
  const difference = paymentTotal.minus(lineTotal);
  if (!withinTolerance(rule, paymentTotal, difference)) throw new Error(`matching invariant broken: rule ${rule.rule.ruleId} proposed a match outside its tolerance`);
  let dateGapDays = 0;
  for (const line of lines) for (const payment of payments) dateGapDays = Math.max(dateGapDays, Math.abs(line.day - payment.day));
  return {
    lineIds: lines.map(({ lineId }) => lineId),
    payments: payments.map(({ paymentId, amount }) => ({ paymentId, amount: formatDecimal(amount, scale) })),
    lineTotal: formatDecimal(lineTotal, scale),
    paymentTotal: formatDecimal(paymentTotal, scale),
    difference: formatDecimal(difference, scale),
    differenceAccount: difference.eq(0) ? null : rule.criteria.differenceAccount,
    dateGapDays,
    ruleId: rule.rule.ruleId,
    ruleVersion: rule.rule.version,
  };
}

// ---- input ---------------------------------------------------------------------------------------------------------

/** Amounts carry the account currency's minor unit; the figures of a proposal are written with the same decimals. */
function scaleOf(input: ProposeMatchesInput): number {
  let scale = 0;
  for (const { amount } of [...input.lines, ...input.payments]) {
    if (typeof amount === 'string') scale = Math.max(scale, amount.split('.')[1]?.length ?? 0);
  }
  return scale;
}

function readLines(lines: readonly MatchableLine[], scale: number): Line[] {
  const seen = new Set<string>();
  const read: Line[] = [];
  lines.forEach((line, index) => {
    const field = `lines[${index}]`;
    const lineId = requireIdentifier(line.lineId, `${field}.lineId`);
    if (seen.has(lineId)) throw validationFailed(`line ${lineId} is listed twice`, { field: `${field}.lineId`, lineId });
    seen.add(lineId);
    const amount = requireBoundedDecimal(line.amount, `${field}.amount`, scale);
    const reference = optionalString(line.reference, `${field}.reference`);
    const counterparty = optionalString(line.counterparty, `${field}.counterparty`);
    const description = optionalString(line.description, `${field}.description`);
    const day = dayNumber(requireCalendarDate(line.valueDate, `${field}.valueDate`));
    // Only money in is matched to payments; other lines are resolved by a person.
    if (amount.lte(0)) return;
    read.push({
      lineId,
      day,
      amount,
      minor: toMinor(amount, scale),
      reference,
      counterparty,
      normalisedReference: normaliseReference(reference ?? ''),
      normalisedDescription: normaliseReference(description ?? ''),
      normalisedCounterparty: normaliseReference(counterparty ?? ''),
    });
  });
  return read.sort((a, b) => compareIds(a.lineId, b.lineId));
}

function readPayments(payments: readonly MatchablePayment[], scale: number): Payment[] {
  const seen = new Set<string>();
  const read: Payment[] = [];
  payments.forEach((payment, index) => {
    const field = `payments[${index}]`;
    const paymentId = requireIdentifier(payment.paymentId, `${field}.paymentId`);
    if (seen.has(paymentId)) throw validationFailed(`payment ${paymentId} is listed twice`, { field: `${field}.paymentId`, paymentId });
    seen.add(paymentId);
    const amount = requireBoundedDecimal(payment.amount, `${field}.amount`, scale);
    const reference = optionalString(payment.reference, `${field}.reference`);
    const customerName = optionalString(payment.customerName, `${field}.customerName`);
    if (!Array.isArray(payment.invoiceNumbers)) throw validationFailed(`${field}.invoiceNumbers must be a list`, { field: `${field}.invoiceNumbers` });
    const invoiceNumbers = payment.invoiceNumbers.map((number, position) => optionalString(number, `${field}.invoiceNumbers[${position}]`) ?? '');
    const day = dayNumber(requireCalendarDate(payment.date, `${field}.date`));
    if (amount.lte(0)) return;
    const normalisedReference = normaliseReference(reference ?? '');
    const needles = [normalisedReference, ...invoiceNumbers.map(normaliseReference)].filter((needle) => needle !== '');
    read.push({
      paymentId,
      day,
      amount,
      minor: toMinor(amount, scale),
      normalisedReference,
      normalisedCustomerName: normaliseReference(customerName ?? ''),
      referenceNeedles: [...new Set(needles)],
    });
  });
  return read.sort((a, b) => compareIds(a.paymentId, b.paymentId));
}

/** Rules in run order: priority, then ruleId. A ruleId given twice is refused (the caller passes each rule's latest version). */
function readRules(rules: readonly RuleVersion[]): CompiledRule[] {
  const seen = new Set<string>();
  const compiled = rules.map((rule, index): CompiledRule => {
    const field = `rules[${index}]`;
    const ruleId = requireIdentifier(rule.ruleId, `${field}.ruleId`);
    if (seen.has(ruleId)) throw validationFailed(`rule ${ruleId} is listed twice`, { field: `${field}.ruleId`, ruleId });
    seen.add(ruleId);
    requireIntegerInRange(rule.version, `${field}.version`, 1, Number.MAX_SAFE_INTEGER);
    requireIntegerInRange(rule.priority, `${field}.priority`, 1, priorityMax);
    if (rule.bankAccountId !== null) requireIdentifier(rule.bankAccountId, `${field}.bankAccountId`);
    return compileRule(rule, `${field}.criteria`);
  });
  return compiled.sort((a, b) => a.rule.priority - b.rule.priority || compareIds(a.rule.ruleId, b.rule.ruleId));
}

function compileRule(rule: RuleVersion, field: string): CompiledRule {
  const { criteria } = rule;
  if (!['one_to_one', 'one_to_many', 'many_to_one'].includes(criteria.multiplicity)) {
    throw validationFailed(`${field}.multiplicity must be one_to_one, one_to_many or many_to_one`, { field: `${field}.multiplicity` });
  }
  if (!['bank_fees', 'reconciliation_suspense'].includes(criteria.differenceAccount)) {
    throw validationFailed(`${field}.differenceAccount must be bank_fees or reconciliation_suspense`, { field: `${field}.differenceAccount` });
  }
  requireIntegerInRange(criteria.valueDateWindowDays, `${field}.valueDateWindowDays`, 0, valueDateWindowDaysMax);
  let tolerance: Big | null = null;
  if (criteria.amountTolerance !== null) {
    const toleranceField = `${field}.amountTolerance.value`;
    tolerance = requireBoundedDecimal(criteria.amountTolerance.value, toleranceField, 12);
    if (tolerance.lt(0) || (criteria.amountTolerance.kind === 'percent' && tolerance.gt(100))) {
      throw validationFailed(`${toleranceField} must be from 0${criteria.amountTolerance.kind === 'percent' ? ' to 100' : ''}`, { field: toleranceField });
    }
  }
  const referencePattern = criteria.reference?.operator === 'pattern' ? compileWildcard(criteria.reference.pattern) : null;
  const counterparty = criteria.counterparty;
  let counterpartyPattern: WildcardMatcher | null = null;
  let counterpartyValue = '';
  if (counterparty !== null && counterparty.operator !== 'customer_name') {
    const value = counterparty.value;
    if (typeof value !== 'string' || value.length === 0 || value.length > wildcardPatternLengthMax) {
      throw validationFailed(`${field}.counterparty.value must be 1..${wildcardPatternLengthMax} characters`, { field: `${field}.counterparty.value` });
    }
    if (counterparty.operator === 'pattern') counterpartyPattern = compileWildcard(value);
    else counterpartyValue = normaliseReference(value);
  }
  return { rule, criteria, referencePattern, counterpartyPattern, counterpartyValue, tolerance };
}

function optionalString(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw validationFailed(`${field} must be text or null`, { field });
  return value;
}

function toMinor(amount: Big, scale: number): bigint {
  return BigInt(amount.times(new Big(10).pow(scale)).toFixed(0));
}

/** Days since 1970-01-01 of a valid calendar date; Date.UTC on the parts is exact and ignores the machine's zone. */
function dayNumber(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1) / millisecondsPerDay;
}

/** Lines or payments by day number, each day's list in the input's (sorted) order: the date window is a range of days. */
function indexByDay<Item extends { readonly day: number }>(items: readonly Item[]): Map<number, Item[]> {
  const byDay = new Map<number, Item[]>();
  for (const item of items) {
    const onDay = byDay.get(item.day);
    if (onDay === undefined) byDay.set(item.day, [item]);
    else onDay.push(item);
  }
  return byDay;
}

/** Code-unit order, independent of the locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
