import type { DocumentNumberLayout } from './document-number.format.js';

/**
 * Every number a sequence has printed, kept small enough to travel in each of its events, so that the next number can
 * be decided from the stream's last event alone (docs/domain.md, "Numbering").
 *
 * Within one sequence stream the year and month are fixed by its period, so a template and prefix print numbers of
 * the shape `head + sequence zero-padded to width + tail`. A run is a stretch of consecutive sequences printed with
 * one such layout: `{ head: 'INV-2024-', width: 6, tail: '', from: 1, to: 2400 }` stands for INV-2024-000001 to
 * INV-2024-002400. A sequence gets a new run only when its template or prefix changes, so the list stays as short as
 * the history of the numbering settings, however many numbers are printed. A run of width 0 is one number printed as
 * written (`head + tail`), for a recorded number in which its sequence cannot be found.
 *
 * Runs describe exactly the numbers printed: a sequence joins a run only when the run's layout prints its number.
 */
export interface PrintedRun {
  readonly head: string;
  readonly width: number;
  readonly tail: string;
  readonly from: number;
  readonly to: number;
}

/** The widest sequence a safe integer can have; a longer digit run cannot be a sequence. */
const SEQUENCE_DIGITS_MAX = String(Number.MAX_SAFE_INTEGER).length;

function printedBy(layout: DocumentNumberLayout, sequence: number): string {
  return layout.width === 0 ? `${layout.head}${layout.tail}` : `${layout.head}${String(sequence).padStart(layout.width, '0')}${layout.tail}`;
}

function sameLayout(run: PrintedRun, layout: DocumentNumberLayout): boolean {
  return run.head === layout.head && run.width === layout.width && run.tail === layout.tail;
}

/** The sequence at which `run` printed `number`, or null when it did not print it. */
function sequenceInRun(run: PrintedRun, number: string): number | null {
  if (run.width === 0) return number === `${run.head}${run.tail}` ? run.from : null;
  if (number.length < run.head.length + run.width + run.tail.length) return null;
  if (!number.startsWith(run.head) || !number.endsWith(run.tail)) return null;
  const digits = number.slice(run.head.length, number.length - run.tail.length);
  if (digits.length > Math.max(run.width, SEQUENCE_DIGITS_MAX) || !/^\d+$/.test(digits)) return null;
  const sequence = Number(digits);
  // Each sequence prints one text only: "0042" is sequence 42 at width 4, never at width 2 or 6.
  if (!Number.isSafeInteger(sequence) || String(sequence).padStart(run.width, '0') !== digits) return null;
  return sequence >= run.from && sequence <= run.to ? sequence : null;
}

/** The sequence at which these runs printed `number`, or null when none of them printed it. */
export function printedSequenceOf(runs: readonly PrintedRun[], number: string): number | null {
  for (const run of runs) {
    const sequence = sequenceInRun(run, number);
    if (sequence !== null) return sequence;
  }
  return null;
}

/** The runs after `sequence` (the next one) was printed with `layout`. */
export function withPrinted(runs: readonly PrintedRun[], layout: DocumentNumberLayout, sequence: number): PrintedRun[] {
  const last = runs.at(-1);
  if (last !== undefined && last.width !== 0 && sameLayout(last, layout) && last.to === sequence - 1) return [...runs.slice(0, -1), { ...last, to: sequence }];
  return [...runs, { ...layout, from: sequence, to: sequence }];
}

/**
 * The layouts that print `number` at `sequence`, most likely first: the sequence's digits as far right as they occur,
 * with as many zeros before them as are there. The template is not recorded with older events, so it is inferred.
 */
function layoutsOf(number: string, sequence: number): DocumentNumberLayout[] {
  const digits = String(sequence);
  const layouts: DocumentNumberLayout[] = [];
  for (let at = number.lastIndexOf(digits); at >= 0; at = at === 0 ? -1 : number.lastIndexOf(digits, at - 1)) {
    let zeros = 0;
    while (at - zeros - 1 >= 0 && number[at - zeros - 1] === '0') zeros += 1;
    for (let padding = zeros; padding >= 0; padding -= 1) {
      layouts.push({ head: number.slice(0, at - padding), width: digits.length + padding, tail: number.slice(at + digits.length) });
    }
  }
  layouts.push({ head: number, width: 0, tail: '' });
  return layouts;
}

/**
 * The runs after an event that recorded `number` at `sequence` without its layout (schema version 1 of
 * DocumentNumberAssigned). The number continues the last run when that run's layout prints it; otherwise, when the
 * last run holds only the previous sequence, a layout that prints both numbers replaces it (one number alone does not
 * tell where its sequence is: in INV-2024-000002 the "2" could also be the year's); otherwise a new run starts.
 */
export function withRecordedNumber(runs: readonly PrintedRun[], number: string, sequence: number): PrintedRun[] {
  const last = runs.at(-1);
  if (last !== undefined && last.width !== 0 && last.to === sequence - 1 && printedBy(last, sequence) === number) {
    return [...runs.slice(0, -1), { ...last, to: sequence }];
  }
  const layouts = layoutsOf(number, sequence);
  if (last !== undefined && last.from === last.to && last.to === sequence - 1) {
    const previous = printedBy(last, last.from);
    const both = layouts.find((layout) => layout.width !== 0 && printedBy(layout, last.from) === previous);
    if (both !== undefined) return [...runs.slice(0, -1), { ...both, from: last.from, to: sequence }];
  }
  return [...runs, { ...(layouts[0] as DocumentNumberLayout), from: sequence, to: sequence }];
}
