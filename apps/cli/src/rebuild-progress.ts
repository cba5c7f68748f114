import cliProgress from 'cli-progress';
import type { RebuildProgress } from '../../../libs/projection-runtime/src/projection-rebuild.js';

/** Shows how far a rebuild has come: one bar (or one line now and then) per read of the log, i.e. per worker's group. */
export interface RebuildProgressView {
  readonly update: (progress: RebuildProgress) => void;
  /** A log line (the same prefix as the progress lines), printed so that it does not break the bars. */
  readonly note: (line: string) => void;
  readonly stop: () => void;
}

/** Plain progress lines, at most one per group every this many milliseconds (and one when its log is read). */
export const PLAIN_PROGRESS_EVERY_MS = 2_000;

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * One progress line: `rebuild invoices: 12,345 / 68,000 events (18%), 4,200 events/s, ETA 13 s`, and once the log
 * is read `rebuild invoices: 68,000 / 68,000 events (100%), 4,200 events/s, read in 16.2 s`. The rate is the mean
 * since the start, so the ETA does not jump with each page.
 */
export function progressLine(progress: RebuildProgress, elapsedMs: number, verb = 'rebuild'): string {
  const percent = progress.eventsTotal === 0 ? 100 : Math.floor((progress.eventsRead / progress.eventsTotal) * 100);
  const rate = elapsedMs > 0 ? (progress.eventsRead * 1000) / elapsedMs : 0;
  const head = `${verb} ${progress.projections.join(', ')}: ${count.format(progress.eventsRead)} / ${count.format(progress.eventsTotal)} events (${percent}%), ${count.format(rate)} events/s`;
  if (progress.done) return `${head}, read in ${(elapsedMs / 1000).toFixed(1)} s`;
  const remaining = Math.max(0, progress.eventsTotal - progress.eventsRead);
  return `${head}, ETA ${rate > 0 ? `${Math.ceil(remaining / rate)} s` : 'unknown'}`;
}

/**
 * For logs and pipes: a line per group every PLAIN_PROGRESS_EVERY_MS, and a last one when the group's log is read.
 * `verb` starts each line (`replay` for `ledger replay`, which shows its read of the log the same way).
 */
export function plainRebuildProgress(write: (line: string) => void, now: () => number = Date.now, everyMs = PLAIN_PROGRESS_EVERY_MS, verb = 'rebuild'): RebuildProgressView {
  const started = now();
  const lastLine = new Map<string, number>();
  return {
    update: (progress) => {
      const key = progress.projections.join(',');
      const at = now();
      const last = lastLine.get(key) ?? started;
      if (!progress.done && at - last < everyMs) return;
      lastLine.set(key, at);
      write(progressLine(progress, at - started, verb));
    },
    note: write,
    stop: () => undefined,
  };
}

/** For a terminal: a bar per group with events/s and ETA (cli-progress), redrawn in place on `stream`; notes go above the bars. */
export function terminalRebuildProgress(stream: NodeJS.WritableStream, prefix = 'ledger: ', now: () => number = Date.now): RebuildProgressView {
  const started = now();
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{name} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const byGroup = new Map<string, cliProgress.SingleBar>();
  return {
    update: (progress) => {
      const name = progress.projections.join(', ');
      const elapsed = now() - started;
      const rate = count.format(elapsed > 0 ? (progress.eventsRead * 1000) / elapsed : 0);
      let bar = byGroup.get(name);
      if (!bar) {
        bar = bars.create(progress.eventsTotal, 0, { name, rate });
        byGroup.set(name, bar);
      }
      bar.setTotal(progress.eventsTotal);
      bar.update(progress.eventsRead, { name, rate });
    },
    note: (line) => bars.log(`${prefix}${line}\n`),
    stop: () => bars.stop(),
  };
}
