import type { EventStore } from '../../event-store/src/index.js';
import { PostgresEventStore } from '../../event-store/src/index.js';
import type { LedgerConfig } from './ledger-config.js';

export async function openEventStore(config: LedgerConfig, connectionString: string): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    throw new Error('EVENT_STORE=kurrentdb: the KurrentDB adapter is not available in this build yet');
  }
  const store = new PostgresEventStore({ connectionString });
  await store.migrate();
  return store;
}
