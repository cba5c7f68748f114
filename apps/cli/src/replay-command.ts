import { open } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Kysely } from 'kysely';
import { decodePosition, encodePosition, START_POSITION, comparePositions } from '../../../libs/event-store/src/position.js';
import type { Position } from '../../../libs/event-store/src/event-store.port.js';
import type { Projection } from '../../../libs/projection-runtime/src/projection.js';
import type { CliIo } from './cli-output.js';

/** `start`, `end` (the head of the log when the command starts) or a position `<commit>.<prepare>`. */
export type PositionArgument = Position | 'start' | 'end';

/** What ledger-cli.ts lends the command: its output and its one way of opening the database (as the system role). */
export interface ReplayCommandContext {
  readonly io: CliIo;
  readonly environment: NodeJS.ProcessEnv;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly withDatabase: <Result>(environment: NodeJS.ProcessEnv, io: CliIo, work: (db: Kysely<any>, connectionString: string) => Promise<Result>) => Promise<Result>;
}

interface ReplayOptions {
  readonly from: PositionArgument;
  readonly to: PositionArgument;
  readonly types?: readonly string[];
  readonly tenant?: string;
  readonly out?: string;
  readonly projection?: string;
  readonly pageSize?: number;
}

/** A commander argument parser for --from and --to. */
export function parsePositionArgument(value: string): PositionArgument {
  if (value === 'start' || value === 'end') return value;
  try {
    return decodePosition(value);
  } catch {
    throw new InvalidArgumentError('expected a position <commit>.<prepare> (two unsigned integers, as auditLog and the export print them), start or end');
  }
}

function parseTypes(value: string): string[] {
  const types = value.split(',').map((type) => type.trim());
  if (types.some((type) => type.length === 0)) throw new InvalidArgumentError('expected event type names separated by commas, e.g. InvoiceIssued,PaymentRecorded');
  return [...new Set(types)];
}

function parsePageSize(value: string): number {
  const size = Number(value);
  if (!/^\d+$/.test(value) || size < 1 || size > 10_000) throw new InvalidArgumentError('expected a whole number of events from 1 to 10000');
  return size;
}

/** The named projections, or an error that lists the known names: the one check of `rebuild` and `replay --projection`. */
export function chooseProjections(all: readonly Projection[], names: readonly string[]): Projection[] {
  const unknown = names.filter((name) => !all.some((projection) => projection.name === name));
  if (unknown.length > 0) throw new Error(`no projection named ${unknown.join(', ')}; the projections are ${all.map((projection) => projection.name).join(', ')}`);
  return names.length === 0 ? [...all] : all.filter((projection) => names.includes(projection.name));
}

const describePosition = (position: PositionArgument): string => (typeof position === 'string' ? position : encodePosition(position));

/**
 * `ledger replay --from P --to Q`: the log in (P, Q] as JSON Lines, each event checked against today's schemas, with a
 * per-type summary and a digest; or, with --projection, a rebuild of one read model stopped at Q and its state hash.
 */
export function addReplayCommand(program: Command, context: ReplayCommandContext): Command {
  return program
    .command('replay')
    .description("read the log in (--from, --to] as JSON Lines, checking every event against today's event schemas; or rebuild one projection up to --to")
    .addOption(new Option('--from <position>', 'exclusive start: <commit>.<prepare>, start or end').argParser(parsePositionArgument).makeOptionMandatory())
    .addOption(new Option('--to <position>', 'inclusive end: <commit>.<prepare>, start or end (the head when the command starts)').argParser(parsePositionArgument).makeOptionMandatory())
    .addOption(new Option('--types <types>', 'only these event types, separated by commas').argParser(parseTypes))
    .option('--tenant <tenantId>', "only this tenant's events (read in its row-level security scope)")
    .option('--out <file>', 'write the events to this file instead of stdout (the summary then goes to stdout)')
    .addOption(new Option('--projection <name>', 'rebuild this projection from the start up to --to into a scratch schema, print its state hash, drop it').conflicts(['types', 'out']))
    .addOption(new Option('--page-size <events>', 'events read per page (default 1000)').argParser(parsePageSize).hideHelp())
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  npm run ledger -- replay --from start --to end --out history.jsonl\n' +
        '  npm run ledger -- replay --from 1234.56 --to end --types InvoiceIssued,InvoiceVoided --tenant acme\n' +
        '  npm run ledger -- replay --from start --to 1234.56 --projection invoices --tenant acme',
    )
    .action(async (options: ReplayOptions, command: Command) => {
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      if (options.projection !== undefined && (options.from === 'end' || comparePositions(resolveFixed(options.from), START_POSITION) !== 0)) {
        command.error(`error: --projection rebuilds the read model from the start of the log, so --from must be start (got ${describePosition(options.from)})`);
      }
      if (options.from !== 'end' && options.to !== 'end' && comparePositions(resolveFixed(options.from), resolveFixed(options.to)) > 0) {
        command.error(`error: --to ${describePosition(options.to)} lies before --from ${describePosition(options.from)}`);
      }
      const [{ registeredEventTypes }] = await Promise.all([import('./replay.js')]);
      if (options.types !== undefined) {
        const known = registeredEventTypes();
        const unknown = options.types.filter((type) => !known.has(type));
        if (unknown.length > 0) command.error(`error: no event type named ${unknown.join(', ')} is registered; the registered types are ${[...known.keys()].sort().join(', ')}`);
      }
      if (options.projection !== undefined) {
        await replayProjection(context, options, command, json);
        return;
      }
      await replayEvents(context, options, command, json);
    });
}

/** A position known without the database: `start` is the beginning of the log (callers resolve `end` first). */
function resolveFixed(position: Position | 'start'): Position {
  return position === 'start' ? START_POSITION : position;
}

type Scoped = <Result>(work: () => Promise<Result>) => Promise<Result>;

/** Opens the database, checks the tenant and resolves `end`; the work then runs in the tenant's scope when one is given. */
async function withReplayDatabase<Result>(
  context: ReplayCommandContext,
  options: ReplayOptions,
  command: Command,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  work: (session: { db: Kysely<any>; connectionString: string; from: Position; to: Position; scoped: Scoped }) => Promise<Result>,
): Promise<Result> {
  const [{ ApiKeysService }, { runForTenant }, { PostgresEventStore }] = await Promise.all([
    import('../../../libs/access/src/api-keys.service.js'),
    import('../../../libs/database/src/index.js'),
    import('../../../libs/event-store/src/index.js'),
  ]);
  return context.withDatabase(context.environment, context.io, async (db, connectionString) => {
    if (options.tenant !== undefined) await new ApiKeysService(db).requireTenant(options.tenant);
    const needsHead = options.from === 'end' || options.to === 'end';
    let head = START_POSITION;
    if (needsHead) {
      const store = new PostgresEventStore({ connectionString, poolSize: 1 });
      try {
        head = await store.headPosition();
      } finally {
        await store.close();
      }
    }
    const resolve = (position: PositionArgument): Position => (position === 'end' ? head : resolveFixed(position));
    const from = resolve(options.from);
    const to = resolve(options.to);
    if (comparePositions(from, to) > 0) command.error(`error: --to ${describePosition(options.to)} (${encodePosition(to)}) lies before --from ${describePosition(options.from)} (${encodePosition(from)})`);
    const tenant = options.tenant;
    const scoped: Scoped = (inner) => (tenant === undefined ? inner() : runForTenant({ tenantId: tenant }, inner));
    return work({ db, connectionString, from, to, scoped });
  });
}

/** Progress on stderr like a rebuild's: a bar on a terminal, plain lines otherwise, none where stderr must stay clean. */
async function progressView(io: CliIo, json: boolean) {
  const { plainRebuildProgress, terminalRebuildProgress } = await import('./rebuild-progress.js');
  if (json && !io.errIsTerminal) return undefined;
  return io.errIsTerminal ? terminalRebuildProgress(process.stderr) : plainRebuildProgress((line) => io.err(`ledger: ${line}`), Date.now, undefined, 'replay');
}

async function replayEvents(context: ReplayCommandContext, options: ReplayOptions, command: Command, json: boolean): Promise<void> {
  const { io } = context;
  const [{ countReplayEvents, lineWriter, replayLog, REPLAY_FAILURES_LISTED }, { PostgresEventStore }] = await Promise.all([import('./replay.js'), import('../../../libs/event-store/src/index.js')]);
  // Opened first: a path that cannot be written is refused before the database is opened.
  const file = options.out === undefined ? undefined : (await open(options.out, 'w')).createWriteStream({ encoding: 'utf8' });
  let fileError: Error | undefined;
  file?.on('error', (error: Error) => (fileError = error));
  const writeLine = lineWriter(file ?? process.stdout);
  const write = async (line: string): Promise<void> => {
    if (fileError) throw new Error(`cannot write ${options.out}: ${fileError.message}`, { cause: fileError });
    await writeLine(line);
  };
  const view = await progressView(io, json);
  const started = Date.now();
  let listed = 0;
  const closeFile = async (): Promise<void> => {
    if (!file) return;
    file.end();
    await finished(file).catch(() => undefined);
  };
  const { summary, from, to } = await withReplayDatabase(context, options, command, async ({ db, connectionString, from, to, scoped }) => {
    const range = { from, to, types: options.types, pageSize: options.pageSize };
    const store = new PostgresEventStore({ connectionString, poolSize: 2 });
    const label = [options.tenant === undefined ? 'every tenant' : `tenant ${options.tenant}`, ...(options.types ? [options.types.join(', ')] : [])].join(', ');
    try {
      return await scoped(async () => {
        const total = view ? await countReplayEvents(db, range) : 0;
        // The progress views name a read of the log by its `projections`: for a replay, its scope and types.
        const progress = (eventsRead: number, done: boolean) => view?.update({ projections: [label], eventsRead, eventsTotal: Math.max(total, eventsRead), done });
        const summary = await replayLog(store, range, {
          record: (record) => write(JSON.stringify(record)),
          failure: (failure) => {
            // Named one by one up to a bound (a broken history must not flood the terminal); the summary counts all.
            if (listed++ < REPLAY_FAILURES_LISTED) io.err(`ledger: replay: event ${failure.eventId} (${failure.type} at ${failure.position}) no longer parses: ${failure.reason}`);
          },
          progress: (eventsRead) => progress(eventsRead, false),
        });
        progress(summary.events, true);
        return { summary, from, to };
      });
    } finally {
      view?.stop();
      await store.close();
    }
  }).finally(closeFile);
  const seconds = (Date.now() - started) / 1000;
  const report = json
    ? JSON.stringify({ from: encodePosition(from), to: encodePosition(to), tenant: options.tenant ?? null, events: summary.events, types: summary.types, digest: summary.digest, failures: summary.failures, failed: summary.failed, seconds })
    : [
        `replayed ${summary.events} event(s) in (${encodePosition(from)}, ${encodePosition(to)}]${options.tenant === undefined ? '' : ` of tenant ${options.tenant}`} in ${seconds.toFixed(1)} s:`,
        ...Object.entries(summary.types).map(([type, count]) => `  ${type.padEnd(40)} ${String(count).padStart(10)}`),
        `digest sha256 ${summary.digest}`,
      ].join('\n');
  // The summary goes where the events do not: stdout when they went to a file, stderr when they filled stdout.
  (options.out === undefined ? io.err : io.out)(report);
  if (summary.failures > 0) {
    const first = summary.failed[0];
    throw new Error(`${summary.failures} event(s) no longer parse with today's event schemas (the first: event ${first?.eventId}, ${first?.type} at ${first?.position}: ${first?.reason})`);
  }
}

async function replayProjection(context: ReplayCommandContext, options: ReplayOptions, command: Command, json: boolean): Promise<void> {
  const { io } = context;
  const [{ allProjections }, { projectionStateHash, rebuildProjection }, { PostgresEventStore }, { secureTenantTables }, { sql }] = await Promise.all([
    import('../../../projections/index.js'),
    import('../../../libs/projection-runtime/src/index.js'),
    import('../../../libs/event-store/src/index.js'),
    import('../../../libs/database/src/index.js'),
    import('kysely'),
  ]);
  const [projection] = chooseProjections(allProjections, [options.projection as string]) as [Projection];
  const view = await progressView(io, json);
  const schema = `replay_${projection.name.replace(/[^a-z0-9_]/g, '_')}_${Date.now().toString(36)}`;
  const result = await withReplayDatabase(context, options, command, async ({ db, connectionString, to, scoped }) => {
    const store = new PostgresEventStore({ connectionString, poolSize: 2 });
    try {
      // The rebuild runs as the system role over every tenant's events (a read model is one function of the whole
      // log); a tenant's hash is then of its rows only, read through row-level security like its requests.
      const rebuilt = await rebuildProjection(store, db, projection, { buildSchema: schema, toPosition: to, log: (line) => view?.note(line), progress: view?.update });
      if (options.tenant !== undefined) await secureTenantTables(db, projection.tables.map((table) => `${schema}.${table}`));
      const stateHash = await scoped(() => projectionStateHash(db, schema, projection));
      return { rebuilt, stateHash, to };
    } finally {
      view?.stop();
      await store.close();
      await sql.raw(`drop schema if exists ${schema} cascade`).execute(db);
      await sql`delete from projection_runtime.checkpoints where name = ${projection.name} and schema_name = ${schema}`.execute(db).catch(() => undefined);
    }
  });
  const position = encodePosition(result.rebuilt.position);
  io.out(
    json
      ? JSON.stringify({ projection: projection.name, to: encodePosition(result.to), position, events: result.rebuilt.events, tenant: options.tenant ?? null, stateHash: result.stateHash })
      : [
          `rebuilt ${projection.name} from the start to ${encodePosition(result.to)}: ${result.rebuilt.events} event(s), last applied at ${position}${options.tenant === undefined ? '' : `; hashed for tenant ${options.tenant}`}`,
          `state hash ${projection.name} ${result.stateHash}`,
        ].join('\n'),
  );
}
