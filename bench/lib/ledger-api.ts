import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { startLedgerApi, type RunningLedgerApi } from '../../apps/api/src/ledger-api.js';
import { readLedgerConfig } from '../../libs/runtime/src/index.js';
import { allProjections } from '../../projections/index.js';
import { PAYMENT_ALLOCATOR_NAME } from '../../libs/ledger-application/src/payments/payment-allocator.process-manager.js';
import { RECEIPT_ISSUER_NAME } from '../../libs/ledger-application/src/receipts/receipt-issuer.process-manager.js';
import { comparePositions, PostgresEventStore, type Position } from '../../libs/event-store/src/index.js';
import { connectDatabase } from '../../libs/database/src/index.js';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { sql } from 'kysely';
import { sleep } from './stats.js';

/** The tenant whose admin key the API registers at start (LEDGER_API_KEY): every GraphQL call of the bench uses it. */
export const BENCH_TENANT = 'dev';

export interface BenchApi {
  readonly api: RunningLedgerApi;
  readonly url: string;
  readonly adminKey: string;
  readonly client: GraphQLClient;
  readonly stop: () => Promise<void>;
}

/**
 * The real ledger API started in this process on `connectionString`, as `npm start` runs it (projections in the
 * process unless `projections: 'off'`), on a free port of 127.0.0.1, logging only warnings and errors.
 */
export async function startBenchApi(connectionString: string, options: { projections: 'on' | 'off'; maxSockets?: number }): Promise<BenchApi> {
  const adminKey = `bench_${randomBytes(24).toString('base64url')}`;
  const config = readLedgerConfig({
    DATABASE_URL: connectionString,
    PORT: '0',
    HOST: '127.0.0.1',
    LEDGER_API_KEY: adminKey,
    PROJECTIONS: options.projections,
    LEDGER_GRAPHIQL: 'off',
    NODE_ENV: 'production',
  });
  // Errors only: a log line per request would cost the API time that the benchmark would then charge to it.
  const log = (line: string) => {
    if (/"level":(50|60)|"level":"(error|fatal)"/.test(line)) console.error(`[ledger-api] ${line.slice(0, 500)}`);
  };
  const api = await startLedgerApi({ config, log });
  const client = new GraphQLClient(api.url, adminKey, options.maxSockets ?? 16);
  return {
    api,
    url: api.url,
    adminKey,
    client,
    stop: async () => {
      client.close();
      await api.stop();
    },
  };
}

/** The API in a process of its own, as `npm start` runs it, with the bench's own connections to watch its database. */
export interface BenchApiProcess {
  readonly url: string;
  readonly adminKey: string;
  readonly client: GraphQLClient;
  /** The bench's connections to the same database (for checkpoint watchers), not the API's. */
  readonly connections: Pick<RunningLedgerApi['services'], 'db' | 'store'>;
  readonly stop: () => Promise<void>;
}

/**
 * The real ledger API started as a child process (`node dist/apps/api/src/main.js`, the build `npm run bench` made),
 * so that the load generator, the subscription client and the watchers of the bench do not share the API's event
 * loop: what is measured is the server, as a client on another machine would see it. Logs warnings and errors only.
 */
export async function startApiProcess(
  connectionString: string,
  options: { projections: 'on' | 'off' | 'projector'; maxSockets?: number },
): Promise<BenchApiProcess> {
  const adminKey = `bench_${randomBytes(24).toString('base64url')}`;
  const port = await freePort();
  const main = fileURLToPath(new URL('../../apps/api/src/main.js', import.meta.url));
  // BENCH_API_NODE_ARGS (diagnostics): extra node flags for the API and projector processes, e.g. "--cpu-prof --cpu-prof-dir=<dir>".
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: {
      ...process.env,
      DATABASE_URL: connectionString,
      PORT: String(port),
      HOST: '127.0.0.1',
      LEDGER_API_KEY: adminKey,
      PROJECTIONS: options.projections === 'on' ? 'on' : 'off',
      LEDGER_GRAPHIQL: 'off',
      NODE_ENV: 'production',
      LEDGER_LOG_LEVEL: 'warn',
      LEDGER_LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'projector': the production topology of docker-compose.yml, the read models kept by a process of their own.
  const projector =
    options.projections === 'projector'
      ? spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL('../../apps/projector/src/main.js', import.meta.url))], {
          env: { ...process.env, DATABASE_URL: connectionString, NODE_ENV: 'production', LEDGER_LOG_LEVEL: 'warn', LEDGER_LOG_FORMAT: 'json' },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : undefined;
  const projectorExited = projector ? new Promise<unknown>((resolve) => projector.once('exit', resolve)) : Promise.resolve();
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') console.error(`[ledger-api] ${line.slice(0, 500)}`);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  projector?.stdout?.on('data', relay);
  projector?.stderr?.on('data', relay);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}/graphql`;
  const client = new GraphQLClient(url, adminKey, options.maxSockets ?? 16);
  const store = new PostgresEventStore({ connectionString, poolSize: 2 });
  const { db, close } = connectDatabase<ReadModelDatabase>(connectionString, { poolSize: 2, applicationName: 'bench-watcher' });
  const stop = async () => {
    client.close();
    if (child.exitCode === null) child.kill('SIGTERM');
    if (projector && projector.exitCode === null) projector.kill('SIGTERM');
    await Promise.race([Promise.all([exited, projectorExited]), sleep(15_000).then(() => (child.kill('SIGKILL'), projector?.kill('SIGKILL')))]);
    await store.close();
    await close();
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the API process exited with code ${child.exitCode} before it was ready`);
    }
    try {
      await client.request<{ whoAmI: { tenantId: string } }>('{ whoAmI { tenantId } }');
      break;
    } catch {
      if (Date.now() - started > 60_000) {
        await stop();
        throw new Error('the API process was not ready within 60 s');
      }
      await sleep(100);
    }
  }
  return { url, adminKey, client, connections: { db, store }, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly body: string,
  ) {
    super(message);
    this.name = 'GraphQLError';
  }
}

/**
 * GraphQL over HTTP with a keep-alive agent (one TCP connection per concurrent client, as a real client pool keeps),
 * so that what is timed is the request, not a TCP handshake. Any GraphQL error fails the call.
 */
export class GraphQLClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    url: string,
    private readonly apiKey: string,
    maxSockets: number,
  ) {
    this.target = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request<Data>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
    const body = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${this.apiKey}` },
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: { data?: Data; errors?: { message: string; extensions?: { code?: string } }[] };
            try {
              parsed = JSON.parse(text) as typeof parsed;
            } catch {
              reject(new GraphQLError(`HTTP ${response.statusCode}: not JSON: ${text.slice(0, 300)}`, text));
              return;
            }
            if (parsed.errors && parsed.errors.length > 0) {
              const first = parsed.errors[0];
              reject(new GraphQLError(`GraphQL error ${first?.extensions?.code ?? ''}: ${first?.message ?? '?'}`, text));
            } else if (parsed.data === undefined || parsed.data === null) reject(new GraphQLError(`HTTP ${response.statusCode}: no data`, text));
            else resolve(parsed.data);
          });
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('GraphQL request timed out after 30 s')));
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The mutation the command cases send: only the id and the position come back, as a client that just creates asks. */
export const CREATE_INVOICE = 'mutation Create($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } position } }';

export interface CreateInvoiceResult {
  readonly createInvoice: { readonly invoice: { readonly id: string }; readonly position: string };
}

/** A realistic draft: 1 to 3 lines with decimal quantities and prices, deterministic for an index. */
export function createInvoiceInput(index: number): Record<string, unknown> {
  const lines = Array.from({ length: 1 + (index % 3) }, (_, line) => {
    const cents = 1_000 + ((index * 7_919 + line * 104_729) % 99_000);
    return {
      description: `Consulting, ${['architecture review', 'on-call support', 'training day'][line] ?? 'services'} #${index}`,
      quantity: `${1 + ((index + line) % 8)}`,
      unitPrice: `${Math.floor(cents / 100)}.${(cents % 100).toString().padStart(2, '0')}`,
      taxRate: '20',
    };
  });
  return { customerId: `customer-${index % 500}`, currency: 'USD', lines };
}

/** Every projection and process manager that the API runs, by name. */
export function runnerNames(): string[] {
  return [...allProjections.map((projection) => projection.name), PAYMENT_ALLOCATOR_NAME, RECEIPT_ISSUER_NAME];
}

/**
 * Waits until the named checkpoints (live schema) reach the head of the log as it is now, so that one phase's
 * projection work does not spill into the next phase's timing. Returns how long it took.
 */
export async function waitForCheckpoints(connections: Pick<RunningLedgerApi['services'], 'db' | 'store'>, names: readonly string[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  const { db, store } = connections;
  // $all shows an event only once every older transaction has ended: wait for those before taking the head.
  const { rows } = await sql<{ xmax: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as xmax`.execute(db);
  const horizon = BigInt(rows[0]?.xmax ?? '0');
  for (;;) {
    const current = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(db);
    if (BigInt(current.rows[0]?.xmin ?? '0') >= horizon) break;
    if (Date.now() - started > timeoutMs) throw new Error('older transactions did not end in time');
    await sleep(5);
  }
  const head: Position = await store.headPosition();
  for (;;) {
    const checkpoints = await sql<{ name: string; commit: string; prepare: string }>`
      select name, commit::text as commit, prepare::text as prepare from projection_runtime.checkpoints where schema_name = 'read_models'`.execute(db);
    const reached = names.every((name) => {
      const row = checkpoints.rows.find((candidate) => candidate.name === name);
      return row !== undefined && comparePositions({ commit: BigInt(row.commit), prepare: BigInt(row.prepare) }, head) >= 0;
    });
    if (reached) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`the projections did not reach the head of the log within ${timeoutMs} ms`);
    await sleep(10);
  }
}
