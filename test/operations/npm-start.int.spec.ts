import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What `npm start` runs (dist/apps/api/src/main.js), as a real process on the embedded PostgreSQL, with no
 * DATABASE_URL: a generated key, data that survives a restart, and a restart after SIGKILL.
 */
const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

const running = new Set<ChildProcess>();

afterEach(() => {
  // A failed expectation must not leave a server behind (it would keep jest alive and hold the data directory).
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: string[];
}

function start(dataDirectory: string, extra: Record<string, string> = {}): Promise<Started> {
  const environment: NodeJS.ProcessEnv = { ...process.env, LEDGER_DATA_DIR: dataDirectory, PORT: '0', HOST: '127.0.0.1', ...extra };
  delete environment.DATABASE_URL;
  delete environment.LEDGER_API_KEY;
  const child = spawn(process.execPath, [main], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "ready" line within 60 s:\n${output.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /GraphQL API ready at (http:\/\/\S+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string, output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${output.join('')}`));
    });
  });
}

async function stop(started: Started, signal: NodeJS.Signals): Promise<number | null> {
  started.child.kill(signal);
  return new Promise((resolve) => started.child.once('exit', (code) => resolve(code)));
}

async function graphql(url: string, key: string, query: string): Promise<{ data?: Record<string, unknown>; errors?: { extensions: { code: string } }[] }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: { extensions: { code: string } }[] };
}

describe('npm start', () => {
  it('runs on the embedded PostgreSQL with a generated key, keeps data across restarts, and recovers after kill -9', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'ledger-start-'));
    chmodSync(parent, 0o755);
    const dataDirectory = join(parent, 'data');

    const first = await start(dataDirectory);
    const keyFile = join(parent, 'dev-api-key');
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.output.join('')).toContain(`Authorization: Bearer ${key}`); // printed once, when generated
    const created = await graphql(first.url, key, 'mutation { createInvoice(input: { customerId: "start-1", currency: "USD", lines: [{ description: "Fibre", quantity: "1", unitPrice: "49.99" }] }) { position invoice { id } } }');
    const invoiceId = (created.data?.createInvoice as { invoice: { id: string } }).invoice.id;
    expect((await graphql(first.url, 'ldg_not-a-real-key-000000000000', '{ invoices { edges { cursor } } }')).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await stop(first, 'SIGTERM')).toBe(0);

    const second = await start(dataDirectory);
    expect(second.output.join('')).not.toContain(key); // never printed again
    const read = await graphql(second.url, key, `{ invoice(id: "${invoiceId}", minPosition: "${(created.data?.createInvoice as { position: string }).position}") { id status } }`);
    expect(read.data?.invoice).toEqual({ id: invoiceId, status: 'DRAFT' });
    await stop(second, 'SIGKILL'); // leaves its PostgreSQL running, holding the data directory

    const third = await start(dataDirectory);
    expect(third.output.join('')).toMatch(/stale PostgreSQL server/);
    const again = await graphql(third.url, key, `{ invoice(id: "${invoiceId}") { id } }`);
    expect(again.data?.invoice).toEqual({ id: invoiceId });
    expect(await stop(third, 'SIGTERM')).toBe(0);
  }, 180_000);
});
