import { rm } from 'node:fs/promises';

/** Stops the run's PostgreSQL and removes its data (a few hundred MB a run, which would otherwise pile up in the temp directory). */
export default async function globalTeardown() {
  await globalThis.__LEDGER_TEST_POSTGRES__?.stop();
  const directory = globalThis.__LEDGER_TEST_POSTGRES_DIRECTORY__;
  if (typeof directory === 'string') await rm(directory, { recursive: true, force: true });
}
