import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { formatNumber, round } from './stats.js';
import type { ServerDescription } from './postgres.js';

/** A bar (a threshold that must hold) and optionally a goal on one measured value of a case. */
export interface Bar {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly comparison: '>=' | '<=' | '<';
  /** Absent for a line reported beside a bar without one of its own. */
  readonly bar?: number;
  readonly goal?: number;
  /** How `value` was obtained, in a few words (e.g. "ours ÷ raw, median rounds"). */
  readonly detail: string;
}

export interface CaseReport {
  readonly id: string;
  readonly title: string;
  /** What was written before the timed phases, in one or two sentences. */
  readonly seeded: string;
  readonly bars: readonly Bar[];
  /** The case's own report section: method, reference, tables (every round), notes. */
  readonly markdown: string;
  /** Everything measured, for report.json. */
  readonly data: unknown;
  readonly durationSeconds: number;
  readonly generatedAt: string;
  readonly quick: boolean;
  /** The machine it ran on (machineLine), set when the report is written: a case kept from an earlier run keeps its own. */
  readonly machine?: string;
}

export function meets(comparison: Bar['comparison'], value: number, threshold: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (comparison === '>=') return value >= threshold;
  if (comparison === '<=') return value <= threshold;
  return value < threshold;
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
  readonly postgres: ServerDescription & { readonly kind: string };
}

export function describeMachine(postgres: Machine['postgres']): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres,
  };
}

export interface RunReport {
  readonly generatedAt: string;
  readonly quick: boolean;
  readonly machine: Machine;
  readonly cases: Record<string, CaseReport>;
}

const CASE_ORDER = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9'];

/**
 * Writes report.json and report.md (report.quick.* for --quick, so that a smoke run never replaces real numbers).
 * With --only, the cases not run this time are kept from the previous report of the same kind, marked with their date.
 */
export async function writeReports(root: string, quick: boolean, machine: Machine, cases: readonly CaseReport[], partial: boolean): Promise<string[]> {
  const base = join(root, 'bench', quick ? 'report.quick' : 'report');
  let previous: Record<string, CaseReport> = {};
  let previousMachine: string | undefined;
  if (partial) {
    try {
      const old = JSON.parse(await readFile(`${base}.json`, 'utf8')) as Partial<RunReport>;
      if (old.cases && typeof old.cases === 'object') previous = old.cases;
      if (old.machine) previousMachine = machineLine(old.machine);
    } catch {
      previous = {};
    }
  }
  const merged: Record<string, CaseReport> = {};
  for (const [id, kept] of Object.entries(previous)) merged[id] = { ...kept, machine: kept.machine ?? previousMachine };
  for (const report of cases) merged[report.id] = { ...report, machine: machineLine(machine) };
  const report: RunReport = { generatedAt: new Date().toISOString(), quick, machine, cases: merged };
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.md`, renderMarkdown(report, new Set(cases.map((entry) => entry.id))));
  return [`${base}.json`, `${base}.md`];
}

/** The machine in one line: cores, CPU model, memory, kernel. */
export function machineLine(machine: Machine): string {
  return `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}`;
}

function thresholdText(comparison: Bar['comparison'], threshold: number | undefined, unit: string): string {
  if (threshold === undefined) return '';
  const sign = comparison === '>=' ? '≥' : comparison === '<=' ? '≤' : '<';
  return `${sign} ${threshold}${unit === 'x' ? 'x' : ` ${unit}`}`;
}

export function formatValue(value: number, unit: string): string {
  if (unit === 'x') return `${formatNumber(value, 3)}x`;
  if (unit === 'ms') return `${formatNumber(value, 2)} ms`;
  return `${formatNumber(value, value >= 100 ? 0 : 1)} ${unit}`;
}

export function barRows(reports: readonly CaseReport[]): string {
  const lines = ['| case | measure | value | bar | met | goal | goal met | how |', '|---|---|---:|---:|---|---:|---|---|'];
  for (const report of reports) {
    for (const bar of report.bars) {
      const met = bar.bar === undefined ? '' : meets(bar.comparison, bar.value, bar.bar) ? 'yes' : '**NO**';
      const goalMet = bar.goal === undefined ? '' : meets(bar.comparison, bar.value, bar.goal) ? 'yes' : 'no';
      lines.push(
        `| ${report.id} | ${bar.name} | ${formatValue(bar.value, bar.unit)} | ${thresholdText(bar.comparison, bar.bar, bar.unit)} | ${met} | ` +
          `${thresholdText(bar.comparison, bar.goal, bar.unit)} | ${goalMet} | ${bar.detail} |`,
      );
    }
  }
  return lines.join('\n');
}

function renderMarkdown(report: RunReport, ranNow: ReadonlySet<string>): string {
  const { machine } = report;
  const settings = Object.entries(machine.postgres.settings)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  const cases = CASE_ORDER.map((id) => report.cases[id]).filter((entry): entry is CaseReport => entry !== undefined);
  const sections = cases.map((entry) => {
    const stale = ranNow.has(entry.id) ? '' : ` (kept from the run of ${entry.generatedAt}: not run this time)`;
    return `## ${entry.id}: ${entry.title}${stale}\n\nRan ${entry.generatedAt}${entry.machine ? ` on ${entry.machine}` : ''}, ${entry.durationSeconds} s${entry.quick ? ', **--quick sizes**' : ''}. Seeded: ${entry.seeded}\n\n${entry.markdown.trim()}\n`;
  });
  return `# Benchmark report${report.quick ? ' (--quick: small sizes, for checking the harness, not for numbers)' : ''}

Generated ${report.generatedAt} by \`npm run bench${report.quick ? ' -- --quick' : ''}\` (bench/run.ts, one module per case in bench/cases/).

Machine: ${machineLine(machine)}, Node ${machine.node}. A case kept from an earlier run names the machine it ran on, which
may differ: compare its ratios, not its absolute figures, with this run's.
PostgreSQL: ${machine.postgres.version} (${machine.postgres.kind}; ${settings}).

Every case starts from fresh databases of this server and measures itself against a reference measured in the same
run, interleaved with it where the case has rounds (the order of the contenders rotates each round). Compare ratios
within one run; absolute figures move with the machine's load. Latencies are client-side, from
\`process.hrtime.bigint()\`; percentiles are nearest-rank.

## Bars

${barRows(cases)}

${sections.join('\n')}`;
}

/** A markdown table from a header and rows of cells. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[], alignRight: readonly boolean[] = []): string {
  const align = header.map((_, index) => (alignRight[index] ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}
