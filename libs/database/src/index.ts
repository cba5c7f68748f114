export * from './database.js';
export * from './embedded-postgres.js';
export * from './migrations/migrator.js';
export * from './database-scope.js';
export * from './scoped-pool.js';
export * from './row-level-security.js';
export * from './copy-rows.js';
