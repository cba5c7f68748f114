export { AuditInputError, HASH_LENGTH, hashesEqual, isHash, sha256 } from './hashing.js';
export {
  type CanonicalEventFields,
  type CanonicalEventTemplate,
  type ChainAnchor,
  type ChainedEvent,
  type ChainFailureReason,
  type ChainVerification,
  GENESIS_HASH,
  canonicalEvent,
  canonicalEventTemplate,
  chainHash,
  eventHash,
  verifyChain,
} from './event-chain.js';
export { EMPTY_ROOT_HASH, consistencyProof, inclusionProof, leafHash, nodeHash, rootHash, verifyConsistency, verifyInclusion } from './merkle.js';
export { MerkleFrontier } from './merkle-frontier.js';
export {
  type AuditKeyPair,
  type CheckpointBody,
  type CheckpointInput,
  type SignedCheckpoint,
  CHECKPOINT_FORMAT,
  auditKeyId,
  checkpointBody,
  checkpointBytes,
  generateAuditKeyPair,
  parseAuditPrivateKey,
  parseAuditPublicKey,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint.js';
