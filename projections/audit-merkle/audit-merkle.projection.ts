import { appendLeaves, leafHash } from '../../libs/audit/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { insertRows, keyOf, loadRows, upsertRows, type Row } from '../common/batch-rows.js';
import { auditedEventTypes } from '../audit-log/audit-log.projection.js';
import { logKeyOf } from '../audit-log/log-key.js';
import { createAuditMerkleIndexes, createAuditMerkleTables } from './audit-merkle.tables.js';

export const AUDIT_MERKLE_PROJECTION = 'audit_merkle';

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * `audit_merkle`: seals each tenant's events, in log order, into the tenant's RFC 6962 Merkle tree (tables in
 * audit-merkle.tables.ts). Leaf n of a tenant is its n-th event (from 0) and its data is the event's 32-byte chain
 * hash, as the event store returns it (`RecordedEvent.hash`). A batch costs four statements whatever its size: one
 * read of the touched tenants' trees (size and right edge), then one multi-row INSERT of the leaves, one of the new
 * nodes and one upsert of the trees. Nothing comes from the clock, so a rebuild gives identical rows.
 *
 * It follows every event type of the ledger (the audit log's list). An event without a hash is not sealed: only a
 * store that keeps no chain (KurrentDB) delivers one, since the PostgreSQL store backfills the hashes of older events
 * when it migrates, before any projection runs; on such a store every tenant's tree stays empty.
 */
export const auditMerkleProjection: Projection = {
  name: AUDIT_MERKLE_PROJECTION,
  version: 1,
  eventTypes: auditedEventTypes,
  tables: ['audit_merkle_leaves', 'audit_merkle_nodes', 'audit_merkle_trees'],
  // Its rows are positional already (an append-only log / tree): a row history would only double the writes.
  history: false,
  createTables: createAuditMerkleTables,
  createIndexes: createAuditMerkleIndexes,
  applyBatch: applyAuditMerkleBatch,
};

/** The tenant of a stream `<tenant>:<category>-<id>`; null for a stream without one (never sealed). */
function tenantOf(streamId: string): string | null {
  const separator = streamId.indexOf(':');
  return separator > 0 ? streamId.slice(0, separator) : null;
}

/** The event's chain hash, or null when the store keeps none. A hash that is not 64 lowercase hex is a broken store: fail the batch. */
export function chainHashOf(recorded: RecordedEvent): Buffer | null {
  const hash = recorded.hash;
  if (hash === undefined || hash === null) return null;
  if (!HEX_HASH.test(hash)) throw new Error(`event ${recorded.eventId} carries a hash that is not 64 lowercase hex digits`);
  return Buffer.from(hash, 'hex');
}

function bytea(hash: Buffer): string {
  return `\\x${hash.toString('hex')}`;
}

async function applyAuditMerkleBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const byTenant = new Map<string, { recorded: RecordedEvent; hash: Buffer }[]>();
  for (const recorded of events) {
    const tenantId = tenantOf(recorded.streamId);
    const hash = chainHashOf(recorded);
    if (tenantId === null || hash === null) continue;
    const sealed = byTenant.get(tenantId) ?? [];
    sealed.push({ recorded, hash });
    byTenant.set(tenantId, sealed);
  }
  if (byTenant.size === 0) return;
  const trees = await loadRows(context, 'audit_merkle_trees', ['tenant_id'], [...byTenant.keys()].map((tenantId) => [tenantId]));
  const treeOf = new Map(trees.map((row) => [keyOf(row.tenant_id as string), row]));
  const leaves: Row[] = [];
  const nodes: Row[] = [];
  const updated: Row[] = [];
  for (const [tenantId, sealed] of byTenant) {
    const tree = treeOf.get(keyOf(tenantId));
    const size = tree === undefined ? 0 : Number(tree.tree_size);
    const frontier = tree === undefined ? [] : (tree.frontier as string[]).map((hex) => Buffer.from(hex, 'hex'));
    const appended = appendLeaves(
      size,
      frontier,
      sealed.map(({ hash }) => leafHash(hash)),
    );
    sealed.forEach(({ recorded, hash }, offset) => leaves.push(leafRow(tenantId, size + offset, recorded, hash)));
    for (const node of appended.nodes) nodes.push({ tenant_id: tenantId, level: node.level, node_index: String(node.index), hash: bytea(node.hash) });
    const last = (sealed[sealed.length - 1] as { recorded: RecordedEvent }).recorded;
    updated.push({
      tenant_id: tenantId,
      tree_size: String(appended.treeSize),
      root_hash: bytea(appended.root),
      position: encodePosition(last.position),
      frontier: appended.frontier.map((node) => node.hash.toString('hex')),
    });
  }
  await insertRows(context, 'audit_merkle_leaves', leaves);
  await insertRows(context, 'audit_merkle_nodes', nodes);
  await upsertRows(context, 'audit_merkle_trees', ['tenant_id'], updated);
}

function leafRow(tenantId: string, leafIndex: number, recorded: RecordedEvent, hash: Buffer): Row {
  return {
    tenant_id: tenantId,
    leaf_index: String(leafIndex),
    event_id: recorded.eventId,
    stream_id: recorded.streamId,
    revision: recorded.revision.toString(),
    position: encodePosition(recorded.position),
    log_key: logKeyOf(recorded.position),
    commit_position: recorded.position.commit.toString(),
    prepare_position: recorded.position.prepare.toString(),
    event_hash: bytea(hash),
  };
}
