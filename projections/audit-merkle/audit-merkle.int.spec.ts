import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  consistencyProof,
  consistencyProofFromNodes,
  consistencyProofNodes,
  inclusionProof,
  inclusionProofFromNodes,
  inclusionProofNodes,
  leafHash,
  nodeLookupOf,
  rootFromNodes,
  rootHash,
  rootNodes,
} from '../../libs/audit/src/index.js';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { encodePosition, PostgresEventStore, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { applyEvents, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { projectInBatches, readAppendedLog, seededBatchSizes } from '../../libs/testing/src/batch-split.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { auditMerkleProjection } from './audit-merkle.projection.js';
import { AuditMerkleQueries } from './audit-merkle.queries.js';

/**
 * The audit_merkle read model on a real log (hashes chained by the PostgreSQL store): two tenants' events interleaved.
 * Its rows must not depend on how the log is cut into batches (four statements a batch), each tenant's root and
 * proofs from the stored nodes must equal the array-based ones over its events' chain hashes, and events the tree
 * cannot seal (no hash, no tenant) are left out while a malformed hash fails the batch.
 */

const TENANTS = ['acme', 'globex'] as const;
const STREAMS_PER_TENANT = 5;
const ROUNDS = 7;

async function appendHistory(store: PostgresEventStore): Promise<RecordedEvent[]> {
  let appended = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const tenantId of TENANTS) {
      // Rounds append one or two events to one of the tenant's streams, so revisions and tenants interleave.
      const streamId = `${tenantId}:customer-c-${round % STREAMS_PER_TENANT}`;
      const count = 1 + (round % 2);
      const events = Array.from({ length: count }, (_, index) => ({ eventId: randomUUID(), type: 'CustomerRegistered', data: { customerId: `c-${round}`, note: `${round}.${index}` }, metadata: { actor: 'spec' } }));
      await store.appendToStream(streamId, events, { expectedRevision: 'any' });
      appended += count;
    }
  }
  return readAppendedLog(store, appended);
}

describe('audit_merkle read model', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let history: RecordedEvent[];
  let queries: AuditMerkleQueries;
  const schema = 'audit_merkle_spec';

  beforeAll(async () => {
    database = await createTestDatabase('audit_merkle');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString, { poolSize: 2, applicationName: 'audit-merkle-spec' });
    history = await appendHistory(store);
    await sql.raw(`create schema ${schema}`).execute(connection.db);
    await auditMerkleProjection.createTables(connection.db, schema);
    await auditMerkleProjection.createIndexes?.(connection.db, schema);
    await connection.db.transaction().execute((trx) => applyEvents(auditMerkleProjection, { trx, schema }, history));
    queries = new AuditMerkleQueries(connection.db, schema);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await connection?.close();
    await database?.drop();
  });

  const tenantEvents = (tenantId: string) => history.filter((event) => event.streamId.startsWith(`${tenantId}:`));
  const leavesOf = (tenantId: string) => tenantEvents(tenantId).map((event) => leafHash(Buffer.from(event.hash as string, 'hex')));

  it('the store chains every event, so every one is sealed', () => {
    expect(history.every((event) => typeof event.hash === 'string' && /^[0-9a-f]{64}$/.test(event.hash))).toBe(true);
  });

  it('one event per batch, the whole log in one batch and seeded random splits give the same rows, in four statements a batch', async () => {
    const one = await projectInBatches(connection.db, auditMerkleProjection, history, history.map(() => 1));
    expect(one.rows.audit_merkle_leaves).toHaveLength(history.length);
    const whole = await projectInBatches(connection.db, auditMerkleProjection, history, [history.length]);
    expect(whole.rows).toEqual(one.rows);
    expect(whole.statements).toEqual([4]);
    for (const seed of [7, 42, 2026]) expect((await projectInBatches(connection.db, auditMerkleProjection, history, seededBatchSizes(history.length, 5, seed))).rows).toEqual(one.rows);
  });

  it.each(TENANTS)("%s: the tree is the RFC 6962 tree over the tenant's chain hashes in log order, ending at its last event", async (tenantId) => {
    const events = tenantEvents(tenantId);
    const leaves = leavesOf(tenantId);
    const tree = await queries.tree(tenantId);
    expect(tree).toEqual({ treeSize: events.length, rootHash: rootHash(leaves), position: encodePosition((events.at(-1) as RecordedEvent).position) });
    for (const [index, event] of events.entries()) {
      const leaf = await queries.leafByEventId(tenantId, event.eventId);
      expect(leaf).toEqual({ leafIndex: index, eventId: event.eventId, streamId: event.streamId, revision: event.revision.toString(), position: encodePosition(event.position), eventHash: Buffer.from(event.hash as string, 'hex') });
      expect(await queries.leafAt(tenantId, index)).toEqual(leaf);
    }
    expect(await queries.leafAt(tenantId, events.length)).toBeNull();
  });

  it.each(TENANTS)('%s: roots, inclusion and consistency proofs of every size from the stored nodes (one query each) equal the array-based ones', async (tenantId) => {
    const leaves = leavesOf(tenantId);
    for (let size = 1; size <= leaves.length; size += 1) {
      expect(rootFromNodes(size, nodeLookupOf(await queries.nodes(tenantId, rootNodes(size))))).toEqual(rootHash(leaves, size));
      for (let index = 0; index < size; index += 1) {
        expect(inclusionProofFromNodes(index, size, nodeLookupOf(await queries.nodes(tenantId, inclusionProofNodes(index, size))))).toEqual(inclusionProof(index, size, leaves));
      }
      for (let m = 1; m <= size; m += 1) {
        expect(consistencyProofFromNodes(m, size, nodeLookupOf(await queries.nodes(tenantId, consistencyProofNodes(m, size))))).toEqual(consistencyProof(m, size, leaves));
      }
    }
  });

  it("a tenant's queries never return another tenant's rows", async () => {
    const globexEvent = tenantEvents('globex')[0] as RecordedEvent;
    expect(await queries.leafByEventId('acme', globexEvent.eventId)).toBeNull();
    expect(await queries.tree('initech')).toBeNull();
    expect(await queries.nodes('initech', rootNodes(4))).toEqual([]);
  });

  it('leaves events without a hash (a store without chains) or without a tenant out, and fails a batch on a malformed hash', async () => {
    const [first, second] = history as [RecordedEvent, RecordedEvent];
    const { hash: _dropped, ...withoutHash } = first;
    const untenanted: RecordedEvent = { ...second, streamId: 'system-stream', eventId: randomUUID() };
    const result = await projectInBatches(connection.db, auditMerkleProjection, [withoutHash, untenanted], [2]);
    expect(result.rows.audit_merkle_leaves).toEqual([]);
    expect(result.rows.audit_merkle_trees).toEqual([]);
    expect(result.statements).toEqual([0]);
    await expect(projectInBatches(connection.db, auditMerkleProjection, [{ ...first, hash: 'ABC' }], [1])).rejects.toThrow(/not 64 lowercase hex/);
  });
});
