import type { Kysely } from 'kysely';
import type { ApplicationServices } from '../../../libs/ledger-application/src/index.js';
import type { EventStore } from '../../../libs/event-store/src/index.js';
import type { LedgerConfig, LedgerLog } from '../../../libs/runtime/src/index.js';
import type { InvoiceQueries } from '../../../projections/invoices/invoices.queries.js';
import type { ApiKeysService } from '../../../libs/access/src/api-keys.service.js';
import type { IdempotencyService } from './platform/idempotency.service.js';
import type { LedgerMetrics } from './operations/ledger-metrics.js';
import type { KeyRevocationWatcher } from './platform/key-revocation.watcher.js';
import type { SchedulerOptions, SchedulerRunner, TenantClock } from '../../../libs/scheduler/src/index.js';

/** Everything a resolver or handler needs, built once at start (main.ts) and injected: the application's services and the API's own. */
export interface LedgerServices extends ApplicationServices {
  readonly config: LedgerConfig;
  readonly store: EventStore;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly apiKeys: ApiKeysService;
  /** Closes the WebSocket connections of revoked and expired keys. */
  readonly keyRevocations: KeyRevocationWatcher;
  readonly idempotency: IdempotencyService;
  readonly invoiceQueries: InvoiceQueries;
  readonly metrics: LedgerMetrics;
  /** The process's real clock: API key expiry, leases, metrics; never a tenant's time (see tenantClock). */
  readonly clock: () => Date;
  /** Each tenant's now (real time or its test clock): every command's `now` and every date a query judges by. */
  readonly tenantClock: TenantClock;
  /**
   * The scheduled work of this process as the scheduler runs it (libs/ledger-application/src/scheduled-work.ts): the
   * SchedulerRunner's options, which advanceTestClock's runDueWork uses too, so both run the same handlers.
   */
  readonly scheduler: SchedulerOptions;
  /** The scheduler running in this process (PROJECTIONS=on), or undefined when a projector process runs it. */
  readonly schedulerRunner: SchedulerRunner | undefined;
  /** `log(message)` is info; `log.warn`, `log.error` and `log.debug` log at their level, with fields. */
  readonly log: LedgerLog;
}

export const LEDGER_SERVICES = Symbol('LEDGER_SERVICES');

// Today's calendar date of a tenant is in its time zone, by its clock: see tenantToday in libs/ledger-application/src/common/billing-settings.ts.
