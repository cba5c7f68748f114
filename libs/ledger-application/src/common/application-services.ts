import type { Kysely } from 'kysely';
import type { EventStore } from '../../../event-store/src/index.js';
import type { LedgerConfig, LedgerLog } from '../../../runtime/src/index.js';

/**
 * What the command handlers and process managers need, and nothing of a framework: the event store they load and
 * append with, the read models' database (settings for "today", oldest-due-first candidates, read-your-writes), the
 * one clock, a log, and the part of the configuration they read. apps/api's LedgerServices extends it.
 */
export interface ApplicationServices {
  readonly store: EventStore;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  /** The only clock: handlers put its reading into commands, the domain never reads one. */
  readonly clock: () => Date;
  /** `log(message)` is info; `log.warn`, `log.error` and `log.debug` log at their level, with fields. */
  readonly log: LedgerLog;
  readonly config: Pick<LedgerConfig, 'readYourWritesTimeoutMs'>;
}
