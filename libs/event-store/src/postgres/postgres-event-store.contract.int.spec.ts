import { createTestDatabase } from '../../../testing/src/test-database.js';
import { eventStoreContract } from '../../contract/event-store.contract.js';
import { PostgresEventStore } from './postgres-event-store.js';

/** The PostgreSQL adapter against the event store contract, on a fresh database of the run's real server. */
eventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase('event_store_contract');
  const store = new PostgresEventStore({ connectionString: database.connectionString });
  await store.migrate();
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});
