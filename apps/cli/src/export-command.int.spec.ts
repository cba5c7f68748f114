import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { auditKeyId, generateAuditKeyPair } from '../../../libs/audit/src/index.js';
import { connectDatabase, runAsSystem, secureTenantTables, type DatabaseConnection } from '../../../libs/database/src/index.js';
import { encodePosition, PostgresEventStore, type RecordedEvent } from '../../../libs/event-store/src/index.js';
import { AuditCheckpoints, ensureAuditCheckpointStore } from '../../../libs/ledger-application/src/audit/index.js';
import { LIVE_READ_MODEL_SCHEMA, rebuildProjection, type ReadModelDatabase } from '../../../libs/projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../../libs/testing/src/test-database.js';
import { auditMerkleProjection } from '../../../projections/audit-merkle/audit-merkle.projection.js';
import { seedInvoiceHistory } from '../../../test/support/seed-ledger-history.js';
import { readSettledLog, settledHead } from '../../../libs/testing/src/settled-log.js';

/**
 * `npm run ledger -- export` and `verify` as an operator and an auditor run them (the built CLI in a child process,
 * off a terminal), and the standalone script on the same file: a tenant's log sealed and checkpointed twice, exported
 * whole, from a position, and to stdout; verified; then tampered and named; refusals with clear messages and codes.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const STANDALONE = join(root, 'tools', 'verify-ledger-export.mjs');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], connectionString?: string): Promise<Run> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...(connectionString === undefined ? {} : { DATABASE_URL: connectionString }) };
    execFile(process.execPath, [...args], { env, timeout: 110_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('ledger export and ledger verify', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let store: PostgresEventStore;
  let directory: string;
  let keyFile: string;
  let acme: RecordedEvent[];
  const keys = generateAuditKeyPair();
  const cli = (args: readonly string[]) => run([CLI, ...args], database.connectionString);

  async function sealAndCheckpoint(time: string): Promise<void> {
    // The rebuild reads $all up to what is visible: another suite's transaction open on the server would hide the
    // newest seeded events from it (and seal a smaller tree). Settle the head first (a marker in a tenant of its own).
    await settledHead(store, 'export-marker');
    await runAsSystem('export test', async () => {
      await rebuildProjection(store, connection.db, auditMerkleProjection, { targetSchema: LIVE_READ_MODEL_SCHEMA });
      await secureTenantTables(connection.db);
      const checkpoints = new AuditCheckpoints({ db: connection.db, tenantClock: { now: async () => time }, signingKey: { privateKey: keys.privateKey, keyId: auditKeyId(keys.publicKey) } });
      await checkpoints.take('acme');
      await checkpoints.take('globex');
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase('cli_export');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString);
    directory = await mkdtemp(join(tmpdir(), 'ledger-export-'));
    keyFile = join(directory, 'audit-key.pem');
    await writeFile(keyFile, keys.publicKeyPem);
    for (const [tenant, name] of [['acme', 'Acme'], ['globex', 'Globex']]) {
      expect((await cli(['tenant', 'create', tenant as string, '--name', name as string])).code).toBe(0);
    }
    await runAsSystem('export test', () => ensureAuditCheckpointStore(connection.db));
    await seedInvoiceHistory(store, 'acme', 6, 'cli-export');
    await seedInvoiceHistory(store, 'globex', 4, 'cli-export-2');
    // Before the projection has ever run there is no tree to export against.
    const unsealed = await cli(['export', '--tenant', 'acme', '--out', join(directory, 'unsealed.jsonl')]);
    expect({ code: unsealed.code, stderr: unsealed.stderr.trim() }).toEqual({ code: 1, stderr: expect.stringContaining('the audit_merkle read model does not exist yet') });
    expect(await readFile(join(directory, 'unsealed.jsonl'), 'utf8').catch(() => 'removed')).toBe('removed');
    await sealAndCheckpoint('2026-12-07T10:00:00.000Z');
    await seedInvoiceHistory(store, 'acme', 4, 'cli-export-3');
    await sealAndCheckpoint('2026-12-07T11:00:00.000Z');
    acme = await readSettledLog(store, { filter: { streamPrefixes: ['acme:'] }, markerTenant: 'export-marker' });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await connection?.close();
    await database?.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('exports a tenant into a file that `ledger verify` and the standalone script verify', async () => {
    const file = join(directory, 'acme.jsonl');
    const exported = await cli(['export', '--tenant', 'acme', '--out', file]);
    expect({ code: exported.code, stdout: exported.stdout.trim() }).toEqual({ code: 0, stdout: `exported ${acme.length} events and 2 checkpoints of tenant acme into ${file}` });
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; eventId?: string });
    expect(lines.map((line) => line.kind)).toEqual(['header', 'checkpoint', 'checkpoint', 'consistency', ...acme.map(() => 'event'), 'end']);
    expect(lines.filter((line) => line.kind === 'event').map((line) => line.eventId)).toEqual(acme.map((event) => event.eventId));

    const verified = await cli(['verify', file, '--public-key', keyFile]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('verified: the export of tenant acme');
    expect(verified.stdout).toContain(`sealed:      ${acme.length} (leaves 0 to ${acme.length - 1})`);
    expect(verified.stdout).toContain('checkpoints: 2 signatures and their consistency verified; 2 roots recomputed');
    const standalone = await run([STANDALONE, file, '--public-key', keyFile]);
    expect(standalone.code).toBe(0);
    expect(standalone.stdout).toBe(verified.stdout);
  }, 120_000);

  it('exports from a position: the frontier and the anchors let the verifier continue the tree and the chains', async () => {
    // A bound in the middle of a stream, so that its first exported event needs an anchor.
    const cut = acme.findIndex((event, index) => index >= 5 && (acme[index + 1] as RecordedEvent | undefined)?.streamId === event.streamId);
    const from = encodePosition((acme[cut] as RecordedEvent).position);
    const to = encodePosition((acme[acme.length - 3] as RecordedEvent).position);
    const file = join(directory, 'acme-part.jsonl');
    expect((await cli(['export', '--tenant', 'acme', '--from', from, '--to', to, '--out', file])).code).toBe(0);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; startTreeSize?: number; streamId?: string });
    expect(lines[0]).toMatchObject({ kind: 'header', from, to, startTreeSize: cut + 1 });
    expect(lines.some((line) => line.kind === 'frontier')).toBe(true);
    expect(lines.filter((line) => line.kind === 'anchor').map((line) => line.streamId)).toContain((acme[cut] as RecordedEvent).streamId);
    const verified = await cli(['--json', 'verify', file, '--public-key', keyFile]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, summary: { events: acme.length - cut - 3, firstLeaf: cut + 1, treeSize: acme.length - 2 } });
  }, 120_000);

  it('writes to stdout without --out, with plain progress lines and the summary on stderr off a terminal', async () => {
    const exported = await cli(['export', '--tenant', 'globex']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; streamId?: string });
    expect(lines[0]).toMatchObject({ kind: 'header', tenantId: 'globex' });
    expect(lines.filter((line) => line.kind === 'event').every((line) => line.streamId?.startsWith('globex:'))).toBe(true);
    expect(exported.stderr).toMatch(/ledger: export tenant globex: [\d,]+ \/ [\d,]+ events \(100%\)/);
    expect(exported.stderr).toContain('ledger: exported');
  }, 120_000);

  it('names a tampered event: exit status 1 from `ledger verify` and from the standalone script', async () => {
    const target = acme[4] as RecordedEvent;
    await runAsSystem('export test: tamper', () => sql`update event_store.events set data = data || '{"note":"forged"}'::jsonb where event_id = ${target.eventId}::uuid`.execute(connection.db));
    const file = join(directory, 'acme-tampered.jsonl');
    expect((await cli(['export', '--tenant', 'acme', '--out', file])).code).toBe(0);
    const verified = await cli(['verify', file, '--public-key', keyFile]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`FAILED CHANGED: event ${target.eventId}`);
    expect(verified.stderr).toContain('error: the export does not verify: CHANGED');
    const standalone = await run([STANDALONE, file, '--public-key', keyFile]);
    expect(standalone.code).toBe(1);
    expect(standalone.stdout).toContain(target.eventId);
  }, 120_000);

  it('refuses clearly: an unknown tenant, a bad position, reversed bounds, an existing file, an unreadable or missing key', async () => {
    const unknown = await cli(['export', '--tenant', 'initech', '--out', join(directory, 'x.jsonl')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: .*initech/m);
    const badPosition = await cli(['export', '--tenant', 'acme', '--from', 'yesterday']);
    expect(badPosition.code).toBe(2);
    expect(badPosition.stderr).toContain('expected a position <commit>.<prepare>');
    const from = encodePosition((acme[5] as RecordedEvent).position);
    const to = encodePosition((acme[2] as RecordedEvent).position);
    const reversed = await cli(['export', '--tenant', 'acme', '--from', from, '--to', to, '--out', join(directory, 'y.jsonl')]);
    expect(reversed.code).toBe(1);
    expect(reversed.stderr).toContain('must come before');
    const existing = await cli(['export', '--tenant', 'acme', '--out', keyFile]);
    expect(existing.code).toBe(1);
    expect(existing.stderr).toContain('exists already');
    const noKey = await cli(['verify', join(directory, 'acme.jsonl')]);
    expect(noKey.code).toBe(2);
    const unreadable = await cli(['verify', join(directory, 'acme.jsonl'), '--public-key', join(directory, 'missing.pem')]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('cannot read the public key file');
    const privateKeyFile = join(directory, 'private.pem');
    await writeFile(privateKeyFile, keys.privateKeyPem);
    const wrongKind = await cli(['verify', join(directory, 'acme.jsonl'), '--public-key', privateKeyFile]);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain('public key');
  }, 120_000);
});
