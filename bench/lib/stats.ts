/** Latency statistics for the benchmark cases: nearest-rank percentiles over milliseconds measured with hrtime. */

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function summarise(latenciesMs: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 0.5), 3),
    p99Ms: round(percentile(sorted, 0.99), 3),
    meanMs: round(sorted.length === 0 ? Number.NaN : sum / sorted.length, 3),
    maxMs: round(sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number), 3),
  };
}

/** The middle item by `key` (the lower middle for an even count), so a reported round is one that really ran. */
export function median<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  const item = sorted[Math.floor((sorted.length - 1) / 2)];
  if (item === undefined) throw new Error('median of nothing');
  return item;
}

export function medianValue(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : median(values, (value) => value);
}

/** Milliseconds since `started` (a process.hrtime.bigint() reading). */
export function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Round `index` of `count` runs its contenders in a rotated order, so that none always runs first (cold) or last. */
export function rotated<T>(items: readonly T[], roundIndex: number): T[] {
  return items.map((_, index) => items[(index + roundIndex) % items.length] as T);
}
