import type { CommandContext } from '../../application/src/index.js';
import type { JsonObject, Position } from '../../event-store/src/index.js';

/**
 * One obligation as a feature's due-work mapping states it: "this has to happen at `dueAt`". The tenant is the
 * tenant of the event that stated it (the mapping never names one, so it cannot write another tenant's work).
 *
 * `workKey` identifies the obligation itself, not its subject: `subscription:sub-1:bill_period:2025-03-01`, never
 * `subscription:sub-1`. The command the scheduler sends for it takes its id from the tenant and the key
 * (dueWorkCommandId), so the same key is never acted on twice; a key reused for the next period would make the next
 * period's command look like a retry of this one. Keys are unique per tenant across every due-work projection: start
 * them with the feature's name.
 */
export interface DueWorkEntry {
  readonly workKey: string;
  /** Which handler runs it (a handler is registered per kind). */
  readonly kind: string;
  /** An ISO-8601 instant; stored with millisecond precision. */
  readonly dueAt: string;
  /** What the handler needs besides the key (ids, the period...): small, and a pure function of the events. */
  readonly payload: JsonObject;
  /**
   * Work in the same lane runs one piece at a time, in (due_at, work_key) order; work in different lanes may run at
   * the same time (the scheduler's waves). Default: the work key itself, i.e. independent of every other piece. Give
   * pieces that must not overlap or overtake each other (one subscription's activation, bills and termination) one
   * lane: `subscription:<id>`.
   */
  readonly lane?: string;
}

/** What one event changes in the due work: obligations stated (new or changed) and obligations withdrawn (by key). */
export interface DueWorkChanges {
  readonly upsert?: readonly DueWorkEntry[];
  readonly remove?: readonly string[];
}

/** A due item as the scheduler hands it to its handler. */
export interface DueWork {
  /** The due-work projection (and table) it comes from. */
  readonly source: string;
  readonly tenantId: string;
  readonly workKey: string;
  readonly kind: string;
  /** ISO-8601, UTC, milliseconds. */
  readonly dueAt: string;
  readonly payload: JsonObject;
  /** Dispatches that did not finish it so far (failures and retry_later answers). */
  readonly attempts: number;
  /** The position of the event that last stated it: bookkeeping only touches the row if it is still this version. */
  readonly updatedPosition: string;
  /**
   * Its lane (DueWorkEntry.lane): the store always gives it; absent (an item built by hand) means the work key, so the
   * item is a lane of its own.
   */
  readonly lane?: string;
}

/** What a handler gets besides the item. */
export interface DueWorkContext {
  readonly tenantId: string;
  /**
   * The instant the work runs at: its due instant, whether it runs on time, after downtime or under a test clock, so
   * the March renewal is decided on March 1 whenever it actually runs, and a re-run decides exactly the same thing.
   */
  readonly now: string;
  /** The tenant's clock when the item was dispatched (real time, or the test clock's frozen time): at or after `now`. */
  readonly tenantNow: string;
  /** uuidV5 of the tenant and the work key: the same for every dispatch of the item, so a command is never applied twice. */
  readonly commandId: string;
  /** A ready CommandContext for executeCommand: the command id above, `now` = the due instant, actor `scheduler`. */
  readonly command: CommandContext;
}

/**
 * What a handler answers. `done` with the position of the events its command appended (or found already appended:
 * executeCommand's outcome carries it) makes the scheduler wait until the due-work projections have seen them before
 * it takes the next item, so that the successor of this work (the next period) is visible and runs in order. Plain
 * `'done'` is for work that appended nothing. `retry_later` leaves the item for a later attempt (`notBefore`, an ISO
 * instant, or the scheduler's backoff).
 */
export type DueWorkOutcome =
  | 'done'
  | 'retry_later'
  | { readonly status: 'done'; readonly position?: Position }
  | { readonly status: 'retry_later'; readonly reason?: string; readonly notBefore?: string };

export type DueWorkHandler = (item: DueWork, context: DueWorkContext) => Promise<DueWorkOutcome>;

/**
 * What to do when a handler's command is refused by the domain (a DomainError), which would be refused again on every
 * retry: `park` (the default) keeps the item with the error and takes it out of the schedule until an operator
 * clears `parked_at`; `done` drops it (the refusal is logged); `retry_later` tries again after the backoff (for a
 * refusal that time can lift, e.g. a state another piece of work will change).
 */
export type DueWorkRefusalPolicy = 'park' | 'done' | 'retry_later';

export interface DueWorkHandlerRegistration {
  readonly handle: DueWorkHandler;
  readonly onRefusal?: DueWorkRefusalPolicy;
}

/** The handlers by kind. A kind without a handler is left alone by the runner (a newer process may know it). */
export type DueWorkHandlers = Readonly<Record<string, DueWorkHandler | DueWorkHandlerRegistration>>;
