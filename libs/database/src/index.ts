export * from './database.js';
export * from './embedded-postgres.js';
export * from './migrations/migrator.js';
