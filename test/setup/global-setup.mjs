// Jest loads global setup outside its ESM transform, so this file is plain JavaScript. It first builds dist/
// (swc, about a second), which also gives the tests that spawn real processes (the api, the projector) fresh code.
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One real PostgreSQL server for the whole run (tests never mock the database). Each test file creates its own
 * database on it, so files run in parallel without sharing rows. DATABASE_URL, when set, is used instead.
 */
export default async function globalSetup() {
  await import('../../scripts/build.mjs');
  if (process.env.LEDGER_TEST_ADMIN_URL) return;
  if (process.env.DATABASE_URL) {
    process.env.LEDGER_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const { startEmbeddedPostgres } = await import('../../dist/libs/database/src/embedded-postgres.js');
  const parent = await mkdtemp(join(tmpdir(), 'ledger-test-pg-'));
  await chmod(parent, 0o755); // mkdtemp makes it 0700; the postgres OS user must enter it when we run as root
  const dataDirectory = join(parent, 'data');
  const server = await startEmbeddedPostgres({ dataDirectory, ephemeral: true });
  globalThis.__LEDGER_TEST_POSTGRES__ = server;
  globalThis.__LEDGER_TEST_POSTGRES_DIRECTORY__ = parent;
  process.env.LEDGER_TEST_ADMIN_URL = server.connectionString('postgres');
}
