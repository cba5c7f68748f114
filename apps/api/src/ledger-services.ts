import type { Kysely } from 'kysely';
import type { ApplicationServices } from '../../../libs/ledger-application/src/index.js';
import type { EventStore } from '../../../libs/event-store/src/index.js';
import type { LedgerConfig, LedgerLog } from '../../../libs/runtime/src/index.js';
import type { InvoiceQueries } from '../../../projections/invoices/invoices.queries.js';
import type { ApiKeysService } from '../../../libs/access/src/api-keys.service.js';
import type { IdempotencyService } from './platform/idempotency.service.js';
import type { LedgerMetrics } from './operations/ledger-metrics.js';
import type { KeyRevocationWatcher } from './platform/key-revocation.watcher.js';

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
  /** The only clock: handlers put its reading into commands, the domain never reads one. */
  readonly clock: () => Date;
  /** `log(message)` is info; `log.warn`, `log.error` and `log.debug` log at their level, with fields. */
  readonly log: LedgerLog;
}

export const LEDGER_SERVICES = Symbol('LEDGER_SERVICES');

// Today's calendar date of a tenant is in its time zone: see tenantToday in settings/billing-settings.loader.ts.
