import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { generateAuditKeyPair, signCheckpoint } from '../checkpoint.js';
import { exportLine, type ExportCheckpointLine, type ExportEventLine, type ExportLine } from './export-format.js';
import { verifyExport, VerifierKeyError, type ExportFailure, type ExportVerification } from './export-verifier.js';
import { linesOf } from './verify-file.js';
import { chainHashes, exportText, syntheticCheckpoint, syntheticExport, syntheticLog, type SyntheticEvent } from './testing/synthetic-export.js';

const keys = generateAuditKeyPair();
const otherKeys = generateAuditKeyPair();
const tenantId = 'acme';
const log = syntheticLog(tenantId, 12, 3);
const checkpointSizes = [3, 7, 11];
const good = syntheticExport({ tenantId, events: log, privateKey: keys.privateKey, checkpointSizes });

/** A line as plain JSON, for damaging it in place. */
type Line = Record<string, unknown>;

function copy(lines: readonly ExportLine[]): Line[] {
  return structuredClone(lines) as unknown as Line[];
}

function verify(lines: readonly (ExportLine | Line | string)[], pem = keys.publicKeyPem): Promise<ExportVerification> {
  return verifyExport(
    lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))),
    pem,
  );
}

async function failure(lines: readonly (ExportLine | Line | string)[], pem?: string): Promise<ExportFailure> {
  const result = await verify(lines, pem);
  if (result.ok) throw new Error('the damaged export verified');
  return result.failure;
}

/** The event line of the log's event `index`, and its line number in the file. */
function eventAt(lines: Line[], index: number): { line: Line; lineNumber: number } {
  const at = lines.findIndex((line) => line.kind === 'event' && line.eventId === (log[index] as SyntheticEvent).eventId);
  if (at < 0) throw new Error(`no event ${index}`);
  return { line: lines[at] as Line, lineNumber: at + 1 };
}

function setEnd(lines: Line[]): Line[] {
  const events = lines.filter((line) => line.kind === 'event').length;
  return lines.map((line) => (line.kind === 'end' ? { kind: 'end', events } : line));
}

/** Event `index` with other data, and the hashes of it and every later event of its stream recomputed (a careful attacker). */
function carefullyChanged(index: number): { events: SyntheticEvent[]; hashes: Buffer[] } {
  const events = log.map((event, at) => (at === index ? { ...event, data: { ...event.data, amount: '999999.00' } } : event));
  return { events, hashes: chainHashes(events) };
}

describe('verifyExport: a good export', () => {
  it('verifies, with a summary of what it checked', async () => {
    const result = await verify(good);
    expect(result).toEqual({
      ok: true,
      summary: {
        tenantId,
        from: null,
        to: null,
        events: 12,
        streams: 3,
        sealedEvents: 12,
        unsealedEvents: 0,
        firstLeaf: 0,
        treeSize: 12,
        checkpoints: 3,
        checkpointRootsRecomputed: 3,
        latestCheckpoint: { treeSize: 11, position: (log[10] as SyntheticEvent).position, time: '2026-12-07T11:11:00.000Z', rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
        lastPosition: (log[11] as SyntheticEvent).position,
      },
    });
  });

  it('verifies from the middle of the log, continuing the tree from the frontier and the chains from the anchors', async () => {
    const partial = syntheticExport({ tenantId, events: log, privateKey: keys.privateKey, checkpointSizes, fromIndex: 5 });
    expect(partial.filter((line) => line.kind === 'anchor')).toHaveLength(3);
    const result = await verify(partial);
    expect(result.ok && result.summary).toMatchObject({ events: 7, firstLeaf: 5, treeSize: 12, checkpoints: 3, checkpointRootsRecomputed: 2 });
  });

  it('verifies from a checkpoint exactly (the frontier is checked against its root)', async () => {
    const result = await verify(syntheticExport({ tenantId, events: log, privateKey: keys.privateKey, checkpointSizes, fromIndex: 7 }));
    expect(result.ok && result.summary).toMatchObject({ events: 5, firstLeaf: 7, checkpointRootsRecomputed: 1 });
  });

  it('accepts an unsealed tail (checked by its chains) and an export with no checkpoint', async () => {
    const tail = await verify(syntheticExport({ tenantId, events: log, privateKey: keys.privateKey, checkpointSizes: [3, 7], sealed: 9 }));
    expect(tail.ok && tail.summary).toMatchObject({ sealedEvents: 9, unsealedEvents: 3, treeSize: 9, checkpointRootsRecomputed: 2 });
    const none = await verify(syntheticExport({ tenantId, events: log, privateKey: keys.privateKey }));
    expect(none.ok && none.summary).toMatchObject({ checkpoints: 0, latestCheckpoint: null, events: 12 });
  });

  it('reads the file text as JSON Lines (a newline after each line)', async () => {
    expect((await verifyExport(linesOf(exportText(good)), keys.publicKeyPem)).ok).toBe(true);
  });

  it('refuses a key that is not an ed25519 public key (a caller error, thrown)', async () => {
    await expect(verifyExport([], keys.privateKeyPem)).rejects.toThrow(VerifierKeyError);
    await expect(verifyExport([], 'not a key')).rejects.toThrow(VerifierKeyError);
  });
});

describe('verifyExport names the damaged event', () => {
  const event5 = log[5] as SyntheticEvent;

  it('changed data with its hash left as it was: CHANGED, the event itself', async () => {
    const lines = copy(good);
    const { line, lineNumber } = eventAt(lines, 5);
    (line.data as Record<string, unknown>).amount = '999999.00';
    expect(await failure(lines)).toMatchObject({ line: lineNumber, reason: 'CHANGED', eventId: event5.eventId, streamId: event5.streamId, revision: event5.revision, leafIndex: 5 });
  });

  it('changed metadata, type or revision text: CHANGED or CHAIN_BROKEN at the event', async () => {
    for (const change of [(line: Record<string, unknown>) => ((line.metadata as Record<string, unknown>).commandId = 'forged'), (line: Record<string, unknown>) => (line.type = 'InvoiceVoided')]) {
      const lines = copy(good);
      change(eventAt(lines, 5).line);
      expect(await failure(lines)).toMatchObject({ reason: 'CHANGED', eventId: event5.eventId });
    }
  });

  it('changed data with its hash and every later hash of its stream recomputed: CHANGED (not the hash sealed in its leaf)', async () => {
    const { hashes } = carefullyChanged(5);
    const lines = copy(good);
    for (let index = 5; index < log.length; index += 1) {
      const { line } = eventAt(lines, index);
      if (index === 5) (line.data as Record<string, unknown>).amount = '999999.00';
      line.hash = (hashes[index] as Buffer).toString('hex');
    }
    const found = await failure(lines);
    expect(found).toMatchObject({ reason: 'CHANGED', eventId: event5.eventId, leafIndex: 5 });
    expect(found.message).toContain('sealed');
  });

  it('a changed hash alone: CHANGED', async () => {
    const lines = copy(good);
    eventAt(lines, 5).line.hash = 'ab'.repeat(32);
    expect(await failure(lines)).toMatchObject({ reason: 'CHANGED', eventId: event5.eventId });
  });

  it('a sealed event deleted from the log (the exporter writes its leaf as missing): DELETED', async () => {
    const lines = copy(good);
    const { line, lineNumber } = eventAt(lines, 5);
    Object.assign(line, { position: null, recordedAt: null, type: null, data: null, metadata: null, hash: null, missing: true });
    expect(await failure(lines)).toMatchObject({ line: lineNumber, reason: 'DELETED', eventId: event5.eventId, leafIndex: 5 });
  });

  it('an event line removed from the file: DELETED at the next event, naming the missing leaf', async () => {
    const lines = copy(good);
    const { lineNumber } = eventAt(lines, 5);
    lines.splice(lineNumber - 1, 1);
    const found = await failure(setEnd(lines));
    expect(found).toMatchObject({ reason: 'DELETED', eventId: (log[6] as SyntheticEvent).eventId, leafIndex: 6 });
    expect(found.message).toContain('sealed leaf 5 is missing');
  });

  it('an unsealed event deleted: CHAIN_BROKEN at the next event of its stream', async () => {
    const lines = copy(syntheticExport({ tenantId, events: log, privateKey: keys.privateKey, sealed: 6 }));
    lines.splice(eventAt(lines, 7).lineNumber - 1, 1);
    expect(await failure(setEnd(lines))).toMatchObject({ reason: 'CHAIN_BROKEN', eventId: (log[10] as SyntheticEvent).eventId });
  });

  it('two events whose positions were swapped: MOVED, the one now first', async () => {
    const lines = copy(good);
    const first = eventAt(lines, 5);
    const second = eventAt(lines, 6);
    [first.line.position, second.line.position] = [second.line.position, first.line.position];
    [lines[first.lineNumber - 1], lines[second.lineNumber - 1]] = [second.line, first.line];
    expect(await failure(lines)).toMatchObject({ line: first.lineNumber, reason: 'MOVED', eventId: (log[6] as SyntheticEvent).eventId, leafIndex: 6 });
  });

  it('two event lines swapped in the file: the first found stands where the other leaf belongs', async () => {
    const lines = copy(good);
    const first = eventAt(lines, 5);
    const second = eventAt(lines, 6);
    [lines[first.lineNumber - 1], lines[second.lineNumber - 1]] = [second.line, first.line];
    const found = await failure(lines);
    expect(found).toMatchObject({ line: first.lineNumber, reason: 'DELETED', eventId: (log[6] as SyntheticEvent).eventId, leafIndex: 6 });
    expect(found.message).toContain('comes where leaf 5 belongs');
  });

  it('an event line moved later in the file, or given an earlier position: named at the first place it shows', async () => {
    const lines = copy(good);
    const first = eventAt(lines, 5);
    lines.splice(first.lineNumber - 1, 1);
    lines.splice(first.lineNumber + 1, 0, first.line);
    expect(await failure(lines)).toMatchObject({ reason: 'DELETED', eventId: (log[6] as SyntheticEvent).eventId });
    const positions = copy(good);
    eventAt(positions, 6).line.position = (log[4] as SyntheticEvent).position;
    eventAt(positions, 6).line.sealedPosition = (log[4] as SyntheticEvent).position;
    expect(await failure(positions)).toMatchObject({ reason: 'MOVED', eventId: (log[6] as SyntheticEvent).eventId });
    expect((await failure(positions)).message).toContain('not in log order');
  });

  it('an event inserted between sealed events (a well-formed chain, never sealed): INSERTED, the inserted event', async () => {
    const lines = copy(good);
    const { lineNumber } = eventAt(lines, 5);
    const forged: SyntheticEvent = { ...event5, eventId: '00000000-0000-4000-8000-999999999999', streamId: `${tenantId}:payment-x`, revision: '0', type: 'PaymentRecorded', position: '105.7' };
    const hash = (chainHashes([forged])[0] as Buffer).toString('hex');
    const inserted: ExportEventLine = { kind: 'event', ...forged, leafIndex: null, hash, sealedHash: null, sealedPosition: null, missing: false };
    lines.splice(lineNumber, 0, { ...inserted });
    expect(await failure(setEnd(lines))).toMatchObject({ line: lineNumber + 1, reason: 'INSERTED', eventId: forged.eventId, streamId: forged.streamId });
  });

  it('an inserted event without a hash: INSERTED', async () => {
    const lines = copy(syntheticExport({ tenantId, events: log, privateKey: keys.privateKey, sealed: 12 }));
    const forged = { ...eventAt(lines, 11).line, eventId: '00000000-0000-4000-8000-999999999999', revision: '4', position: '200.1' };
    lines.splice(lines.length - 1, 0, { ...forged, leafIndex: null, hash: null, sealedHash: null, sealedPosition: null });
    expect(await failure(setEnd(lines))).toMatchObject({ reason: 'INSERTED', eventId: forged.eventId });
  });

  it('a changed anchor: CHANGED at the first exported event of its stream', async () => {
    const lines = copy(syntheticExport({ tenantId, events: log, privateKey: keys.privateKey, checkpointSizes, fromIndex: 5 }));
    const anchor = lines.find((line) => line.kind === 'anchor' && line.streamId === event5.streamId) as Line;
    anchor.hash = 'cd'.repeat(32);
    expect(await failure(lines)).toMatchObject({ reason: 'CHANGED', eventId: event5.eventId });
  });

  it('names the changed event wherever it is (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: log.length - 1 }), fc.boolean(), async (index, careful) => {
        const lines = copy(good);
        const { line } = eventAt(lines, index);
        (line.data as Record<string, unknown>).note = 'forged';
        if (careful) {
          const events = log.map((event, at) => (at === index ? { ...event, data: { ...event.data, note: 'forged' } } : event));
          const hashes = chainHashes(events);
          for (let at = index; at < log.length; at += 1) eventAt(lines, at).line.hash = (hashes[at] as Buffer).toString('hex');
        }
        expect(await failure(lines)).toMatchObject({ reason: 'CHANGED', eventId: (log[index] as SyntheticEvent).eventId, leafIndex: index });
      }),
      { numRuns: 30 },
    );
  });
});

describe('verifyExport: checkpoints', () => {
  const checkpointLine = (lines: Line[], size: number): Line =>
    lines.find((line) => line.kind === 'checkpoint' && (line.checkpoint as { body: { treeSize: number } }).body.treeSize === size) as Line;

  it('a flipped signature: BAD_SIGNATURE, naming the checkpoint', async () => {
    const lines = copy(good);
    const checkpoint = checkpointLine(lines, 7).checkpoint as { signature: string };
    checkpoint.signature = `${checkpoint.signature.startsWith('A') ? 'B' : 'A'}${checkpoint.signature.slice(1)}`;
    expect(await failure(lines)).toMatchObject({ line: 3, reason: 'BAD_SIGNATURE', treeSize: 7 });
  });

  it('a changed signed root: BAD_SIGNATURE', async () => {
    const lines = copy(good);
    (checkpointLine(lines, 3).checkpoint as { body: { rootHash: string } }).body.rootHash = 'ef'.repeat(32);
    expect(await failure(lines)).toMatchObject({ line: 2, reason: 'BAD_SIGNATURE', treeSize: 3 });
  });

  it('another key: WRONG_KEY; another key behind a copied key id: BAD_SIGNATURE', async () => {
    expect(await failure(good, otherKeys.publicKeyPem)).toMatchObject({ line: 2, reason: 'WRONG_KEY', treeSize: 3 });
    const lines = copy(good);
    const forged = syntheticCheckpoint(tenantId, log, 7, otherKeys.privateKey);
    checkpointLine(lines, 7).checkpoint = { ...forged, keyId: (checkpointLine(lines, 7).checkpoint as { keyId: string }).keyId };
    expect(await failure(lines)).toMatchObject({ reason: 'BAD_SIGNATURE', treeSize: 7 });
  });

  it("another tenant's checkpoint: BAD_CHECKPOINT", async () => {
    const lines = copy(good);
    checkpointLine(lines, 7).checkpoint = syntheticCheckpoint('globex', log, 7, keys.privateKey);
    expect(await failure(lines)).toMatchObject({ reason: 'BAD_CHECKPOINT', treeSize: 7 });
  });

  it('a checkpoint signed before a careful tamper, the tree re-sealed and a new checkpoint: INCONSISTENT_CHECKPOINTS', async () => {
    const before = syntheticCheckpoint(tenantId, log, 7, keys.privateKey);
    const { events } = carefullyChanged(3);
    const after = syntheticExport({ tenantId, events, privateKey: keys.privateKey, signedCheckpoints: [before], checkpointSizes: [11] });
    const found = await failure(after);
    expect(found).toMatchObject({ reason: 'INCONSISTENT_CHECKPOINTS', treeSize: 7 });
    expect(found.message).toContain('not a prefix');
  });

  it('the same without a later checkpoint: ROOT_MISMATCH at the last leaf of the old checkpoint', async () => {
    const before = syntheticCheckpoint(tenantId, log, 7, keys.privateKey);
    const { events } = carefullyChanged(3);
    const after = syntheticExport({ tenantId, events, privateKey: keys.privateKey, signedCheckpoints: [before] });
    expect(await failure(after)).toMatchObject({ reason: 'ROOT_MISMATCH', eventId: (log[6] as SyntheticEvent).eventId, leafIndex: 6 });
  });

  it('a changed consistency proof: INCONSISTENT_CHECKPOINTS; a missing one: MALFORMED', async () => {
    const lines = copy(good);
    const proof = lines.find((line) => line.kind === 'consistency') as Line;
    proof.proof = (proof.proof as string[]).map((hash, index) => (index === 0 ? `${hash.slice(0, 63)}${hash.endsWith('0') ? '1' : '0'}` : hash));
    expect(await failure(lines)).toMatchObject({ reason: 'INCONSISTENT_CHECKPOINTS', treeSize: 3 });
    const fewer = copy(good);
    fewer.splice(fewer.findIndex((line) => line.kind === 'consistency'), 1);
    expect(await failure(fewer)).toMatchObject({ reason: 'MALFORMED' });
  });

  it('a checkpoint beyond the exported events inside the range: DELETED (sealed events missing)', async () => {
    const lines = copy(good).filter((line) => !(line.kind === 'event' && (line.leafIndex as number) >= 9));
    expect(await failure(setEnd(lines))).toMatchObject({ reason: 'DELETED', treeSize: 11 });
  });
});

describe('verifyExport: the frontier', () => {
  const partial = (fromIndex: number) => copy(syntheticExport({ tenantId, events: log, privateKey: keys.privateKey, checkpointSizes, fromIndex }));

  it('a frontier hash changed where a checkpoint has its size: BAD_FRONTIER', async () => {
    const lines = partial(7);
    const frontier = lines.find((line) => line.kind === 'frontier') as Line;
    frontier.hashes = (frontier.hashes as string[]).map((hash, index) => (index === 0 ? '12'.repeat(32) : hash));
    expect(await failure(lines)).toMatchObject({ reason: 'BAD_FRONTIER', treeSize: 7 });
  });

  it('a frontier hash changed elsewhere: ROOT_MISMATCH at the next checkpoint, which mentions the frontier', async () => {
    const lines = partial(5);
    const frontier = lines.find((line) => line.kind === 'frontier') as Line;
    frontier.hashes = (frontier.hashes as string[]).map((hash, index) => (index === 0 ? '12'.repeat(32) : hash));
    const found = await failure(lines);
    expect(found).toMatchObject({ reason: 'ROOT_MISMATCH', leafIndex: 6 });
    expect(found.message).toContain('frontier');
  });

  it('a frontier of the wrong size or hash count: BAD_FRONTIER; none where one is needed: MALFORMED', async () => {
    const wrongSize = partial(5);
    (wrongSize.find((line) => line.kind === 'frontier') as Line).treeSize = 4;
    expect(await failure(wrongSize)).toMatchObject({ reason: 'BAD_FRONTIER' });
    const wrongCount = partial(5);
    (wrongCount.find((line) => line.kind === 'frontier') as Line).hashes = ['12'.repeat(32)];
    expect(await failure(wrongCount)).toMatchObject({ reason: 'BAD_FRONTIER' });
    const missing = partial(5).filter((line) => line.kind !== 'frontier');
    expect(await failure(missing)).toMatchObject({ reason: 'MALFORMED' });
  });
});

describe('verifyExport: a truncated or malformed file', () => {
  const text = exportText(good);

  it('cut at a line boundary (no end line): TRUNCATED', async () => {
    expect(await failure(copy(good).slice(0, -1))).toMatchObject({ reason: 'TRUNCATED', line: good.length - 1 });
    expect(await failure(copy(good).slice(0, -3))).toMatchObject({ reason: 'TRUNCATED' });
  });

  it('cut inside a line: MALFORMED at that line', async () => {
    const cut = linesOf(text.slice(0, text.length - 200));
    expect(await failure(cut)).toMatchObject({ reason: 'MALFORMED', line: cut.length });
  });

  it('an end line that does not count the events: TRUNCATED; a line after it: MALFORMED', async () => {
    const lines = copy(good);
    (lines[lines.length - 1] as Line).events = 13;
    expect(await failure(lines)).toMatchObject({ reason: 'TRUNCATED', line: lines.length });
    expect(await failure([...good, good[1] as ExportLine])).toMatchObject({ reason: 'MALFORMED', line: good.length + 1 });
  });

  it('an empty file: TRUNCATED at line 0', async () => {
    expect(await failure([])).toMatchObject({ reason: 'TRUNCATED', line: 0 });
  });

  it.each([
    ['a line that is not JSON', 3, '{"kind":"checkpoint",'],
    ['an empty line', 3, ''],
    ['an unknown kind', 3, '{"kind":"comment","text":"hi"}'],
    ['a JSON array', 3, '[1,2]'],
    ['an event with a numeric revision', 9, exportLine({ ...(good[8] as ExportEventLine), revision: 5 } as unknown as ExportLine)],
    ['an event with an upper-case hash', 9, exportLine({ ...(good[8] as ExportEventLine), hash: 'AB'.repeat(32) })],
    ['an unsealed event with a sealed hash', 9, exportLine({ ...(good[8] as ExportEventLine), leafIndex: null })],
  ])('%s: MALFORMED at its line', async (_description, lineNumber, replacement) => {
    const lines: (ExportLine | string)[] = [...good];
    lines[lineNumber - 1] = replacement;
    const found = await failure(lines);
    expect(found).toMatchObject({ reason: 'MALFORMED', line: lineNumber });
    expect(found.message).toContain(`line ${lineNumber}`);
  });

  it('another format, no header first, lines out of order: MALFORMED', async () => {
    expect(await failure([{ ...good[0], format: 'billing-ledger/export/v2' }, ...good.slice(1)])).toMatchObject({ reason: 'MALFORMED', line: 1 });
    expect(await failure(good.slice(1))).toMatchObject({ reason: 'MALFORMED', line: 1 });
    expect(await failure([good[0] as ExportLine, good[6] as ExportLine, ...good.slice(1)])).toMatchObject({ reason: 'MALFORMED', line: 3 });
    expect(await failure([good[0] as ExportLine, good[0] as ExportLine, ...good.slice(1)])).toMatchObject({ reason: 'MALFORMED', line: 2 });
  });

  it('a checkpoint signed by the right key over a body that is not a checkpoint: BAD_SIGNATURE', async () => {
    const signed = signCheckpoint((good[1] as ExportCheckpointLine).checkpoint.body, keys.privateKey);
    const lines = copy(good);
    (lines[1] as Line).checkpoint = { ...signed, body: { ...signed.body, treeSize: '3' } };
    expect(await failure(lines)).toMatchObject({ reason: 'BAD_SIGNATURE' });
  });
});
