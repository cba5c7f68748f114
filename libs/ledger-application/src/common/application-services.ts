import type { Kysely } from 'kysely';
import type { EventStore } from '../../../event-store/src/index.js';
import type { LedgerConfig, LedgerLog } from '../../../runtime/src/index.js';
import type { TenantClock } from '../../../scheduler/src/index.js';
import type { SecretStore } from '../../../secrets/src/index.js';

/**
 * What the command handlers and process managers need, and nothing of a framework: the event store they load and
 * append with, the read models' database (settings for "today", oldest-due-first candidates, read-your-writes), the
 * clocks, a log, and the part of the configuration they read. apps/api's LedgerServices extends it.
 */
export interface ApplicationServices {
  readonly store: EventStore;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  /**
   * The process's real clock, for what is not a tenant's time: API key expiry, leases, backoff, metrics, and the real
   * instant a test clock was moved at. A tenant's "now" never comes from here: see `tenantClock`.
   */
  readonly clock: () => Date;
  /**
   * Each tenant's "now": real time (the clock above), or the frozen time of the tenant's test clock. Every command's
   * `now` and every rule that depends on the date (issue and due dates, numbering periods, overdue, receipts'
   * issue time, exchange-rate `asOf` defaults, renewals) reads it, so a tenant on a test clock lives entirely in its
   * simulated time. One indexed read per call that returns nothing for a tenant without a clock (cached by revision).
   */
  readonly tenantClock: TenantClock;
  /** `log(message)` is info; `log.warn`, `log.error` and `log.debug` log at their level, with fields. */
  readonly log: LedgerLog;
  readonly config: Pick<LedgerConfig, 'readYourWritesTimeoutMs'>;
  /**
   * Webhook secrets and gateway tokens (libs/secrets): events and read models carry only their references; a handler
   * puts a new secret under `secretReference(commandId, label)`, and only the code that uses one reveals it.
   */
  readonly secrets: SecretStore;
}
