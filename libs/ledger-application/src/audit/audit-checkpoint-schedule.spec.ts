import { describe, expect, it, jest } from '@jest/globals';
import { AuditCheckpointSchedule } from './audit-checkpoint-schedule.js';

function deferred(): { promise: Promise<number>; resolve: (value: number) => void } {
  let resolve: (value: number) => void = () => undefined;
  const promise = new Promise<number>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('AuditCheckpointSchedule', () => {
  it('runs a round every interval and stops with stop()', async () => {
    jest.useFakeTimers();
    try {
      const takeDueCheckpoints = jest.fn(async () => 2);
      const lines: string[] = [];
      const schedule = new AuditCheckpointSchedule({ takeDueCheckpoints }, 60, (line) => lines.push(line));
      schedule.start();
      expect(takeDueCheckpoints).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(takeDueCheckpoints).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(120_000);
      expect(takeDueCheckpoints).toHaveBeenCalledTimes(3);
      expect(lines).toContain('audit checkpoints: signed 2 checkpoint(s)');
      await schedule.stop();
      await jest.advanceTimersByTimeAsync(600_000);
      expect(takeDueCheckpoints).toHaveBeenCalledTimes(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('is off with an interval of 0', async () => {
    jest.useFakeTimers();
    try {
      const takeDueCheckpoints = jest.fn(async () => 0);
      const schedule = new AuditCheckpointSchedule({ takeDueCheckpoints }, 0, () => undefined);
      schedule.start();
      await jest.advanceTimersByTimeAsync(10 * 3_600_000);
      expect(takeDueCheckpoints).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  it('never overlaps rounds, and a failed round is logged and does not stop the next', async () => {
    const first = deferred();
    const takeDueCheckpoints = jest.fn<() => Promise<number>>().mockReturnValueOnce(first.promise).mockRejectedValueOnce(new Error('database gone')).mockResolvedValue(0);
    const errors: string[] = [];
    const schedule = new AuditCheckpointSchedule({ takeDueCheckpoints }, 60, Object.assign(() => undefined, { error: (line: string) => errors.push(line) }));
    const running = schedule.runRound();
    const joined = schedule.runRound();
    expect(takeDueCheckpoints).toHaveBeenCalledTimes(1);
    first.resolve(0);
    await Promise.all([running, joined]);
    await schedule.runRound();
    expect(errors).toEqual(['audit checkpoints: the scheduled round failed: database gone']);
    await schedule.runRound();
    expect(takeDueCheckpoints).toHaveBeenCalledTimes(3);
  });
});
