import { createPublicKey } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  AuditCheckpoints,
  AuditCheckpointSchedule,
  auditSigningKeyFor,
  ensureAuditCheckpointStore,
  type AuditSigningKey,
} from '../../../../libs/ledger-application/src/audit/index.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';

/** What GET /audit/public-key publishes. */
export interface AuditPublicKey {
  readonly algorithm: 'ed25519';
  readonly keyId: string;
  /** SPKI PEM (-----BEGIN PUBLIC KEY-----), what the offline verifier's --public-key reads. */
  readonly publicKeyPem: string;
}

/**
 * The API's audit trust: the checkpoint signing key (LEDGER_AUDIT_SIGNING_KEY_FILE, or the key file generated beside
 * the data directory on first start), the checkpoints signed with it, and their schedule. The key is loaded when the
 * module starts, so `npm start` creates the key file before it serves anything, and a bad key stops the start.
 */
@Injectable()
export class AuditTrust implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private signing: { key: AuditSigningKey; publicKey: AuditPublicKey; checkpoints: AuditCheckpoints; schedule: AuditCheckpointSchedule } | undefined;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  async onModuleInit(): Promise<void> {
    const { config, db, tenantClock, log } = this.services;
    const key = await auditSigningKeyFor(config, log);
    await ensureAuditCheckpointStore(db);
    const checkpoints = new AuditCheckpoints({ db, tenantClock, signingKey: key, log });
    const publicKeyPem = createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    this.signing = {
      key,
      publicKey: { algorithm: 'ed25519', keyId: key.keyId, publicKeyPem },
      checkpoints,
      schedule: new AuditCheckpointSchedule(checkpoints, config.auditCheckpointIntervalSeconds, log),
    };
  }

  onApplicationBootstrap(): void {
    this.started().schedule.start();
    const seconds = this.services.config.auditCheckpointIntervalSeconds;
    this.services.log(seconds > 0 ? `audit checkpoints: every ${seconds} s for each tenant whose log grew` : 'audit checkpoints: on demand only (LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS=0)');
  }

  async onModuleDestroy(): Promise<void> {
    await this.signing?.schedule.stop();
  }

  get checkpoints(): AuditCheckpoints {
    return this.started().checkpoints;
  }

  get schedule(): AuditCheckpointSchedule {
    return this.started().schedule;
  }

  get publicKey(): AuditPublicKey {
    return this.started().publicKey;
  }

  private started() {
    if (this.signing === undefined) throw new Error('the audit signing key is not loaded yet');
    return this.signing;
  }
}
