export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './position.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
