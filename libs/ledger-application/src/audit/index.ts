export { AUDIT_CHECKPOINTS_TABLE, auditCheckpointMigrations, ensureAuditCheckpointStore } from './audit-checkpoints.migrations.js';
export { type AuditCheckpointDependencies, type CheckpointPage, type TakenCheckpoint, AuditCheckpoints, AuditCheckpointStore } from './audit-checkpoints.js';
export {
  type AuditSigningKey,
  type AuditSigningKeyConfig,
  AUDIT_SIGNING_KEY_FILE_NAME,
  AuditSigningKeyError,
  auditSigningKeyFilePath,
  auditSigningKeyFor,
  loadOrCreateAuditSigningKeyFile,
  parseAuditSigningKey,
} from './audit-signing-key.js';
export { AuditCheckpointSchedule } from './audit-checkpoint-schedule.js';
