import type { Kysely } from 'kysely';
import type { EventStore } from '../../event-store/src/index.js';
import { eventLogLegacySecrets } from './legacy-secrets.js';
import { PostgresSecretStore } from './postgres-secret-store.js';
import { secretKeyringFor, type SecretKeyConfig } from './secret-key-source.js';
import { ensureSecretStore } from './secret-store.migrations.js';
import type { SecretStore } from './secret-store.js';

/**
 * The secret store of a ledger process (the API, the projector): its table ensured, its key from the configuration
 * (or the key file), legacy references resolved from the event store. One call at start.
 */
export async function openLedgerSecretStore(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  store: Pick<EventStore, 'readStream'>,
  config: SecretKeyConfig,
  log: ((message: string) => void) & { readonly warn?: (message: string) => void },
): Promise<SecretStore> {
  const keyring = await secretKeyringFor(config, log);
  await ensureSecretStore(db);
  return new PostgresSecretStore(db, { keyring, legacy: eventLogLegacySecrets(store) });
}
