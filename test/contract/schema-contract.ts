import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

/**
 * The API contract check (README, "The API contract"). The schema the code serves is committed as schema.graphql;
 * the schema of the last release as schema.released.graphql. Every change between the two that graphql-inspector
 * rates BREAKING must be announced in CHANGELOG.md: its path (inspector's `change.path`, e.g. `Query.invoices`,
 * `RecordPaymentInput.reference`, `Query.invoices.first`) written as a code span under a "### Breaking ..." heading
 * of the "## Unreleased ..." section, where the entry also says what clients do about it.
 */

export interface SchemaChange {
  /** Inspector's path of the change, or `schema` for a change of the root types (which has none). */
  readonly path: string;
  readonly message: string;
}

export interface BreakingChangeReport {
  /** BREAKING changes whose path the Unreleased section's "Breaking" entries name. */
  readonly announced: readonly SchemaChange[];
  /** BREAKING changes that no "Breaking" entry of the Unreleased section names: the check fails on these. */
  readonly unannounced: readonly SchemaChange[];
  /** DANGEROUS changes (an enum value or union member added, a default changed ...): reported, never failing. */
  readonly dangerous: readonly SchemaChange[];
}

const UNRELEASED_HEADING = /^## +Unreleased\b/;
const BREAKING_HEADING = /^### +Breaking\b/;
const CODE_SPAN = /`([^`\n]+)`/g;

/** What changed from one SDL to the other, as graphql-inspector rates it. */
export async function schemaChanges(before: string, after: string): Promise<Change[]> {
  return diff(buildSchema(before), buildSchema(after));
}

/** Classifies the changes from the released schema to the committed one against the changelog's Unreleased section. */
export async function breakingChangeReport(released: string, current: string, changelog: string): Promise<BreakingChangeReport> {
  const changes = await schemaChanges(released, current);
  const named = announcedPaths(changelog);
  const announced: SchemaChange[] = [];
  const unannounced: SchemaChange[] = [];
  const dangerous: SchemaChange[] = [];
  for (const change of changes) {
    const entry = { path: change.path ?? 'schema', message: change.message };
    if (change.criticality.level === CriticalityLevel.Breaking) (named.has(entry.path) ? announced : unannounced).push(entry);
    else if (change.criticality.level === CriticalityLevel.Dangerous) dangerous.push(entry);
  }
  return { announced, unannounced, dangerous };
}

/** Every code span under a "### Breaking ..." heading of the "## Unreleased ..." section, as written. */
export function announcedPaths(changelog: string): Set<string> {
  const paths = new Set<string>();
  let inUnreleased = false;
  let inBreaking = false;
  for (const line of changelog.split('\n')) {
    if (/^## /.test(line)) {
      inUnreleased = UNRELEASED_HEADING.test(line);
      inBreaking = false;
    } else if (/^### /.test(line)) {
      inBreaking = inUnreleased && BREAKING_HEADING.test(line);
    } else if (inBreaking) {
      for (const match of line.matchAll(CODE_SPAN)) paths.add(match[1]!.trim());
    }
  }
  return paths;
}

/** The failure text for unannounced breaking changes: what they are and how to announce them. */
export function describeUnannounced(report: BreakingChangeReport): string {
  return [
    `schema.graphql breaks the released schema (schema.released.graphql) in ${report.unannounced.length} way(s) that CHANGELOG.md does not announce:`,
    ...report.unannounced.map((change) => `  - \`${change.path}\`: ${change.message}`),
    '',
    'Either keep the API compatible (add instead of changing; deprecate before removing), or announce each change: under',
    '"### Breaking, with what to do" of the "## Unreleased" section of CHANGELOG.md, an entry that names the path in',
    'backticks exactly as above and says what clients do (*Migration:* ...).',
  ].join('\n');
}

/**
 * The failure text when the live schema is not the committed schema.graphql: the changes as inspector names them,
 * the lines that differ, and how to regenerate the file.
 */
export async function describeSchemaDrift(committed: string, live: string): Promise<string> {
  const changes = await schemaChanges(committed, live);
  return [
    'The schema the API serves differs from the committed schema.graphql.',
    'If the change is intended, regenerate the file with `npm run schema:write` and commit it (a breaking change also',
    'needs its CHANGELOG.md entry: README, "The API contract").',
    '',
    `Changes from schema.graphql to the live schema (${changes.length}):`,
    ...changes.slice(0, 40).map((change) => `  ${change.criticality.level} ${change.path ?? 'schema'}: ${change.message}`),
    ...(changes.length > 40 ? [`  ... and ${changes.length - 40} more`] : []),
    '',
    'Lines (- schema.graphql, + live):',
    lineDiff(committed, live),
  ].join('\n');
}

const CONTEXT_LINES = 2;
const DIFF_LINES_MAX = 120;
/** Past this many differing lines in the middle, the longest-common-subsequence table would be too large to build. */
const DIFF_CELLS_MAX = 4_000_000;

/**
 * A line diff of two texts (`-` only in `expected`, `+` only in `actual`), in hunks with a little context, cut after
 * DIFF_LINES_MAX lines: enough to see what a schema change did without a diff tool.
 */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  const operations: { kind: ' ' | '-' | '+'; line: string; index: number }[] = [];
  if ((middleA.length + 1) * (middleB.length + 1) > DIFF_CELLS_MAX) {
    middleA.forEach((line, offset) => operations.push({ kind: '-', line, index: start + offset }));
    middleB.forEach((line, offset) => operations.push({ kind: '+', line, index: start + offset }));
  } else {
    // lengths[i][j]: the longest common subsequence of middleA[i..] and middleB[j..].
    const width = middleB.length + 1;
    const lengths = new Uint32Array((middleA.length + 1) * width);
    for (let i = middleA.length - 1; i >= 0; i -= 1) {
      for (let j = middleB.length - 1; j >= 0; j -= 1) {
        lengths[i * width + j] = middleA[i] === middleB[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < middleA.length || j < middleB.length) {
      if (i < middleA.length && j < middleB.length && middleA[i] === middleB[j]) {
        operations.push({ kind: ' ', line: middleA[i]!, index: start + i });
        i += 1;
        j += 1;
      } else if (i < middleA.length && (j === middleB.length || lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!)) {
        operations.push({ kind: '-', line: middleA[i]!, index: start + i });
        i += 1;
      } else {
        operations.push({ kind: '+', line: middleB[j]!, index: start + i });
        j += 1;
      }
    }
  }
  const before = a.slice(Math.max(0, start - CONTEXT_LINES), start).map((line) => `  ${line}`);
  const after = a.slice(endA, endA + CONTEXT_LINES).map((line) => `  ${line}`);
  const body: string[] = [];
  let skipped = false;
  operations.forEach((operation, position) => {
    const near = operations.slice(Math.max(0, position - CONTEXT_LINES), position + CONTEXT_LINES + 1).some((other) => other.kind !== ' ');
    if (operation.kind !== ' ' || near) {
      if (skipped) body.push(`@@ line ${operation.index + 1} @@`);
      body.push(`${operation.kind} ${operation.line}`);
      skipped = false;
    } else {
      skipped = true;
    }
  });
  const lines = [`@@ line ${Math.max(0, start - CONTEXT_LINES) + 1} @@`, ...before, ...body, ...after];
  return lines.length > DIFF_LINES_MAX ? [...lines.slice(0, DIFF_LINES_MAX), `... (${lines.length - DIFF_LINES_MAX} more lines)`].join('\n') : lines.join('\n');
}
