import { Money } from '../../../../money/src/index.js';
import { assertNever } from '../../common/assert-never.js';
import { compareCalendarDates } from '../../common/calendar-date.js';
import type { MatchDifferenceAccount } from '../matching-rules/matching-rules.criteria.js';
import { deleteEntries, emptyPersistentMap, getEntry, setEntries, valuesOf, type PersistentMap } from '../persistent-map.js';
import type {
  BankReconciliationEvent,
  LineResolutionAccount,
  MatchDecision,
  MatchedPayment,
  PaymentDiscrepancyResolution,
  StatementFormat,
  StatementLine,
} from './bank-reconciliation.events.js';

export type StatementLineStatus = 'unmatched' | 'matched' | 'resolved';

/** A statement line as it now stands: its data, the statement it came in, and what was decided about it. */
export interface ReconciliationLine extends StatementLine {
  statementId: string;
  status: StatementLineStatus;
  /** The active match holding it, when matched. */
  matchId: string | null;
  /** The account it was booked to, when resolved. */
  resolvedTo: LineResolutionAccount | null;
}

export interface ReconciliationStatement {
  statementId: string;
  format: StatementFormat;
  fileSha256: string;
  statementRef: string | null;
  fileName: string | null;
  currency: string;
  openingBalance: string;
  closingBalance: string;
  fromDate: string;
  toDate: string;
  /** The lines this import added, in file order. */
  lineIds: readonly string[];
  duplicateLineCount: number;
  importedAt: string;
  /** 0 for the first statement imported, 1 for the next...: "the last statement" breaks ties on toDate with it. */
  sequence: number;
}

export interface ReconciliationMatch {
  matchId: string;
  lineIds: readonly string[];
  payments: readonly MatchedPayment[];
  lineTotal: string;
  paymentTotal: string;
  difference: string;
  /** bank_fees after a MatchDifferenceReclassified. */
  differenceAccount: MatchDifferenceAccount | null;
  dateGapDays: number;
  decision: MatchDecision;
  matchedAt: string;
  status: 'active' | 'unmatched';
}

/**
 * Everything the application needs to decide on an account's statements: lines by id, the known line keys and file
 * hashes (idempotent imports), matches (active and undone), and which payments are matched or resolved. Maps are
 * persistent (see ../persistent-map.ts): the stream holds every line the account ever had.
 */
export interface BankReconciliationState {
  bankAccountId: string | null;
  /** The currency of the statements imported so far (null before the first). */
  currency: string | null;
  statements: PersistentMap<ReconciliationStatement>;
  lines: PersistentMap<ReconciliationLine>;
  /** lineKey -> lineId. */
  lineKeys: PersistentMap<string>;
  /** fileSha256 -> statementId. */
  fileHashes: PersistentMap<string>;
  matches: PersistentMap<ReconciliationMatch>;
  /** paymentId -> the active match holding it. */
  matchedPayments: PersistentMap<string>;
  /** paymentId -> how its missing statement line was resolved. */
  resolvedPayments: PersistentMap<PaymentDiscrepancyResolution>;
}

export const initialBankReconciliationState: BankReconciliationState = {
  bankAccountId: null,
  currency: null,
  statements: emptyPersistentMap(),
  lines: emptyPersistentMap(),
  lineKeys: emptyPersistentMap(),
  fileHashes: emptyPersistentMap(),
  matches: emptyPersistentMap(),
  matchedPayments: emptyPersistentMap(),
  resolvedPayments: emptyPersistentMap(),
};

export function evolveBankReconciliation(state: BankReconciliationState, event: BankReconciliationEvent): BankReconciliationState {
  switch (event.type) {
    case 'BankStatementImported': {
      const { lines, ...data } = event.data;
      const statement: ReconciliationStatement = {
        statementId: data.statementId,
        format: data.format,
        fileSha256: data.fileSha256,
        statementRef: data.statementRef,
        fileName: data.fileName ?? null,
        currency: data.currency,
        openingBalance: data.openingBalance,
        closingBalance: data.closingBalance,
        fromDate: data.fromDate,
        toDate: data.toDate,
        lineIds: lines.map((line) => line.lineId),
        duplicateLineCount: data.duplicateLineCount,
        importedAt: data.importedAt,
        sequence: state.statements.size,
      };
      return {
        ...state,
        bankAccountId: data.bankAccountId,
        currency: data.currency,
        statements: setEntries(state.statements, [[statement.statementId, statement]]),
        lines: setEntries(
          state.lines,
          lines.map((line) => [line.lineId, { ...line, statementId: data.statementId, status: 'unmatched', matchId: null, resolvedTo: null }] as const),
        ),
        lineKeys: setEntries(
          state.lineKeys,
          lines.map((line) => [line.lineKey, line.lineId] as const),
        ),
        fileHashes: setEntries(state.fileHashes, [[data.fileSha256, data.statementId]]),
      };
    }
    case 'StatementLinesMatched': {
      const { data } = event;
      const match: ReconciliationMatch = {
        matchId: data.matchId,
        lineIds: data.lineIds,
        payments: data.payments,
        lineTotal: data.lineTotal,
        paymentTotal: data.paymentTotal,
        difference: data.difference,
        differenceAccount: data.differenceAccount,
        dateGapDays: data.dateGapDays,
        decision: data.decision,
        matchedAt: data.matchedAt,
        status: 'active',
      };
      return {
        ...state,
        bankAccountId: data.bankAccountId,
        matches: setEntries(state.matches, [[match.matchId, match]]),
        lines: updateLines(state, data.lineIds, (line) => ({ ...line, status: 'matched', matchId: data.matchId })),
        matchedPayments: setEntries(
          state.matchedPayments,
          data.payments.map((payment) => [payment.paymentId, data.matchId] as const),
        ),
      };
    }
    case 'StatementLinesUnmatched': {
      const { data } = event;
      const match = requireMatch(state, data.matchId);
      return {
        ...state,
        matches: setEntries(state.matches, [[match.matchId, { ...match, status: 'unmatched' }]]),
        lines: updateLines(state, data.lineIds, (line) => ({ ...line, status: 'unmatched', matchId: null })),
        matchedPayments: deleteEntries(state.matchedPayments, data.paymentIds),
      };
    }
    case 'StatementLineResolved': {
      const { data } = event;
      return { ...state, lines: updateLines(state, [data.lineId], (line) => ({ ...line, status: 'resolved', resolvedTo: data.account })) };
    }
    case 'PaymentDiscrepancyResolved':
      return { ...state, resolvedPayments: setEntries(state.resolvedPayments, [[event.data.paymentId, event.data.resolution]]) };
    case 'MatchDifferenceReclassified': {
      const match = requireMatch(state, event.data.matchId);
      return { ...state, matches: setEntries(state.matches, [[match.matchId, { ...match, differenceAccount: event.data.to }]]) };
    }
    default:
      return assertNever(event, 'bank reconciliation event');
  }
}

function updateLines(state: BankReconciliationState, lineIds: readonly string[], change: (line: ReconciliationLine) => ReconciliationLine): PersistentMap<ReconciliationLine> {
  return setEntries(
    state.lines,
    lineIds.map((lineId) => {
      const line = getEntry(state.lines, lineId);
      if (line === undefined) throw new Error(`bank reconciliation: event names unknown line ${lineId}`);
      return [lineId, change(line)] as const;
    }),
  );
}

function requireMatch(state: BankReconciliationState, matchId: string): ReconciliationMatch {
  const match = getEntry(state.matches, matchId);
  if (match === undefined) throw new Error(`bank reconciliation: event names unknown match ${matchId}`);
  return match;
}

// ---- Reads of the state (the application and the decider use the same ones) ----

export function statementLineOf(state: BankReconciliationState, lineId: string): ReconciliationLine | null {
  return getEntry(state.lines, lineId) ?? null;
}

export function statementOf(state: BankReconciliationState, statementId: string): ReconciliationStatement | null {
  return getEntry(state.statements, statementId) ?? null;
}

export function matchOf(state: BankReconciliationState, matchId: string): ReconciliationMatch | null {
  return getEntry(state.matches, matchId) ?? null;
}

export function isKnownLineKey(state: BankReconciliationState, lineKey: string): boolean {
  return getEntry(state.lineKeys, lineKey) !== undefined;
}

/** The statement a file (by sha256) was imported as, or null. */
export function statementOfFile(state: BankReconciliationState, fileSha256: string): string | null {
  return getEntry(state.fileHashes, fileSha256) ?? null;
}

/** Statements in import order. */
export function statementsOf(state: BankReconciliationState): ReconciliationStatement[] {
  return valuesOf(state.statements).sort((a, b) => a.sequence - b.sequence);
}

/** Every line, ordered by booking date, then line id. */
export function statementLinesOf(state: BankReconciliationState): ReconciliationLine[] {
  return valuesOf(state.lines).sort((a, b) => compareCalendarDates(a.bookingDate, b.bookingDate) || compareText(a.lineId, b.lineId));
}

/** Matches in force, by match id. */
export function activeMatchesOf(state: BankReconciliationState): ReconciliationMatch[] {
  return valuesOf(state.matches)
    .filter((match) => match.status === 'active')
    .sort((a, b) => compareText(a.matchId, b.matchId));
}

/**
 * What the account's books say about a payment: matched (to `matchId`), resolved without a line (in_transit or
 * reconciliation_suspense), or still open. A payment resolved in transit stays matchable: its line may come later.
 */
export type ReconciliationPaymentStatus =
  | { status: 'matched'; matchId: string }
  | { status: 'resolved'; resolution: PaymentDiscrepancyResolution }
  | { status: 'unmatched' };

export function paymentStatusOf(state: BankReconciliationState, paymentId: string): ReconciliationPaymentStatus {
  const matchId = getEntry(state.matchedPayments, paymentId);
  if (matchId !== undefined) return { status: 'matched', matchId };
  const resolution = getEntry(state.resolvedPayments, paymentId);
  if (resolution !== undefined) return { status: 'resolved', resolution };
  return { status: 'unmatched' };
}

/** Matched, or resolved for good (in suspense): both mean "the bank side is settled for this payment". */
export function matchedOrResolvedPaymentIds(state: BankReconciliationState): string[] {
  const matched = valuesOf(state.matches).flatMap((match) => (match.status === 'active' ? match.payments.map((payment) => payment.paymentId) : []));
  const resolved: string[] = [];
  for (const bucket of state.resolvedPayments.buckets) if (bucket !== undefined) for (const [paymentId] of bucket) resolved.push(paymentId);
  return [...new Set([...matched, ...resolved])].sort(compareText);
}

/** The lines the matching engine may match: unmatched, unresolved, money in. */
export function matchableLinesOf(state: BankReconciliationState): ReconciliationLine[] {
  const currency = state.currency;
  if (currency === null) return [];
  return statementLinesOf(state).filter((line) => line.status === 'unmatched' && Money.parseComputed(line.amount, currency).isPositive());
}

export interface ReconciliationFigures {
  /** The closing balance of the last statement whose toDate is in the period; null when none is. */
  statementClosingBalance: string | null;
  /** The opening balance + every matched or resolved line booked up to the period's end. */
  ledgerBalance: string;
  /** Lines booked inside the period that are neither matched nor resolved: completion is refused while any is. */
  unresolvedLineIds: string[];
}

/**
 * The figures a reconciliation session completes with (ReconciliationCompleted). `openingBalance` is the bank
 * account's opening balance (BankAccountRegistered), at the currency's minor unit; the period's dates are inclusive.
 * `accountCurrency` (the bank account's) formats the balance when no statement has been imported yet.
 */
export function reconciliationFigures(
  state: BankReconciliationState,
  openingBalance: string,
  period: { fromDate: string; toDate: string },
  accountCurrency: string | null = null,
): ReconciliationFigures {
  const currency = state.currency ?? accountCurrency;
  // No statement imported yet and no currency said: no line has moved the balance.
  if (currency === null) return { statementClosingBalance: null, ledgerBalance: openingBalance, unresolvedLineIds: [] };
  const money = (amount: string): Money => Money.parseComputed(amount, currency);
  let ledger = money(openingBalance);
  const unresolvedLineIds: string[] = [];
  for (const line of statementLinesOf(state)) {
    if (compareCalendarDates(line.bookingDate, period.toDate) > 0) continue;
    if (line.status === 'unmatched') {
      if (compareCalendarDates(line.bookingDate, period.fromDate) >= 0) unresolvedLineIds.push(line.lineId);
    } else {
      ledger = ledger.plus(money(line.amount));
    }
  }
  const closing = statementsOf(state)
    .filter((statement) => compareCalendarDates(statement.toDate, period.fromDate) >= 0 && compareCalendarDates(statement.toDate, period.toDate) <= 0)
    .sort((a, b) => compareCalendarDates(a.toDate, b.toDate) || a.sequence - b.sequence)
    .at(-1);
  return { statementClosingBalance: closing?.closingBalance ?? null, ledgerBalance: ledger.toString(), unresolvedLineIds };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
