import { maxPosition } from '../../event-store/src/index.js';
import { ProjectionLease } from '../../projection-runtime/src/index.js';
import { describeError, dispatch, dueWorkLane, retryBackoffMs, type DispatchResult } from './dispatch.js';
import { DueWorkWakeups } from './due-work-wakeups.js';
import type { DueWork } from './due-work.types.js';
import { schedulerParts, type SchedulerOptions, type SchedulerParts } from './scheduler-options.js';
import type { TenantTime } from './tenant-clock.js';

export interface SchedulerRunnerOptions extends SchedulerOptions {
  /** Items read per scan (small: the scan is repeated after every wave). */
  readonly batchSize?: number;
  /**
   * Pieces of work in a wave: at most this many, all due at the same instant and each of its own lane, share one wait
   * for the due-work projections (8). 1 runs one piece at a time.
   */
  readonly concurrency?: number;
  /**
   * Pieces of one tenant a wave runs at the same time (1: one after another, in the wave's order; different tenants
   * always run side by side). A tenant's commands share its streams (the gapless number sequences above all), so
   * running them together mostly buys conflicts and retries; raise it for work that waits on the outside world.
   */
  readonly tenantConcurrency?: number;
  /** The longest the runner sleeps without looking, should a notification be lost (5 s). */
  readonly idlePollMs?: number;
  /** The lease's name: one runner holds it at a time (the others wait to take over). */
  readonly leaseName?: string;
}

export const schedulerRunnerDefaults = { batchSize: 50, concurrency: 8, tenantConcurrency: 1, idlePollMs: 5_000, leaseName: 'scheduler' } as const;

/** What a runner says of itself (readiness and metrics show it). */
export interface SchedulerRunnerStatus {
  /** Started and not stopped. */
  readonly running: boolean;
  /** Holds the scheduler's lease now: this process is the one running the due work (the others wait). */
  readonly leaseHeld: boolean;
}

const LEASE_RETRY_MS = 1_000;
const ERROR_BACKOFF_MS_MAX = 30_000;

type Step = 'again' | 'idle' | 'stop';

/** A piece of work taken into a wave, with the tenant's clock it was checked against. */
interface WaveItem {
  readonly item: DueWork;
  readonly tenantNow: string;
}

/** A piece of work of a wave and what its handler made of it. */
interface Dispatched {
  readonly item: DueWork;
  readonly result: DispatchResult;
}

function wholeFromOne(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`the scheduler's ${name} must be a whole number from 1 (got ${value})`);
  return value;
}

/**
 * The scheduler: runs every tenant's due work (real-time tenants; test-clock tenants are runDueWork's) in
 * (due_at, work_key) order, each piece of work through the handler of its kind, with a command id derived from the
 * work and `now` = its due instant.
 *
 * - In waves: the first due items that fall due at the same instant, one per lane (DueWorkEntry.lane), at most
 *   `concurrency` of them, run together (tenants side by side, `tenantConcurrency` pieces of one tenant at a time) and
 *   share one wait for the due-work projections. Work of one lane runs one piece at a time in order; work due later
 *   never starts before the wave of an earlier instant is done (so invoice numbers follow the issue instants).
 * - One runner at a time across processes: it holds a lease (the projection lease mechanism, an advisory lock on a
 *   dedicated connection, dropped by PostgreSQL when the process dies), so a second scheduler waits and takes over.
 * - In order, successors included: after a piece of work whose command appended events, the runner waits until the
 *   due-work projections have seen them (its successor, the next period, is then in the table) and only then removes
 *   the row and scans again (once per wave, for the wave's last events). A row therefore disappears only once its
 *   successor is visible, and downtime is caught up in due order, each piece at its own instant.
 * - Crash-safe: a crash between the command and the bookkeeping leaves the row; the next dispatch sends the same
 *   command id, which the event store recognises, and the handler gets the first outcome back.
 * - Wakes on new work (NOTIFY from the due-work projections' commits), at the next due instant or backoff end, and at
 *   least every `idlePollMs`; stop() (SIGTERM) interrupts every wait and starts no further piece of work: the pieces
 *   in hand finish (about one command's time), and those of the wave not started stay due.
 */
export class SchedulerRunner {
  private readonly parts: SchedulerParts;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly tenantConcurrency: number;
  private readonly idlePollMs: number;
  private readonly leaseName: string;
  private stopping = false;
  private leaseHeld = false;
  private loop: Promise<void> | undefined;
  private readonly stopListeners = new Set<() => void>();

  constructor(private readonly options: SchedulerRunnerOptions) {
    this.parts = schedulerParts(options);
    this.batchSize = options.batchSize ?? schedulerRunnerDefaults.batchSize;
    this.concurrency = wholeFromOne('concurrency', options.concurrency ?? schedulerRunnerDefaults.concurrency);
    this.tenantConcurrency = wholeFromOne('tenantConcurrency', options.tenantConcurrency ?? schedulerRunnerDefaults.tenantConcurrency);
    this.idlePollMs = options.idlePollMs ?? schedulerRunnerDefaults.idlePollMs;
    this.leaseName = `scheduler:${options.leaseName ?? schedulerRunnerDefaults.leaseName}`;
  }

  /** Starts the loop in the background (it takes the lease when it can) and returns at once. */
  start(): Promise<void> {
    if (this.loop) throw new Error('the scheduler runner is started already');
    this.loop = this.runForever();
    return Promise.resolve();
  }

  status(): SchedulerRunnerStatus {
    return { running: this.loop !== undefined && !this.stopping, leaseHeld: this.leaseHeld };
  }

  /** Ends the loop after the pieces of work in hand (no further piece starts) and releases the lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const listener of [...this.stopListeners]) listener();
    await this.loop;
  }

  private async runForever(): Promise<void> {
    const { log } = this.parts;
    let backoffMs = 500;
    while (!this.stopping) {
      let lease: ProjectionLease | undefined;
      try {
        lease = await ProjectionLease.tryAcquire(this.options.connectionString, this.leaseName);
        if (!lease) {
          await this.sleep(LEASE_RETRY_MS);
          continue;
        }
        log(`${this.leaseName}: lease taken, running due work`);
        this.leaseHeld = true;
        await this.work(lease);
        backoffMs = 500;
      } catch (error) {
        if (this.stopping) break;
        log(`${this.leaseName}: ${describeError(error)}; retrying in ${backoffMs} ms`);
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, ERROR_BACKOFF_MS_MAX);
      } finally {
        this.leaseHeld = false;
        await lease?.release();
      }
    }
  }

  private async work(lease: ProjectionLease): Promise<void> {
    let leaseLost = false;
    const wakeups = new DueWorkWakeups(this.options.connectionString);
    const interrupt = () => wakeups.close();
    lease.onLost(() => {
      leaseLost = true;
      this.leaseHeld = false;
      void interrupt();
    });
    this.stopListeners.add(interrupt);
    const halted = () => this.stopping || leaseLost;
    try {
      await wakeups.start();
      while (!halted()) {
        const step = await this.scan(halted);
        if (step === 'stop') return;
        if (step === 'again') continue;
        const wait = await this.untilNextDue();
        if (halted()) return;
        const wake = wakeups.next(wait);
        await wake.promise;
      }
      if (leaseLost) this.parts.log(`${this.leaseName}: lease lost, stopping after the work in hand`);
    } finally {
      this.stopListeners.delete(interrupt);
      await wakeups.close();
    }
  }

  /**
   * One scan: a wave of the first due items, run together, then the next scan (the wave's successors, the
   * next periods, may come first). The wave takes items in (due_at, work_key) order that are due at the first one's
   * instant, so work due later never starts before an earlier instant's work is done; one per lane, since an item
   * whose lane had an earlier item in this scan must wait for it; at most `concurrency`.
   */
  private async scan(halted: () => boolean): Promise<Step> {
    const { workStore, realClock } = this.parts;
    const { clock } = this.options;
    const now = realClock().toISOString();
    const excluded = await clock.tenantsOnTestClocks();
    const items = await workStore.due({ now, kinds: Object.keys(this.options.handlers), excludedTenants: [...excluded], limit: this.batchSize });
    const times = new Map<string, TenantTime>();
    const lanes = new Set<string>();
    const wave: WaveItem[] = [];
    for (const item of items) {
      if (halted()) return 'stop';
      if (wave.length > 0 && item.dueAt !== wave[0]?.item.dueAt) break;
      const lane = `${item.tenantId}\u0000${dueWorkLane(item)}`;
      if (lanes.has(lane)) continue;
      lanes.add(lane);
      let time = times.get(item.tenantId);
      if (time === undefined) times.set(item.tenantId, (time = await clock.read(item.tenantId)));
      // A tenant that just got a test clock (the directory may not show it yet) is runDueWork's, and never runs early.
      if (time.testClock !== null || Date.parse(item.dueAt) > Date.parse(time.now)) continue;
      wave.push({ item, tenantNow: time.now });
      if (wave.length >= this.concurrency) break;
    }
    if (wave.length === 0) return 'idle';
    if (halted()) return 'stop';
    return this.settle(await this.dispatchWave(wave, halted), halted);
  }

  /**
   * Runs a wave's handlers: tenants side by side, each tenant's pieces `tenantConcurrency` at a time in the wave's
   * order. After a stop no further piece starts (those not started stay due, untouched); the ones started finish.
   */
  private async dispatchWave(wave: readonly WaveItem[], halted: () => boolean): Promise<Dispatched[]> {
    const byTenant = new Map<string, WaveItem[]>();
    for (const entry of wave) byTenant.set(entry.item.tenantId, [...(byTenant.get(entry.item.tenantId) ?? []), entry]);
    const dispatched: Dispatched[] = [];
    const runners = [...byTenant.values()].flatMap((queue) => {
      let next = 0;
      return Array.from({ length: Math.min(this.tenantConcurrency, queue.length) }, async () => {
        while (next < queue.length && !halted()) {
          const { item, tenantNow } = queue[next++] as WaveItem;
          dispatched.push({ item, result: await dispatch(this.options.handlers, item, tenantNow) });
        }
      });
    });
    await Promise.all(runners);
    return dispatched;
  }

  /**
   * The wave's bookkeeping: one wait for the due-work projections to reach the last position the wave appended (its
   * successors are then rows), then each item's row is finished, held back or parked. 'again' when anything was
   * handled: the next scan comes at once.
   */
  private async settle(dispatched: readonly Dispatched[], halted: () => boolean): Promise<Step> {
    const positions = dispatched.flatMap(({ result }) => (result.kind === 'done' && result.position !== undefined ? [result.position] : []));
    const reached = positions.length === 0 ? true : await this.parts.waitForSources(positions.reduce(maxPosition), halted);
    await Promise.all(dispatched.map(({ item, result }) => this.settleItem(item, result, reached)));
    if (reached === 'stopped' || halted()) return 'stop';
    return dispatched.every(({ result }) => result.kind === 'no_handler') ? 'idle' : 'again';
  }

  /** One item's bookkeeping after its dispatch, `reached` saying whether the due-work projections saw the wave's events. */
  private async settleItem(item: DueWork, result: DispatchResult, reached: boolean | 'stopped'): Promise<void> {
    const { workStore, realClock, log, projectionWaitMs } = this.parts;
    const later = (attempts: number) => new Date(realClock().getTime() + retryBackoffMs(attempts)).toISOString();
    const where = `${item.kind} ${item.workKey} of tenant ${item.tenantId}`;
    switch (result.kind) {
      case 'done': {
        if (result.position === undefined) {
          await workStore.finish(item);
          return;
        }
        // Stopped: the row stays; the next runner's dispatch gets the command's first outcome back and finishes it.
        if (reached === 'stopped') return;
        if (!reached) {
          log(`${where}: done, but the due-work projections did not see its events within ${projectionWaitMs} ms; it will be checked again`);
          await workStore.retryLater(item, `the due-work projections did not reach the work's events within ${projectionWaitMs} ms`, later(item.attempts + 1));
          return;
        }
        await workStore.finish(item);
        return;
      }
      case 'retry_later':
        await workStore.retryLater(item, result.reason, result.notBefore ?? later(item.attempts + 1));
        return;
      case 'refused': {
        const message = describeError(result.error);
        if (result.policy === 'done') {
          log(`${where} refused and dropped: ${message}`);
          await workStore.finish(item);
        } else if (result.policy === 'retry_later') {
          await workStore.retryLater(item, message, later(item.attempts + 1));
        } else {
          log(`${where} refused and parked until an operator clears it: ${message}`);
          await workStore.park(item, message, realClock().toISOString());
        }
        return;
      }
      case 'failed': {
        const notBefore = later(item.attempts + 1);
        log(`${where} failed (attempt ${item.attempts + 1}), retrying at ${notBefore}: ${describeError(result.error)}`);
        await workStore.retryLater(item, describeError(result.error), notBefore);
        return;
      }
      case 'no_handler':
        // The scan asks only for kinds with a handler; a handler list changed under us is not this item's fault.
        return;
      default: {
        const unexpected: never = result;
        throw new Error(`unexpected dispatch result ${JSON.stringify(unexpected)}`);
      }
    }
  }

  /** Milliseconds until work becomes due (or a backoff ends), at most idlePollMs. */
  private async untilNextDue(): Promise<number> {
    const { workStore, realClock } = this.parts;
    const now = realClock();
    const excluded = await this.options.clock.tenantsOnTestClocks();
    const next = await workStore.nextWakeAt({ now: now.toISOString(), kinds: Object.keys(this.options.handlers), excludedTenants: [...excluded] });
    if (next === undefined) return this.idlePollMs;
    return Math.max(0, Math.min(this.idlePollMs, Date.parse(next) - now.getTime()));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopListeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopListeners.add(done);
    });
  }
}
