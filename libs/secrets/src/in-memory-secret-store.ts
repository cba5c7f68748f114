import { sameText } from './postgres-secret-store.js';
import { isSecretReference, SecretConflictError, SecretNotFoundError, type SecretStore } from './secret-store.js';

/**
 * The store's contract in memory, for unit tests and benchmarks that need a SecretStore but no database. It keeps
 * plaintexts in memory: never use it in a process that serves tenants.
 */
export class InMemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();

  async put(tenantId: string, reference: string, plaintext: string): Promise<void> {
    if (!isSecretReference(reference)) throw new TypeError('not a secret reference');
    if (plaintext.length === 0) throw new TypeError('a secret is a non-empty string');
    const key = `${tenantId}\u0000${reference}`;
    const existing = this.secrets.get(key);
    if (existing !== undefined && !sameText(existing, plaintext)) throw new SecretConflictError(reference);
    this.secrets.set(key, plaintext);
  }

  async reveal(tenantId: string, reference: string): Promise<string> {
    const secret = this.secrets.get(`${tenantId}\u0000${reference}`);
    if (secret === undefined) throw new SecretNotFoundError(reference);
    return secret;
  }

  /** How many secrets it holds (tests count what a command stored). */
  get size(): number {
    return this.secrets.size;
  }
}
