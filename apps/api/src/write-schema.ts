import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../../libs/database/src/index.js';
import { readLedgerConfig } from '../../../libs/runtime/src/index.js';
import { printApiSchema, SCHEMA_FILE } from './graphql/schema-file.js';
import { startLedgerApi, type RunningLedgerApi } from './ledger-api.js';

/**
 * `npm run schema:write [-- <file>]`: starts the API as `npm start` does, on a throwaway embedded PostgreSQL in a
 * temporary directory (whatever DATABASE_URL says), and writes the schema it serves to schema.graphql (or <file>).
 * The contract test (test/contract/schema-contract.spec.ts) fails while the committed file differs from it.
 */
const target = resolve(process.argv[2] ?? SCHEMA_FILE);
const logs: string[] = [];
const parent = await mkdtemp(join(tmpdir(), 'ledger-schema-'));
let postgres: RunningPostgres | undefined;
let api: RunningLedgerApi | undefined;
try {
  await chmod(parent, 0o755); // mkdtemp makes it 0700; the postgres OS user must enter it when we run as root
  postgres = await startEmbeddedPostgres({ dataDirectory: join(parent, 'data'), ephemeral: true, log: (line) => logs.push(`postgres: ${line}`) });
  const config = readLedgerConfig({
    // Key files the start generates (the audit signing key) go beside this throwaway server, not into the checkout.
    LEDGER_DATA_DIR: join(parent, 'data'),
    DATABASE_URL: postgres.connectionString('postgres'),
    PORT: '0',
    HOST: '127.0.0.1',
    LEDGER_API_KEY: `schema_${randomBytes(24).toString('base64url')}`,
    PROJECTIONS: 'off',
  });
  api = await startLedgerApi({ config, log: (line: string) => logs.push(line) });
  await writeFile(target, printApiSchema(api.schema));
  process.stdout.write(`wrote ${target}\n`);
} catch (error) {
  process.stderr.write(`${logs.join('\n')}\ncould not write the schema: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
} finally {
  await api?.stop().catch(() => undefined);
  await postgres?.stop().catch(() => undefined);
  await rm(parent, { recursive: true, force: true });
}
