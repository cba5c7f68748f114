import Big from 'big.js';
import { formatDecimal } from '../../money/src/index.js';
import type { StatementIssues } from './statement-parse-error.js';
import type { ParsedStatement } from './statement.types.js';
import { readAmount, statementLimits } from './statement-values.js';

/** A line whose every field has been read and checked by its format's reader. */
export interface DraftLine {
  readonly sourceLine: number;
  readonly bookingDate: string;
  readonly valueDate: string;
  readonly amount: Big;
  readonly reference: string | null;
  readonly counterparty: string | null;
  readonly description: string | null;
  readonly bankTransactionId: string | null;
}

/** A balance read from the file, with the line that states it (null: given by the caller or derived). */
export interface DraftBalance {
  readonly value: Big;
  readonly line: number | null;
}

/** What a format reader hands over; the checks common to every format run on it in `finishStatement`. */
export interface StatementDraft {
  readonly statementRef: string | null;
  readonly accountRef: string | null;
  readonly opening: DraftBalance | null;
  readonly closing: DraftBalance | null;
  readonly fromDate: string | null;
  readonly toDate: string | null;
  readonly lines: readonly DraftLine[];
}

export interface FinishOptions {
  readonly currency: string;
  readonly minorUnit: number;
  /** OFX states no opening balance: it is the closing balance less the lines. */
  readonly openingFromClosing: boolean;
  /** Balances the caller gave for a format that states its own: they must agree with the file's. */
  readonly givenOpening?: string | null;
  readonly givenClosing?: string | null;
}

/**
 * The checks every format shares, in one place: at most 50,000 lines, bank transaction ids unique in the file (they
 * become the lines' dedupe keys), a period, and opening + lines = closing to the minor unit. Refuses the file with
 * every problem found, or returns the statement with amounts written at the currency's minor unit.
 */
export function finishStatement(draft: StatementDraft, options: FinishOptions, issues: StatementIssues): ParsedStatement {
  issues.throwIfAny();
  const { lines, currency, minorUnit } = { ...draft, ...options };
  if (lines.length > statementLimits.linesMax) {
    issues.fail(null, `the file has ${lines.length} statement lines; at most ${statementLimits.linesMax} are accepted in one import`);
  }
  const firstLineOfId = new Map<string, number>();
  for (const line of lines) {
    if (line.bankTransactionId === null) continue;
    const first = firstLineOfId.get(line.bankTransactionId);
    if (first === undefined) firstLineOfId.set(line.bankTransactionId, line.sourceLine);
    else issues.add(line.sourceLine, `bank transaction id ${JSON.stringify(line.bankTransactionId)} was already used on line ${first}: ids must be unique in a statement`);
  }

  let fromDate = draft.fromDate;
  let toDate = draft.toDate;
  if (fromDate === null || toDate === null) {
    const bookingDates = lines.map((line) => line.bookingDate).sort();
    fromDate ??= bookingDates[0] ?? null;
    toDate ??= bookingDates[bookingDates.length - 1] ?? null;
  }
  if (fromDate === null || toDate === null) issues.fail(null, 'the statement has no period: it names no dates and has no lines');
  if (fromDate > toDate) issues.add(null, `the statement period runs backwards: from ${fromDate} to ${toDate}`);

  const total = lines.reduce((sum, line) => sum.plus(line.amount), new Big(0));
  const closing = draft.closing;
  if (closing === null) issues.fail(null, 'the file states no closing balance');
  let opening = draft.opening;
  if (opening === null && options.openingFromClosing) opening = { value: closing.value.minus(total), line: null };
  if (opening === null) issues.fail(null, 'the file states no opening balance');

  checkGiven(options.givenOpening, 'openingBalance', opening.value, options, issues);
  checkGiven(options.givenClosing, 'closingBalance', closing.value, options, issues);
  const expected = opening.value.plus(total);
  if (!expected.eq(closing.value)) {
    const show = (value: Big): string => formatDecimal(value, minorUnit);
    issues.add(
      closing.line,
      `the balances do not add up: opening balance ${show(opening.value)} + lines ${show(total)} = ${show(expected)}, but the closing balance is ` +
        `${show(closing.value)} (off by ${show(closing.value.minus(expected))} ${currency})`,
    );
  }
  issues.throwIfAny();

  return {
    statementRef: draft.statementRef,
    currency,
    openingBalance: formatDecimal(opening.value, minorUnit),
    closingBalance: formatDecimal(closing.value, minorUnit),
    fromDate,
    toDate,
    accountRef: draft.accountRef,
    lines: lines.map((line) => ({
      bookingDate: line.bookingDate,
      valueDate: line.valueDate,
      amount: formatDecimal(line.amount, minorUnit),
      reference: line.reference,
      counterparty: line.counterparty,
      description: line.description,
      bankTransactionId: line.bankTransactionId,
      sourceLine: line.sourceLine,
    })),
  };
}

function checkGiven(given: string | null | undefined, field: string, inFile: Big, options: FinishOptions, issues: StatementIssues): void {
  if (given === null || given === undefined) return;
  const value = readAmount(given, field, options.minorUnit, options.currency, issues, null);
  if (value !== null && !value.eq(inFile)) {
    issues.add(null, `${field} ${given} was given, but the file says ${formatDecimal(inFile, options.minorUnit)}`);
  }
}
