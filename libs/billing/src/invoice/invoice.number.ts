import type { CalendarPeriod } from '../tenant-calendar/tenant-calendar.js';
import { printedSequence, type NumberSequenceState } from '../number-sequence/number-sequence.decider.js';
import { DomainError } from '../common/domain-error.js';

/**
 * Invoice numbers are never given twice (docs/domain.md, "Numbering"). The sequence a number comes from is named by the
 * template's PERIOD KIND and the period ('all', 'YYYY' or 'YYYY-MM', see sequencePeriodKey), not by the template's
 * text, so:
 * - a change of prefix or of the template's look that keeps its period kind continues the same count
 *   (INV-2024-000041 -> FAC-2024-000042, or -> INV/2024/0042): it never restarts at 1 mid-period, which could print a
 *   number already given;
 * - a change of period kind (yearly -> monthly, say) moves to the sequence of that kind and period, which counts on
 *   its own (from 1 if it is new, from where it stopped if the tenant used that kind earlier in the period);
 * - within one sequence the count only goes up, and the sequence stream is appended at the revision it was read, so
 *   two issues never take one count.
 * Two different templates can still print the same text for different counts (e.g. "{prefix}{sequence}" with
 * prefix "INV1" at 1 and prefix "INV" at 11 both print "INV11"). So, before a number is used, it is checked against
 * every number of the sequences that share the period: the one it comes from (read at the revision it is
 * appended at) and its siblings of the other period kinds. A number already given to another document is refused
 * with DOCUMENT_NUMBER_TAKEN: nothing is appended, and the tenant must change the numbering template or prefix.
 *
 * Each sequence's state holds every number it printed as runs (number-sequence.printed.ts), not one entry per
 * document, so the check is in two steps: `sequencesThatPrinted` finds the sequences (and the sequence values) that
 * printed the number, from the states alone; only then does the application read which documents hold it, and
 * `requireUnusedDocumentNumber` refuses the number unless its one holder is the document itself.
 */

/** The keys of every sequence of a document kind that counts in the period of (year, month). */
export function sequencePeriodKeysOf(period: CalendarPeriod): string[] {
  const year = String(period.year);
  return ['all', year, `${year}-${String(period.month).padStart(2, '0')}`];
}

/** The sequences among `sequences` (by index) that already printed `number`, each with the sequence value it had. */
export function sequencesThatPrinted(number: string, sequences: readonly NumberSequenceState[]): { index: number; sequence: number }[] {
  return sequences.flatMap((state, index) => {
    const sequence = printedSequence(state, number);
    return sequence === null ? [] : [{ index, sequence }];
  });
}

/** DOCUMENT_NUMBER_TAKEN when `number` was already given to a document other than `documentId` (one of `holders`). */
export function requireUnusedDocumentNumber(number: string, documentId: string, holders: readonly string[]): void {
  const holder = holders.find((candidate) => candidate !== documentId);
  if (holder === undefined) return;
  throw new DomainError(
    'DOCUMENT_NUMBER_TAKEN',
    `Number ${number} was already given to document ${holder}: the numbering template or prefix now prints numbers already used; change it in the invoice settings`,
    { number, documentId: holder },
  );
}
