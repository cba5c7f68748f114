import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { connectDatabase, runForTenant, type DatabaseConnection } from '../../libs/database/src/index.js';
import { encodePosition, PostgresEventStore, type Position, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { loadCheckpoint, ProjectionRunner, projectionStateHash, rebuildProjection, type Projection, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { allProjections } from '../../projections/index.js';
import { seedInvoiceHistory } from '../support/seed-ledger-history.js';

/**
 * `npm run ledger -- replay` and `rebuild` as an operator runs them (the built CLI in a child process, off a terminal):
 * the log in (P, Q] as JSON Lines, filtered by type and tenant, each event checked against today's schemas, summed up
 * per type with a digest; a rebuild stopped at Q with its state hash; refusals with clear messages and exit codes.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[], connectionString: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), DATABASE_URL: connectionString };
    execFile(process.execPath, [CLI, ...args], { env, timeout: 110_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

interface ReplayLine {
  readonly position: string;
  readonly recordedAt: string;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly eventId: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

interface ReplaySummaryJson {
  readonly from: string;
  readonly to: string;
  readonly events: number;
  readonly types: Record<string, number>;
  readonly digest: string;
  readonly failures: number;
  readonly failed: { eventId: string; type: string; position: string; reason: string }[];
}

const countTypes = (events: readonly { type: string }[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const event of [...events].sort((left, right) => (left.type < right.type ? -1 : left.type > right.type ? 1 : 0))) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
};

describe('ledger replay and ledger rebuild', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let store: PostgresEventStore;
  let directory: string;
  let log: RecordedEvent[];
  let head: Position;
  const invoices = allProjections.find((projection) => projection.name === 'invoices') as Projection;

  beforeAll(async () => {
    database = await createTestDatabase('cli_replay');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString);
    directory = await mkdtemp(join(tmpdir(), 'ledger-replay-'));
    for (const [tenant, name] of [['acme', 'Acme'], ['globex', 'Globex']]) {
      const created = await runCli(['tenant', 'create', tenant as string, '--name', name as string], database.connectionString);
      expect(created.code).toBe(0);
    }
    await seedInvoiceHistory(store, 'acme', 40, 'cli-replay', { withSettings: true });
    await seedInvoiceHistory(store, 'globex', 25, 'cli-replay-2', { withSettings: true });
    // $all shows a commit once no older transaction of the whole server is still open, and other test files' transactions
    // on the same server can hold it back for a moment: wait until it shows every stored event.
    const { rows } = await sql<{ stored: number }>`select count(*)::int as stored from event_store.events`.execute(connection.db);
    const stored = rows[0]?.stored ?? 0;
    for (const deadline = Date.now() + 30_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
      log = await store.readAll({ maxCount: 100_000 });
      if (log.length >= stored || Date.now() > deadline) break;
    }
    expect(log).toHaveLength(stored);
    head = await store.headPosition();
    expect(encodePosition(head)).toBe(encodePosition(log.at(-1)!.position));
  }, 120_000);

  afterAll(async () => {
    await store.close();
    await connection.close();
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  async function replayToFile(args: readonly string[], file: string): Promise<{ result: CliResult; lines: ReplayLine[]; summary: ReplaySummaryJson }> {
    const result = await runCli(['--json', 'replay', ...args, '--out', file], database.connectionString);
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ReplayLine);
    return { result, lines, summary: result.stdout.trim() === '' ? ({} as ReplaySummaryJson) : (JSON.parse(result.stdout) as ReplaySummaryJson) };
  }

  it('writes the whole log as JSON Lines in global order, with metadata, and sums it up per type with a digest', async () => {
    const { result, lines, summary } = await replayToFile(['--from', 'start', '--to', 'end'], join(directory, 'all.jsonl'));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(log.length).toBeGreaterThan(200);
    expect(lines.map((line) => line.eventId)).toEqual(log.map((event) => event.eventId));
    expect(lines.map((line) => line.position)).toEqual(log.map((event) => encodePosition(event.position)));
    const first = lines[0]!;
    expect(first).toEqual({
      position: encodePosition(log[0]!.position),
      recordedAt: log[0]!.recordedAt.toISOString(),
      stream: log[0]!.streamId,
      revision: log[0]!.revision.toString(),
      type: log[0]!.type,
      eventId: log[0]!.eventId,
      data: log[0]!.data,
      metadata: log[0]!.metadata,
    });
    expect(Object.keys(first.metadata)).toEqual(expect.arrayContaining(['actor', 'commandId', 'correlationId', 'causationId', 'tenantId']));
    expect(summary).toMatchObject({ from: '0.0', to: encodePosition(head), events: log.length, types: countTypes(log), failures: 0, failed: [] });
    expect(summary.digest).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);

  it('gives two replays of one range the same digest, and another range another digest and its own counts', async () => {
    const middle = log[Math.floor(log.length / 2)]!;
    const range = ['--from', encodePosition(log[9]!.position), '--to', encodePosition(middle.position)];
    const [once, twice] = [await replayToFile(range, join(directory, 'a.jsonl')), await replayToFile(range, join(directory, 'b.jsonl'))];
    const expected = log.slice(10, Math.floor(log.length / 2) + 1);
    expect(once.lines.map((line) => line.eventId)).toEqual(expected.map((event) => event.eventId));
    expect(once.summary.types).toEqual(countTypes(expected));
    expect(twice.summary.digest).toBe(once.summary.digest);
    const longer = await replayToFile(['--from', encodePosition(log[9]!.position), '--to', 'end'], join(directory, 'c.jsonl'));
    expect(longer.summary.events).toBe(log.length - 10);
    expect(longer.summary.digest).not.toBe(once.summary.digest);
    // Off a terminal, progress comes as plain lines on stderr; the last one at 100 %.
    const plain = await runCli(['replay', ...range, '--out', join(directory, 'd.jsonl')], database.connectionString);
    expect(plain.code).toBe(0);
    expect(plain.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^ledger: replay every tenant: ${expected.length} / ${expected.length} events \\(100%\\), [\\d,]+ events/s, read in [\\d.]+ s$`));
    expect(plain.stdout).toContain(`digest sha256 ${once.summary.digest}`);
    expect(plain.stdout).toMatch(new RegExp(`^replayed ${expected.length} event\\(s\\) in \\(${encodePosition(log[9]!.position).replace('.', '\\.')}, `));
  }, 120_000);

  it('filters by event type and by tenant (through its row-level security scope)', async () => {
    const byType = await replayToFile(['--from', 'start', '--to', 'end', '--types', 'InvoiceIssued,InvoiceVoided'], join(directory, 'types.jsonl'));
    const issuedOrVoided = log.filter((event) => event.type === 'InvoiceIssued' || event.type === 'InvoiceVoided');
    expect(issuedOrVoided.length).toBeGreaterThan(10);
    expect(byType.lines.map((line) => line.eventId)).toEqual(issuedOrVoided.map((event) => event.eventId));
    expect(byType.summary.types).toEqual(countTypes(issuedOrVoided));
    const byTenant = await replayToFile(['--from', 'start', '--to', 'end', '--tenant', 'globex'], join(directory, 'globex.jsonl'));
    const globex = log.filter((event) => event.streamId.startsWith('globex:'));
    expect(globex.length).toBeGreaterThan(10);
    expect(byTenant.lines.map((line) => line.eventId)).toEqual(globex.map((event) => event.eventId));
    expect(byTenant.summary.types).toEqual(countTypes(globex));
  }, 120_000);

  it('refuses bad input with a clear message: exit 2 for usage, 1 for an unknown tenant', async () => {
    const cases: [readonly string[], number, RegExp][] = [
      [['--from', 'start', '--to', '12-3'], 2, /option '--to <position>' argument '12-3' is invalid\. expected a position <commit>\.<prepare>/],
      [['--from', encodePosition(log[20]!.position), '--to', encodePosition(log[10]!.position)], 2, /error: --to \S+ lies before --from \S+/],
      [['--from', 'end', '--to', encodePosition(log[10]!.position)], 2, /error: --to \S+ \(\S+\) lies before --from end/],
      [['--from', 'start', '--to', 'end', '--types', 'InvoiceIssued,InvoiceTeleported'], 2, /error: no event type named InvoiceTeleported is registered; the registered types are .*InvoiceIssued/],
      [['--from', 'start', '--to', 'end', '--tenant', 'nobody'], 1, /^error: no tenant "nobody"$/m],
      [['--from', encodePosition(log[10]!.position), '--to', 'end', '--projection', 'invoices'], 2, /error: --projection rebuilds the read model from the start of the log, so --from must be start/],
      [['--from', 'start', '--to', 'end', '--projection', 'nonsense'], 1, /^error: no projection named nonsense; the projections are invoices, /m],
      [['--from', 'start', '--to', 'end', '--projection', 'invoices', '--types', 'InvoiceIssued'], 2, /cannot be used with option '--types/],
      [['--to', 'end'], 2, /required option '--from <position>' not specified/],
      [['--from', 'start', '--to', 'end', '--out', join(directory, 'missing', 'x.jsonl')], 1, /^error: ENOENT: no such file or directory, open '.*x\.jsonl'$/m],
    ];
    for (const [args, code, message] of cases) {
      const refused = await runCli(['replay', ...args], database.connectionString);
      expect({ args, code: refused.code, stdout: refused.stdout }).toEqual({ args, code, stdout: '' });
      expect(refused.stderr).toMatch(message);
    }
  }, 120_000);

  it('with --projection, rebuilds up to Q into a scratch schema, prints its state hash (the live one at the head) and drops it', async () => {
    await sql`select 1`.execute(connection.db);
    const runner = new ProjectionRunner({ store, db: connection.db, connectionString: database.connectionString, projections: [invoices] });
    await runner.start();
    for (;;) {
      const checkpoint = await loadCheckpoint(connection.db, invoices.name, 'read_models');
      if (checkpoint && checkpoint.position.commit >= head.commit) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await runner.stop();
    const live = await projectionStateHash(connection.db, 'read_models', invoices);
    const atHead = await runCli(['replay', '--from', 'start', '--to', 'end', '--projection', 'invoices'], database.connectionString);
    expect(atHead.code).toBe(0);
    expect(atHead.stdout.trimEnd().split('\n').at(-1)).toBe(`state hash invoices ${live}`);
    // A tenant's hash: of its rows only, as its requests would see them.
    const acme = await runCli(['--json', 'replay', '--from', 'start', '--to', 'end', '--projection', 'invoices', '--tenant', 'acme'], database.connectionString);
    expect(acme.code).toBe(0);
    const acmeLive = await runForTenant({ tenantId: 'acme' }, () => projectionStateHash(connection.db, 'read_models', invoices));
    expect(JSON.parse(acme.stdout)).toMatchObject({ projection: 'invoices', to: encodePosition(head), tenant: 'acme', stateHash: acmeLive });
    expect(acmeLive).not.toBe(live);
    // Stopped in the middle: the hash of a rebuild stopped there, not the live one.
    const middle = log[Math.floor(log.length / 2)]!.position;
    const stopped = await runCli(['--json', 'replay', '--from', 'start', '--to', encodePosition(middle), '--projection', 'invoices'], database.connectionString);
    expect(stopped.code).toBe(0);
    const reference = await rebuildProjection(store, connection.db, invoices, { buildSchema: 'reference_invoices', toPosition: middle });
    const output = JSON.parse(stopped.stdout) as { stateHash: string; position: string; events: number };
    expect(output).toMatchObject({ stateHash: await projectionStateHash(connection.db, 'reference_invoices', invoices), position: encodePosition(reference.position), events: reference.events });
    expect(output.stateHash).not.toBe(live);
    const { rows: schemas } = await sql<{ name: string }>`select nspname as name from pg_namespace where nspname like 'replay\\_%'`.execute(connection.db);
    expect(schemas).toEqual([]);
    const { rows: checkpoints } = await sql<{ name: string }>`select schema_name as name from projection_runtime.checkpoints where schema_name like 'replay\\_%'`.execute(connection.db);
    expect(checkpoints).toEqual([]);
  }, 120_000);

  it('`ledger rebuild` is `projections rebuild`: the same output with state hashes, and the known names on an unknown one', async () => {
    const rebuilt = await runCli(['rebuild', 'invoices', '--workers', '1'], database.connectionString);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout.trimEnd()).toMatch(/^rebuilt 1 projection\(s\) in [\d.]+ s:\n {2}invoices +\d+ events\nstate hash invoices [0-9a-f]{64}$/);
    expect(rebuilt.stdout.trimEnd().split('\n').at(-1)).toBe(`state hash invoices ${await projectionStateHash(connection.db, 'read_models', invoices)}`);
    expect(rebuilt.stderr).toMatch(/^ledger: rebuild invoices: [\d,]+ \/ [\d,]+ events \(100%\)/m);
    const unknown = await runCli(['rebuild', 'invoices', 'nonsense'], database.connectionString);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: no projection named nonsense; the projections are invoices, customer_balances, /);
  }, 120_000);

  it('names each event that no longer parses with its schema (and one of a type no longer registered), and exits 1 after the summary', async () => {
    const broken = await store.appendToStream('acme:invoice-broken', [{ eventId: '00000000-0000-4000-8000-00000000b40c', type: 'InvoiceIssued', data: { invoiceId: 42 }, metadata: { tenantId: 'acme', actor: 'test', schemaVersion: 1 } }], { expectedRevision: 'no_stream' });
    await store.appendToStream('acme:retired-1', [{ eventId: '00000000-0000-4000-8000-00000000b40d', type: 'WidgetRetired', data: {}, metadata: { tenantId: 'acme' } }], { expectedRevision: 'no_stream' });
    const from = encodePosition(head);
    const { result, lines, summary } = await replayToFile(['--from', from, '--to', 'end'], join(directory, 'broken.jsonl'));
    expect(result.code).toBe(1);
    expect(lines.map((line) => line.eventId)).toEqual(['00000000-0000-4000-8000-00000000b40c', '00000000-0000-4000-8000-00000000b40d']);
    expect(summary).toMatchObject({ events: 2, failures: 2, types: { InvoiceIssued: 1, WidgetRetired: 1 } });
    expect(summary.failed[0]).toMatchObject({ eventId: '00000000-0000-4000-8000-00000000b40c', type: 'InvoiceIssued', position: encodePosition(broken.position) });
    expect(summary.failed[0]?.reason).toMatch(/invoiceId: /);
    expect(summary.failed[1]).toMatchObject({ eventId: '00000000-0000-4000-8000-00000000b40d', reason: 'no event schema is registered for type WidgetRetired' });
    const stderr = result.stderr.trim().split('\n');
    expect(stderr[0]).toMatch(/^ledger: replay: event 00000000-0000-4000-8000-00000000b40c \(InvoiceIssued at \S+\) no longer parses: invoiceId: /);
    expect(stderr.at(-1)).toMatch(/^\{"error":\{"message":"2 event\(s\) no longer parse with today's event schemas \(the first: event 00000000-0000-4000-8000-00000000b40c, InvoiceIssued at /);
  }, 120_000);
});
