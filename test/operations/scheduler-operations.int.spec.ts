import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uuidV5 } from '../../libs/application/src/index.js';
import { waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { readLedgerConfig } from '../../libs/runtime/src/index.js';
import { executeTestClockCommand } from '../../libs/scheduler/src/index.js';
import { countEntry, scheduleToyWork, toyDueWorkProjection } from '../../libs/scheduler/src/testing/toy-due-work.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { startLedgerApi, type RunningLedgerApi } from '../../apps/api/src/ledger-api.js';

/**
 * The scheduler in the processes, as operations see it: /health/ready and /metrics say whether this process runs the
 * scheduler and holds its lease, and what is due and not done (for real-time tenants; a test-clock tenant's work waits
 * for its clock). The projector process runs the scheduler too and stops it promptly on SIGTERM.
 */

const API_KEY = 'scheduler-ops-key-0123456789abcdef';
const projectorMain = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'apps', 'projector', 'src', 'main.js');

interface ReadyBody {
  readonly status: string;
  readonly scheduler: {
    readonly running: boolean;
    readonly leaseHeld: boolean;
    readonly backlog: { readonly due: number; readonly capped: boolean; readonly oldestDueAt: string | null } | { readonly error: string };
  };
}

function baseUrl(api: RunningLedgerApi): string {
  return api.url.replace(/\/graphql$/, '');
}

async function ready(api: RunningLedgerApi): Promise<ReadyBody> {
  const response = await fetch(`${baseUrl(api)}/health/ready`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReadyBody;
}

function gauge(metrics: string, name: string): number {
  const match = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(metrics);
  if (!match) throw new Error(`no ${name} in:\n${metrics}`);
  return Number(match[1]);
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the scheduler as operations see it', () => {
  let database: TestDatabase;
  let api: RunningLedgerApi;
  let passive: RunningLedgerApi;
  const now = new Date('2026-05-01T12:00:00.000Z');

  beforeAll(async () => {
    database = await createTestDatabase('scheduler_ops');
    const toy = toyDueWorkProjection();
    const environment = { DATABASE_URL: database.connectionString, PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: API_KEY };
    // No handler for the work stated below: it stays due, which is what a backlog is.
    api = await startLedgerApi({ config: readLedgerConfig(environment), clock: () => now, scheduledWork: () => ({ sources: [toy], handlers: {} }) });
    passive = await startLedgerApi({ config: readLedgerConfig({ ...environment, PROJECTIONS: 'off' }), clock: () => now, scheduledWork: () => ({ sources: [toy], handlers: {} }) });
  }, 60_000);

  afterAll(async () => {
    await passive?.stop();
    await api?.stop();
    await database?.drop();
  });

  it('the process running projections runs the scheduler and holds its lease; one with PROJECTIONS=off does not', async () => {
    const body = await eventually('the lease', async () => {
      const answer = await ready(api);
      return answer.scheduler.leaseHeld ? answer : undefined;
    });
    expect(body.status).toBe('ready');
    expect(body.scheduler).toEqual({ running: true, leaseHeld: true, backlog: { due: 0, capped: false, oldestDueAt: null } });
    expect((await ready(passive)).scheduler).toMatchObject({ running: false, leaseHeld: false });
    expect(gauge(await (await fetch(`${baseUrl(api)}/metrics`)).text(), 'ledger_scheduler_lease_held')).toBe(1);
    expect(gauge(await (await fetch(`${baseUrl(passive)}/metrics`)).text(), 'ledger_scheduler_lease_held')).toBe(0);
  });

  it("counts the work due and not done, with the earliest due instant; a test-clock tenant's work is not counted", async () => {
    const { store, db } = api.services;
    await scheduleToyWork(store, 'late', [countEntry('late:1', '2026-05-01T10:00:00.000Z'), countEntry('late:2', '2026-05-01T11:00:00.000Z'), countEntry('late:future', '2026-06-01T00:00:00.000Z')]);
    const context = { tenantId: 'simulated', actor: 'test', commandId: uuidV5('scheduler-ops:clock'), correlationId: 'test', causationId: 'test', now: now.toISOString() };
    await executeTestClockCommand(store, context, { type: 'CreateTestClock', data: { clockId: 'sim', name: 'Simulated', frozenTime: '2026-01-01T00:00:00Z' } });
    const position = await scheduleToyWork(store, 'simulated', [countEntry('sim:1', '2026-04-01T00:00:00.000Z')]);
    expect(await waitForProjections(db, ['toy_due_work'], position, 10_000)).toBe(true);

    for (const process of [api, passive]) expect((await ready(process)).scheduler.backlog).toEqual({ due: 2, capped: false, oldestDueAt: '2026-05-01T10:00:00.000Z' });
    const metrics = await (await fetch(`${baseUrl(api)}/metrics`)).text();
    expect(gauge(metrics, 'ledger_due_work_due_items')).toBe(2);
    expect(gauge(metrics, 'ledger_due_work_oldest_due_age_seconds')).toBe(7_200);
  });
});

describe('the projector process', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('scheduler_projector');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('runs the scheduler beside the projections, takes its lease, and stops within a second of SIGTERM', async () => {
    const child = spawn(process.execPath, [projectorMain], { env: { ...process.env, DATABASE_URL: database.connectionString, LEDGER_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually('the projector to take the scheduler lease', async () => (output.join('').includes('scheduler:scheduler: lease taken, running due work') ? true : undefined), 30_000);
      // Settled: the projections have made their tables and caught up with the (empty) log.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const signalled = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      const stoppedInMs = Date.now() - signalled;
      expect({ code, said: output.join('').includes('the scheduler: after the work in hand') }).toEqual({ code: 0, said: true });
      expect(stoppedInMs).toBeLessThan(1_000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
