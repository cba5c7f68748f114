import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DatabaseStartError, startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres.js';

const child = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'test', 'support', 'embedded-postgres-child.js');

/** Adds o+x to every ancestor of `path` that lacks it; returns what it changed. */
function grantTraverseOnAncestors(path: string): [string, number][] {
  const changed: [string, number][] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    const mode = statSync(current).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(current, mode | 0o001);
      changed.push([current, mode]);
    }
    if (dirname(current) === current) break;
  }
  return changed;
}

function reachableTempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'ledger-embedded-'));
  chmodSync(directory, 0o755); // as root, the postgres OS user must be able to enter it
  return directory;
}

function startChild(dataDirectory: string, options: { uid?: number; gid?: number } = {}): Promise<{ process: ChildProcess; message: { ready: boolean; port?: number; url?: string; error?: string } }> {
  const processHandle = spawn(process.execPath, [child, dataDirectory], { stdio: ['ignore', 'pipe', 'inherit'], ...options, env: { ...process.env, HOME: tmpdir() } });
  return new Promise((resolve, reject) => {
    let output = '';
    processHandle.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve({ process: processHandle, message: JSON.parse(line) });
    });
    processHandle.once('exit', (code) => (output.includes('{') ? undefined : reject(new Error(`child exited with ${code} before answering`))));
  });
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the embedded PostgreSQL bootstrap', () => {
  it('keeps data across restarts and stops a stale server left by a SIGKILLed owner', async () => {
    const dataDirectory = join(reachableTempDirectory(), 'data');
    const first = await startChild(dataDirectory);
    expect(first.message.ready).toBe(true);
    await query(first.message.url!, 'create table survivor (id int primary key); insert into survivor values (42)');
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));
    const stalePid = Number(readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(alive(stalePid)).toBe(true); // the orphaned server still holds the directory

    const logged: string[] = [];
    const second = await startEmbeddedPostgres({ dataDirectory, ephemeral: true, log: (line) => logged.push(line) });
    try {
      expect(alive(stalePid)).toBe(false);
      expect(logged.some((line) => line.includes('stale PostgreSQL server'))).toBe(true);
      const { rows } = await query(second.connectionString('postgres'), 'select id from survivor');
      expect(rows).toEqual([{ id: 42 }]);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('refuses a data directory that a live ledger process is using, and says which', async () => {
    const dataDirectory = join(reachableTempDirectory(), 'data');
    const owner = await startChild(dataDirectory);
    try {
      await expect(startEmbeddedPostgres({ dataDirectory, ephemeral: true })).rejects.toThrow(new RegExp(`in use by a running ledger process \\(pid ${owner.process.pid}\\)`));
    } finally {
      owner.process.kill('SIGTERM');
      await new Promise((resolve) => owner.process.once('exit', resolve));
    }
  }, 60_000);

  it('gives the real reason when the server cannot start (port taken)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const attempt = startEmbeddedPostgres({ dataDirectory: join(reachableTempDirectory(), 'data'), ephemeral: true, port });
      await expect(attempt).rejects.toBeInstanceOf(DatabaseStartError);
      await expect(attempt).rejects.toThrow(/could not (bind|create listen)|Address already in use/i);
    } finally {
      blocker.close();
    }
  }, 60_000);

  const asRoot = userInfo().uid === 0;
  it(`runs as a normal (non-root) user too${asRoot ? '' : ' (already running as one)'}`, async () => {
    const parent = reachableTempDirectory();
    let options: { uid?: number; gid?: number } = {};
    if (asRoot) {
      // nobody: an unprivileged user that exists on every Debian machine.
      const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
      chownSync(parent, uid, gid);
      options = { uid, gid };
    }
    // The unprivileged process must be able to load this checkout's code. A checkout under a private directory
    // (mktemp -d makes 0700 ones) cannot be entered by it: grant "others may traverse" on exactly those ancestors.
    // The grant is left in place: putting the mode back would race with other test files that are starting an
    // embedded server from the same checkout at the same time (they decide once whether the binaries are reachable).
    if (asRoot) grantTraverseOnAncestors(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
    const server = await startChild(join(parent, 'data'), options);
    try {
      expect(server.message).toMatchObject({ ready: true });
      const { rows } = await query(server.message.url!, 'select current_setting($$data_directory$$) as dir');
      expect(rows[0].dir).toBe(join(parent, 'data'));
    } finally {
      server.process.kill('SIGTERM');
      await new Promise((resolve) => server.process.once('exit', resolve));
    }
  }, 60_000);
});
