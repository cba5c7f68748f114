import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { userInfo } from 'node:os';
import { AccessError } from '../../../libs/access/src/access-error.js';
import type { ApiKeysService } from '../../../libs/access/src/api-keys.service.js';
import { roles, type Role } from '../../../libs/access/src/principal.js';
import { issuedKey, json, keyTable, tenantTable, type CliIo } from './cli-output.js';
import { addReplayCommand, chooseProjections } from './replay-command.js';
import { addExportCommand } from './export-command.js';
import { addVerifyCommand } from './verify-command.js';

/** Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 a usage error (commander's message). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

interface GlobalOptions {
  readonly json?: boolean;
}

/**
 * `npm run ledger -- <command>`: the operator's tool for tenants and API keys. It works across tenants (the system
 * database role), on DATABASE_URL or the embedded PostgreSQL of LEDGER_DATA_DIR, attaching to the server of a
 * running `npm start` when there is one. Returns the exit code; never throws.
 */
export async function runLedgerCli(argv: readonly string[], io: CliIo, environment: NodeJS.ProcessEnv = process.env): Promise<number> {
  let jsonOutput = argv.includes('--json');
  const program = buildProgram(io, environment, (value) => (jsonOutput = value));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE; // commander has said why
    const code = error instanceof AccessError ? error.code : undefined;
    const message = oneLine(error);
    io.err(jsonOutput ? JSON.stringify({ error: { ...(code ? { code } : {}), message } }) : `error: ${message}`);
    return EXIT_FAILURE;
  }
}

function buildProgram(io: CliIo, environment: NodeJS.ProcessEnv, setJson: (value: boolean) => void): Command {
  const program = new Command('ledger');
  // Set before the subcommands are added: they inherit the exit override, the output and the help settings.
  program
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.replace(/\n$/, '')), writeErr: (text) => io.err(text.replace(/\n$/, '')) })
    .configureHelp({ showGlobalOptions: true })
    .description('Operator tool of the billing ledger: tenants, their API keys, and read-model rebuilds (works across tenants).')
    .option('--json', 'machine-readable output (JSON on stdout; errors as one JSON line on stderr)')
    .addHelpText(
      'after',
      '\nDatabase: DATABASE_URL when set, otherwise the embedded PostgreSQL in LEDGER_DATA_DIR (default .ledger/data);\n' +
        'when `npm start` runs on that directory, the command uses its server.',
    )
    .hook('preAction', (_program, action) => setJson(action.optsWithGlobals<GlobalOptions>().json === true));

  const run = <Result>(work: (apiKeys: ApiKeysService) => Promise<Result>) => withApiKeys(environment, io, work);
  const print = (command: Command, value: unknown, text: () => string) => io.out(command.optsWithGlobals<GlobalOptions>().json ? json(value) : text());

  const tenant = program.command('tenant').description('create and list tenants');
  tenant
    .command('create')
    .description('create a tenant (an existing id is refused)')
    .argument('<tenantId>', '1-40 lower-case letters, digits and hyphens, starting with a letter or digit')
    .requiredOption('--name <name>', 'display name of the tenant')
    .addHelpText('after', '\nExample:\n  npm run ledger -- tenant create acme --name "Acme Broadband"')
    .action(async (tenantId: string, options: { name: string }, command: Command) => {
      const created = await run((apiKeys) => apiKeys.createTenant(tenantId, options.name));
      print(command, { tenant: created }, () => `created tenant ${created.tenantId} (${JSON.stringify(created.name)})`);
    });
  tenant
    .command('list')
    .description('list every tenant with its number of active keys')
    .action(async (_options: unknown, command: Command) => {
      const tenants = await run((apiKeys) => apiKeys.listTenants());
      print(command, { tenants }, () => (tenants.length === 0 ? 'no tenants yet (tenant create <tenantId> --name <name>)' : tenantTable(tenants)));
    });

  const key = program.command('key').description("create, list, rotate and revoke a tenant's API keys");
  const tenantOption = () => new Option('--tenant <tenantId>', 'the tenant the key belongs to').makeOptionMandatory();
  key
    .command('create')
    .description('create an API key; its secret is printed once and only its hash is stored')
    .addOption(tenantOption())
    .addOption(new Option('--role <role>', 'what the key may do').choices(roles).makeOptionMandatory())
    .requiredOption('--name <name>', 'what the key is for (shown in lists and recorded as the actor of its events)')
    .addOption(new Option('--expires <instant>', 'ISO 8601 instant with a time zone, e.g. 2027-01-31T23:59:59Z (default: never)').argParser(parseInstant))
    .addHelpText('after', '\nExample:\n  npm run ledger -- key create --tenant acme --role finance --name "billing team" --expires 2027-06-30T00:00:00Z')
    .action(async (options: { tenant: string; role: Role; name: string; expires?: Date }, command: Command) => {
      const issued = await run((apiKeys) => apiKeys.createKey(options.tenant, { role: options.role, name: options.name, expiresAt: options.expires ?? null }, operator()));
      print(command, { key: issued.key, secret: issued.secret }, () => issuedKey(`created an API key for tenant ${issued.key.tenantId}`, issued.key, issued.secret));
    });
  key
    .command('list')
    .description("list a tenant's keys (never their secrets)")
    .addOption(tenantOption())
    .option('--all', 'include revoked and expired keys')
    .action(async (options: { tenant: string; all?: boolean }, command: Command) => {
      const keys = await run(async (apiKeys) => {
        await apiKeys.requireTenant(options.tenant);
        return apiKeys.listKeys(options.tenant, { includeInactive: options.all === true });
      });
      print(command, { keys }, () => (keys.length === 0 ? `no ${options.all ? '' : 'active '}API keys in tenant ${options.tenant}${options.all ? '' : ' (--all shows revoked and expired ones)'}` : keyTable(keys)));
    });
  key
    .command('rotate')
    .description('replace a key by a new one (same name, role and expiry) and revoke the old one at once; the new secret is printed once')
    .addOption(tenantOption())
    .argument('<keyId>', 'id of the key to replace')
    .action(async (keyId: string, options: { tenant: string }, command: Command) => {
      const { issued, replaced } = await run(async (apiKeys) => {
        await apiKeys.requireTenant(options.tenant);
        const issued = await apiKeys.rotateKey(options.tenant, keyId, operator());
        return { issued, replaced: await apiKeys.getKey(options.tenant, keyId) };
      });
      print(command, { key: issued.key, secret: issued.secret, replaced }, () => issuedKey(`rotated API key ${replaced.keyId} (now revoked); its replacement:`, issued.key, issued.secret));
    });
  key
    .command('revoke')
    .description('revoke a key: the next request with it is refused and its subscriptions are closed')
    .addOption(tenantOption())
    .argument('<keyId>', 'id of the key to revoke')
    .action(async (keyId: string, options: { tenant: string }, command: Command) => {
      const { revoked, alreadyRevoked } = await run(async (apiKeys) => {
        await apiKeys.requireTenant(options.tenant);
        const before = await apiKeys.getKey(options.tenant, keyId);
        return { revoked: await apiKeys.revokeKey(options.tenant, keyId, operator()), alreadyRevoked: before.revokedAt !== null };
      });
      print(command, { key: revoked, alreadyRevoked }, () =>
        alreadyRevoked ? `API key ${revoked.keyId} was already revoked (${revoked.revokedAt?.toISOString()}${revoked.revokedBy ? ` by ${revoked.revokedBy}` : ''})` : `revoked API key ${revoked.keyId} (${JSON.stringify(revoked.name)}) of tenant ${revoked.tenantId}`,
      );
    });
  const projections = program.command('projections').description('the read models, rebuilt from the event log');
  // `projections rebuild` and its top-level alias `rebuild` (issue 14): one definition, registered under both.
  const addRebuild = (parent: Command) => parent
    .command('rebuild')
    .description('rebuild read models from position zero in worker threads and swap them in with their checkpoints (stop the projector first)')
    .argument('[names...]', 'the projections to rebuild (default: every one)')
    .addOption(new Option('--workers <count>', 'worker threads (default: one per core)').argParser(parseWorkers))
    .addHelpText('after', '\nExamples:\n  npm run ledger -- projections rebuild\n  npm run ledger -- projections rebuild invoices general_ledger --workers 2')
    .action(async (names: string[], options: { workers?: number }, command: Command) => {
      const [{ allProjections, rebuildWorkerModule }, { rebuildLiveProjections }, { plainRebuildProgress, terminalRebuildProgress }] = await Promise.all([
        import('../../../projections/index.js'),
        import('../../../libs/projection-runtime/src/index.js'),
        import('./rebuild-progress.js'),
      ]);
      const chosen = chooseProjections(allProjections, names);
      // Progress on stderr, except where stderr is a script's error channel (--json, not on a terminal).
      const quiet = command.optsWithGlobals<GlobalOptions>().json === true && !io.errIsTerminal;
      const started = Date.now();
      // A bar per worker on a terminal, plain lines every 2 s otherwise (logs, CI), nothing where stderr must stay clean.
      const view = quiet ? undefined : io.errIsTerminal ? terminalRebuildProgress(process.stderr) : plainRebuildProgress((line) => io.err(`ledger: ${line}`));
      const rebuilt = await withDatabase(environment, io, async (db, connectionString) => {
        try {
          return await rebuildLiveProjections(db, chosen, {
            connectionString,
            workerModule: rebuildWorkerModule,
            workers: options.workers,
            stateHashes: true,
            log: (line) => view?.note(line),
            progress: view?.update,
          });
        } finally {
          view?.stop();
        }
      });
      const seconds = (Date.now() - started) / 1000;
      print(
        command,
        { rebuilt: rebuilt.map((entry) => ({ name: entry.name, events: entry.events, position: `${entry.position.commit}.${entry.position.prepare}`, stateHash: entry.stateHash })), seconds },
        () =>
          [
            `rebuilt ${rebuilt.length} projection(s) in ${seconds.toFixed(1)} s:`,
            ...rebuilt.map((entry) => `  ${entry.name.padEnd(28)} ${String(entry.events).padStart(10)} events`),
            ...rebuilt.map((entry) => `state hash ${entry.name} ${entry.stateHash}`),
          ].join('\n'),
      );
    });
  addRebuild(projections);
  addRebuild(program);
  addReplayCommand(program, { io, environment, withDatabase });
  addExportCommand(program, { io, environment, withDatabase });
  addVerifyCommand(program, io);
  return program;
}

function parseWorkers(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > 64) throw new InvalidArgumentError('expected a whole number of worker threads from 1 to 64');
  return count;
}

/**
 * Opens the database for one command: migrations and row-level security first (a never-started data directory gets
 * its tables here), then the work as the system role, then everything closed (and an embedded server we started,
 * stopped).
 */
async function withApiKeys<Result>(environment: NodeJS.ProcessEnv, io: CliIo, work: (apiKeys: ApiKeysService) => Promise<Result>): Promise<Result> {
  const { ApiKeysService } = await import('../../../libs/access/src/api-keys.service.js');
  return withDatabase(environment, io, (db) => work(new ApiKeysService(db)));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CliDatabase = import('kysely').Kysely<any>;

async function withDatabase<Result>(environment: NodeJS.ProcessEnv, io: CliIo, work: (db: CliDatabase, connectionString: string) => Promise<Result>): Promise<Result> {
  // Loaded here, not at the top: --help and usage errors answer without loading the database stack.
  const [{ sql }, { platformMigrations }, { connectDatabase, installRowLevelSecurity, migrateToLatest, runAsSystem, secureTenantTables }, { attachOrStartEmbeddedPostgres }, { readLedgerConfig }, { ensureSecretStore }] = await Promise.all([
    import('kysely'),
    import('../../../libs/access/src/platform.migrations.js'),
    import('../../../libs/database/src/index.js'),
    import('../../../libs/runtime/src/database-bootstrap.js'),
    import('../../../libs/runtime/src/ledger-config.js'),
    import('../../../libs/secrets/src/secret-store.migrations.js'),
  ]);
  const config = readLedgerConfig(environment);
  const note = (line: string) => {
    if (io.errIsTerminal) io.err(`ledger: ${line}`);
  };
  const database = await attachOrStartEmbeddedPostgres(config, note);
  if (database.attachedTo !== undefined) note(`using the PostgreSQL of the running ledger process (pid ${database.attachedTo})`);
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const { db, close } = connectDatabase<any>(database.connectionString, { poolSize: 4, applicationName: 'ledger-cli' });
    try {
      return await runAsSystem('ledger-cli', async () => {
        try {
          await sql`select 1`.execute(db);
        } catch (error) {
          throw new Error(`cannot reach the database ${where(database.connectionString)}: ${(error as Error).message}`, { cause: error });
        }
        await migrateToLatest(db, platformMigrations, 'platform_migrations');
        await installRowLevelSecurity(db);
        await secureTenantTables(db);
        // The secret store's table too: a data directory set up by the CLI is complete (the key stays the api's).
        await ensureSecretStore(db);
        return work(db, database.connectionString);
      });
    } finally {
      await close();
    }
  } finally {
    await database.embedded?.stop();
  }
}

/** Host, port and database of a connection string: never its password. */
function where(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return '(DATABASE_URL is not a valid URL)';
  }
}

/** Who made or revoked a key from the CLI: `operator:<OS user>`, or `operator` when the OS cannot say. */
function operator(): string {
  try {
    const name = userInfo().username;
    return /^[\w.@-]{1,64}$/.test(name) ? `operator:${name}` : 'operator';
  } catch {
    return 'operator';
  }
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** A strict ISO 8601 instant: date, time and zone, every field in range (JavaScript's Date would roll 02-30 over). */
export function parseInstant(value: string): Date {
  const match = INSTANT.exec(value);
  const refuse = () => new InvalidArgumentError('expected an ISO 8601 instant with a time zone, e.g. 2027-01-31T23:59:59Z or 2027-01-31T23:59:59+01:00');
  if (!match) throw refuse();
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match.map((part) => (part === undefined ? undefined : Number(part)));
  const daysInMonth = new Date(Date.UTC(year as number, month as number, 0)).getUTCDate();
  const inRange =
    (month as number) >= 1 && (month as number) <= 12 && (day as number) >= 1 && (day as number) <= daysInMonth &&
    (hour as number) <= 23 && (minute as number) <= 59 && (second ?? 0) <= 59 && (offsetHours ?? 0) <= 23 && (offsetMinutes ?? 0) <= 59;
  const parsed = new Date(value);
  if (!inRange || Number.isNaN(parsed.getTime())) throw refuse();
  return parsed;
}

/** One line, whatever the error: PostgreSQL's start-up output and the like are joined with "; ". */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split(/\s*\n\s*/).filter(Boolean).join('; ') || 'failed (no message)';
}
