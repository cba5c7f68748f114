import { sql, type Kysely } from 'kysely';
import { nodeLookupOf, rootNodes, type NodeCoordinate, type StoredNode } from '../../libs/audit/src/index.js';
import { decodePosition } from '../../libs/event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { logKeyOf } from '../audit-log/log-key.js';

/** A tenant's sealed tree as it stands: size, root and the position of its last leaf. */
export interface SealedTree {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  /** `<commit>.<prepare>` of the last leaf. */
  readonly position: string;
}

/** One sealed event: where it sits in the tenant's tree and the chain hash it was sealed with (the leaf data). */
export interface SealedLeaf {
  readonly leafIndex: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: string;
  readonly position: string;
  readonly eventHash: Buffer;
}

/**
 * Reads of the audit_merkle read model for the proofs API and the export. Every query names its tenant (and runs
 * under row-level security besides); none reads more than it returns: a tree is one row, a leaf one primary-key or
 * unique-key probe, the nodes of a proof one query by their coordinates.
 */
export class AuditMerkleQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  /** The tenant's tree, or null before its first event is sealed. */
  async tree(tenantId: string): Promise<SealedTree | null> {
    const row = await this.db.withSchema(this.schema).selectFrom('audit_merkle_trees').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    return row === undefined ? null : { treeSize: Number(row.tree_size), rootHash: row.root_hash as Buffer, position: row.position as string };
  }

  /** The leaf of an event of the tenant (by its id), or null when it is not sealed (or not the tenant's). */
  async leafByEventId(tenantId: string, eventId: string): Promise<SealedLeaf | null> {
    const row = await this.db.withSchema(this.schema).selectFrom('audit_merkle_leaves').selectAll().where('tenant_id', '=', tenantId).where('event_id', '=', eventId).executeTakeFirst();
    return row === undefined ? null : leafOf(row);
  }

  /** Leaf `leafIndex` of the tenant's tree, or null beyond it. */
  async leafAt(tenantId: string, leafIndex: number): Promise<SealedLeaf | null> {
    const row = await this.db.withSchema(this.schema).selectFrom('audit_merkle_leaves').selectAll().where('tenant_id', '=', tenantId).where('leaf_index', '=', String(leafIndex)).executeTakeFirst();
    return row === undefined ? null : leafOf(row);
  }

  /**
   * The tenant's sealed leaves with positions in (from, to] (either bound open when null), in leaf order, at most
   * `limit` of them after leaf `afterLeafIndex` (exclusive; -1 for the first page): an index range read.
   */
  async leavesBetween(tenantId: string, from: string | null, to: string | null, afterLeafIndex: number, limit: number): Promise<SealedLeaf[]> {
    let query = this.db.withSchema(this.schema).selectFrom('audit_merkle_leaves').selectAll().where('tenant_id', '=', tenantId).where('leaf_index', '>', String(afterLeafIndex));
    if (from !== null) query = query.where('log_key', '>', logKeyOfCursor(from));
    if (to !== null) query = query.where('log_key', '<=', logKeyOfCursor(to));
    const rows = await query.orderBy('leaf_index').limit(limit).execute();
    return rows.map(leafOf);
  }

  /**
   * The right edge of the tenant's tree at size `treeSize` (at most the sealed size): the hashes of the perfect
   * subtrees that decompose leaves [0, treeSize), largest first, so that a reader can extend the tree from there (an
   * export's `frontier` line). One query; throws when the read model lacks a node (the tree is not that large).
   */
  async frontierAt(tenantId: string, treeSize: number): Promise<Buffer[]> {
    const wanted = rootNodes(treeSize);
    const lookup = nodeLookupOf(await this.nodes(tenantId, wanted));
    return wanted.map((node) => lookup(node));
  }

  /** The stored nodes at these coordinates, in ONE query (one array parameter per coordinate column); missing ones are absent. */
  async nodes(tenantId: string, coordinates: readonly NodeCoordinate[]): Promise<StoredNode[]> {
    if (coordinates.length === 0) return [];
    const levels = coordinates.map((node) => node.level);
    const indexes = coordinates.map((node) => String(node.index));
    const { rows } = await sql<{ level: number; node_index: string; hash: Buffer }>`
      select n.level, n.node_index::text as node_index, n.hash
        from ${sql.table(`${this.schema}.audit_merkle_nodes`)} n
       where n.tenant_id = ${tenantId}
         and (n.level, n.node_index) in (select * from unnest(${levels}::int[], ${indexes}::bigint[]))`.execute(this.db);
    return rows.map((row) => ({ level: Number(row.level), index: Number(row.node_index), hash: row.hash }));
  }
}

/** The text key of a cursor `<commit>.<prepare>` (log-key.ts); InvalidPositionError for anything else. */
function logKeyOfCursor(cursor: string): string {
  return logKeyOf(decodePosition(cursor));
}

function leafOf(row: Record<string, unknown>): SealedLeaf {
  return {
    leafIndex: Number(row.leaf_index),
    eventId: row.event_id as string,
    streamId: row.stream_id as string,
    revision: String(row.revision),
    position: row.position as string,
    eventHash: row.event_hash as Buffer,
  };
}
