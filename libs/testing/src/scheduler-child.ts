import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A scheduler child process for kill -9 tests: it prints one JSON line per event of interest on stdout, and
 * `{ "appended": <work key> }` after each command it appended (before the scheduler's bookkeeping, where the tests kill
 * it). Everything it prints is kept for the failure message.
 */
export interface SchedulerChild {
  readonly process: ChildProcess;
  readonly appended: string[];
  readonly output: string[];
}

/** Starts `main` (built JavaScript) on the database, pausing `pauseMs` after each append (SCHEDULER_PAUSE_MS). */
export function startSchedulerChild(main: string, connectionString: string, pauseMs: number, onAppended?: (key: string, child: SchedulerChild) => void): SchedulerChild {
  const spawned = spawn(process.execPath, [main], { env: { ...process.env, DATABASE_URL: connectionString, SCHEDULER_PAUSE_MS: String(pauseMs) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const child: SchedulerChild = { process: spawned, appended: [], output: [] };
  let buffered = '';
  spawned.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      child.output.push(line);
      const parsed = JSON.parse(line) as { appended?: string };
      if (parsed.appended !== undefined) {
        child.appended.push(parsed.appended);
        onAppended?.(parsed.appended, child);
      }
    }
  });
  spawned.stderr?.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  return child;
}

/** Resolves once the process has exited (at once if it has). */
export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Polls `probe` every `intervalMs` until it gives a value; past the timeout, fails with the child's output. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, output: () => string[], intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; child output:\n${output().join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
