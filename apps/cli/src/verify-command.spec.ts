import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAuditKeyPair } from '../../../libs/audit/src/index.js';
import type { ExportEventLine } from '../../../libs/audit/src/export/export-format.js';
import { exportText, syntheticExport, syntheticLog } from '../../../libs/audit/src/export/testing/synthetic-export.js';
import { parseExportPosition } from './export-command.js';
import { runLedgerCli } from './ledger-cli.js';

/** `ledger verify` needs no database: it runs in-process here on exports built in memory. */

const keys = generateAuditKeyPair();
const log = syntheticLog('acme', 8, 2);
let directory: string;

function io(): { out: string[]; err: string[]; io: { out: (text: string) => void; err: (text: string) => void; errIsTerminal: boolean } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (text) => out.push(text), err: (text) => err.push(text), errIsTerminal: false } };
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ledger-verify-'));
  const lines = syntheticExport({ tenantId: 'acme', events: log, privateKey: keys.privateKey, checkpointSizes: [3, 8] });
  await writeFile(join(directory, 'good.jsonl'), exportText(lines));
  const damaged = structuredClone(lines);
  (damaged.find((line) => line.kind === 'event' && line.eventId === log[2]?.eventId) as ExportEventLine & { revision: string }).revision = '7';
  await writeFile(join(directory, 'damaged.jsonl'), exportText(damaged));
  await writeFile(join(directory, 'key.pem'), keys.publicKeyPem);
  await writeFile(join(directory, 'other.pem'), generateAuditKeyPair().publicKeyPem);
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('ledger verify', () => {
  it('prints the summary and exits 0 for a good export', async () => {
    const output = io();
    expect(await runLedgerCli(['verify', join(directory, 'good.jsonl'), '--public-key', join(directory, 'key.pem')], output.io, {})).toBe(0);
    expect(output.out.join('\n')).toContain('verified: the export of tenant acme');
    expect(output.err).toEqual([]);
  });

  it('prints the first failure naming the event and exits 1', async () => {
    const output = io();
    expect(await runLedgerCli(['verify', join(directory, 'damaged.jsonl'), '--public-key', join(directory, 'key.pem')], output.io, {})).toBe(1);
    expect(output.out.join('\n')).toContain(`FAILED CHAIN_BROKEN: event ${log[2]?.eventId}`);
    expect(output.err.join('\n')).toContain('the export does not verify');
  });

  it('with --json prints the result as JSON', async () => {
    const output = io();
    expect(await runLedgerCli(['--json', 'verify', join(directory, 'damaged.jsonl'), '--public-key', join(directory, 'key.pem')], output.io, {})).toBe(1);
    expect(JSON.parse(output.out.join('\n'))).toMatchObject({ ok: false, failure: { reason: 'CHAIN_BROKEN', eventId: log[2]?.eventId } });
  });

  it('fails another key with WRONG_KEY (exit 1), and exits 2 for a missing or unreadable key', async () => {
    const other = io();
    expect(await runLedgerCli(['verify', join(directory, 'good.jsonl'), '--public-key', join(directory, 'other.pem')], other.io, {})).toBe(1);
    expect(other.out.join('\n')).toContain('FAILED WRONG_KEY');
    expect(await runLedgerCli(['verify', join(directory, 'good.jsonl')], io().io, {})).toBe(2);
    const unreadable = io();
    expect(await runLedgerCli(['verify', join(directory, 'good.jsonl'), '--public-key', join(directory, 'nope.pem')], unreadable.io, {})).toBe(2);
    expect(unreadable.err.join('\n')).toContain('cannot read the public key file');
  });
});

describe('export --from/--to positions', () => {
  it.each(['0.0', '12.3', '18446744073709551615.18446744073709551615'])('accepts %s', (value) => {
    expect(parseExportPosition(value)).toBe(value);
  });

  it.each(['', '12', '12.', '.3', '01.2', '1.2.3', '-1.2', '18446744073709551616.0', 'yesterday'])('refuses %j', (value) => {
    expect(() => parseExportPosition(value)).toThrow('expected a position <commit>.<prepare>');
  });
});
