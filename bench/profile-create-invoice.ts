/**
 * Where does a createInvoice spend its Node CPU, from the HTTP request to the append? A diagnostic, not run by
 * `npm run bench` (docs/performance.md reads its output):
 *
 *   npm run build --silent && node dist/bench/profile-create-invoice.js
 *
 * On its own embedded PostgreSQL (or DATABASE_URL), for each round and each build it starts the API in a child
 * process (PROJECTIONS=off, so that only the command path runs), on a fresh database with a handful of settings
 * changes and PROFILE_CUSTOMERS registered customers, then sends createInvoice mutations over HTTP from
 * PROFILE_CLIENTS concurrent clients, each with the admin API key and a fresh idempotency key:
 *   - a warm-up (PROFILE_WARMUP commands);
 *   - a timed phase (PROFILE_COMMANDS commands): commands/s, and the API process's CPU time per command
 *     (process.cpuUsage, user + system);
 *   - a profiled phase (PROFILE_COMMANDS again) under the V8 sampling profiler (the inspector module), summarised
 *     by self time per function and per module, in CPU ms per command.
 *
 * PROFILE_BUILDS=<dist>,<dist>: compare builds (for example the tree before and after a change, each built with
 * `node scripts/build.mjs` in its own copy) in the same run, interleaved round by round; each build's dist holds
 * its own copy of this script, which serves as the child. Without it, the build this script belongs to.
 * PROFILE_IDEMPOTENCY=off sends no idempotency key. PROFILE_PROFILE_DIR keeps the .cpuprofile files (open them
 * in Chrome DevTools).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const COMMANDS = Number(process.env.PROFILE_COMMANDS ?? 1_500);
const WARMUP = Number(process.env.PROFILE_WARMUP ?? 300);
const CLIENTS = Number(process.env.PROFILE_CLIENTS ?? 8);
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 3);
const CUSTOMERS = Number(process.env.PROFILE_CUSTOMERS ?? 50);
const IDEMPOTENCY = (process.env.PROFILE_IDEMPOTENCY ?? 'on') !== 'off';
const TOP = Number(process.env.PROFILE_TOP ?? 20);
const TENANT = 'dev';

const CREATE_INVOICE = `mutation CreateInvoice($input: CreateInvoiceInput!) {
  createInvoice(input: $input) {
    position
    invoice { id number status currency total { amount currency } lines { id amount { amount currency } } }
  }
}`;
const UPSERT_CUSTOMER = 'mutation UpsertCustomer($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { position } }';
const UPDATE_COMPANY = 'mutation UpdateCompany($input: UpdateCompanySettingsInput!) { updateCompanySettings(input: $input) { position } }';
const UPDATE_PAYMENT = 'mutation UpdatePayment($input: UpdatePaymentSettingsInput!) { updatePaymentSettings(input: $input) { position } }';

// ---------------------------------------------------------------------------------------------------------------
// The child: the API, with a profiler the parent switches on and off.

type ToChild =
  | { readonly type: 'profile-start' }
  | { readonly type: 'profile-stop'; readonly path: string }
  | { readonly type: 'cpu' }
  | { readonly type: 'queries' }
  | { readonly type: 'exit' };
type FromChild =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'cpu'; readonly userMicros: number; readonly systemMicros: number }
  | { readonly type: 'profiling' }
  | { readonly type: 'profiled'; readonly path: string }
  | { readonly type: 'queries'; readonly counts: Record<string, number> }
  | { readonly type: 'failed'; readonly message: string };

async function child(): Promise<void> {
  await import('reflect-metadata');
  const here = dirname(fileURLToPath(import.meta.url));
  const { startLedgerApi } = (await import(pathToFileURL(join(here, '../apps/api/src/ledger-api.js')).href)) as typeof import('../apps/api/src/ledger-api.js');
  const { readLedgerConfig } = (await import(pathToFileURL(join(here, '../libs/runtime/src/index.js')).href)) as typeof import('../libs/runtime/src/index.js');
  const send = (message: FromChild) => process.send?.(message);
  // Every statement sent to PostgreSQL, by its first words: the round trips a command costs.
  const counts = new Map<string, number>();
  const { default: pg } = await import('pg');
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string; name?: string } | undefined;
    const text = typeof config === 'string' ? config : (config?.text ?? '');
    const label = `${typeof config === 'object' && config?.name ? `[${config.name}] ` : ''}${text.replace(/\s+/g, ' ').trim().slice(0, 110)}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  const config = readLedgerConfig(process.env);
  const api = await startLedgerApi({ config });
  const session = new Session();
  session.connect();
  process.on('message', (message: ToChild) => {
    void (async () => {
      switch (message.type) {
        case 'cpu': {
          const usage = process.cpuUsage();
          send({ type: 'cpu', userMicros: usage.user, systemMicros: usage.system });
          return;
        }
        case 'queries':
          send({ type: 'queries', counts: Object.fromEntries(counts) });
          counts.clear();
          return;
        case 'profile-start':
          await session.post('Profiler.enable');
          await session.post('Profiler.setSamplingInterval', { interval: 250 });
          await session.post('Profiler.start');
          send({ type: 'profiling' });
          return;
        case 'profile-stop': {
          const { profile } = await session.post('Profiler.stop');
          await writeFile(message.path, JSON.stringify(profile));
          send({ type: 'profiled', path: message.path });
          return;
        }
        case 'exit':
          session.disconnect();
          await api.stop();
          process.exit(0);
      }
    })().catch((error: unknown) => send({ type: 'failed', message: String((error as Error)?.stack ?? error) }));
  });
  send({ type: 'ready', url: api.url });
}

// ---------------------------------------------------------------------------------------------------------------
// The parent: the database, the clients, the summaries.

class ApiProcess {
  private readonly waiting: ((message: FromChild) => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly process: ChildProcess) {
    process.on('message', (message: FromChild) => {
      if (message.type === 'failed') throw new Error(`the API process failed: ${message.message}`);
      this.waiting.shift()?.(message);
    });
    this.exited = new Promise((resolveExit) => process.once('exit', (code) => resolveExit(code)));
  }

  next<Type extends FromChild['type']>(type: Type): Promise<Extract<FromChild, { type: Type }>> {
    return new Promise((resolveNext, reject) => {
      this.exited.then((code) => reject(new Error(`the API process exited (${code}) while waiting for "${type}"`)), () => undefined);
      this.waiting.push((message) => (message.type === type ? resolveNext(message as Extract<FromChild, { type: Type }>) : reject(new Error(`expected "${type}", got "${message.type}"`))));
    });
  }

  async ask<Type extends FromChild['type']>(message: ToChild, reply: Type): Promise<Extract<FromChild, { type: Type }>> {
    const answer = this.next(reply);
    this.process.send(message);
    return answer;
  }

  async cpuMicros(): Promise<number> {
    const { userMicros, systemMicros } = await this.ask({ type: 'cpu' }, 'cpu');
    return userMicros + systemMicros;
  }
}

async function post(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (response.status !== 200 || body.errors) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
}

async function seed(url: string, key: string): Promise<void> {
  // A tenant that has configured a few things: the settings stream is not empty, as it is not in production.
  await post(url, key, UPDATE_COMPANY, { input: { name: 'Fibre Networks GmbH', address: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' } } });
  await post(url, key, UPDATE_PAYMENT, { input: { supportedCurrencies: ['USD', 'EUR'] } });
  await post(url, key, UPDATE_COMPANY, { input: { name: 'Fibre Networks AG' } });
  for (let index = 0; index < CUSTOMERS; index += 1) {
    await post(url, key, UPSERT_CUSTOMER, {
      input: { customerId: `customer-${index}`, name: `Customer ${index}`, billingAddress: { line1: '1 Main Street', city: 'Springfield', postalCode: '62701', country: 'US', region: 'IL' }, taxExempt: false },
    });
  }
}

/** `count` createInvoice mutations from CLIENTS concurrent clients; returns the elapsed seconds. */
async function createInvoices(url: string, key: string, count: number, tag: string): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let index = next++; index < count; index = next++) {
        const input = {
          customerId: `customer-${index % CUSTOMERS}`,
          currency: 'USD',
          lines: [
            { description: 'Consulting hours', quantity: '3', unitPrice: '19.99', taxRate: '20' },
            { description: 'Travel', quantity: '1', unitPrice: '120.00' },
          ],
          ...(IDEMPOTENCY ? { idempotencyKey: `${tag}-${index}` } : {}),
        };
        await post(url, key, CREATE_INVOICE, { input });
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a script belongs: a package under node_modules, node's own code, or our file (path from the repository root). */
function moduleOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] as string;
  if (url.startsWith('node:')) return 'node (internal)';
  const ours = /\/dist\/(.+)$/.exec(url);
  return ours ? (ours[1] as string) : url;
}

interface Summary {
  readonly totalMs: number;
  readonly byFunction: Map<string, number>;
  readonly byModule: Map<string, number>;
}

/** Self time per function and per module, in ms; idle time is left out. */
function summarise(profile: CpuProfile): Summary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const ms = (profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0) / 1000;
    if (!node || node.callFrame.functionName === '(idle)') return;
    const { functionName, url, lineNumber } = node.callFrame;
    const module = moduleOf(url, functionName);
    const name = `${functionName || '(anonymous)'}  ${module}${url === '' ? '' : `:${lineNumber + 1}`}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byModule.set(module, (byModule.get(module) ?? 0) + ms);
    totalMs += ms;
  });
  return { totalMs, byFunction, byModule };
}

function merge(into: Map<string, number>, from: Map<string, number>): void {
  for (const [key, value] of from) into.set(key, (into.get(key) ?? 0) + value);
}

function table(title: string, entries: Map<string, number>, commands: number, limit: number): string {
  const rows = [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit);
  return [`\n${title}`, '| self ms/command | share | where |', '|---:|---:|---|', ...rows.map(([name, ms]) => `| ${(ms / commands).toFixed(3)} | ${((100 * ms) / [...entries.values()].reduce((a, b) => a + b, 0)).toFixed(1)}% | \`${name}\` |`)].join('\n');
}

interface BuildResult {
  readonly rates: number[];
  readonly cpuMsPerCommand: number[];
  readonly profiledCommands: number;
  readonly summary: Summary;
  /** Statements sent during the first round's timed phase. */
  readonly queries: Record<string, number>;
}

async function runOnce(build: string, connectionString: string, profileDirectory: string, label: string): Promise<{ rate: number; cpuMsPerCommand: number; summary: Summary; queries: Record<string, number> }> {
  const key = `ldg_${randomBytes(24).toString('base64url')}`;
  const child = fork(join(build, 'bench/profile-create-invoice.js'), ['--child'], {
    env: { ...process.env, DATABASE_URL: connectionString, PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: key, PROJECTIONS: 'off', LEDGER_DEV_TENANT: TENANT },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const api = new ApiProcess(child);
  try {
    const { url } = await api.next('ready');
    await seed(url, key);
    await createInvoices(url, key, WARMUP, `${label}-warmup`);
    await api.ask({ type: 'queries' }, 'queries');
    const cpuBefore = await api.cpuMicros();
    const elapsed = await createInvoices(url, key, COMMANDS, `${label}-timed`);
    const cpuMsPerCommand = (await api.cpuMicros()) - cpuBefore;
    const { counts } = await api.ask({ type: 'queries' }, 'queries');
    await api.ask({ type: 'profile-start' }, 'profiling');
    await createInvoices(url, key, COMMANDS, `${label}-profiled`);
    const path = join(profileDirectory, `${label}.cpuprofile`);
    await api.ask({ type: 'profile-stop', path }, 'profiled');
    const { readFile } = await import('node:fs/promises');
    const summary = summarise(JSON.parse(await readFile(path, 'utf8')) as CpuProfile);
    return { rate: COMMANDS / elapsed, cpuMsPerCommand: cpuMsPerCommand / 1000 / COMMANDS, summary, queries: counts };
  } finally {
    child.send({ type: 'exit' } satisfies ToChild);
    await Promise.race([api.exited, new Promise((resolveLater) => setTimeout(resolveLater, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

async function parent(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const builds = (process.env.PROFILE_BUILDS ?? resolve(here, '..')).split(',').map((build) => resolve(build.trim()));
  const { ensureDatabase, startEmbeddedPostgres } = await import('../libs/database/src/index.js');
  const directory = await mkdtemp(join(os.tmpdir(), 'ledger-profile-'));
  await chmod(directory, 0o755);
  const profileDirectory = process.env.PROFILE_PROFILE_DIR ? resolve(process.env.PROFILE_PROFILE_DIR) : join(directory, 'profiles');
  await mkdir(profileDirectory, { recursive: true });
  const server = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDirectory: join(directory, 'data'), ephemeral: false });
  const admin = process.env.DATABASE_URL ?? server!.connectionString('postgres');
  const connectionOf = (database: string) => {
    const url = new URL(admin);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const results = new Map<string, BuildResult>();
  console.log(`createInvoice over HTTP: ${CLIENTS} clients, ${COMMANDS} commands timed and ${COMMANDS} profiled per run after ${WARMUP} warm-up, ${ROUNDS} rounds, idempotency keys ${IDEMPOTENCY ? 'on' : 'off'}, PROJECTIONS=off`);
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate the order so that neither build always runs first (a warmer disk cache, a quieter machine).
      const order = builds.map((_, index) => builds[(index + round) % builds.length] as string);
      for (const build of order) {
        const index = builds.indexOf(build);
        const database = `profile_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        await ensureDatabase(admin, database);
        const { rate, cpuMsPerCommand, summary, queries } = await runOnce(build, connectionOf(database), profileDirectory, `b${index}-r${round}`);
        console.log(`round ${round + 1} build ${index} (${build}): ${rate.toFixed(0)} commands/s, ${cpuMsPerCommand.toFixed(3)} CPU ms/command (API process), profiled ${(summary.totalMs / COMMANDS).toFixed(3)} ms/command`);
        const result = results.get(build) ?? { rates: [], cpuMsPerCommand: [], profiledCommands: 0, summary: { totalMs: 0, byFunction: new Map(), byModule: new Map() }, queries };
        merge(result.summary.byFunction, summary.byFunction);
        merge(result.summary.byModule, summary.byModule);
        results.set(build, {
          rates: [...result.rates, rate],
          cpuMsPerCommand: [...result.cpuMsPerCommand, cpuMsPerCommand],
          profiledCommands: result.profiledCommands + COMMANDS,
          summary: { ...result.summary, totalMs: result.summary.totalMs + summary.totalMs },
          queries: result.queries,
        });
      }
    }
    const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;
    for (const [index, build] of builds.entries()) {
      const result = results.get(build)!;
      console.log(`\n## build ${index}: ${build}`);
      console.log(`commands/s (median of ${result.rates.length}): ${median(result.rates).toFixed(0)} [${result.rates.map((rate) => rate.toFixed(0)).join(' / ')}]`);
      console.log(`API CPU ms per command (median, process.cpuUsage): ${median(result.cpuMsPerCommand).toFixed(3)} [${result.cpuMsPerCommand.map((ms) => ms.toFixed(3)).join(' / ')}]`);
      console.log(`profiled self time per command (all rounds): ${(result.summary.totalMs / result.profiledCommands).toFixed(3)} ms`);
      const statements = Object.entries(result.queries).sort((a, b) => b[1] - a[1]);
      const perCommand = statements.reduce((sum, [, count]) => sum + count, 0) / COMMANDS;
      console.log(`\nStatements per command (first round's timed phase): ${perCommand.toFixed(2)}`);
      for (const [statement, count] of statements) console.log(`  ${(count / COMMANDS).toFixed(2)}  ${statement}`);
      console.log(table('Self time by function', result.summary.byFunction, result.profiledCommands, TOP));
      console.log(table('Self time by module', result.summary.byModule, result.profiledCommands, TOP));
    }
    if (process.env.PROFILE_PROFILE_DIR) console.log(`\nprofiles: ${profileDirectory}`);
  } finally {
    await server?.stop();
    // The profiles stay only where PROFILE_PROFILE_DIR put them, outside this directory.
    await rm(directory, { recursive: true, force: true });
  }
}

(process.argv.includes('--child') ? child() : parent()).then(
  () => {
    if (!process.argv.includes('--child')) process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
