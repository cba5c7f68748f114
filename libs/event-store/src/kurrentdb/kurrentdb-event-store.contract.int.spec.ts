import { describe, it } from '@jest/globals';
import { eventStoreContract } from '../../contract/event-store.contract.js';
import { KurrentDbEventStore } from './kurrentdb-event-store.js';

/**
 * The shared event store contract against a real KurrentDB, whenever KURRENTDB_CONNECTION_STRING is set
 * (e.g. `kurrentdb://admin:changeit@localhost:2113?tls=false`; the user must be allowed to read $all, and
 * appendToStreams over several streams needs KurrentDB 25.1 or later).
 *
 * A shared server is fine: every contract test writes under its own random stream prefix and reads $all only through
 * a filter on it, so runs and other users of the server never see each other's events.
 *
 * Without a connection string this says so in a passing test named for what did not run: no silent skip.
 */
const connectionString = process.env.KURRENTDB_CONNECTION_STRING?.trim();

const SKIPPED =
  'skipped: KURRENTDB_CONNECTION_STRING is not set, so the KurrentDB adapter contract suite did not run ' +
  '(no KurrentDB server can be installed on this machine)';

if (connectionString) {
  eventStoreContract('KurrentDB', async () => {
    const store = new KurrentDbEventStore({ connectionString });
    try {
      // Fail here, once and plainly, rather than in every test, when the server cannot be reached.
      await store.headPosition();
    } catch (error) {
      await store.close().catch(() => undefined);
      const reason = error instanceof Error ? `${(error as { type?: string }).type ?? error.name}: ${error.message}` : String(error);
      throw new Error(`KURRENTDB_CONNECTION_STRING is set but KurrentDB could not be read ($all backwards, one event; is it running, reachable, and is tls= right?): ${reason}`, {
        cause: error,
      });
    }
    return { store, dispose: () => store.close() };
  });
} else {
  describe('event store contract: KurrentDB', () => {
    it(SKIPPED, () => {
      console.warn(SKIPPED);
    });
  });
}
