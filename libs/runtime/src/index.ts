export * from './ledger-config.js';
export * from './database-bootstrap.js';
export * from './event-store-factory.js';
export * from './ledger-logger.js';
