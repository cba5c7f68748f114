import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAuditKeyPair } from '../checkpoint.js';
import type { ExportEventLine } from './export-format.js';
import { exportText, syntheticExport, syntheticLog } from './testing/synthetic-export.js';

/**
 * The standalone verifier, tools/verify-ledger-export.mjs: the committed file is the bundle of this folder (so the
 * logic exists once), and it runs with plain `node` (no NODE_OPTIONS, no packages) on an export.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const script = join(root, 'tools', 'verify-ledger-export.mjs');
const environment = { PATH: process.env.PATH ?? '' };

function node(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...args], { cwd: root, env: environment, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let directory: string;
const keys = generateAuditKeyPair();
const log = syntheticLog('acme', 10, 3);
const lines = syntheticExport({ tenantId: 'acme', events: log, privateKey: keys.privateKey, checkpointSizes: [4, 9] });

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'verify-ledger-export-'));
  await writeFile(join(directory, 'audit-key.pem'), keys.publicKeyPem);
  await writeFile(join(directory, 'export.jsonl'), exportText(lines));
  const damaged = structuredClone(lines);
  const event = damaged.find((line): line is ExportEventLine => line.kind === 'event' && line.eventId === log[6]?.eventId) as ExportEventLine & { data: Record<string, unknown> };
  event.data.amount = '1000000.00';
  await writeFile(join(directory, 'damaged.jsonl'), exportText(damaged));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('tools/verify-ledger-export.mjs', () => {
  it('is the current bundle of libs/audit/src/export (regenerate with npm run verifier:write)', () => {
    const check = node([join(root, 'tools', 'build-standalone-verifier.mjs'), '--check']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('imports nothing but Node built-ins', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(script, 'utf8');
    const imported = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]);
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.every((name) => name?.startsWith('node:'))).toBe(true);
  });

  it('verifies a good export: exit 0 and a summary', () => {
    const run = node([script, join(directory, 'export.jsonl'), '--public-key', join(directory, 'audit-key.pem')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('verified: the export of tenant acme');
    expect(run.stdout).toContain('10 in 3 streams');
  });

  it('fails a damaged export: exit 1, naming the event', () => {
    const run = node([script, join(directory, 'damaged.jsonl'), '--public-key', join(directory, 'audit-key.pem')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAILED CHANGED');
    expect(run.stdout).toContain(log[6]?.eventId);
    const json = node([script, join(directory, 'damaged.jsonl'), '--public-key', join(directory, 'audit-key.pem'), '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, failure: { reason: 'CHANGED', eventId: log[6]?.eventId, leafIndex: 6 } });
  });

  it('usage errors: exit 2 (no key, an unreadable key, a private key, no file)', () => {
    const file = join(directory, 'export.jsonl');
    expect(node([script, file]).status).toBe(2);
    const unreadable = node([script, file, '--public-key', join(directory, 'nope.pem')]);
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain('cannot read the public key file');
    expect(node([script, '--public-key', join(directory, 'audit-key.pem')]).status).toBe(2);
  });

  it('a missing export file: exit 1', () => {
    const run = node([script, join(directory, 'missing.jsonl'), '--public-key', join(directory, 'audit-key.pem')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('cannot read the export');
  });
});
