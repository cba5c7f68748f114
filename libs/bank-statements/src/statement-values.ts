import Big from 'big.js';
import { MoneyError, isWithinAmountBound, parseDecimal } from '../../money/src/index.js';
import { isCalendarDate } from '../../billing/src/common/calendar-date.js';
import type { StatementIssues } from './statement-parse-error.js';

/**
 * Bounds on a statement file (design: "Parsing"). The byte bound is checked before any parsing, so a hostile file
 * costs one length count; the line bound caps the work of everything after the parse.
 */
export const statementLimits = {
  /** 5 MiB of UTF-8. */
  bytesMax: 5 * 1024 * 1024,
  /** Statement lines (camt entries, OFX transactions, CSV rows); the domain has the same bound. */
  linesMax: 50_000,
  /** The domain's bound on a line's reference, counterparty and description. */
  lineTextLengthMax: 1_000,
  /** The domain's bound on the statement's own id. */
  statementRefLengthMax: 200,
  /** Longest bank transaction id (OFX allows FITIDs of 255 characters). */
  bankTransactionIdLengthMax: 255,
  /** Deepest element nesting accepted in XML (camt.053 needs about 10, OFX about 8). */
  xmlDepthMax: 32,
} as const;

/** Maps a character offset of the file to its 1-based line, by binary search over the newline offsets. */
export function lineIndex(content: string): (offset: number) => number {
  const newlines: number[] = [];
  for (let at = content.indexOf('\n'); at !== -1; at = content.indexOf('\n', at + 1)) newlines.push(at);
  return (offset: number): number => {
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((newlines[middle] as number) < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}

/** The 1-based line of the first match of `pattern` in `content`, or null. */
export function lineOfFirst(content: string, pattern: RegExp): number | null {
  const match = pattern.exec(content);
  if (match === null) return null;
  return lineIndex(content)(match.index);
}

/** Removes a UTF-8 byte order mark (U+FEFF) at the start. */
export function withoutByteOrderMark(content: string): string {
  return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
}

// C0 and C1 control characters, bidirectional overrides and zero-width characters: none belongs in a bank text,
// and each could forge a listing or a log line.
// eslint-disable-next-line no-control-regex
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const whitespaceRuns = /\s+/g;

/**
 * Bank text as the ledger keeps it: control characters become spaces, runs of whitespace one space, trimmed; empty
 * is null (never ''). Text is kept as written otherwise: "=cmd" is a reference like any other (CSV formula escaping
 * is the job of whoever writes a CSV, not of the importer).
 */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const cleaned = value.replace(unsafeCharacters, ' ').replace(whitespaceRuns, ' ').trim();
  return cleaned === '' ? null : cleaned;
}

/** `cleanText`, plus the length bound: an over-long text is an issue of the line. */
export function boundedText(value: string | null | undefined, field: string, lengthMax: number, issues: StatementIssues, line: number): string | null {
  const text = cleanText(value);
  if (text !== null && text.length > lengthMax) {
    issues.add(line, `${field} is ${text.length} characters long; at most ${lengthMax} are accepted`);
    return null;
  }
  return text;
}

/**
 * Reads a plain decimal amount ("1250.00", "-3.5") of a currency with `minorUnit` decimals: strict syntax (no
 * exponent, no spaces, no "+"), |amount| < 10^12, and no more decimals than the currency has ("1.005" EUR is
 * refused, never rounded). Returns null after recording an issue.
 */
export function readAmount(
  text: string | null | undefined,
  field: string,
  minorUnit: number,
  currency: string,
  issues: StatementIssues,
  line: number | null,
): Big | null {
  if (text === null || text === undefined || text.trim() === '') {
    issues.add(line, `${field} is missing`);
    return null;
  }
  let value: Big;
  try {
    value = parseDecimal(text, field, { maxIntegerDigits: 40, maxScale: 40 });
  } catch (error) {
    if (error instanceof MoneyError) {
      issues.add(line, error.message);
      return null;
    }
    throw error;
  }
  if (!isWithinAmountBound(value)) {
    issues.add(line, `${field} ${text} is out of range: amounts must be below 10^12 in absolute value`);
    return null;
  }
  if (!value.round(minorUnit, Big.roundDown).eq(value)) {
    issues.add(line, `${field} ${text} has more decimals than ${currency} allows (${minorUnit})`);
    return null;
  }
  return value;
}

/** Checks a 'YYYY-MM-DD' date (a real calendar day: 2026-02-30 is refused). Returns null after recording an issue. */
export function readCalendarDate(value: string | null | undefined, field: string, issues: StatementIssues, line: number | null): string | null {
  if (value === null || value === undefined || value === '') {
    issues.add(line, `${field} is missing`);
    return null;
  }
  const text: string = value;
  if (!isCalendarDate(text as unknown)) {
    issues.add(line, `${field} ${JSON.stringify(text.slice(0, 40))} is not a valid calendar date`);
    return null;
  }
  return text;
}
