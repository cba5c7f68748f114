/**
 * The secret store (docs/secrets.md): AES-256-GCM in PostgreSQL, references instead of secrets in events, read
 * models, responses and logs, and the resolution of legacy references into events written before it existed.
 */
export * from './secret-store.js';
export * from './secret-cipher.js';
export * from './secret-key-source.js';
export * from './secret-store.migrations.js';
export * from './postgres-secret-store.js';
export * from './legacy-secrets.js';
export * from './in-memory-secret-store.js';
export * from './ledger-secret-store.js';
