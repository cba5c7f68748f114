import { assertNever } from '../common/assert-never.js';
import { requireIntegerInRange, validationFailed } from '../common/validation.js';

/**
 * Document number templates (docs/domain.md, "Numbering"), e.g. `{prefix}-{year}-{sequence:06d}` -> INV-2024-000001.
 * Placeholders: {prefix}, {year}, {month} (1..12), {month:02d} (01..12), {sequence}, {sequence:0Nd} (zero-padded
 * to N digits, N from 1 to 12). Everything else is copied as written.
 *
 * Numbers must never repeat, so: a template names {sequence} exactly once; a padded sequence that outgrows its
 * width gets more digits instead of being cut; and a template that names the month must also name the year,
 * otherwise January 2025 would reuse the numbers of January 2024.
 */

export interface DocumentNumberValues {
  prefix: string;
  year: number;
  month: number;
  sequence: number;
}

export const documentNumberLimits = { templateLengthMax: 100, prefixLengthMax: 32, sequenceWidthMax: 12 } as const;

type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'prefix' }
  | { kind: 'year' }
  | { kind: 'month'; width: number }
  | { kind: 'sequence'; width: number };

interface ParsedTemplate {
  parts: TemplatePart[];
  namesYear: boolean;
  namesMonth: boolean;
}

const tokenPattern = /\{([^{}]*)\}|[{}]|[^{}]+/g;
const paddedSequencePattern = /^sequence:0(\d{1,2})d$/;

function parsePlaceholder(name: string, template: string): TemplatePart {
  switch (name) {
    case 'prefix':
      return { kind: 'prefix' };
    case 'year':
      return { kind: 'year' };
    case 'month':
      return { kind: 'month', width: 1 };
    case 'month:02d':
      return { kind: 'month', width: 2 };
    case 'sequence':
      return { kind: 'sequence', width: 1 };
  }
  const padded = paddedSequencePattern.exec(name);
  const width = padded ? Number(padded[1]) : 0;
  if (width >= 1 && width <= documentNumberLimits.sequenceWidthMax) return { kind: 'sequence', width };
  throw validationFailed(
    `template ${JSON.stringify(template)} has an unknown placeholder {${name}}: use {prefix}, {year}, {month}, {month:02d}, {sequence} or {sequence:0Nd} with N from 1 to ${documentNumberLimits.sequenceWidthMax}`,
    { field: 'template', placeholder: name },
  );
}

/** Checks a template and splits it into parts; throws VALIDATION_FAILED naming what is wrong. */
export function parseDocumentNumberTemplate(template: unknown): ParsedTemplate {
  if (typeof template !== 'string' || template.length === 0) {
    throw validationFailed('template is required and must be a non-empty string', { field: 'template' });
  }
  if (template.length > documentNumberLimits.templateLengthMax) {
    throw validationFailed(`template must be at most ${documentNumberLimits.templateLengthMax} characters (got ${template.length})`, {
      field: 'template',
    });
  }
  const parts: TemplatePart[] = [];
  for (const match of template.matchAll(tokenPattern)) {
    const [token, name] = match;
    if (name !== undefined) parts.push(parsePlaceholder(name, template));
    else if (token === '{' || token === '}') {
      throw validationFailed(`template ${JSON.stringify(template)} has an unmatched "${token}"`, { field: 'template' });
    } else parts.push({ kind: 'text', text: token });
  }
  const sequenceCount = parts.filter((part) => part.kind === 'sequence').length;
  if (sequenceCount !== 1) {
    throw validationFailed(
      `template ${JSON.stringify(template)} must name {sequence} exactly once (found ${sequenceCount}): the sequence is what makes each number unique`,
      { field: 'template' },
    );
  }
  const namesYear = parts.some((part) => part.kind === 'year');
  const namesMonth = parts.some((part) => part.kind === 'month');
  if (namesMonth && !namesYear) {
    throw validationFailed(
      `template ${JSON.stringify(template)} names {month} without {year}: the sequence restarts every month, so numbers would repeat a year later`,
      { field: 'template' },
    );
  }
  return { parts, namesYear, namesMonth };
}

/**
 * Where a template puts the sequence for one prefix and period: every number it prints there is `head`, the sequence
 * zero-padded to `width`, then `tail`. Within a sequence stream the period is fixed, so this is what tells whether a
 * template has printed a given number (see number-sequence.printed.ts).
 */
export interface DocumentNumberLayout {
  readonly head: string;
  readonly width: number;
  readonly tail: string;
}

export function documentNumberLayout(template: string, values: Omit<DocumentNumberValues, 'sequence'>): DocumentNumberLayout {
  const parsed = parseDocumentNumberTemplate(template);
  const prefix = requirePrefix(values.prefix);
  const year = requireYear(values.year);
  const month = requireMonth(values.month);
  const layout = { head: '', width: 0, tail: '' };
  let afterSequence = false;
  for (const part of parsed.parts) {
    if (part.kind === 'sequence') {
      layout.width = part.width;
      afterSequence = true;
    } else if (afterSequence) layout.tail += partText(part, { prefix, year, month });
    else layout.head += partText(part, { prefix, year, month });
  }
  return layout;
}

/** The text of every part but the sequence. */
function partText(part: Exclude<TemplatePart, { kind: 'sequence' }>, values: { prefix: string; year: number; month: number }): string {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'prefix':
      return values.prefix;
    case 'year':
      return String(values.year);
    case 'month':
      return String(values.month).padStart(part.width, '0');
    default:
      return assertNever(part, 'template part');
  }
}

export function formatDocumentNumber(template: string, values: DocumentNumberValues): string {
  const { head, width, tail } = documentNumberLayout(template, values);
  const sequence = requireIntegerInRange(values.sequence, 'sequence', 1, Number.MAX_SAFE_INTEGER);
  // padStart never cuts: sequence 1000000 in {sequence:06d} prints all seven digits.
  return `${head}${String(sequence).padStart(width, '0')}${tail}`;
}

/**
 * The period within which a template's sequence counts up: 'all' (never restarts), 'YYYY' (restarts each year) or
 * 'YYYY-MM' (restarts each month). Part of the sequence stream's name, so a new period starts again at 1.
 */
export function sequencePeriodKey(template: string, period: { year: number; month: number }): string {
  const parsed = parseDocumentNumberTemplate(template);
  const year = requireYear(period.year);
  const month = requireMonth(period.month);
  if (parsed.namesMonth) return `${year}-${String(month).padStart(2, '0')}`;
  if (parsed.namesYear) return String(year);
  return 'all';
}

export function requirePrefix(value: unknown): string {
  if (typeof value !== 'string' || value.length > documentNumberLimits.prefixLengthMax || /[\s{}]/.test(value)) {
    throw validationFailed(
      `prefix must be a string of at most ${documentNumberLimits.prefixLengthMax} characters without spaces or braces (got ${JSON.stringify(value)})`,
      { field: 'prefix' },
    );
  }
  return value;
}

export function requireYear(value: unknown): number {
  return requireIntegerInRange(value, 'year', 1000, 9999);
}

export function requireMonth(value: unknown): number {
  return requireIntegerInRange(value, 'month', 1, 12);
}
