import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { AuditInputError, isHash, sha256 } from './hashing.js';
import { EMPTY_ROOT_HASH } from './merkle.js';

/** Names the format inside the signed bytes, so a signature over a checkpoint can never be replayed as another JSON document's. */
export const CHECKPOINT_FORMAT = 'billing-ledger/checkpoint/v1';

export interface CheckpointInput {
  readonly tenantId: string;
  /** Number of the tenant's events in the tree. */
  readonly treeSize: number;
  /** The RFC 6962 root of the first treeSize leaves. */
  readonly rootHash: Buffer;
  /** The global position (`<commit>.<prepare>`, libs/event-store encodePosition) of the last event in the tree. */
  readonly position: string;
  /** When the checkpoint was taken, an ISO 8601 UTC instant ('2026-12-07T13:00:00.000Z'); passed in, never read from a clock. */
  readonly time: string;
}

/** The signed statement: the input with the root in lowercase hex and the format tag. Its bytes are the JCS of this object. */
export interface CheckpointBody {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly tenantId: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly position: string;
  readonly time: string;
}

export interface SignedCheckpoint {
  readonly body: CheckpointBody;
  /** auditKeyId of the signing key, so a verifier holding several published keys picks the right one. */
  readonly keyId: string;
  /** The 64-byte ed25519 signature over checkpointBytes(body), base64 (RFC 4648, with padding). */
  readonly signature: string;
}

// Same grammar as libs/event-store encodePosition; repeated so this library (and the offline verifier) stands alone.
const POSITION_PATTERN = /^(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,19})$/;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const HEX_HASH_PATTERN = /^[0-9a-f]{64}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{86}==$/;

function requireBodyFields(tenantId: unknown, treeSize: unknown, position: unknown, time: unknown): void {
  if (typeof tenantId !== 'string' || tenantId.length === 0) throw new AuditInputError('tenantId must be a non-empty string');
  if (typeof treeSize !== 'number' || !Number.isSafeInteger(treeSize) || treeSize < 0) throw new AuditInputError('treeSize must be a non-negative safe integer');
  if (typeof position !== 'string' || !POSITION_PATTERN.test(position)) throw new AuditInputError('position must be a cursor <commit>.<prepare>');
  if (typeof time !== 'string' || !INSTANT_PATTERN.test(time) || !isRealInstant(time)) {
    throw new AuditInputError('time must be an ISO 8601 UTC instant');
  }
}

/** Date.parse accepts '2026-02-31T…' as 3 March: the calendar fields must survive the round trip. */
function isRealInstant(time: string): boolean {
  const millis = Date.parse(time);
  return !Number.isNaN(millis) && new Date(millis).toISOString().slice(0, 19) === time.slice(0, 19);
}

/** A consistency proof from size 0 accepts any root (RFC 9162), so the checkpoint is where size 0 is tied to the empty root. */
function requireEmptyRootForEmptyTree(treeSize: number, rootHex: string): void {
  if (treeSize === 0 && rootHex !== EMPTY_ROOT_HASH.toString('hex')) throw new AuditInputError('a tree of size 0 has the empty root hash');
}

/** Validates the input and builds the body that gets signed. */
export function checkpointBody(input: CheckpointInput): CheckpointBody {
  requireBodyFields(input.tenantId, input.treeSize, input.position, input.time);
  if (!isHash(input.rootHash)) throw new AuditInputError('rootHash must be 32 bytes');
  requireEmptyRootForEmptyTree(input.treeSize, input.rootHash.toString('hex'));
  return Object.freeze({
    format: CHECKPOINT_FORMAT,
    tenantId: input.tenantId,
    treeSize: input.treeSize,
    rootHash: input.rootHash.toString('hex'),
    position: input.position,
    time: input.time,
  });
}

/**
 * The exact signed bytes: UTF-8 of the RFC 8785 JCS of the body's six fields, e.g.
 * {"format":"billing-ledger/checkpoint/v1","position":"42.42","rootHash":"…","tenantId":"acme","time":"…","treeSize":7}.
 * Throws for a body that checkpointBody would not have produced (unknown format, bad hash text, ...).
 */
export function checkpointBytes(body: CheckpointBody): Buffer {
  if (body === null || typeof body !== 'object' || body.format !== CHECKPOINT_FORMAT) throw new AuditInputError(`format must be ${CHECKPOINT_FORMAT}`);
  requireBodyFields(body.tenantId, body.treeSize, body.position, body.time);
  if (typeof body.rootHash !== 'string' || !HEX_HASH_PATTERN.test(body.rootHash)) throw new AuditInputError('rootHash must be 64 lowercase hex digits');
  requireEmptyRootForEmptyTree(body.treeSize, body.rootHash);
  const { format, tenantId, treeSize, rootHash, position, time } = body;
  return Buffer.from(canonicalize({ format, tenantId, treeSize, rootHash, position, time }) as string, 'utf8');
}

function requireEd25519(key: KeyObject, type: 'private' | 'public'): KeyObject {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') throw new AuditInputError(`an ed25519 ${type} key is required`);
  return key;
}

/** The key id: lowercase hex of the first 16 bytes of SHA-256 over the public key's DER SubjectPublicKeyInfo. */
export function auditKeyId(publicKey: KeyObject): string {
  const key = requireEd25519(publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey, 'public');
  return sha256(key.export({ type: 'spki', format: 'der' })).subarray(0, 16).toString('hex');
}

export function signCheckpoint(body: CheckpointBody, privateKey: KeyObject): SignedCheckpoint {
  const key = requireEd25519(privateKey, 'private');
  const signature = sign(null, checkpointBytes(body), key).toString('base64');
  return { body, keyId: auditKeyId(createPublicKey(key)), signature };
}

/**
 * True when the signature is a valid ed25519 signature by `publicKey` over checkpointBytes(body). Never throws:
 * a malformed body, a signature that is not exactly 64 bytes of canonical base64, a key of another type are false.
 * The keyId is only a hint for choosing the key and is not trusted.
 */
export function verifyCheckpoint(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  try {
    const key = requireEd25519(publicKey, 'public');
    if (typeof checkpoint.signature !== 'string' || !SIGNATURE_PATTERN.test(checkpoint.signature)) return false;
    return verify(null, checkpointBytes(checkpoint.body), key, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

export interface AuditKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PKCS#8 PEM ('-----BEGIN PRIVATE KEY-----'): what configuration and the data directory hold. */
  readonly privateKeyPem: string;
  /** SPKI PEM ('-----BEGIN PUBLIC KEY-----'): what GET /audit/public-key publishes and the verifier reads. */
  readonly publicKeyPem: string;
}

/** A fresh ed25519 key pair (node:crypto's CSPRNG; the only non-deterministic function of this library). */
export function generateAuditKeyPair(): AuditKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Reads a PKCS#8 PEM ed25519 private key; throws AuditInputError for anything else. */
export function parseAuditPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new AuditInputError(`not a PEM private key: ${(error as Error).message}`);
  }
  return requireEd25519(key, 'private');
}

/** Reads an SPKI PEM ed25519 public key; throws AuditInputError for anything else (including a private key). */
export function parseAuditPublicKey(pem: string): KeyObject {
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) throw new AuditInputError('not a PEM public key (-----BEGIN PUBLIC KEY-----)');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new AuditInputError(`not a PEM public key: ${(error as Error).message}`);
  }
  return requireEd25519(key, 'public');
}
