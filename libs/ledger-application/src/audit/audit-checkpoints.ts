import { sql, type Kysely } from 'kysely';
import { checkpointBody, EMPTY_ROOT_HASH, hashesEqual, signCheckpoint, type CheckpointBody, type SignedCheckpoint } from '../../../audit/src/index.js';
import { runAsSystem } from '../../../database/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../../projection-runtime/src/index.js';
import type { TenantClock } from '../../../scheduler/src/index.js';
import { AuditMerkleQueries } from '../../../../projections/audit-merkle/audit-merkle.queries.js';
import type { AuditSigningKey } from './audit-signing-key.js';

/** The position of a checkpoint of the empty tree: before every event. */
const NO_POSITION = '0.0';
/** Tenants checkpointed per scheduled round, at most (the rest wait for the next round). */
const DUE_TENANTS_MAX = 1_000;

export interface AuditCheckpointDependencies {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  /** A checkpoint's time is its tenant's now (real time, or the tenant's test clock). */
  readonly tenantClock: Pick<TenantClock, 'now'>;
  readonly signingKey: AuditSigningKey;
  readonly log?: ((message: string) => void) & { readonly warn?: (message: string) => void; readonly error?: (message: string) => void };
}

export interface TakenCheckpoint {
  readonly checkpoint: SignedCheckpoint;
  /** False when a stored checkpoint answered (the tree has not grown past it). */
  readonly created: boolean;
}

/** A page of checkpoints, newest (largest tree) first. */
export interface CheckpointPage {
  readonly checkpoints: readonly SignedCheckpoint[];
  readonly hasNextPage: boolean;
}

/**
 * The stored checkpoints, read only (what an export or a reader needs; no key): audit.checkpoints, one row per tenant
 * and tree size.
 */
export class AuditCheckpointStore {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    protected readonly db: Kysely<any>,
  ) {}

  /** The tenant's latest checkpoint (largest tree), or null before its first. */
  async latest(tenantId: string): Promise<SignedCheckpoint | null> {
    const row = await this.selectCheckpoints(tenantId).orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
    return row === undefined ? null : signedCheckpointOf(row);
  }

  /** The tenant's checkpoint of exactly this tree size, or null. */
  async atSize(tenantId: string, treeSize: number): Promise<SignedCheckpoint | null> {
    const row = await this.selectCheckpoints(tenantId).where('tree_size', '=', String(treeSize)).executeTakeFirst();
    return row === undefined ? null : signedCheckpointOf(row);
  }

  /** Newest first, `first` of them below tree size `beforeSize` (all when null). */
  async page(tenantId: string, first: number, beforeSize: number | null): Promise<CheckpointPage> {
    let query = this.selectCheckpoints(tenantId);
    if (beforeSize !== null) query = query.where('tree_size', '<', String(beforeSize));
    const rows = await query.orderBy('tree_size', 'desc').limit(first + 1).execute();
    return { checkpoints: rows.slice(0, first).map(signedCheckpointOf), hasNextPage: rows.length > first };
  }

  /** Every checkpoint of the tenant in tree-size order (an export's checkpoints: they are small). */
  async all(tenantId: string): Promise<SignedCheckpoint[]> {
    const rows = await this.selectCheckpoints(tenantId).orderBy('tree_size', 'asc').execute();
    return rows.map(signedCheckpointOf);
  }

  private selectCheckpoints(tenantId: string) {
    return this.db.withSchema('audit').selectFrom('checkpoints').select(['tree_size', 'key_id', 'signature', 'body']).where('tenant_id', '=', tenantId);
  }
}

/**
 * Signed checkpoints (docs/audit-checkpoints.md): statements "the tenant's tree of size n has root r, its last event
 * is at position p", signed with the ledger's ed25519 key at the tenant's now and stored in audit.checkpoints for
 * good. Taking one reads the sealed tree (one row of the audit_merkle read model), never the events.
 *
 * Sizes only grow: a checkpoint is stored only for a tree larger than the tenant's latest checkpoint, so a tree being
 * rebuilt (smaller for a while) never produces a statement older than one already made. A checkpoint is stored once
 * per size (primary key): two processes taking the same one store one row, and both answer with it.
 */
export class AuditCheckpoints extends AuditCheckpointStore {
  private readonly trees: AuditMerkleQueries;

  constructor(
    private readonly dependencies: AuditCheckpointDependencies,
    private readonly readModelSchema: string = LIVE_READ_MODEL_SCHEMA,
  ) {
    super(dependencies.db);
    this.trees = new AuditMerkleQueries(dependencies.db, readModelSchema);
  }

  /**
   * On demand: a checkpoint of the tenant's tree as sealed now. When the tree has not grown past the latest
   * checkpoint, that checkpoint answers (created: false); a tenant with no events gets one of the empty tree.
   */
  async take(tenantId: string): Promise<TakenCheckpoint> {
    const [tree, latest] = await Promise.all([this.trees.tree(tenantId), this.latest(tenantId)]);
    const size = tree?.treeSize ?? 0;
    if (latest !== null && tree !== null && size === latest.body.treeSize) requireSameRoot(tenantId, latest, tree.rootHash);
    if (latest !== null && size <= latest.body.treeSize) return { checkpoint: latest, created: false };
    return this.store(tenantId, { treeSize: size, rootHash: tree?.rootHash ?? EMPTY_ROOT_HASH, position: tree?.position ?? NO_POSITION });
  }

  /** On the schedule: a checkpoint only when the tree has grown past the latest one; null when it has not. */
  async takeIfGrown(tenantId: string): Promise<TakenCheckpoint | null> {
    const [tree, latest] = await Promise.all([this.trees.tree(tenantId), this.latest(tenantId)]);
    if (tree === null || tree.treeSize <= (latest?.body.treeSize ?? 0)) return null;
    return this.store(tenantId, tree);
  }

  /**
   * One scheduled round across tenants (as the system: it reads every tenant's tree): a checkpoint for each tenant
   * whose tree has grown since its latest checkpoint. A tenant that fails is logged and retried next round; the others
   * go on. Returns how many checkpoints were stored.
   */
  async takeDueCheckpoints(): Promise<number> {
    return runAsSystem('audit checkpoints', async () => {
      const { rows } = await sql<{ tenant_id: string }>`
        select t.tenant_id
          from ${sql.table(`${this.readModelSchema}.audit_merkle_trees`)} t
         where t.tree_size > coalesce((select max(c.tree_size) from audit.checkpoints c where c.tenant_id = t.tenant_id), 0)
         order by t.tenant_id
         limit ${DUE_TENANTS_MAX}`.execute(this.db);
      let stored = 0;
      for (const { tenant_id: tenantId } of rows) {
        try {
          if ((await this.takeIfGrown(tenantId))?.created) stored += 1;
        } catch (error) {
          (this.dependencies.log?.error ?? this.dependencies.log)?.(`audit checkpoints: tenant ${tenantId}: ${(error as Error).message}`);
        }
      }
      return stored;
    });
  }

  private async store(tenantId: string, tree: { treeSize: number; rootHash: Buffer; position: string }): Promise<TakenCheckpoint> {
    const time = await this.dependencies.tenantClock.now(tenantId);
    const body = checkpointBody({ tenantId, treeSize: tree.treeSize, rootHash: tree.rootHash, position: tree.position, time });
    const signed = signCheckpoint(body, this.dependencies.signingKey.privateKey);
    const inserted = await this.db
      .withSchema('audit')
      .insertInto('checkpoints')
      .values({
        tenant_id: tenantId,
        tree_size: String(body.treeSize),
        root_hash: tree.rootHash,
        position: body.position,
        time: body.time,
        key_id: signed.keyId,
        signature: signed.signature,
        body: JSON.stringify(body),
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'tree_size']).doNothing())
      .returning('tree_size')
      .executeTakeFirst();
    if (inserted !== undefined) return { checkpoint: signed, created: true };
    // Another process stored this size first: its statement stands, and it must state the same root.
    const existing = await this.atSize(tenantId, tree.treeSize);
    if (existing === null) throw new Error(`audit checkpoints: tenant ${tenantId}: the checkpoint of size ${tree.treeSize} vanished`);
    requireSameRoot(tenantId, existing, tree.rootHash);
    return { checkpoint: existing, created: false };
  }
}

/** A sealed tree that disagrees with a signed checkpoint of its size is a broken read model or a tampered one: never paper over it. */
function requireSameRoot(tenantId: string, checkpoint: SignedCheckpoint, rootHash: Buffer): void {
  if (!hashesEqual(Buffer.from(checkpoint.body.rootHash, 'hex'), rootHash)) {
    throw new Error(
      `audit checkpoints: tenant ${tenantId}: the sealed tree of size ${checkpoint.body.treeSize} has root ${rootHash.toString('hex')}, its signed checkpoint ${checkpoint.body.rootHash}`,
    );
  }
}

function signedCheckpointOf(row: { key_id: unknown; signature: unknown; body: unknown }): SignedCheckpoint {
  return { body: row.body as CheckpointBody, keyId: row.key_id as string, signature: row.signature as string };
}
