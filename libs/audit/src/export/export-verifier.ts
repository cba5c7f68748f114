import type { KeyObject } from 'node:crypto';
import { auditKeyId, parseAuditPublicKey, verifyCheckpoint, type SignedCheckpoint } from '../checkpoint.js';
import { verifyChain, type ChainAnchor } from '../event-chain.js';
import { hashesEqual } from '../hashing.js';
import { MerkleFrontier } from '../merkle-frontier.js';
import { leafHash, verifyConsistency } from '../merkle.js';
import {
  EXPORT_LINE_ORDER,
  comparePositionTexts,
  type ExportEventLine,
  type ExportHeaderLine,
  type ExportLine,
  type ExportLineKind,
} from './export-format.js';
import { ExportFormatError, parseExportLine } from './export-parser.js';

/**
 * What is wrong, from the file's shape to a single event. The event reasons name the event (id, stream, revision,
 * leaf index); the checkpoint reasons name the checkpoint's tree size.
 */
export type ExportFailureReason =
  /** Not JSON, an unknown kind, a field of the wrong type, lines out of order, another format. */
  | 'MALFORMED'
  /** The file ends without its end line, or the end line counts other events than the file holds. */
  | 'TRUNCATED'
  /** A checkpoint was signed by another key than the one given (its keyId differs). */
  | 'WRONG_KEY'
  /** A checkpoint's signature does not verify with the key given. */
  | 'BAD_SIGNATURE'
  /** A checkpoint of another tenant, or checkpoints not in increasing tree size. */
  | 'BAD_CHECKPOINT'
  /** The consistency proof between two signed checkpoints does not verify: the log was rewritten between them. */
  | 'INCONSISTENT_CHECKPOINTS'
  /** The frontier (the tree before the first exported leaf) does not match its size or a checkpoint of that size. */
  | 'BAD_FRONTIER'
  /** An event's content does not hash to its stored hash, or its hash is not the one sealed in its leaf. */
  | 'CHANGED'
  /** A sealed event is gone from the log, or sealed leaves are missing. */
  | 'DELETED'
  /** An event sits between sealed events but was never sealed, or has no hash: it was written behind the log's back. */
  | 'INSERTED'
  /** An event is not at the position it was sealed at, or the events are not in log order. */
  | 'MOVED'
  /** A stream's revisions do not follow each other (an event before it in its stream was deleted, inserted or moved). */
  | 'CHAIN_BROKEN'
  /** The recomputed tree's root at a checkpoint's size is not the signed root. */
  | 'ROOT_MISMATCH';

export interface ExportFailure {
  /** 1-based line of the file where the problem shows (0 when the file has no lines at all). */
  readonly line: number;
  readonly reason: ExportFailureReason;
  readonly message: string;
  readonly eventId?: string;
  readonly streamId?: string;
  readonly revision?: string;
  readonly leafIndex?: number;
  readonly treeSize?: number;
}

export interface ExportSummary {
  readonly tenantId: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly events: number;
  readonly streams: number;
  /** Events checked against their leaves and the tree. */
  readonly sealedEvents: number;
  /** Events at the end of the export not sealed yet (their chains are checked, the tree does not cover them yet). */
  readonly unsealedEvents: number;
  /** Leaf index of the first exported leaf and the tree size after the last. */
  readonly firstLeaf: number;
  readonly treeSize: number;
  /** Checkpoints whose signature (and consistency with the next) verified. */
  readonly checkpoints: number;
  /** Checkpoints whose root was recomputed from the exported events (those inside the exported range). */
  readonly checkpointRootsRecomputed: number;
  readonly latestCheckpoint: { readonly treeSize: number; readonly position: string; readonly time: string; readonly rootHash: string } | null;
  readonly lastPosition: string | null;
}

export type ExportVerification = { readonly ok: true; readonly summary: ExportSummary } | { readonly ok: false; readonly failure: ExportFailure };

/** Thrown (not returned) for a key the verifier cannot use: a caller's error, not the export's. */
export class VerifierKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifierKeyError';
  }
}

class Failed extends Error {
  constructor(readonly failure: ExportFailure) {
    super(failure.message);
  }
}

/**
 * Verifies an export (docs/audit-export.md) line by line, in one pass and O(streams + log n) memory: the checkpoint
 * signatures with `publicKeyPem`, the consistency of each checkpoint with the next, then every event: in log order,
 * at its sealed position and leaf, its chain hash recomputed from its content and its stream's previous hash, equal
 * to the hash sealed in its leaf; the tree is rebuilt from the recomputed hashes (continuing from the frontier) and
 * its root compared with every signed checkpoint inside the exported range. Stops at the first failure and names
 * it. No database, no network, no clock. Throws VerifierKeyError for a key that is not an ed25519 public key (PEM).
 */
export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, publicKeyPem: string): Promise<ExportVerification> {
  let publicKey: KeyObject;
  try {
    publicKey = parseAuditPublicKey(publicKeyPem);
  } catch (error) {
    throw new VerifierKeyError(`the public key cannot be used: ${(error as Error).message}`);
  }
  const verifier = new ExportVerifier(publicKey);
  try {
    let lineNumber = 0;
    for await (const text of lines) {
      lineNumber += 1;
      let line: ExportLine;
      try {
        line = parseExportLine(text, lineNumber);
      } catch (error) {
        if (error instanceof ExportFormatError) throw new Failed({ line: lineNumber, reason: 'MALFORMED', message: error.message });
        throw error;
      }
      verifier.accept(line, lineNumber);
    }
    return { ok: true, summary: verifier.finish(lineNumber) };
  } catch (error) {
    if (error instanceof Failed) return { ok: false, failure: error.failure };
    throw error;
  }
}

interface EventIdentity {
  readonly line: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: string;
  readonly leafIndex?: number;
}

function identity(event: ExportEventLine, line: number): EventIdentity {
  return { line, eventId: event.eventId, streamId: event.streamId, revision: event.revision, ...(event.leafIndex === null ? {} : { leafIndex: event.leafIndex }) };
}

function describe(event: EventIdentity): string {
  return `event ${event.eventId} (stream ${event.streamId}, revision ${event.revision}${event.leafIndex === undefined ? '' : `, leaf ${event.leafIndex}`})`;
}

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

/** The verifier's state between lines. */
class ExportVerifier {
  private readonly keyId: string;
  private stage = -1;
  private header: ExportHeaderLine | undefined;
  private readonly checkpoints: SignedCheckpoint[] = [];
  private readonly checkpointsBySize = new Map<number, SignedCheckpoint>();
  private consistencyProofs = 0;
  private frontier: MerkleFrontier | undefined;
  private readonly heads = new Map<string, ChainAnchor>();
  private readonly streams = new Set<string>();
  private lastPosition: string | null = null;
  private nextLeaf = 0;
  private events = 0;
  private sealed = 0;
  private firstUnsealed: EventIdentity | undefined;
  private unsealed = 0;
  private rootsRecomputed = 0;
  private ended = false;

  constructor(private readonly publicKey: KeyObject) {
    this.keyId = auditKeyId(publicKey);
  }

  accept(line: ExportLine, lineNumber: number): void {
    if (this.ended) this.fail(lineNumber, 'MALFORMED', `line ${lineNumber}: nothing may follow the end line`);
    this.enter(line.kind, lineNumber);
    switch (line.kind) {
      case 'header':
        this.header = line;
        this.nextLeaf = line.startTreeSize;
        return;
      case 'checkpoint':
        return this.acceptCheckpoint(line.checkpoint, lineNumber);
      case 'consistency':
        return this.acceptConsistency(line.fromSize, line.toSize, line.proof, lineNumber);
      case 'frontier':
        return this.acceptFrontier(line.treeSize, line.hashes, lineNumber);
      case 'anchor':
        if (this.heads.has(line.streamId)) this.fail(lineNumber, 'MALFORMED', `line ${lineNumber}: a second anchor for stream ${line.streamId}`);
        this.heads.set(line.streamId, { revision: line.revision, hash: hex(line.hash) });
        return;
      case 'event':
        return this.acceptEvent(line, lineNumber);
      case 'end':
        this.ended = true;
        if (line.events !== this.events) {
          this.fail(lineNumber, 'TRUNCATED', `line ${lineNumber}: the end line counts ${line.events} events but the file holds ${this.events}: event lines are missing or were added`);
        }
        return;
    }
  }

  /** Moves to the section of `kind`, closing the ones passed over (their counts are checked there). */
  private enter(kind: ExportLineKind, lineNumber: number): void {
    const stage = EXPORT_LINE_ORDER.indexOf(kind);
    if (stage < this.stage || (stage === this.stage && kind === 'header')) {
      this.fail(lineNumber, 'MALFORMED', `line ${lineNumber}: a ${kind} line after the ${EXPORT_LINE_ORDER[this.stage]} lines (the order is ${EXPORT_LINE_ORDER.join(', ')})`);
    }
    if (this.stage === -1 && kind !== 'header') this.fail(lineNumber, 'MALFORMED', `line ${lineNumber}: the first line must be the header, got a ${kind} line`);
    for (let closing = Math.max(this.stage, 0); closing < stage; closing += 1) this.close(EXPORT_LINE_ORDER[closing] as ExportLineKind, lineNumber);
    this.stage = stage;
  }

  private close(kind: ExportLineKind, lineNumber: number): void {
    if (kind === 'consistency' && this.consistencyProofs !== Math.max(0, this.checkpoints.length - 1)) {
      this.fail(lineNumber, 'MALFORMED', `line ${lineNumber}: ${this.checkpoints.length} checkpoints need ${this.checkpoints.length - 1} consistency proofs, the file has ${this.consistencyProofs}`);
    }
    if (kind === 'frontier') {
      const start = this.header?.startTreeSize ?? 0;
      if (this.frontier === undefined) {
        if (start > 0) this.fail(lineNumber, 'MALFORMED', `line ${lineNumber}: the export starts at leaf ${start} but has no frontier line`);
        this.frontier = MerkleFrontier.empty();
      }
    }
  }

  private fail(line: number, reason: ExportFailureReason, message: string, extra: Partial<ExportFailure> = {}): never {
    throw new Failed({ line, reason, message, ...extra });
  }

  private acceptCheckpoint(checkpoint: SignedCheckpoint, line: number): void {
    const body = checkpoint.body;
    const size = typeof body.treeSize === 'number' ? body.treeSize : undefined;
    const named = { ...(size === undefined ? {} : { treeSize: size }) };
    const label = `line ${line}: checkpoint of tree size ${String(body.treeSize)}`;
    if (checkpoint.keyId !== this.keyId) {
      this.fail(line, 'WRONG_KEY', `${label} was signed by key ${checkpoint.keyId}, not by the key given (${this.keyId})`, named);
    }
    if (!verifyCheckpoint(checkpoint, this.publicKey)) this.fail(line, 'BAD_SIGNATURE', `${label}: its signature does not verify with the key given (the checkpoint was altered or forged)`, named);
    if (body.tenantId !== this.header?.tenantId) this.fail(line, 'BAD_CHECKPOINT', `${label} is of tenant ${body.tenantId}, the export of tenant ${this.header?.tenantId}`, named);
    const previous = this.checkpoints[this.checkpoints.length - 1];
    if (previous !== undefined && previous.body.treeSize >= body.treeSize) {
      this.fail(line, 'BAD_CHECKPOINT', `${label} follows one of size ${previous.body.treeSize}: checkpoints must be in increasing tree size`, named);
    }
    this.checkpoints.push(checkpoint);
    this.checkpointsBySize.set(body.treeSize, checkpoint);
  }

  private acceptConsistency(fromSize: number, toSize: number, proof: readonly string[], line: number): void {
    const older = this.checkpoints[this.consistencyProofs];
    const newer = this.checkpoints[this.consistencyProofs + 1];
    if (older === undefined || newer === undefined || older.body.treeSize !== fromSize || newer.body.treeSize !== toSize) {
      this.fail(line, 'MALFORMED', `line ${line}: a consistency proof from ${fromSize} to ${toSize} where the next pair of checkpoints is ${older?.body.treeSize ?? 'none'} to ${newer?.body.treeSize ?? 'none'}`);
    }
    if (!verifyConsistency(fromSize, toSize, hex(older.body.rootHash), hex(newer.body.rootHash), proof.map(hex))) {
      this.fail(
        line,
        'INCONSISTENT_CHECKPOINTS',
        `line ${line}: the checkpoint of tree size ${fromSize} (signed ${older.body.time}) is not a prefix of the one of size ${toSize} (signed ${newer.body.time}): ` +
          `the consistency proof does not verify, so leaves among the first ${fromSize} were changed, removed or reordered after the first was signed`,
        { treeSize: fromSize },
      );
    }
    this.consistencyProofs += 1;
  }

  private acceptFrontier(treeSize: number, hashes: readonly string[], line: number): void {
    const start = this.header?.startTreeSize ?? 0;
    if (treeSize !== start || start === 0) this.fail(line, 'BAD_FRONTIER', `line ${line}: a frontier of size ${treeSize} for an export starting at leaf ${start}`, { treeSize });
    try {
      this.frontier = MerkleFrontier.restore(treeSize, hashes.map(hex));
    } catch (error) {
      this.fail(line, 'BAD_FRONTIER', `line ${line}: ${(error as Error).message}`, { treeSize });
    }
    const signed = this.checkpointsBySize.get(treeSize);
    if (signed !== undefined && !hashesEqual(this.frontier.root(), hex(signed.body.rootHash))) {
      this.fail(line, 'BAD_FRONTIER', `line ${line}: the frontier's root is not the root signed by the checkpoint of tree size ${treeSize}`, { treeSize });
    }
  }

  private acceptEvent(event: ExportEventLine, line: number): void {
    const who = identity(event, line);
    const failEvent = (reason: ExportFailureReason, message: string): never => this.fail(line, reason, `line ${line}: ${describe(who)} ${message}`, { ...who });
    this.events += 1;
    this.streams.add(event.streamId);
    const position = event.missing ? (event.sealedPosition as string) : (event.position as string);
    if (this.lastPosition !== null && comparePositionTexts(position, this.lastPosition) <= 0) {
      failEvent('MOVED', `at position ${position} comes after position ${this.lastPosition}: the events are not in log order`);
    }
    this.lastPosition = position;
    if (event.missing) {
      failEvent('DELETED', `was sealed at position ${event.sealedPosition} but is gone from the log: it was deleted`);
    }
    if (event.leafIndex === null) return this.acceptUnsealed(event, who, failEvent);
    if (this.firstUnsealed !== undefined) {
      this.fail(
        this.firstUnsealed.line,
        'INSERTED',
        `line ${this.firstUnsealed.line}: ${describe(this.firstUnsealed)} was never sealed, yet sealed events follow it (the next: ${describe(who)}): it was inserted behind the log's back`,
        { ...this.firstUnsealed },
      );
    }
    if (event.sealedPosition !== event.position) {
      failEvent('MOVED', `was sealed at position ${event.sealedPosition} and is now at position ${event.position}: it was moved`);
    }
    if (event.leafIndex !== this.nextLeaf) {
      if (event.leafIndex > this.nextLeaf) {
        const gap = event.leafIndex - 1 === this.nextLeaf ? `sealed leaf ${this.nextLeaf} is` : `sealed leaves ${this.nextLeaf} to ${event.leafIndex - 1} are`;
        failEvent('DELETED', `comes where leaf ${this.nextLeaf} belongs: ${gap} missing (deleted, or moved out of the exported range)`);
      }
      failEvent('MOVED', `stands where leaf ${this.nextLeaf} belongs: it was moved`);
    }
    const hash = this.checkChain(event, failEvent);
    if (!hashesEqual(hash, hex(event.sealedHash as string))) {
      failEvent('CHANGED', `does not have the hash sealed in its leaf (sealed ${event.sealedHash}, now ${event.hash}): it was changed after it was sealed and its hash recomputed`);
    }
    this.sealed += 1;
    this.nextLeaf += 1;
    const frontier = this.frontier as MerkleFrontier;
    frontier.append(leafHash(hash));
    const signed = this.checkpointsBySize.get(frontier.size);
    if (signed === undefined) return;
    if (!hashesEqual(frontier.root(), hex(signed.body.rootHash))) {
      failEvent(
        'ROOT_MISMATCH',
        `is the last leaf of the checkpoint of tree size ${frontier.size} (signed ${signed.body.time}), but the first ${frontier.size} events do not give its root: ` +
          'an event among them was changed, removed or reordered after the checkpoint was signed, and the tree re-sealed' +
          ((this.header?.startTreeSize ?? 0) > 0 ? ` (or the frontier of the first ${this.header?.startTreeSize} leaves is wrong)` : ''),
      );
    }
    if (signed.body.position !== event.position) {
      failEvent('MOVED', `is the last leaf of the checkpoint of tree size ${frontier.size}, which was signed at position ${signed.body.position}, but it is at position ${event.position}`);
    }
    this.rootsRecomputed += 1;
  }

  private acceptUnsealed(event: ExportEventLine, who: EventIdentity, failEvent: (reason: ExportFailureReason, message: string) => never): void {
    if (event.hash === null) failEvent('INSERTED', 'has no hash: it was not written by the ledger (or before hashing existed)');
    this.checkChain(event, failEvent);
    this.firstUnsealed ??= who;
    this.unsealed += 1;
  }

  /** The event's chain hash recomputed from its content and its stream's previous hash, which must equal the stored one. */
  private checkChain(event: ExportEventLine, failEvent: (reason: ExportFailureReason, message: string) => never): Buffer {
    if (event.hash === null) return failEvent('CHANGED', 'has no hash although it was sealed: its hash was removed');
    const anchor = this.heads.get(event.streamId);
    const result = verifyChain(
      [{ eventId: event.eventId, streamId: event.streamId, revision: event.revision, type: event.type as string, data: event.data, metadata: event.metadata, hash: hex(event.hash) }],
      anchor === undefined ? new Map() : new Map([[event.streamId, anchor]]),
    );
    if (!result.ok) {
      if (result.reason === 'REVISION_GAP') {
        failEvent('CHAIN_BROKEN', `breaks its stream's chain (${result.detail}): an event before it in its stream was deleted or moved, or this one was inserted`);
      }
      if (result.reason === 'MALFORMED_EVENT') failEvent('MALFORMED', `cannot be hashed: ${result.detail}`);
      failEvent('CHANGED', `does not hash to its stored hash (${result.detail}): it, or an earlier event of its stream, was changed after it was written`);
    }
    const head = (result as { heads: ReadonlyMap<string, ChainAnchor> }).heads.get(event.streamId) as ChainAnchor;
    this.heads.set(event.streamId, head);
    return head.hash;
  }

  finish(lines: number): ExportSummary {
    if (lines === 0) this.fail(0, 'TRUNCATED', 'the file is empty');
    if (!this.ended) this.fail(lines, 'TRUNCATED', `the file ends at line ${lines} without its end line: it was cut short`);
    const header = this.header as ExportHeaderLine;
    const start = header.startTreeSize;
    for (const checkpoint of this.checkpoints) {
      const { treeSize, position } = checkpoint.body;
      const covered = header.to === null || comparePositionTexts(position, header.to) <= 0;
      if (treeSize > this.nextLeaf && treeSize > start && covered) {
        this.fail(lines, 'DELETED', `the checkpoint of tree size ${treeSize} (position ${position}) lies inside the exported range, but the export's sealed events end at leaf ${this.nextLeaf - 1}: sealed events are missing`, {
          treeSize,
        });
      }
    }
    const latest = this.checkpoints[this.checkpoints.length - 1];
    return {
      tenantId: header.tenantId,
      from: header.from,
      to: header.to,
      events: this.events,
      streams: this.streams.size,
      sealedEvents: this.sealed,
      unsealedEvents: this.unsealed,
      firstLeaf: start,
      treeSize: this.nextLeaf,
      checkpoints: this.checkpoints.length,
      checkpointRootsRecomputed: this.rootsRecomputed,
      latestCheckpoint: latest === undefined ? null : { treeSize: latest.body.treeSize, position: latest.body.position, time: latest.body.time, rootHash: latest.body.rootHash },
      lastPosition: this.lastPosition,
    };
  }
}
