import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import {
  EXPORT_FORMAT,
  exportLine,
  type ExportEventLine,
  type ExportJsonObject,
  type ExportLine,
} from '../../../libs/audit/src/export/export-format.js';
import { consistencyProofFromNodes, consistencyProofNodes, nodeLookupOf, rootNodes, type NodeCoordinate, type StoredNode } from '../../../libs/audit/src/merkle-nodes.js';
import type { CheckpointBody, SignedCheckpoint } from '../../../libs/audit/src/index.js';
import { decodePosition } from '../../../libs/event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA } from '../../../libs/projection-runtime/src/index.js';
import { logKeyOf } from '../../../projections/audit-log/log-key.js';

/**
 * Writes a tenant's export (docs/audit-export.md): the events of a position range with their hashes, joined with the
 * leaves the audit-merkle projection sealed them into, plus every signed checkpoint, the consistency proofs between
 * them, the frontier before the range and the stream anchors. Everything is read in ONE read-only repeatable-read
 * transaction (a consistent snapshot of the log, the tree and the checkpoints) and the events through a server-side
 * cursor, a page at a time, so the log is never held in memory. Run it in the tenant's scope (runForTenant): row-level
 * security then shows only the tenant's rows whatever the SQL says.
 */

export interface LedgerExportOptions {
  readonly tenantId: string;
  /** Exclusive lower bound `<commit>.<prepare>`, null from the start. */
  readonly from: string | null;
  /** Inclusive upper bound, null to the head of the log (as the snapshot sees it). */
  readonly to: string | null;
  /** ISO instant written in the header. */
  readonly exportedAt: string;
  /** The read-model schema holding audit_merkle_* (the live one by default). */
  readonly readModelSchema?: string;
  /** Events per FETCH from the cursor. */
  readonly pageSize?: number;
  /** Called with the events written so far and the total of the range. */
  readonly progress?: (written: number, total: number, done: boolean) => void;
}

export interface LedgerExportResult {
  readonly events: number;
  readonly checkpoints: number;
  readonly startTreeSize: number;
  readonly lastPosition: string | null;
}

/** Where the lines go: one call per line (without its newline); a promise when the sink needs the writer to wait. */
export type ExportSink = (line: string) => void | Promise<void>;

const PAGE_SIZE = 1_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Trx = Transaction<any>;

export async function writeLedgerExport(db: Db, options: LedgerExportOptions, sink: ExportSink): Promise<LedgerExportResult> {
  const schema = options.readModelSchema ?? LIVE_READ_MODEL_SCHEMA;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const from = options.from === null ? null : decodePosition(options.from);
  const to = options.to === null ? null : decodePosition(options.to);
  if (from !== null && to !== null && (from.commit > to.commit || (from.commit === to.commit && from.prepare >= to.prepare))) {
    throw new Error(`--from ${options.from} must come before --to ${options.to}`);
  }
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await sql`set transaction read only`.execute(trx);
      const write = async (line: ExportLine) => sink(exportLine(line));
      const tenantId = options.tenantId;
      await requireSealedTree(trx, schema);
      const fromKey = from === null ? null : logKeyOf(from);
      const toKey = to === null ? null : logKeyOf(to);
      const startTreeSize = await leavesAtOrBefore(trx, schema, tenantId, fromKey);
      await write({ kind: 'header', format: EXPORT_FORMAT, tenantId, from: options.from, to: options.to, exportedAt: options.exportedAt, startTreeSize });

      const checkpoints = await signedCheckpoints(trx, tenantId);
      for (const checkpoint of checkpoints) await write({ kind: 'checkpoint', checkpoint });
      for (let index = 1; index < checkpoints.length; index += 1) {
        const m = (checkpoints[index - 1] as SignedCheckpoint).body.treeSize;
        const n = (checkpoints[index] as SignedCheckpoint).body.treeSize;
        const lookup = nodeLookupOf(await nodes(trx, schema, tenantId, consistencyProofNodes(m, n), `the consistency proof from ${m} to ${n}`));
        await write({ kind: 'consistency', fromSize: m, toSize: n, proof: consistencyProofFromNodes(m, n, lookup).map((hash) => hash.toString('hex')) });
      }
      if (startTreeSize > 0) {
        const coordinates = rootNodes(startTreeSize);
        const lookup = nodeLookupOf(await nodes(trx, schema, tenantId, coordinates, `the frontier of ${startTreeSize} leaves`));
        await write({ kind: 'frontier', treeSize: startTreeSize, hashes: coordinates.map((node) => lookup(node).toString('hex')) });
      }

      const range = eventRange(tenantId, options.from, options.to);
      const total = options.progress ? await countEvents(trx, range) : 0;
      for (const anchor of await anchors(trx, range)) await write({ kind: 'anchor', ...anchor });

      await sql`declare ledger_export no scroll cursor for ${eventsAndLeaves(schema, tenantId, range, fromKey, toKey)}`.execute(trx);
      let written = 0;
      let lastPosition: string | null = null;
      for (;;) {
        const { rows } = await sql<EventRow>`fetch forward ${sql.raw(String(options.pageSize ?? PAGE_SIZE))} from ledger_export`.execute(trx);
        for (const row of rows) {
          const line = eventLine(row);
          await write(line);
          lastPosition = line.position ?? line.sealedPosition;
          written += 1;
        }
        if (rows.length > 0) options.progress?.(written, Math.max(total, written), false);
        if (rows.length < (options.pageSize ?? PAGE_SIZE)) break;
      }
      await sql`close ledger_export`.execute(trx);
      await write({ kind: 'end', events: written });
      options.progress?.(written, Math.max(total, written), true);
      return { events: written, checkpoints: checkpoints.length, startTreeSize, lastPosition };
    });
}

/** The tenant's events in (from, to], visible to readers of the log (older than every running transaction). */
interface EventRange {
  readonly where: RawBuilder<unknown>;
}

function eventRange(tenantId: string, from: string | null, to: string | null): EventRange {
  const parts = [sql`e.tenant_id = ${tenantId}`, sql`e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())`];
  if (from !== null) {
    const { commit, prepare } = decodePosition(from);
    parts.push(sql`(e.transaction_id, e.global_position) > (${commit.toString()}::xid8, ${prepare.toString()}::bigint)`);
  }
  if (to !== null) {
    const { commit, prepare } = decodePosition(to);
    parts.push(sql`(e.transaction_id, e.global_position) <= (${commit.toString()}::xid8, ${prepare.toString()}::bigint)`);
  }
  return { where: sql.join(parts, sql` and `) };
}

/** The tree's tables exist once the audit_merkle projection has run: before that there is nothing to prove the log against. */
async function requireSealedTree(trx: Trx, schema: string): Promise<void> {
  const { rows } = await sql<{ present: boolean }>`select to_regclass(${`${schema}.audit_merkle_leaves`}) is not null as present`.execute(trx);
  if (rows[0]?.present !== true) {
    throw new Error('the audit_merkle read model does not exist yet: run the projector (or the API with PROJECTIONS=on) so that it seals the log, then export');
  }
}

/** The number of sealed leaves at or before the lower bound: the leaf index the export starts at. */
async function leavesAtOrBefore(trx: Trx, schema: string, tenantId: string, fromKey: string | null): Promise<number> {
  if (fromKey === null) return 0;
  const { rows } = await sql<{ leaf_index: string }>`
    select l.leaf_index::text as leaf_index from ${sql.table(`${schema}.audit_merkle_leaves`)} l
     where l.tenant_id = ${tenantId} and l.log_key <= ${fromKey}
     order by l.log_key desc limit 1`.execute(trx);
  return rows[0] === undefined ? 0 : Number(rows[0].leaf_index) + 1;
}

/** Every signed checkpoint of the tenant in tree-size order; none when the checkpoint store was never created. */
async function signedCheckpoints(trx: Trx, tenantId: string): Promise<SignedCheckpoint[]> {
  const { rows: exists } = await sql<{ present: boolean }>`select to_regclass('audit.checkpoints') is not null as present`.execute(trx);
  if (exists[0]?.present !== true) return [];
  const { rows } = await sql<{ key_id: string; signature: string; body: CheckpointBody }>`
    select c.key_id, c.signature, c.body from audit.checkpoints c where c.tenant_id = ${tenantId} order by c.tree_size`.execute(trx);
  return rows.map((row) => ({ body: row.body, keyId: row.key_id, signature: row.signature }));
}

/** The stored nodes at these coordinates; a clear error when the sealed tree lacks one (it is smaller than a checkpoint). */
async function nodes(trx: Trx, schema: string, tenantId: string, coordinates: readonly NodeCoordinate[], purpose: string): Promise<StoredNode[]> {
  if (coordinates.length === 0) return [];
  const { rows } = await sql<{ level: number; node_index: string; hash: Buffer }>`
    select n.level, n.node_index::text as node_index, n.hash
      from ${sql.table(`${schema}.audit_merkle_nodes`)} n
     where n.tenant_id = ${tenantId}
       and (n.level, n.node_index) in (select * from unnest(${coordinates.map((node) => node.level)}::int[], ${coordinates.map((node) => String(node.index))}::bigint[]))`.execute(trx);
  if (rows.length < coordinates.length) {
    throw new Error(`the sealed Merkle tree of tenant ${tenantId} lacks nodes for ${purpose}: the audit-merkle projection is behind (or being rebuilt); try again when it has caught up`);
  }
  return rows.map((row) => ({ level: Number(row.level), index: Number(row.node_index), hash: row.hash }));
}

async function countEvents(trx: Trx, range: EventRange): Promise<number> {
  const { rows } = await sql<{ events: string }>`select count(*)::text as events from event_store.events e where ${range.where}`.execute(trx);
  return Number(rows[0]?.events ?? 0);
}

/** For each stream whose first event in the range is not its first: the stored hash of the event just before it. */
async function anchors(trx: Trx, range: EventRange): Promise<{ streamId: string; revision: string; hash: string }[]> {
  // An event before the range without a hash (none are written so any more) gets no anchor: the verifier then says its stream's chain is broken.
  const { rows } = await sql<{ stream_id: string; revision: string; hash: Buffer }>`
    select f.stream_id, p.revision::text as revision, p.hash
      from (select e.stream_id, min(e.revision) as first_revision from event_store.events e where ${range.where} group by e.stream_id) f
      join event_store.events p on p.stream_id = f.stream_id and p.revision = f.first_revision - 1
     where f.first_revision > 0 and p.hash is not null
     order by f.stream_id`.execute(trx);
  return rows.map((row) => ({ streamId: row.stream_id, revision: row.revision, hash: row.hash.toString('hex') }));
}

interface EventRow {
  readonly event_id: string;
  readonly stream_id: string;
  readonly revision: string;
  readonly type: string | null;
  readonly data: ExportJsonObject | null;
  readonly metadata: ExportJsonObject | null;
  readonly hash: Buffer | null;
  readonly position: string | null;
  readonly recorded_at: Date | null;
  readonly leaf_index: string | null;
  readonly sealed_hash: Buffer | null;
  readonly sealed_position: string | null;
}

/**
 * The events in the range, each with its leaf wherever that is, then the leaves sealed in the range whose event is not
 * in it (deleted, or moved out of the range: then its row as it is now), in log order: an event by its position, a
 * leaf without one by the position it was sealed at. Sorted on the text log key (log-key.ts) of either.
 */
function eventsAndLeaves(schema: string, tenantId: string, range: EventRange, fromKey: string | null, toKey: string | null) {
  const leaves = sql.table(`${schema}.audit_merkle_leaves`);
  const leafRange = [sql`l.tenant_id = ${tenantId}`];
  if (fromKey !== null) leafRange.push(sql`l.log_key > ${fromKey}`);
  if (toKey !== null) leafRange.push(sql`l.log_key <= ${toKey}`);
  const eventKey = (alias: string) => sql.raw(`lpad(${alias}.transaction_id::text, 20, '0') || lpad(${alias}.global_position::text, 20, '0')`);
  return sql`
    select r.* from (
      select e.event_id::text as event_id, e.stream_id, e.revision::text as revision, e.type, e.data, e.metadata, e.hash,
             e.transaction_id::text || '.' || e.global_position::text as position, e.recorded_at,
             l.leaf_index::text as leaf_index, l.event_hash as sealed_hash, l.position as sealed_position,
             ${eventKey('e')} collate "C" as sort_key
        from event_store.events e
        left join ${leaves} l on l.tenant_id = ${tenantId} and l.event_id = e.event_id
       where ${range.where}
      union all
      select l.event_id::text, l.stream_id, l.revision::text, x.type, x.data, x.metadata, x.hash,
             x.transaction_id::text || '.' || x.global_position::text, x.recorded_at,
             l.leaf_index::text, l.event_hash, l.position,
             l.log_key collate "C"
        from ${leaves} l
        left join event_store.events x on x.stream_id = l.stream_id and x.event_id = l.event_id
       where ${sql.join(leafRange, sql` and `)}
         and not exists (select 1 from event_store.events e where e.stream_id = l.stream_id and e.event_id = l.event_id and ${range.where})
    ) r
    order by r.sort_key`;
}

function eventLine(row: EventRow): ExportEventLine {
  const missing = row.position === null;
  return {
    kind: 'event',
    leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
    position: row.position,
    recordedAt: row.recorded_at === null ? null : row.recorded_at.toISOString(),
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    hash: row.hash === null ? null : row.hash.toString('hex'),
    sealedHash: row.sealed_hash === null ? null : row.sealed_hash.toString('hex'),
    sealedPosition: row.sealed_position,
    missing,
  };
}
