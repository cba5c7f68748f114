import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { sql } from 'kysely';
import { runAsSystem } from '../../../../libs/database/src/index.js';
import { START_POSITION } from '../../../../libs/event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, loadCheckpoint } from '../../../../libs/projection-runtime/src/index.js';
import {
  checkpointBytes,
  consistencyProofFromNodes,
  consistencyProofNodes,
  hashesEqual,
  inclusionProofFromNodes,
  inclusionProofNodes,
  leafHash,
  nodeLookupOf,
  rootFromNodes,
  rootNodes,
  type NodeCoordinate,
  type SignedCheckpoint,
} from '../../../../libs/audit/src/index.js';
import { AUDIT_MERKLE_PROJECTION } from '../../../../projections/audit-merkle/audit-merkle.projection.js';
import { AuditMerkleQueries, type SealedTree } from '../../../../projections/audit-merkle/audit-merkle.queries.js';
import { decodeCursor, encodeCursor } from '../../../../projections/common/opaque-cursor.js';
import { ApplicationError } from '../graphql/application-error.js';
import { requireReader, requireWriter, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { AuditCheckpointConnectionType, AuditCheckpointType, ConsistencyProofType, InclusionProofType } from './audit-proofs.types.js';
import { AuditTrust } from './audit-trust.provider.js';

const READ_MODELS = [AUDIT_MERKLE_PROJECTION] as const;
const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the tenant\'s tree includes this position' } as const;
const CHECKPOINT_PAGE_MAX = 100;
const CURSOR_TAG = 'checkpoint';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A checkpoint as the API shows it: its body's fields, the key id, the signature and the exact signed text. */
export function auditCheckpointView(checkpoint: SignedCheckpoint): AuditCheckpointType {
  const { body } = checkpoint;
  return {
    format: body.format,
    treeSize: body.treeSize,
    rootHash: body.rootHash,
    position: body.position,
    time: body.time,
    keyId: checkpoint.keyId,
    signature: checkpoint.signature,
    signedBody: checkpointBytes(body).toString('utf8'),
  };
}

function hex(hash: Buffer): string {
  return hash.toString('hex');
}

/** A tree size argument: a whole number from 1 to the sealed tree's size, else VALIDATION_FAILED naming the field. */
function requireTreeSize(value: number, field: string, tree: SealedTree | null): number {
  const sealed = tree?.treeSize ?? 0;
  if (!Number.isSafeInteger(value) || value < 1) throw new ApplicationError('VALIDATION_FAILED', `${field} must be at least 1, got ${value}`, { field });
  if (value > sealed) {
    throw new ApplicationError('VALIDATION_FAILED', `${field} ${value} is beyond the sealed tree (${sealed} events); pass minPosition to wait for recent events`, { field, sealedTreeSize: sealed });
  }
  return value;
}

/**
 * The tamper-evident log's proofs (docs/audit-checkpoints.md): the tenant's signed checkpoints, RFC 6962 inclusion
 * proofs of its events and consistency proofs between its tree sizes, computed from the stored perfect subtrees of the
 * audit_merkle read model (one query of O(log^2 n) nodes per proof). Reads for every reader role; the tenant is
 * always the caller's, and another tenant's event is NOT_FOUND like an unknown one. Hashes are lowercase hex.
 */
@Resolver()
export class AuditProofsResolver {
  private readonly trees: AuditMerkleQueries;

  constructor(
    @Inject(LEDGER_SERVICES) private readonly services: LedgerServices,
    @Inject(AuditTrust) private readonly trust: AuditTrust,
  ) {
    this.trees = new AuditMerkleQueries(services.db);
  }

  @Query(() => AuditCheckpointType, { nullable: true, description: "The tenant's latest signed checkpoint (largest tree); null before the first" })
  async latestCheckpoint(@Context() request: GraphQLRequestContext): Promise<AuditCheckpointType | null> {
    const principal = requireReader(request);
    const latest = await this.trust.checkpoints.latest(principal.tenantId);
    return latest === null ? null : auditCheckpointView(latest);
  }

  @Query(() => AuditCheckpointConnectionType, { description: "The tenant's signed checkpoints, newest (largest tree) first" })
  async auditCheckpoints(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Context() request: GraphQLRequestContext,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, CHECKPOINT_PAGE_MAX);
    const beforeSize = after ? Number(decodeCursor(after, 2, ([tag, size]) => tag === CURSOR_TAG && /^\d{1,15}$/.test(size))[1]) : null;
    const page = await this.trust.checkpoints.page(principal.tenantId, first, beforeSize);
    const edges = page.checkpoints.map((checkpoint) => ({ cursor: encodeCursor([CURSOR_TAG, String(checkpoint.body.treeSize)]), node: auditCheckpointView(checkpoint) }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Query(() => InclusionProofType, {
    description: 'Proof that an event of the tenant is in its tree of treeSize events (default: the latest checkpoint\'s size, else the sealed tree\'s)',
  })
  async inclusionProof(
    @Args('eventId', { type: () => ID }) eventId: string,
    @Args('treeSize', { type: () => Int, nullable: true }) treeSize: number | null | undefined,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ): Promise<InclusionProofType> {
    const { tenantId } = requireReader(request);
    if (!UUID.test(eventId)) throw new ApplicationError('VALIDATION_FAILED', 'eventId must be an event id (a UUID), as billingEvents and auditLog show it', { field: 'eventId' });
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const leaf = await this.trees.leafByEventId(tenantId, eventId.toLowerCase());
    if (leaf === null) {
      if (await this.eventExists(tenantId, eventId.toLowerCase())) {
        throw new ApplicationError('VALIDATION_FAILED', `event ${eventId} is not sealed into the tree yet: retry, or pass minPosition`, { field: 'eventId', reason: 'NOT_SEALED' });
      }
      throw new ApplicationError('NOT_FOUND', `no event ${eventId}`, { eventId });
    }
    const [tree, latest] = await Promise.all([this.trees.tree(tenantId), this.trust.checkpoints.latest(tenantId)]);
    const size = requireTreeSize(treeSize ?? latest?.body.treeSize ?? tree?.treeSize ?? 0, 'treeSize', tree);
    if (leaf.leafIndex >= size) {
      const advice = treeSize === null || treeSize === undefined ? 'after the latest checkpoint: take one (takeAuditCheckpoint) or pass treeSize' : 'not in that tree: pass a larger treeSize';
      throw new ApplicationError('VALIDATION_FAILED', `event ${eventId} is leaf ${leaf.leafIndex}, ${advice}`, { field: 'treeSize', leafIndex: leaf.leafIndex, treeSize: size });
    }
    const lookup = await this.lookup(tenantId, [...inclusionProofNodes(leaf.leafIndex, size), ...rootNodes(size)]);
    const root = rootFromNodes(size, lookup);
    const checkpoint = latest !== null && latest.body.treeSize === size ? latest : await this.trust.checkpoints.atSize(tenantId, size);
    requireSignedRoot(checkpoint, root);
    return {
      eventId: leaf.eventId,
      streamId: leaf.streamId,
      revision: leaf.revision,
      position: leaf.position,
      leafIndex: leaf.leafIndex,
      treeSize: size,
      eventHash: hex(leaf.eventHash),
      leafHash: hex(leafHash(leaf.eventHash)),
      rootHash: hex(root),
      hashes: inclusionProofFromNodes(leaf.leafIndex, size, lookup).map(hex),
      checkpoint: checkpoint === null ? null : auditCheckpointView(checkpoint),
    };
  }

  @Query(() => ConsistencyProofType, { description: 'Proof that the tenant\'s tree of fromSize events is a prefix of its tree of toSize events' })
  async consistencyProof(
    @Args('fromSize', { type: () => Int }) fromSize: number,
    @Args('toSize', { type: () => Int }) toSize: number,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ): Promise<ConsistencyProofType> {
    const { tenantId } = requireReader(request);
    if (Number.isSafeInteger(fromSize) && Number.isSafeInteger(toSize) && fromSize > toSize) {
      throw new ApplicationError('VALIDATION_FAILED', `fromSize ${fromSize} must not exceed toSize ${toSize}`, { field: 'fromSize' });
    }
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const tree = await this.trees.tree(tenantId);
    const from = requireTreeSize(fromSize, 'fromSize', tree);
    const to = requireTreeSize(toSize, 'toSize', tree);
    const [lookup, fromCheckpoint, toCheckpoint] = await Promise.all([
      this.lookup(tenantId, [...consistencyProofNodes(from, to), ...rootNodes(from), ...rootNodes(to)]),
      this.trust.checkpoints.atSize(tenantId, from),
      this.trust.checkpoints.atSize(tenantId, to),
    ]);
    const fromRoot = rootFromNodes(from, lookup);
    const toRoot = rootFromNodes(to, lookup);
    requireSignedRoot(fromCheckpoint, fromRoot);
    requireSignedRoot(toCheckpoint, toRoot);
    return {
      fromSize: from,
      toSize: to,
      fromRoot: hex(fromRoot),
      toRoot: hex(toRoot),
      hashes: consistencyProofFromNodes(from, to, lookup).map(hex),
      fromCheckpoint: fromCheckpoint === null ? null : auditCheckpointView(fromCheckpoint),
      toCheckpoint: toCheckpoint === null ? null : auditCheckpointView(toCheckpoint),
    };
  }

  @Mutation(() => AuditCheckpointType, {
    description: "Signs a checkpoint of the tenant's tree as sealed now; when the tree has not grown since the latest checkpoint, that one is returned",
  })
  async takeAuditCheckpoint(@Args('minPosition', MIN_POSITION) minPosition: string | null, @Context() request: GraphQLRequestContext): Promise<AuditCheckpointType> {
    const { tenantId } = requireWriter(request, 'takeAuditCheckpoint');
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const { checkpoint } = await this.trust.checkpoints.take(tenantId);
    return auditCheckpointView(checkpoint);
  }

  /** The nodes at these coordinates, in one query; a node the read model lacks fails the request (internal error). */
  private async lookup(tenantId: string, coordinates: readonly NodeCoordinate[]) {
    return nodeLookupOf(await this.trees.nodes(tenantId, coordinates));
  }

  /**
   * Whether the tenant's log holds this event among those the tree has not sealed yet (after the audit_merkle
   * checkpoint: every event at or before it is sealed, so an event there without a leaf is unknown). Read as the system,
   * filtered by the tenant, so the range is a primary-key range read rather than a scan under row-level security; only
   * the error path of an unsealed or unknown event pays for it.
   */
  private async eventExists(tenantId: string, eventId: string): Promise<boolean> {
    if (this.services.config.eventStore !== 'postgres') return false;
    const sealedUpTo = (await loadCheckpoint(this.services.db, AUDIT_MERKLE_PROJECTION, LIVE_READ_MODEL_SCHEMA))?.position ?? START_POSITION;
    return runAsSystem('audit proofs: is the event unsealed', async () => {
      const { rows } = await sql<{ found: number }>`
        select 1 as found from event_store.events
         where (transaction_id, global_position) > (${sealedUpTo.commit.toString()}::text::xid8, ${sealedUpTo.prepare.toString()}::bigint)
           and tenant_id = ${tenantId} and event_id = ${eventId}::uuid
         limit 1`.execute(this.services.db);
      return rows.length > 0;
    });
  }
}

/** A computed root that differs from the signed checkpoint of its size means the read model and the signed log disagree: an internal error, never an answer. */
function requireSignedRoot(checkpoint: SignedCheckpoint | null, root: Buffer): void {
  if (checkpoint !== null && !hashesEqual(Buffer.from(checkpoint.body.rootHash, 'hex'), root)) {
    throw new Error(`the sealed tree of size ${checkpoint.body.treeSize} has root ${hex(root)}, its signed checkpoint ${checkpoint.body.rootHash}`);
  }
}
