import { describe, expect, it } from '@jest/globals';
import type { RebuildProgress } from '../../../libs/projection-runtime/src/projection-rebuild.js';
import { plainRebuildProgress, progressLine } from './rebuild-progress.js';

const at = (eventsRead: number, eventsTotal: number, done = false, projections: readonly string[] = ['invoices']): RebuildProgress => ({ projections, eventsRead, eventsTotal, done });

describe('progressLine', () => {
  it.each([
    ['under way: counts with separators, whole percent, mean rate, ETA rounded up', at(12_345, 68_000), 2_939, 'rebuild invoices: 12,345 / 68,000 events (18%), 4,200 events/s, ETA 14 s'],
    ['a group of projections is named by all of them', at(500, 1_000, false, ['invoices', 'payments']), 1_000, 'rebuild invoices, payments: 500 / 1,000 events (50%), 500 events/s, ETA 1 s'],
    ['nothing read yet: no rate, so no ETA', at(0, 1_000), 0, 'rebuild invoices: 0 / 1,000 events (0%), 0 events/s, ETA unknown'],
    ['done: how long the read took instead of an ETA', at(68_000, 68_000, true), 16_190, 'rebuild invoices: 68,000 / 68,000 events (100%), 4,200 events/s, read in 16.2 s'],
    ['an empty log is complete', at(0, 0, true), 10, 'rebuild invoices: 0 / 0 events (100%), 0 events/s, read in 0.0 s'],
  ])('%s', (_case, progress, elapsedMs, line) => {
    expect(progressLine(progress, elapsedMs)).toBe(line);
  });
});

describe('plainRebuildProgress', () => {
  it('writes at most one line per group every interval, and always the last one', () => {
    let now = 1_000;
    const lines: string[] = [];
    const view = plainRebuildProgress((line) => lines.push(line), () => now, 2_000);
    now = 1_500;
    view.update(at(100, 1_000));
    expect(lines).toEqual([]);
    now = 3_000;
    view.update(at(400, 1_000));
    view.update(at(10, 50, false, ['payments']));
    now = 4_000;
    view.update(at(500, 1_000));
    now = 4_100;
    view.update(at(1_000, 1_000, true));
    expect(lines).toEqual([
      'rebuild invoices: 400 / 1,000 events (40%), 200 events/s, ETA 3 s',
      'rebuild payments: 10 / 50 events (20%), 5 events/s, ETA 8 s',
      'rebuild invoices: 1,000 / 1,000 events (100%), 323 events/s, read in 3.1 s',
    ]);
  });
});
