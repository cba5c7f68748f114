import type { AuditCheckpoints } from './audit-checkpoints.js';

/**
 * Checkpoints on a schedule: every `intervalSeconds` (LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS, default 3600, 0 = off)
 * one round of AuditCheckpoints.takeDueCheckpoints, in the process that holds the signing key (the API). A plain
 * interval, not due work: due work is derived from events and run by the scheduler in the projector process, while a
 * checkpoint depends on nothing but elapsed time and must be signed where the key is. Several API processes may run
 * rounds at once: a checkpoint is stored once per tree size, so the worst case is a wasted signature. Rounds never
 * overlap; the timer does not keep the process alive.
 */
export class AuditCheckpointSchedule {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;

  constructor(
    private readonly checkpoints: Pick<AuditCheckpoints, 'takeDueCheckpoints'>,
    private readonly intervalSeconds: number,
    private readonly log: ((message: string) => void) & { readonly error?: (message: string) => void },
  ) {}

  start(): void {
    if (this.intervalSeconds <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => void this.runRound(), this.intervalSeconds * 1_000);
    this.timer.unref();
  }

  /** One round now (also what the timer runs); a round already running is awaited instead of starting another. */
  runRound(): Promise<void> {
    this.round ??= this.checkpoints
      .takeDueCheckpoints()
      .then((stored) => {
        if (stored > 0) this.log(`audit checkpoints: signed ${stored} checkpoint(s)`);
      })
      .catch((error: unknown) => (this.log.error ?? this.log)(`audit checkpoints: the scheduled round failed: ${(error as Error).message}`))
      .finally(() => {
        this.round = undefined;
      });
    return this.round;
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }
}
