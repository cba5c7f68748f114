import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * The per-tenant RFC 6962 Merkle tree over the tenant's events in log order (docs/audit-checkpoints.md). Every key
 * starts with the tenant (row-level security is enabled and forced by the runtime, as on every table with a
 * `tenant_id`). Rows are written once and never change, except the one `audit_merkle_trees` row per tenant.
 *
 * - `audit_merkle_leaves`: leaf `leaf_index` (0-based count of the tenant's earlier events) is the event `event_id`,
 *   whose chain hash as sealed is `event_hash` (the leaf data: the leaf hash is SHA-256(0x00 || event_hash)), at
 *   `position` (`<commit>.<prepare>`; `log_key` is the same position as text that sorts like it, log-key.ts).
 * - `audit_merkle_nodes`: the hash of every complete subtree: node (level, node_index) covers leaves
 *   [node_index * 2^level, (node_index + 1) * 2^level); level 0 holds the leaf hashes. Roots and proofs of any size
 *   read O(log^2 n) of them (libs/audit merkle-nodes.ts), never the leaves.
 * - `audit_merkle_trees`: the tenant's current size, root, the position of its last leaf, and its right edge
 *   (`frontier`: the hex hashes of the perfect subtrees of [0, tree_size), largest first), so that a batch appends
 *   without reading any node.
 */
export async function createAuditMerkleTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.audit_merkle_leaves (
  tenant_id        text not null,
  leaf_index       bigint not null check (leaf_index >= 0),
  event_id         uuid not null,
  stream_id        text not null,
  revision         numeric(20, 0) not null,
  position         text not null,
  log_key          text collate "C" not null,
  commit_position  numeric(20, 0) not null,
  prepare_position numeric(20, 0) not null,
  event_hash       bytea not null check (octet_length(event_hash) = 32),
  primary key (tenant_id, leaf_index),
  unique (tenant_id, event_id)
);
create table if not exists ${schema}.audit_merkle_nodes (
  tenant_id        text not null,
  level            integer not null check (level >= 0 and level < 64),
  node_index       bigint not null check (node_index >= 0),
  hash             bytea not null check (octet_length(hash) = 32),
  primary key (tenant_id, level, node_index)
);
create table if not exists ${schema}.audit_merkle_trees (
  tenant_id        text primary key,
  tree_size        bigint not null check (tree_size >= 0),
  root_hash        bytea not null check (octet_length(root_hash) = 32),
  position         text not null,
  frontier         jsonb not null
);
`,
    )
    .execute(db);
}

/** Exports read a position range of a tenant's leaves: a range of this index. */
export async function createAuditMerkleIndexes(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql.raw(`create index if not exists audit_merkle_leaves_by_log_key on ${schema}.audit_merkle_leaves (tenant_id, log_key);`).execute(db);
}
