import { tenantOfStream, type FoldedPrefix } from '../../application/src/index.js';
import { testClockEventTypes, type TestClockState } from '../../billing/src/test-clock/index.js';
import type { EventStore, Position, RecordedEvent } from '../../event-store/src/index.js';
import { runAsSystem } from '../../database/src/index.js';
import { loadTestClock, parseTestClockEvent } from './test-clock.stream.js';

/**
 * The tenant's clock: what "now" is for a tenant. Real time, unless the tenant has a test clock (then the clock's
 * frozen time). The scheduler asks it what is due, and command handlers can ask it for the `now` they put into
 * commands, so that a tenant on a test clock lives entirely in its simulated time.
 */
export interface TenantClock {
  /** The tenant's current instant, ISO 8601 in UTC. */
  now(tenantId: string): Promise<string>;
  /** The same, saying whether it came from a test clock. */
  read(tenantId: string): Promise<TenantTime>;
  /**
   * The tenants whose clock is a test clock right now. The scheduler leaves their work to runDueWork (driven by
   * advanceTestClock), so it never runs a simulated tenant's work against real time.
   */
  tenantsOnTestClocks(): Promise<ReadonlySet<string>>;
}

export interface TenantTime {
  readonly now: string;
  /** The tenant's active test clock, or null when the tenant runs on real time. */
  readonly testClock: { readonly clockId: string; readonly frozenTime: string } | null;
}

/** Real time for everyone: a deployment without test clocks, or a test that controls the clock. */
export class RealTimeTenantClock implements TenantClock {
  constructor(private readonly realClock: () => Date = () => new Date()) {}

  now(): Promise<string> {
    return Promise.resolve(this.realClock().toISOString());
  }

  read(): Promise<TenantTime> {
    return Promise.resolve({ now: this.realClock().toISOString(), testClock: null });
  }

  tenantsOnTestClocks(): Promise<ReadonlySet<string>> {
    return Promise.resolve(new Set());
  }
}

/** Tenants whose folded clock is kept; past the bound the cache starts again (a cost, never an error). */
const CACHED_TENANTS_MAX = 10_000;
/** Events read per page when following the test-clock events of the whole log. */
const DIRECTORY_PAGE = 1_000;

/**
 * The tenant's clock from the event store: the tenant's test-clock stream, folded, cached per tenant with the
 * revision it reached (like the settings cache), so a call reads only the events after that revision: one indexed
 * query that returns nothing in the common case, a tenant without a clock included. An advance appended by any
 * process is seen by the very next call. Events are never removed or rewritten, so what was folded stays true.
 *
 * `tenantsOnTestClocks` follows the test-clock events of the whole log from where it last stopped (one filtered read
 * per call, usually empty), so it costs nothing per tenant. It may lag an append by a moment (the log's visibility
 * barrier); the scheduler therefore checks each tenant with `read` before acting.
 */
export class EventStoreTenantClock implements TenantClock {
  private readonly cache = new Map<string, FoldedPrefix<TestClockState>>();
  private readonly onTestClocks = new Set<string>();
  private directoryPosition: Position | 'start' = 'start';
  private directoryRead: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly realClock: () => Date = () => new Date(),
  ) {}

  async now(tenantId: string): Promise<string> {
    return (await this.read(tenantId)).now;
  }

  async read(tenantId: string): Promise<TenantTime> {
    const state = await this.clockOf(tenantId);
    if (state.status === 'active' && state.clockId !== null && state.frozenTime !== null) {
      return { now: state.frozenTime, testClock: { clockId: state.clockId, frozenTime: state.frozenTime } };
    }
    return { now: this.realClock().toISOString(), testClock: null };
  }

  async tenantsOnTestClocks(): Promise<ReadonlySet<string>> {
    // One reader at a time: two concurrent calls would otherwise read the same page and race on the position.
    this.directoryRead ??= this.followDirectory().finally(() => (this.directoryRead = undefined));
    await this.directoryRead;
    return new Set(this.onTestClocks);
  }

  /** The tenant's test clock as folded from its stream, through the cache. */
  async clockOf(tenantId: string): Promise<TestClockState> {
    const loaded = await loadTestClock(this.store, tenantId, undefined, this.cache.get(tenantId));
    const revision = loaded.expectedRevision === 'no_stream' ? -1n : (loaded.expectedRevision as bigint);
    // A concurrent read may have got further meanwhile: keep whichever saw more of the stream.
    const latest = this.cache.get(tenantId);
    if (revision >= 0n && (!latest || latest.revision < revision)) {
      if (!latest && this.cache.size >= CACHED_TENANTS_MAX) this.cache.clear();
      this.cache.set(tenantId, { revision, state: Object.freeze({ ...loaded.state }), lastPosition: loaded.lastPosition });
    }
    return loaded.state;
  }

  /**
   * Reads as the system whatever scope the caller runs in: inside a tenant's scope, row-level security would hide the
   * other tenants' clock events while the read position moved past them for good.
   */
  private followDirectory(): Promise<void> {
    return runAsSystem('test-clock directory', () => this.followDirectoryPages());
  }

  private async followDirectoryPages(): Promise<void> {
    for (;;) {
      const page = await this.store.readAll({ fromPosition: this.directoryPosition, maxCount: DIRECTORY_PAGE, filter: { eventTypes: testClockEventTypes } });
      for (const recorded of page) this.note(recorded);
      const last = page.at(-1);
      if (last) this.directoryPosition = last.position;
      if (page.length < DIRECTORY_PAGE) return;
    }
  }

  private note(recorded: RecordedEvent): void {
    const tenantId = tenantOfStream(recorded.streamId);
    const event = parseTestClockEvent(recorded);
    if (event.type === 'TestClockDeleted') this.onTestClocks.delete(tenantId);
    else this.onTestClocks.add(tenantId);
  }
}
