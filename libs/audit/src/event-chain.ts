import { canonicalJson } from './canonical-json.js';
import { AuditInputError, HASH_LENGTH, hashesEqual, isHash, sha256 } from './hashing.js';

/**
 * The fields of a recorded event that its chain hash covers. `revision` is the 0-based stream revision as a decimal
 * string (the store's bigint; JSON has no integer type wide enough), `data` and `metadata` the JSON objects exactly as
 * the event store returns them.
 */
export interface CanonicalEventFields {
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** An event as an export or a table row holds it: the hashed fields plus the stored chain hash. */
export interface ChainedEvent extends CanonicalEventFields {
  readonly hash: Buffer;
}

/** The 32 zero bytes that stand for "no previous event": the previous hash of revision 0 of every stream. */
export const GENESIS_HASH: Buffer = Buffer.alloc(HASH_LENGTH);

const REVISION_PATTERN = /^(0|[1-9]\d{0,19})$/;
const MAX_UNSIGNED_64 = (1n << 64n) - 1n;

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new AuditInputError(`${field} must be a non-empty string`);
  return value;
}

function requireRevision(value: unknown): bigint {
  if (typeof value !== 'string' || !REVISION_PATTERN.test(value) || BigInt(value) > MAX_UNSIGNED_64) {
    throw new AuditInputError(`revision must be an unsigned 64-bit integer in decimal, got ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

function requireJsonObject(value: unknown, field: string): object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AuditInputError(`${field} must be a JSON object`);
  return value;
}

/**
 * The RFC 8785 (JCS) text of exactly the six fields `data`, `eventId`, `metadata`, `revision`, `streamId`, `type`
 * (JCS sorts them in this order). Nothing else of the row (position, recorded time, hash) is included: the position
 * is covered by the tenant's Merkle tree, and the recorded time is in the metadata when a reader needs it.
 * Throws AuditInputError for a value JCS cannot represent (NaN, Infinity, a lone surrogate, a cycle).
 */
export function canonicalEvent(event: CanonicalEventFields): string {
  const fields = {
    eventId: requireText(event.eventId, 'eventId'),
    streamId: requireText(event.streamId, 'streamId'),
    revision: (requireRevision(event.revision), event.revision),
    type: requireText(event.type, 'type'),
    data: requireJsonObject(event.data, 'data'),
    metadata: requireJsonObject(event.metadata, 'metadata'),
  };
  let text: string | undefined;
  try {
    text = canonicalJson(fields);
  } catch (error) {
    throw new AuditInputError(`event ${fields.eventId} has no canonical JSON form: ${(error as Error).message}`);
  }
  if (text === undefined) throw new AuditInputError(`event ${fields.eventId} has no canonical JSON form`);
  return text;
}

/** The canonical text of an event split around its revision: `head + revision + tail` is canonicalEvent of the event. */
export interface CanonicalEventTemplate {
  readonly head: string;
  readonly tail: string;
}

const REVISION_MARK = '"revision":"0","streamId":';

/**
 * For a store that learns an event's revision only inside its append statement (expected revision 'any'): the client
 * canonicalises everything else, the database puts the revision in and hashes, in the same statement. The revision is
 * a decimal string between `"revision":"` and `"`; JCS puts `streamId` and `type` (JSON strings, whose quotes are
 * escaped) after it, so the last occurrence of the mark is the field itself.
 */
export function canonicalEventTemplate(event: Omit<CanonicalEventFields, 'revision'>): CanonicalEventTemplate {
  const text = canonicalEvent({ ...event, revision: '0' });
  const at = text.lastIndexOf(REVISION_MARK);
  const revisionStart = at + '"revision":"'.length;
  return { head: text.slice(0, revisionStart), tail: text.slice(revisionStart + 1) };
}

/**
 * SHA-256(previous hash (32 bytes) || UTF-8 of the canonical event). `previousHash` null means the first event of a
 * stream, hashed after GENESIS_HASH (32 zero bytes) so every preimage has the same fixed-length prefix.
 */
export function chainHash(previousHash: Buffer | null, canonical: string): Buffer {
  const previous = previousHash ?? GENESIS_HASH;
  if (!isHash(previous)) throw new AuditInputError(`the previous hash must be ${HASH_LENGTH} bytes`);
  return sha256(previous, Buffer.from(canonical, 'utf8'));
}

/** The hash a stream's event must carry: chainHash over canonicalEvent. */
export function eventHash(previousHash: Buffer | null, event: CanonicalEventFields): Buffer {
  return chainHash(previousHash, canonicalEvent(event));
}

/** Where a verified range of a stream starts when it does not start at revision 0: the last event before it. */
export interface ChainAnchor {
  readonly revision: string;
  readonly hash: Buffer;
}

export type ChainFailureReason =
  /** The event's fields cannot be canonicalised (bad revision, empty id, NaN, ...). */
  | 'MALFORMED_EVENT'
  /** The stored hash differs from SHA-256(previous || canonical): the event, or one before it, was changed. */
  | 'HASH_MISMATCH'
  /** The revision is not the previous one plus 1 (an event was deleted, inserted or moved), or a stream does not start at 0. */
  | 'REVISION_GAP';

export type ChainVerification =
  | { readonly ok: true; readonly heads: ReadonlyMap<string, ChainAnchor> }
  | {
      readonly ok: false;
      /** Index in the input of the first bad event. */
      readonly index: number;
      readonly eventId: string;
      readonly streamId: string;
      readonly reason: ChainFailureReason;
      readonly detail: string;
    };

/**
 * Checks the per-stream hash chains of `events`, which may interleave several streams (a tenant's log in global
 * order) but must list each stream's events in revision order. A stream without an anchor must start at revision 0.
 * Stops at the first bad event, which is the one an auditor is shown. On success returns each stream's head, the
 * anchor for the next range. Throws AuditInputError only for a malformed anchor (a caller's error, not the log's).
 */
export function verifyChain(events: readonly ChainedEvent[], anchors: ReadonlyMap<string, ChainAnchor> = new Map()): ChainVerification {
  const heads = new Map<string, { revision: bigint; hash: Buffer }>();
  for (const [streamId, anchor] of anchors) {
    if (!isHash(anchor.hash)) throw new AuditInputError(`the anchor of stream ${streamId} must hold a ${HASH_LENGTH}-byte hash`);
    heads.set(streamId, { revision: requireRevision(anchor.revision), hash: anchor.hash });
  }
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as ChainedEvent;
    const fail = (reason: ChainFailureReason, detail: string): ChainVerification => ({
      ok: false,
      index,
      eventId: String(event.eventId),
      streamId: String(event.streamId),
      reason,
      detail,
    });
    let canonical: string;
    try {
      canonical = canonicalEvent(event);
    } catch (error) {
      return fail('MALFORMED_EVENT', (error as Error).message);
    }
    const revision = BigInt(event.revision);
    const head = heads.get(event.streamId);
    const expectedRevision = head === undefined ? 0n : head.revision + 1n;
    if (revision !== expectedRevision) {
      return fail('REVISION_GAP', `stream ${event.streamId}: expected revision ${expectedRevision}, found ${revision}`);
    }
    const expected = chainHash(head?.hash ?? null, canonical);
    if (!hashesEqual(event.hash, expected)) {
      return fail('HASH_MISMATCH', `stream ${event.streamId} revision ${revision}: expected hash ${expected.toString('hex')}`);
    }
    heads.set(event.streamId, { revision, hash: expected });
  }
  const result = new Map<string, ChainAnchor>();
  for (const [streamId, head] of heads) result.set(streamId, { revision: head.revision.toString(), hash: head.hash });
  return { ok: true, heads: result };
}
