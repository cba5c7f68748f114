import { existsSync } from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDatabase } from './postgres.js';

/** What the runner hands each case (a case runs in a child process of its own, so this travels as JSON). */
export interface CaseContext {
  readonly quick: boolean;
  /** The `postgres` database of the run's server (or DATABASE_URL's own). */
  readonly adminConnectionString: string;
  /** Every database a case creates is named `<prefix><suffix>`; the runner drops them all at the end. */
  readonly databasePrefix: string;
  readonly root: string;
}

export function caseDatabase(context: CaseContext, suffix: string): Promise<string> {
  return freshDatabase(context.adminConnectionString, `${context.databasePrefix}${suffix}`.toLowerCase());
}

export function integerFromEnv(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${name} must be an integer >= ${minimum}, got ${JSON.stringify(raw)}`);
  return value;
}

/** dist/bench/run.js: the one entry point, also of every child process. */
export function runnerModule(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'run.js');
}

/** The repository root: the first ancestor of this module holding tsconfig.json (dist/ has none). */
export function repositoryRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'tsconfig.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error('cannot find the repository root above the bench modules');
    directory = parent;
  }
  return directory;
}

const children = new Set<ChildProcess>();

/** Kills every child still running (on Ctrl-C or a failure), each by its own pid. */
export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Runs `dist/bench/run.js <mode> <json>` in a child process and resolves with the `result` it sends back. A child
 * that sends nothing, exits non-zero or outlives `timeoutMs` fails the call.
 */
export function runInChild<Result>(mode: string, payload: unknown, label: string, timeoutMs: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(runnerModule(), [mode, JSON.stringify(payload)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(child);
    let result: { value: Result } | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on('message', (message: { result?: Result }) => {
      if (message && 'result' in message) result = { value: message.result as Result };
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0 && result) resolve(result.value);
      else reject(new Error(`${label} failed (exit ${code ?? signal})`));
    });
  });
}

/** Inside a child: sends the result to the parent and waits until it has left. */
export function sendResult(result: unknown): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send ? process.send({ result }, (error: Error | null) => (error ? reject(error) : resolve())) : reject(new Error('no IPC channel: run through bench/run.ts')),
  );
}
