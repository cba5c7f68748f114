import type { EventStore } from '../../event-store/src/index.js';
import { PostgresEventStore } from '../../event-store/src/index.js';
import type { LedgerConfig } from './ledger-config.js';

/**
 * EVENT_STORE=postgres (default): events in the same PostgreSQL as the read models.
 * EVENT_STORE=kurrentdb: events in KurrentDB; the adapter (and the client's native module) is loaded only then.
 */
export async function openEventStore(config: LedgerConfig, connectionString: string): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    const { KurrentDbEventStore } = await import('../../event-store/src/kurrentdb/index.js');
    const store = new KurrentDbEventStore({ connectionString: config.kurrentDbConnectionString as string });
    try {
      await store.headPosition();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw new Error(`EVENT_STORE=kurrentdb but KurrentDB at KURRENTDB_CONNECTION_STRING could not be read: ${(error as Error).message}`, { cause: error });
    }
    return store;
  }
  const store = new PostgresEventStore({ connectionString });
  await store.migrate();
  return store;
}
