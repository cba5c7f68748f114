import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { auditKeyId, eventHash, generateAuditKeyPair, verifyConsistency, type SignedCheckpoint } from '../../libs/audit/src/index.js';
import { consistencyProofFromNodes, consistencyProofNodes, nodeLookupOf } from '../../libs/audit/src/merkle-nodes.js';
import { verifyExport, type ExportVerification } from '../../libs/audit/src/export/export-verifier.js';
import { runAsSystem, runForTenant, secureTenantTables } from '../../libs/database/src/index.js';
import { decodePosition } from '../../libs/event-store/src/index.js';
import { AuditCheckpoints, ensureAuditCheckpointStore } from '../../libs/ledger-application/src/audit/index.js';
import { LIVE_READ_MODEL_SCHEMA, rebuildProjection, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { auditMerkleProjection } from '../../projections/audit-merkle/audit-merkle.projection.js';
import { AuditMerkleQueries } from '../../projections/audit-merkle/audit-merkle.queries.js';
import { writeLedgerExport } from '../../apps/cli/src/ledger-export.js';
import { headOfLog } from '../support/expect-rejected.js';
import { draftInput, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Tamper tests on the real database (docs/audit-export.md): tenants write through the API, the audit_merkle
 * projection seals their events, a checkpoint is signed, and a fresh export verifies. Then, each in its own tenant,
 * an event is changed by SQL (its hash left as it was, or recomputed with every later hash of its stream, as a
 * careful attacker would), deleted, moved (two events swap positions) or inserted between sealed events: the
 * verifier of a fresh export fails and names that event. Last, a checkpoint signed before a careful tamper, the tree
 * rebuilt from the tampered log and a new checkpoint signed over it: the consistency proof between the two does not
 * verify, and the verifier of a fresh export says so.
 */

interface StoredEvent {
  event_id: string;
  stream_id: string;
  revision: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  hash: Buffer;
  commit: string;
  prepare: string;
  recorded_at: Date;
}

const keys = generateAuditKeyPair();
const signingKey = { privateKey: keys.privateKey, keyId: auditKeyId(keys.publicKey) };
const CASES = ['changed', 'careful', 'deleted', 'moved', 'inserted', 'rebuilt'] as const;
type Case = (typeof CASES)[number];
const tenantOf = (name: Case): string => `tamper-${name}`;

let ledger: TestLedger;
let checkpoints: AuditCheckpoints;

/** As the system (the test's superuser connection: row-level security does not hold it back, as it would not an attacker). */
function asSystem<Result>(work: () => Promise<Result>): Promise<Result> {
  return runAsSystem('audit tamper test', work);
}

async function storedEvents(tenantId: string): Promise<StoredEvent[]> {
  const { rows } = await asSystem(() =>
    sql<StoredEvent>`
      select event_id::text as event_id, stream_id, revision::text as revision, type, data, metadata, hash,
             transaction_id::text as commit, global_position::text as prepare, recorded_at
        from event_store.events where tenant_id = ${tenantId} order by transaction_id, global_position`.execute(ledger.services.db),
  );
  return rows;
}

async function sealed(): Promise<void> {
  const head = await headOfLog(ledger);
  expect(await waitForProjections(ledger.services.db, [auditMerkleProjection.name], decodePosition(head), 15_000)).toBe(true);
}

async function exportLines(tenantId: string, readModelSchema: string = LIVE_READ_MODEL_SCHEMA): Promise<string[]> {
  const lines: string[] = [];
  await runForTenant({ tenantId }, () =>
    writeLedgerExport(ledger.services.db, { tenantId, from: null, to: null, exportedAt: '2026-03-02T12:00:00.000Z', readModelSchema }, (line) => {
      lines.push(line);
    }),
  );
  return lines;
}

async function verifyFresh(tenantId: string, readModelSchema?: string): Promise<ExportVerification> {
  return verifyExport(await exportLines(tenantId, readModelSchema), keys.publicKeyPem);
}

/** The verification fails and names the event: its id in the failure and in the message. */
async function expectNamed(tenantId: string, eventId: string): Promise<string> {
  const result = await verifyFresh(tenantId);
  if (result.ok) throw new Error(`the export of ${tenantId} verified after the tamper`);
  expect(result.failure.eventId).toBe(eventId);
  expect(result.failure.message).toContain(eventId);
  return result.failure.reason;
}

/** Changes an event's data and recomputes its hash and every later hash of its stream (and the stream's head), as a careful attacker would. */
async function carefullyChange(target: StoredEvent): Promise<void> {
  const stream = (await storedEvents(target.stream_id.split(':')[0] as string)).filter((event) => event.stream_id === target.stream_id);
  await asSystem(() =>
    ledger.services.db.transaction().execute(async (trx) => {
      let previous: Buffer | null = null;
      for (const event of stream) {
        const changed = event.event_id === target.event_id;
        const data = changed ? { ...event.data, customerId: 'someone-else' } : event.data;
        const hash: Buffer = BigInt(event.revision) < BigInt(target.revision) ? event.hash : eventHash(previous, { eventId: event.event_id, streamId: event.stream_id, revision: event.revision, type: event.type, data, metadata: event.metadata });
        if (BigInt(event.revision) >= BigInt(target.revision)) {
          await sql`update event_store.events set data = ${JSON.stringify(data)}::jsonb, hash = ${hash} where event_id = ${event.event_id}::uuid and stream_id = ${event.stream_id}`.execute(trx);
        }
        previous = hash;
      }
      await sql`update event_store.streams set head_hash = ${previous} where stream_id = ${target.stream_id}`.execute(trx);
    }),
  );
}

beforeAll(async () => {
  ledger = await startTestLedger({ clock: new TestClock('2026-03-02T09:00:00.000Z') });
  await asSystem(() => ensureAuditCheckpointStore(ledger.services.db));
  checkpoints = new AuditCheckpoints({ db: ledger.services.db, tenantClock: { now: async () => '2026-03-02T10:00:00.000Z' }, signingKey });
  for (const name of CASES) {
    const key = await ledger.createKey(tenantOf(name), 'admin');
    for (let index = 0; index < 3; index += 1) {
      const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: `customer-${index}` }), key);
      if (index < 2) await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, key);
    }
  }
  await sealed();
  for (const name of CASES) await runForTenant({ tenantId: tenantOf(name) }, () => checkpoints.take(tenantOf(name)));
}, 120_000);

afterAll(async () => {
  await ledger?.stop();
});

describe('a fresh export of an untouched log', () => {
  it.each(CASES.map((name) => [tenantOf(name)]))('verifies for %s: every event sealed, the checkpoint recomputed', async (tenantId) => {
    const events = await storedEvents(tenantId);
    const result = await verifyFresh(tenantId);
    if (!result.ok) throw new Error(`${result.failure.reason}: ${result.failure.message}`);
    expect(result.summary).toMatchObject({ tenantId, events: events.length, sealedEvents: events.length, unsealedEvents: 0, checkpoints: 1, checkpointRootsRecomputed: 1 });
    expect(events.length).toBeGreaterThanOrEqual(5);
  });

  it("holds only its tenant's events", async () => {
    const lines = (await exportLines(tenantOf('changed'))).map((line) => JSON.parse(line) as { kind: string; streamId?: string });
    const streams = lines.filter((line) => line.kind === 'event').map((line) => line.streamId as string);
    expect(streams.every((stream) => stream.startsWith(`${tenantOf('changed')}:`))).toBe(true);
  });
});

describe('a tamper by SQL is named by the verifier of a fresh export', () => {
  it('changed data, its hash left as it was: CHANGED, naming the event', async () => {
    const target = (await storedEvents(tenantOf('changed')))[1] as StoredEvent;
    await asSystem(() => sql`update event_store.events set data = data || '{"customerId":"someone-else"}'::jsonb where event_id = ${target.event_id}::uuid`.execute(ledger.services.db));
    expect(await expectNamed(tenantOf('changed'), target.event_id)).toBe('CHANGED');
  });

  it('changed data with its hash and every later hash of its stream recomputed: CHANGED (not the sealed hash), naming the event', async () => {
    const target = (await storedEvents(tenantOf('careful')))[0] as StoredEvent;
    await carefullyChange(target);
    expect(await expectNamed(tenantOf('careful'), target.event_id)).toBe('CHANGED');
  });

  it('a deleted event: DELETED, naming the event', async () => {
    const target = (await storedEvents(tenantOf('deleted')))[2] as StoredEvent;
    await asSystem(() => sql`delete from event_store.events where event_id = ${target.event_id}::uuid`.execute(ledger.services.db));
    expect(await expectNamed(tenantOf('deleted'), target.event_id)).toBe('DELETED');
  });

  it('two events of different streams that swapped positions: MOVED, naming the one now first', async () => {
    const events = await storedEvents(tenantOf('moved'));
    const first = events[1] as StoredEvent;
    const second = events.find((event, index) => index > 1 && event.stream_id !== first.stream_id) as StoredEvent;
    await asSystem(() =>
      ledger.services.db.transaction().execute(async (trx) => {
        await sql`delete from event_store.events where event_id in (${first.event_id}::uuid, ${second.event_id}::uuid)`.execute(trx);
        for (const [event, slot] of [
          [first, second],
          [second, first],
        ] as const) {
          await sql`
            insert into event_store.events (transaction_id, global_position, tenant_id, stream_id, revision, event_id, type, data, metadata, recorded_at, hash)
            overriding system value
            values (${slot.commit}::xid8, ${slot.prepare}::bigint, ${tenantOf('moved')}, ${event.stream_id}, ${event.revision}::bigint, ${event.event_id}::uuid, ${event.type},
                    ${JSON.stringify(event.data)}::jsonb, ${JSON.stringify(event.metadata)}::jsonb, ${event.recorded_at}, ${event.hash})`.execute(trx);
        }
      }),
    );
    expect(await expectNamed(tenantOf('moved'), second.event_id)).toBe('MOVED');
  });

  it('an event inserted between sealed events, with a well-formed hash: INSERTED, naming it', async () => {
    const events = await storedEvents(tenantOf('inserted'));
    const at = events.findIndex((event, index) => index > 0 && (events[index + 1]?.commit ?? event.commit) !== event.commit);
    const before = events[at] as StoredEvent;
    const forged = {
      eventId: randomUUID(),
      streamId: `${tenantOf('inserted')}:invoice-forged`,
      revision: '0',
      type: 'InvoiceDrafted',
      data: { invoiceId: 'forged', customerId: 'customer-0' },
      metadata: { actor: 'nobody' },
    };
    const hash = eventHash(null, forged);
    await asSystem(() =>
      sql`
        insert into event_store.events (transaction_id, global_position, tenant_id, stream_id, revision, event_id, type, data, metadata, hash)
        overriding system value
        values (${before.commit}::xid8, ${(BigInt(before.prepare) + 1_000_000_000n).toString()}::bigint, ${tenantOf('inserted')}, ${forged.streamId}, 0, ${forged.eventId}::uuid,
                ${forged.type}, ${JSON.stringify(forged.data)}::jsonb, ${JSON.stringify(forged.metadata)}::jsonb, ${hash})`.execute(ledger.services.db),
    );
    expect(await expectNamed(tenantOf('inserted'), forged.eventId)).toBe('INSERTED');
  });
});

describe('a checkpoint signed before a careful tamper', () => {
  const REBUILT_SCHEMA = 'audit_tamper_rebuilt';

  afterAll(async () => {
    await asSystem(() => sql.raw(`drop schema if exists ${REBUILT_SCHEMA} cascade`).execute(ledger.services.db));
  });

  it('is not a prefix of the checkpoint of the tree rebuilt from the tampered log: the consistency proof fails, and the verifier says so', async () => {
    const tenantId = tenantOf('rebuilt');
    const before = (await runForTenant({ tenantId }, () => checkpoints.latest(tenantId))) as SignedCheckpoint;
    const target = (await storedEvents(tenantId))[1] as StoredEvent;
    await carefullyChange(target);
    // The tree grows past the old checkpoint, then an attacker rebuilds the tree from the tampered log and the ledger signs it.
    const key = await ledger.createKey(tenantId, 'admin');
    await ledger.mutateOk('createInvoice', draftInput({ customerId: 'customer-9' }), key);
    await sealed();
    await asSystem(() => rebuildProjection(ledger.services.store, ledger.services.db, auditMerkleProjection, { buildSchema: REBUILT_SCHEMA }));
    await asSystem(() => secureTenantTables(ledger.services.db, auditMerkleProjection.tables.map((table) => `${REBUILT_SCHEMA}.${table}`)));
    const rebuiltCheckpoints = new AuditCheckpoints({ db: ledger.services.db, tenantClock: { now: async () => '2026-03-02T11:00:00.000Z' }, signingKey }, REBUILT_SCHEMA);
    const after = (await runForTenant({ tenantId }, () => rebuiltCheckpoints.take(tenantId))).checkpoint;
    expect(after.body.treeSize).toBeGreaterThan(before.body.treeSize);

    const m = before.body.treeSize;
    const n = after.body.treeSize;
    const nodes = await runForTenant({ tenantId }, () => new AuditMerkleQueries(ledger.services.db, REBUILT_SCHEMA).nodes(tenantId, consistencyProofNodes(m, n)));
    const proof = consistencyProofFromNodes(m, n, nodeLookupOf(nodes));
    expect(verifyConsistency(m, n, Buffer.from(before.body.rootHash, 'hex'), Buffer.from(after.body.rootHash, 'hex'), proof)).toBe(false);

    const result = await verifyFresh(tenantId, REBUILT_SCHEMA);
    if (result.ok) throw new Error('the export verified after the tamper and the rebuild');
    expect(result.failure).toMatchObject({ reason: 'INCONSISTENT_CHECKPOINTS', treeSize: m });
  });
});
