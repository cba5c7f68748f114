import type { KeyObject } from 'node:crypto';
import { checkpointBody, signCheckpoint, type SignedCheckpoint } from '../../checkpoint.js';
import { eventHash } from '../../event-chain.js';
import { MerkleFrontier } from '../../merkle-frontier.js';
import { consistencyProof, leafHash, rootHash } from '../../merkle.js';
import { EXPORT_FORMAT, exportLine, type ExportJsonObject, type ExportLine } from '../export-format.js';

/**
 * Exports built in memory for the verifier's specs (and the standalone script's): a deterministic log of a few
 * streams, hashed, sealed and checkpointed exactly as the ledger does, so a spec damages one thing and expects the
 * verifier to name it. Not used by production code.
 */
export interface SyntheticEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: string;
  readonly type: string;
  readonly data: ExportJsonObject;
  readonly metadata: ExportJsonObject;
  readonly position: string;
  readonly recordedAt: string;
}

/** `count` events of tenant `tenantId` over `streams` streams (round robin), positions 100.1, 101.2, ... */
export function syntheticLog(tenantId: string, count: number, streams = 3): SyntheticEvent[] {
  const revisions = new Map<string, number>();
  return Array.from({ length: count }, (_, index) => {
    const streamId = `${tenantId}:invoice-${index % streams}`;
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    return {
      eventId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      streamId,
      revision: String(revision),
      type: revision === 0 ? 'InvoiceDrafted' : 'InvoiceLineAdded',
      data: { invoiceId: `invoice-${index % streams}`, amount: `${index}.50`, note: 'café €' },
      metadata: { commandId: `command-${index}`, now: '2026-12-07T10:00:00.000Z', actor: { keyId: 'key-1', role: 'finance' } },
      position: `${100 + index}.${index + 1}`,
      recordedAt: `2026-12-07T10:00:${String(index % 60).padStart(2, '0')}.000Z`,
    };
  });
}

/** Each event's chain hash, chained per stream in log order. */
export function chainHashes(events: readonly SyntheticEvent[]): Buffer[] {
  const heads = new Map<string, Buffer>();
  return events.map((event) => {
    const hash = eventHash(heads.get(event.streamId) ?? null, event);
    heads.set(event.streamId, hash);
    return hash;
  });
}

export interface SyntheticExportOptions {
  readonly tenantId: string;
  /** The whole log, in order. */
  readonly events: readonly SyntheticEvent[];
  readonly privateKey: KeyObject;
  /** Tree sizes at which checkpoints are signed over `events` as they are. */
  readonly checkpointSizes?: readonly number[];
  /** Checkpoints signed earlier (e.g. before a tamper), merged in by tree size. */
  readonly signedCheckpoints?: readonly SignedCheckpoint[];
  /** Index of the first exported event (the export's `from` is the position of the event before it). */
  readonly fromIndex?: number;
  /** How many events of the log are sealed (default all). */
  readonly sealed?: number;
}

/** The export of `events` as the exporter writes it (the hashes stored and sealed are the correct ones). */
export function syntheticExport(options: SyntheticExportOptions): ExportLine[] {
  const { tenantId, events, privateKey } = options;
  const fromIndex = options.fromIndex ?? 0;
  const sealed = options.sealed ?? events.length;
  const hashes = chainHashes(events);
  const leaves = hashes.slice(0, sealed).map((hash) => leafHash(hash));
  const signed = new Map<number, SignedCheckpoint>();
  for (const checkpoint of options.signedCheckpoints ?? []) signed.set(checkpoint.body.treeSize, checkpoint);
  for (const size of options.checkpointSizes ?? []) signed.set(size, syntheticCheckpoint(tenantId, events, size, privateKey));
  const checkpoints = [...signed.values()].sort((left, right) => left.body.treeSize - right.body.treeSize);
  const lines: ExportLine[] = [
    {
      kind: 'header',
      format: EXPORT_FORMAT,
      tenantId,
      from: fromIndex === 0 ? null : (events[fromIndex - 1] as SyntheticEvent).position,
      to: null,
      exportedAt: '2026-12-07T12:00:00.000Z',
      startTreeSize: Math.min(fromIndex, sealed),
    },
  ];
  for (const checkpoint of checkpoints) lines.push({ kind: 'checkpoint', checkpoint });
  for (let index = 1; index < checkpoints.length; index += 1) {
    const fromSize = (checkpoints[index - 1] as SignedCheckpoint).body.treeSize;
    const toSize = (checkpoints[index] as SignedCheckpoint).body.treeSize;
    lines.push({ kind: 'consistency', fromSize, toSize, proof: consistencyProof(fromSize, toSize, leaves).map((hash) => hash.toString('hex')) });
  }
  if (fromIndex > 0) {
    const frontier = MerkleFrontier.empty();
    for (const leaf of leaves.slice(0, fromIndex)) frontier.append(leaf);
    lines.push({ kind: 'frontier', treeSize: frontier.size, hashes: frontier.hashes().map((hash) => hash.toString('hex')) });
  }
  const anchored = new Set<string>();
  for (let index = fromIndex; index < events.length; index += 1) {
    const event = events[index] as SyntheticEvent;
    if (anchored.has(event.streamId)) continue;
    anchored.add(event.streamId);
    if (event.revision === '0') continue;
    const before = events.findLastIndex((candidate, at) => at < fromIndex && candidate.streamId === event.streamId);
    lines.push({ kind: 'anchor', streamId: event.streamId, revision: (events[before] as SyntheticEvent).revision, hash: (hashes[before] as Buffer).toString('hex') });
  }
  let count = 0;
  for (let index = fromIndex; index < events.length; index += 1) {
    const event = events[index] as SyntheticEvent;
    const isSealed = index < sealed;
    const hash = (hashes[index] as Buffer).toString('hex');
    lines.push({
      kind: 'event',
      leafIndex: isSealed ? index : null,
      position: event.position,
      recordedAt: event.recordedAt,
      eventId: event.eventId,
      streamId: event.streamId,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      hash,
      sealedHash: isSealed ? hash : null,
      sealedPosition: isSealed ? event.position : null,
      missing: false,
    });
    count += 1;
  }
  lines.push({ kind: 'end', events: count });
  return lines;
}

/** A checkpoint over the first `size` events of the log as it is now. */
export function syntheticCheckpoint(tenantId: string, events: readonly SyntheticEvent[], size: number, privateKey: KeyObject): SignedCheckpoint {
  const leaves = chainHashes(events.slice(0, size)).map((hash) => leafHash(hash));
  const body = checkpointBody({
    tenantId,
    treeSize: size,
    rootHash: rootHash(leaves),
    position: size === 0 ? '0.0' : (events[size - 1] as SyntheticEvent).position,
    time: `2026-12-07T11:${String(size % 60).padStart(2, '0')}:00.000Z`,
  });
  return signCheckpoint(body, privateKey);
}

/** The file's text: one JSON object per line, a newline after each. */
export function exportText(lines: readonly ExportLine[]): string {
  return lines.map((line) => `${exportLine(line)}\n`).join('');
}
