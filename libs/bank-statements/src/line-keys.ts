import { createHash } from 'node:crypto';

/** What a line's key is made of (a ParsedLine, or a StatementLine of an event). */
export interface KeyedLine {
  readonly bookingDate: string;
  readonly amount: string;
  readonly reference: string | null;
  readonly bankTransactionId: string | null;
}

/**
 * The dedupe key of each line, in order (design: "Parsing"): 'tx:' + the bank's transaction id when the file gives
 * one, else 'h:' + sha256 hex of `bankAccountId|bookingDate|amount|reference|occurrence`, where occurrence numbers
 * the lines of the file with the same (date, amount, reference) from 1. So two identical coffees on one day are two
 * lines, and the same file (or an overlapping statement listing the same day) gives the same keys again. A missing
 * reference is written as '' (bank text is never '', so this is unambiguous); amounts must be the canonical strings
 * at the currency's minor unit, as parseStatement returns them.
 */
export function lineKeys(bankAccountId: string, lines: readonly KeyedLine[]): string[] {
  const occurrences = new Map<string, number>();
  return lines.map((line) => {
    const tuple = `${line.bookingDate}|${line.amount}|${line.reference ?? ''}`;
    const occurrence = (occurrences.get(tuple) ?? 0) + 1;
    occurrences.set(tuple, occurrence);
    if (line.bankTransactionId !== null) return `tx:${line.bankTransactionId}`;
    return `h:${createHash('sha256').update(`${bankAccountId}|${tuple}|${occurrence}`, 'utf8').digest('hex')}`;
  });
}
