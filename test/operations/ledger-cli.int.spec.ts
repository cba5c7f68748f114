import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ApiKeysService, hashApiKey } from '../../libs/access/src/api-keys.service.js';
import { roles } from '../../libs/access/src/principal.js';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';

/**
 * The operator CLI (`npm run ledger -- ...`) as operators run it: the built dist/apps/cli/src/main.js in a child
 * process (jest's global setup builds dist/), on a fresh database of the run's PostgreSQL. Keys it makes are checked
 * with ApiKeysService.authenticate on the same database.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const POSTGRES_CHILD = join(root, 'dist', 'test', 'support', 'embedded-postgres-child.js');
const SECRET = /ldg_[A-Za-z0-9_-]{43}/g;
const UNKNOWN_KEY = '00000000-0000-4000-8000-000000000000';

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[], environment: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    // Only what the CLI needs: no DATABASE_URL or LEDGER_DATA_DIR leaks in from the developer's shell.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...environment };
    execFile(process.execPath, [CLI, ...args], { env, timeout: 50_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A refusal: exit 1, nothing on stdout, one line on stderr and no stack trace. */
function expectRefused(result: CliResult, message: RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

function secretsIn(text: string): string[] {
  return text.match(SECRET) ?? [];
}

describe('the ledger CLI', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<unknown>;
  let apiKeys: ApiKeysService;
  const cli = (...args: string[]) => runCli(args, { DATABASE_URL: database.connectionString });
  const cliJson = async (...args: string[]) => {
    const result = await cli('--json', ...args);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    database = await createTestDatabase('ledger_cli');
    connection = connectDatabase(database.connectionString, { poolSize: 2 });
    apiKeys = new ApiKeysService(connection.db);
  });

  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  it('answers --help for every command without touching a database', async () => {
    const helpParent = mkdtempSync(join(tmpdir(), 'ledger-cli-help-'));
    const dataDirectory = join(helpParent, 'data');
    const commands = [[], ['tenant'], ['tenant', 'create'], ['tenant', 'list'], ['key'], ['key', 'create'], ['key', 'list'], ['key', 'rotate'], ['key', 'revoke']];
    const results = await Promise.all(commands.map((command) => runCli([...command, '--help'], { LEDGER_DATA_DIR: dataDirectory })));
    results.forEach((result, index) => {
      const path = ['ledger', ...(commands[index] ?? [])].join(' ');
      expect({ path, code: result.code, stderr: result.stderr }).toEqual({ path, code: 0, stderr: '' });
      expect(result.stdout).toContain(`Usage: ${path} `);
      expect(result.stdout).toContain('--json');
    });
    expect(results[5]?.stdout).toMatch(/--role <role>.*\(choices: "admin", "finance",\s+"auditor", "service"\)/s);
    expect(results[5]?.stdout).toContain('--expires <instant>');
    expect(results[7]?.stdout).toContain('<keyId>');
    expect(existsSync(dataDirectory)).toBe(false);
    rmSync(helpParent, { recursive: true, force: true });
  });

  it('exits 2 on a usage error, with commander’s message and no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['tenant', 'create', 'acme'], /required option '--name <name>' not specified/],
      [['tenant', 'create', '--name', 'Acme'], /missing required argument 'tenantId'/],
      [['key', 'create', '--tenant', 'acme', '--name', 'x'], /required option '--role <role>' not specified/],
      [['key', 'create', '--tenant', 'acme', '--role', 'root', '--name', 'x'], /Allowed choices are admin, finance, auditor, service/],
      [['key', 'create', '--tenant', 'acme', '--role', 'admin', '--name', 'x', '--expires', 'tomorrow'], /ISO 8601 instant/],
      [['key', 'create', '--tenant', 'acme', '--role', 'admin', '--name', 'x', '--expires', '2030-02-30T00:00:00Z'], /ISO 8601 instant/],
      [['key', 'rotate', '--tenant', 'acme'], /missing required argument 'keyId'/],
      [['key', 'list'], /required option '--tenant <tenantId>' not specified/],
      [['key', 'frobnicate'], /unknown command 'frobnicate'/],
      [['tenant', 'list', '--colour'], /unknown option '--colour'/],
      [[], /Usage: ledger/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(...args)));
    results.forEach((result, index) => {
      const [args, message] = cases[index]!;
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('creates and lists tenants, refusing a duplicate and a bad id', async () => {
    const created = await cli('tenant', 'create', 'acme', '--name', 'Acme Broadband');
    expect(created).toEqual({ code: 0, stdout: 'created tenant acme ("Acme Broadband")\n', stderr: '' });
    expectRefused(await cli('tenant', 'create', 'acme', '--name', 'Again'), /^error: tenant "acme" already exists$/);
    expectRefused(await cli('tenant', 'create', 'Bad_Id', '--name', 'Bad'), /tenant id is 1-40 lower-case letters/);
    expectRefused(await cli('tenant', 'create', 'fine', '--name', '   '), /tenant name must not be empty/);

    expect(await cliJson('tenant', 'create', 'globex', '--name', 'Globex')).toEqual({ tenant: { tenantId: 'globex', name: 'Globex', createdAt: expect.any(String), activeKeys: 0 } });
    const listed = await cli('tenant', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^TENANT\s+NAME\s+ACTIVE KEYS\s+CREATED$/);
    expect(listed.stdout).toMatch(/^acme\s+Acme Broadband\s+0\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/m);
    expect(listed.stdout).toMatch(/^globex\s+Globex\s+0\s/m);
    const listedJson = await cli('tenant', 'list', '--json'); // the global flag after the command works too
    expect(listedJson.code).toBe(0);
    const { tenants } = JSON.parse(listedJson.stdout);
    expect(tenants.map((tenant: { tenantId: string }) => tenant.tenantId)).toEqual(['acme', 'globex']);
  });

  it('creates a key of each role: the secret printed once, then only its principal in the database', async () => {
    await cli('tenant', 'create', 'roles', '--name', 'Roles');
    for (const role of roles) {
      const created = await cli('key', 'create', '--tenant', 'roles', '--role', role, '--name', `${role} key`);
      expect({ role, code: created.code, stderr: created.stderr }).toEqual({ role, code: 0, stderr: '' });
      const secrets = secretsIn(created.stdout);
      expect(secrets).toHaveLength(1);
      expect(created.stdout).toContain('The secret will not be shown again');
      expect(created.stdout).toContain(`  role:    ${role}\n`);
      expect(created.stdout).toContain('  expires: never\n');
      const keyId = /^ {2}id: {6}(\S+)$/m.exec(created.stdout)?.[1];
      expect(await apiKeys.authenticate(secrets[0]!)).toEqual({ tenantId: 'roles', role, keyId, keyName: `${role} key` });
    }
    const json = await cliJson('key', 'create', '--tenant', 'roles', '--role', 'service', '--name', 'gateway', '--expires', '2099-01-31T23:59:59+01:00');
    expect(json).toEqual({
      key: expect.objectContaining({ tenantId: 'roles', name: 'gateway', role: 'service', status: 'active', createdBy: expect.stringMatching(/^operator(:.+)?$/), expiresAt: '2099-01-31T22:59:59.000Z', revokedAt: null }),
      secret: expect.stringMatching(/^ldg_/),
    });
    expect(JSON.stringify(json.key)).not.toContain(json.secret);
    expect(await apiKeys.authenticate(json.secret)).toMatchObject({ role: 'service', keyId: json.key.keyId });
  });

  it('lists keys without their secret or hash, and refuses an expiry in the past', async () => {
    await cli('tenant', 'create', 'listing', '--name', 'Listing');
    const issued = await cliJson('key', 'create', '--tenant', 'listing', '--role', 'finance', '--name', 'books', '--expires', '2098-06-30T00:00:00Z');
    expectRefused(await cli('key', 'create', '--tenant', 'listing', '--role', 'admin', '--name', 'late', '--expires', '2001-01-01T00:00:00Z'), /expiresAt must be in the future/);

    const text = await cli('key', 'list', '--tenant', 'listing');
    const json = await cli('--json', 'key', 'list', '--tenant', 'listing');
    for (const output of [text, json]) {
      expect(output.code).toBe(0);
      expect(output.stdout).not.toContain(issued.secret);
      expect(output.stdout).not.toContain(issued.secret.slice(4));
      expect(output.stdout).not.toContain(hashApiKey(issued.secret));
      expect(output.stdout).not.toMatch(/hash/i);
      expect(secretsIn(output.stdout)).toEqual([]);
    }
    expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ROLE\s+STATUS\s+CREATED\s+EXPIRES\s+REVOKED$/);
    expect(text.stdout).toMatch(new RegExp(`^${issued.key.keyId}\\s+books\\s+finance\\s+active\\s+\\S+Z\\s+2098-06-30T00:00:00Z\\s+-$`, 'm'));
    expect(JSON.parse(json.stdout)).toEqual({ keys: [expect.objectContaining({ keyId: issued.key.keyId, name: 'books', role: 'finance', status: 'active', expiresAt: '2098-06-30T00:00:00.000Z', revokedAt: null })] });
    expect(Object.keys(JSON.parse(json.stdout).keys[0]).sort()).toEqual(['createdAt', 'createdBy', 'expiresAt', 'keyId', 'name', 'replacedBy', 'revokedAt', 'revokedBy', 'role', 'status', 'tenantId']);
  });

  it('rotates a key: the old secret stops working, the new one (printed once) works', async () => {
    await cli('tenant', 'create', 'rotation', '--name', 'Rotation');
    const old = await cliJson('key', 'create', '--tenant', 'rotation', '--role', 'auditor', '--name', 'auditors', '--expires', '2097-01-01T00:00:00Z');
    const rotated = await cli('key', 'rotate', '--tenant', 'rotation', old.key.keyId);
    expect({ code: rotated.code, stderr: rotated.stderr }).toEqual({ code: 0, stderr: '' });
    const secrets = secretsIn(rotated.stdout);
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).not.toBe(old.secret);
    expect(rotated.stdout).toContain(`rotated API key ${old.key.keyId} (now revoked)`);
    expect(rotated.stdout).toContain('The secret will not be shown again');
    expect(await apiKeys.authenticate(old.secret)).toBeUndefined();
    const principal = await apiKeys.authenticate(secrets[0]!);
    expect(principal).toMatchObject({ tenantId: 'rotation', role: 'auditor', keyName: 'auditors' });
    expect((await apiKeys.getKey('rotation', principal!.keyId)).expiresAt?.toISOString()).toBe('2097-01-01T00:00:00.000Z');

    const again = await cliJson('key', 'rotate', '--tenant', 'rotation', principal!.keyId);
    expect(again).toEqual({
      key: expect.objectContaining({ role: 'auditor', name: 'auditors', status: 'active' }),
      secret: expect.stringMatching(/^ldg_/),
      replaced: expect.objectContaining({ keyId: principal!.keyId, status: 'revoked', revokedBy: expect.stringMatching(/^operator/), replacedBy: again.key.keyId }),
    });
    expect(await apiKeys.authenticate(secrets[0]!)).toBeUndefined();
    expect(await apiKeys.authenticate(again.secret)).toMatchObject({ keyId: again.key.keyId });
    expectRefused(await cli('key', 'rotate', '--tenant', 'rotation', old.key.keyId), /is revoked and cannot be rotated/);
  });

  it('revokes a key at once, idempotently, and lists it only with --all', async () => {
    await cli('tenant', 'create', 'revoking', '--name', 'Revoking');
    const issued = await cliJson('key', 'create', '--tenant', 'revoking', '--role', 'admin', '--name', 'soon gone');
    const revoked = await cli('key', 'revoke', '--tenant', 'revoking', issued.key.keyId);
    expect(revoked).toEqual({ code: 0, stdout: `revoked API key ${issued.key.keyId} ("soon gone") of tenant revoking\n`, stderr: '' });
    expect(await apiKeys.authenticate(issued.secret)).toBeUndefined();
    const repeated = await cliJson('key', 'revoke', '--tenant', 'revoking', issued.key.keyId);
    expect(repeated).toEqual({ key: expect.objectContaining({ keyId: issued.key.keyId, status: 'revoked', revokedBy: expect.stringMatching(/^operator/) }), alreadyRevoked: true });

    expect(await cliJson('key', 'list', '--tenant', 'revoking')).toEqual({ keys: [] });
    expect((await cli('key', 'list', '--tenant', 'revoking')).stdout).toMatch(/^no active API keys in tenant revoking/);
    expect(await cliJson('key', 'list', '--tenant', 'revoking', '--all')).toEqual({ keys: [expect.objectContaining({ keyId: issued.key.keyId, status: 'revoked', revokedAt: expect.any(String) })] });
    expect((await cli('key', 'list', '--tenant', 'revoking', '--all')).stdout).toMatch(new RegExp(`^${issued.key.keyId}\\s+soon gone\\s+admin\\s+revoked\\s+\\S+Z\\s+never\\s+\\d{4}-\\S+Z$`, 'm'));
  });

  it('refuses an unknown tenant or key with exit 1 and one line, as JSON with --json', async () => {
    await cli('tenant', 'create', 'known', '--name', 'Known');
    expectRefused(await cli('key', 'create', '--tenant', 'nobody', '--role', 'admin', '--name', 'x'), /^error: no tenant "nobody"$/);
    expectRefused(await cli('key', 'list', '--tenant', 'nobody'), /^error: no tenant "nobody"$/);
    expectRefused(await cli('key', 'rotate', '--tenant', 'nobody', UNKNOWN_KEY), /^error: no tenant "nobody"$/);
    expectRefused(await cli('key', 'revoke', '--tenant', 'nobody', UNKNOWN_KEY), /^error: no tenant "nobody"$/);
    expectRefused(await cli('key', 'rotate', '--tenant', 'known', UNKNOWN_KEY), new RegExp(`^error: no API key ${UNKNOWN_KEY} in this tenant$`));
    expectRefused(await cli('key', 'revoke', '--tenant', 'known', 'not-a-key-id'), /^error: no API key "not-a-key-id" in this tenant$/);

    // A key of another tenant is unknown here.
    const elsewhere = await cliJson('key', 'create', '--tenant', 'known', '--role', 'admin', '--name', 'known admin');
    await cli('tenant', 'create', 'other', '--name', 'Other');
    expectRefused(await cli('key', 'revoke', '--tenant', 'other', elsewhere.key.keyId), /no API key .* in this tenant/);
    expect(await apiKeys.authenticate(elsewhere.secret)).toMatchObject({ tenantId: 'known' });

    const json = await cli('--json', 'key', 'list', '--tenant', 'nobody');
    expect({ code: json.code, stdout: json.stdout }).toEqual({ code: 1, stdout: '' });
    expect(json.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: 'no tenant "nobody"' } });
  });

  it('says which database it cannot reach, without its password', async () => {
    const result = await runCli(['tenant', 'list'], { DATABASE_URL: 'postgresql://ledger:top-secret-password@127.0.0.1:1/ledger' });
    expectRefused(result, /^error: cannot reach the database 127\.0\.0\.1:1\/ledger: /);
    expect(result.stderr).not.toContain('top-secret-password');
  });
});

describe('the ledger CLI on the embedded PostgreSQL (no DATABASE_URL)', () => {
  let owner: ChildProcess | undefined;
  let parent: string | undefined;

  afterAll(async () => {
    if (owner && owner.exitCode === null) {
      const exited = new Promise((resolve) => owner!.once('exit', resolve));
      owner.kill('SIGTERM');
      await exited;
    }
    if (parent) rmSync(parent, { recursive: true, force: true });
  });

  it('starts and stops a server of its own on a never-used data directory, and attaches to a running one', async () => {
    parent = mkdtempSync(join(tmpdir(), 'ledger-cli-embedded-'));
    chmodSync(parent, 0o755); // as root, the postgres OS user must enter it
    const dataDirectory = join(parent, 'data');
    const environment = { LEDGER_DATA_DIR: dataDirectory };

    // Nobody runs on it: the CLI initialises the cluster, creates the ledger database, works, and stops its server.
    const created = await runCli(['tenant', 'create', 'embedded', '--name', 'Embedded'], environment);
    expect(created).toEqual({ code: 0, stdout: 'created tenant embedded ("Embedded")\n', stderr: '' });
    expect(existsSync(join(dataDirectory, 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDirectory, 'ledger-owner.json'))).toBe(false);

    // A live ledger process owns the server (as `npm start` does): the CLI uses it and leaves it running.
    owner = spawn(process.execPath, [POSTGRES_CHILD, dataDirectory], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = await new Promise<{ ready: boolean; url?: string; error?: string }>((resolve, reject) => {
      let output = '';
      owner!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      owner!.once('exit', (code) => reject(new Error(`the PostgreSQL owner exited with ${code}`)));
    });
    expect(ready).toMatchObject({ ready: true });
    const ownerFile = readFileSync(join(dataDirectory, 'ledger-owner.json'), 'utf8');

    const issued = await runCli(['--json', 'key', 'create', '--tenant', 'embedded', '--role', 'admin', '--name', 'attached'], environment);
    expect({ code: issued.code, stderr: issued.stderr }).toEqual({ code: 0, stderr: '' });
    const { secret } = JSON.parse(issued.stdout);
    expect(readFileSync(join(dataDirectory, 'ledger-owner.json'), 'utf8')).toBe(ownerFile);

    // The owner's server is still up, and holds what the CLI wrote.
    const client = new pg.Client({ connectionString: ready.url!.replace(/\/postgres$/, '/ledger') });
    await client.connect();
    try {
      const { rows } = await client.query('select t.tenant_id, k.name, k.key_hash from platform.tenants t join platform.api_keys k using (tenant_id)');
      expect(rows).toEqual([{ tenant_id: 'embedded', name: 'attached', key_hash: hashApiKey(secret) }]);
    } finally {
      await client.end();
    }
  });
});
