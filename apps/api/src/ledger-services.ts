import type { Kysely } from 'kysely';
import type { EventStore } from '../../../libs/event-store/src/index.js';
import type { LedgerConfig } from '../../../libs/runtime/src/index.js';
import type { InvoiceQueries } from '../../../projections/invoices/invoices.queries.js';
import type { ApiKeysService } from './platform/api-keys.service.js';
import type { IdempotencyService } from './platform/idempotency.service.js';
import type { LedgerMetrics } from './operations/ledger-metrics.js';

/** Everything a resolver or handler needs, built once at start (main.ts) and injected. */
export interface LedgerServices {
  readonly config: LedgerConfig;
  readonly store: EventStore;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  readonly apiKeys: ApiKeysService;
  readonly idempotency: IdempotencyService;
  readonly invoiceQueries: InvoiceQueries;
  readonly metrics: LedgerMetrics;
  /** The only clock: handlers put its reading into commands, the domain never reads one. */
  readonly clock: () => Date;
  readonly log: (message: string) => void;
}

export const LEDGER_SERVICES = Symbol('LEDGER_SERVICES');

// Today's calendar date of a tenant is in its time zone: see tenantToday in settings/billing-settings.loader.ts.
