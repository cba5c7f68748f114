import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Kysely } from 'kysely';
import type { CliIo } from './cli-output.js';
import type { LedgerExportResult } from './ledger-export.js';

/** What ledger-cli.ts lends the command: its output and its one way of opening the database (as the system role). */
export interface ExportCommandContext {
  readonly io: CliIo;
  readonly environment: NodeJS.ProcessEnv;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly withDatabase: <Result>(environment: NodeJS.ProcessEnv, io: CliIo, work: (db: Kysely<any>, connectionString: string) => Promise<Result>) => Promise<Result>;
  /** Where the file goes without --out (process.stdout; a test passes its own). */
  readonly stdout?: NodeJS.WritableStream;
}

const POSITION = /^(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,19})$/;

/** --from / --to: a position `<commit>.<prepare>` as auditLog prints it. */
export function parseExportPosition(value: string): string {
  if (!POSITION.test(value) || value.split('.').some((part) => BigInt(part) > (1n << 64n) - 1n)) {
    throw new InvalidArgumentError('expected a position <commit>.<prepare> (two unsigned integers, as auditLog prints them)');
  }
  return value;
}

interface ExportOptions {
  readonly tenant: string;
  readonly from?: string;
  readonly to?: string;
  readonly out?: string;
}

/**
 * `ledger export --tenant T [--from P] [--to Q] [--out FILE]`: the tenant's events in (P, Q] with their hashes and
 * leaves, and its signed checkpoints, as JSON Lines (docs/audit-export.md), on stdout or into FILE. Progress goes to
 * stderr: a bar on a terminal, a plain line every 2 s otherwise (none with --json off a terminal).
 */
export function addExportCommand(program: Command, context: ExportCommandContext): void {
  program
    .command('export')
    .description("write a tenant's log with its hashes, seals and signed checkpoints as JSON Lines, for `ledger verify` or tools/verify-ledger-export.mjs")
    .addOption(new Option('--tenant <tenantId>', 'the tenant whose log is exported').makeOptionMandatory())
    .addOption(new Option('--from <position>', 'export the events after this position (default: from the start)').argParser(parseExportPosition))
    .addOption(new Option('--to <position>', 'export the events up to this position, inclusive (default: to the head)').argParser(parseExportPosition))
    .option('--out <file>', 'write the export into this file (default: stdout)')
    .addHelpText('after', '\nExamples:\n  npm run ledger -- export --tenant acme --out acme.jsonl\n  npm run ledger -- export --tenant acme --from 1042.17 --to 2250.3 > acme-december.jsonl')
    .action(async (options: ExportOptions, command: Command) => {
      const { io } = context;
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      const [{ writeLedgerExport }, { runForTenant }, { ApiKeysService }, { plainRebuildProgress, terminalRebuildProgress }] = await Promise.all([
        import('./ledger-export.js'),
        import('../../../libs/database/src/index.js'),
        import('../../../libs/access/src/api-keys.service.js'),
        import('./rebuild-progress.js'),
      ]);
      const output = options.out === undefined ? (context.stdout ?? process.stdout) : createWriteStream(options.out, { flags: 'wx' });
      if (options.out !== undefined) await opened(output as WriteStream, options.out);
      // Progress on stderr, except where stderr is a script's error channel (--json, not on a terminal).
      const quiet = json && !io.errIsTerminal;
      const label = `tenant ${options.tenant}`;
      const view = quiet ? undefined : io.errIsTerminal ? terminalRebuildProgress(process.stderr) : plainRebuildProgress((line) => io.err(`ledger: ${line}`), Date.now, 2_000, 'export');
      let result: LedgerExportResult;
      let failed = true;
      try {
        result = await context.withDatabase(context.environment, io, async (db) => {
          await new ApiKeysService(db).requireTenant(options.tenant);
          return runForTenant({ tenantId: options.tenant }, () =>
            writeLedgerExport(
              db,
              {
                tenantId: options.tenant,
                from: options.from ?? null,
                to: options.to ?? null,
                exportedAt: new Date().toISOString(),
                progress: (written, total, done) => view?.update({ projections: [label], eventsRead: written, eventsTotal: total, done }),
              },
              (line) => writeLine(output, line),
            ),
          );
        });
        failed = false;
      } finally {
        view?.stop();
        if (options.out !== undefined) {
          (output as WriteStream).end();
          await once(output, 'close');
          // A half-written export is no export: the file this command created goes (a retry may use the same name).
          if (failed) await rm(options.out, { force: true });
        }
      }
      const summary = { tenantId: options.tenant, events: result.events, checkpoints: result.checkpoints, startTreeSize: result.startTreeSize, lastPosition: result.lastPosition, out: options.out ?? null };
      const text = `exported ${result.events} events and ${result.checkpoints} checkpoints of tenant ${options.tenant}${options.out === undefined ? '' : ` into ${options.out}`}`;
      // The export itself may be on stdout: the summary then goes to stderr.
      if (options.out === undefined) {
        if (!quiet) io.err(`ledger: ${text}`);
      } else {
        io.out(json ? JSON.stringify(summary, null, 2) : text);
      }
    });
}

async function opened(stream: WriteStream, path: string): Promise<void> {
  try {
    await once(stream, 'open');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'EEXIST' ? `${path} exists already: choose another --out file (an export never overwrites one)` : `cannot write ${path}: ${(error as Error).message}`;
    throw new Error(message, { cause: error });
  }
}

/** Writes a line, waiting for the stream to drain when its buffer is full (an export can be larger than memory). */
async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}
