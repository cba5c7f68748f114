import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import {
  checkpointBody,
  checkpointBytes,
  EMPTY_ROOT_HASH,
  generateAuditKeyPair,
  leafHash,
  MerkleFrontier,
  parseAuditPublicKey,
  rootHash,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type AuditKeyPair,
  type SignedCheckpoint,
} from '../../libs/audit/src/index.js';
import { runAsSystem, runForTenant } from '../../libs/database/src/index.js';
import { AuditCheckpoints } from '../../libs/ledger-application/src/audit/index.js';
import { LIVE_READ_MODEL_SCHEMA, projectionStateHash, rebuildProjection, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { decodePosition } from '../../libs/event-store/src/index.js';
import { auditMerkleProjection } from '../../projections/audit-merkle/audit-merkle.projection.js';
import { AuditMerkleQueries } from '../../projections/audit-merkle/audit-merkle.queries.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { headOfLog } from '../support/expect-rejected.js';
import { draftInput, startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';

/**
 * The tamper-evident log through the API (docs/audit-checkpoints.md): two tenants append through the real API; each
 * one's tree root equals the RFC 6962 root over its events' chain hashes as event_store.events holds them; every
 * inclusion proof verifies against the signed checkpoint, consistency proofs between checkpoints verify, the
 * signature verifies with the key of GET /audit/public-key, neither tenant sees the other's, refusals carry their
 * codes, and a rebuild of the tree gives the same rows.
 */

interface Checkpoint {
  format: string;
  treeSize: number;
  rootHash: string;
  position: string;
  time: string;
  keyId: string;
  signature: string;
  signedBody: string;
}
interface InclusionProof {
  eventId: string;
  streamId: string;
  revision: string;
  position: string;
  leafIndex: number;
  treeSize: number;
  eventHash: string;
  leafHash: string;
  rootHash: string;
  hashes: string[];
  checkpoint: Checkpoint | null;
}
interface ConsistencyProof {
  fromSize: number;
  toSize: number;
  fromRoot: string;
  toRoot: string;
  hashes: string[];
  fromCheckpoint: Checkpoint | null;
  toCheckpoint: Checkpoint | null;
}

const CHECKPOINT = 'format treeSize rootHash position time keyId signature signedBody';
const TAKE = `mutation ($minPosition: String) { takeAuditCheckpoint(minPosition: $minPosition) { ${CHECKPOINT} } }`;
const LATEST = `query { latestCheckpoint { ${CHECKPOINT} } }`;
const CHECKPOINTS = `query ($first: Int, $after: String) { auditCheckpoints(first: $first, after: $after) { edges { cursor node { ${CHECKPOINT} } } pageInfo { hasNextPage endCursor } } }`;
const INCLUSION = `query ($eventId: ID!, $treeSize: Int, $minPosition: String) { inclusionProof(eventId: $eventId, treeSize: $treeSize, minPosition: $minPosition) {
  eventId streamId revision position leafIndex treeSize eventHash leafHash rootHash hashes checkpoint { ${CHECKPOINT} } } }`;
const CONSISTENCY = `query ($fromSize: Int!, $toSize: Int!, $minPosition: String) { consistencyProof(fromSize: $fromSize, toSize: $toSize, minPosition: $minPosition) {
  fromSize toSize fromRoot toRoot hashes fromCheckpoint { ${CHECKPOINT} } toCheckpoint { ${CHECKPOINT} } } }`;

const OTHER_TENANT = 'globex';

let ledger: TestLedger;
let keys: AuditKeyPair;
let keyDirectory: string;
let globexKey: string;
let auditorKey: string;
let financeKey: string;
/** The checkpoints taken by the scenario: dev's first and second, globex's first. */
let devFirst: Checkpoint;
let devSecond: Checkpoint;
let globexFirst: Checkpoint;
let head: string;

function baseUrl(): string {
  return ledger.url.replace(/\/graphql$/, '');
}

/** The tenant's events in log order with their chain hashes, straight from the event store's table. */
async function storedEvents(tenantId: string): Promise<{ eventId: string; hash: Buffer }[]> {
  const { rows } = await runAsSystem('audit checkpoints test', () =>
    sql<{ event_id: string; hash: Buffer }>`select event_id::text, hash from event_store.events where tenant_id = ${tenantId} order by transaction_id, global_position`.execute(ledger.services.db),
  );
  return rows.map((row) => ({ eventId: row.event_id, hash: row.hash }));
}

function signedOf(checkpoint: Checkpoint, tenantId: string): SignedCheckpoint {
  const body = checkpointBody({ tenantId, treeSize: checkpoint.treeSize, rootHash: Buffer.from(checkpoint.rootHash, 'hex'), position: checkpoint.position, time: checkpoint.time });
  return { body, keyId: checkpoint.keyId, signature: checkpoint.signature };
}

async function take(key: string = ledger.adminKey): Promise<Checkpoint> {
  head = await headOfLog(ledger);
  return requireData(await ledger.graphql<{ takeAuditCheckpoint: Checkpoint }>(TAKE, { minPosition: head }, key), 'takeAuditCheckpoint').takeAuditCheckpoint;
}

function inclusion(variables: Record<string, unknown>, key: string = ledger.adminKey): Promise<GraphQLHttpResponse<{ inclusionProof: InclusionProof }>> {
  return ledger.graphql<{ inclusionProof: InclusionProof }>(INCLUSION, { minPosition: head, ...variables }, key);
}

function consistency(variables: Record<string, unknown>, key: string = ledger.adminKey): Promise<GraphQLHttpResponse<{ consistencyProof: ConsistencyProof }>> {
  return ledger.graphql<{ consistencyProof: ConsistencyProof }>(CONSISTENCY, { minPosition: head, ...variables }, key);
}

async function issueInvoices(count: number, key: string = ledger.adminKey): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: `merkle-customer-${index % 2}` }), key);
    await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, key);
  }
}

beforeAll(async () => {
  keys = generateAuditKeyPair();
  keyDirectory = await mkdtemp(join(tmpdir(), 'audit-key-'));
  const keyFile = join(keyDirectory, 'signing.pem');
  await writeFile(keyFile, keys.privateKeyPem, { mode: 0o600 });
  ledger = await startTestLedger({
    clock: new TestClock('2026-12-07T09:00:00.000Z'),
    // The schedule is driven by the test (takeDueCheckpoints), never by a timer.
    environment: { LEDGER_AUDIT_SIGNING_KEY_FILE: keyFile, LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0' },
  });
  globexKey = await ledger.createKey(OTHER_TENANT, 'admin');
  auditorKey = await ledger.createKey('dev', 'auditor');
  financeKey = await ledger.createKey('dev', 'finance');
  await issueInvoices(3);
  await issueInvoices(2, globexKey);
  devFirst = await take();
  await issueInvoices(4);
  devSecond = await take(auditorKey);
  globexFirst = await take(globexKey);
}, 180_000);

afterAll(async () => {
  await ledger?.stop();
  await rm(keyDirectory, { recursive: true, force: true });
});

describe('GET /audit/public-key', () => {
  it('publishes the configured key as JSON, without an API key, and its checkpoints verify with it', async () => {
    const response = await fetch(`${baseUrl()}/audit/public-key`);
    expect(response.status).toBe(200);
    const published = (await response.json()) as { algorithm: string; keyId: string; publicKeyPem: string };
    expect(published).toEqual({ algorithm: 'ed25519', keyId: devFirst.keyId, publicKeyPem: keys.publicKeyPem });
    const publicKey = parseAuditPublicKey(published.publicKeyPem);
    for (const [checkpoint, tenantId] of [[devFirst, 'dev'], [devSecond, 'dev'], [globexFirst, OTHER_TENANT]] as const) {
      expect(verifyCheckpoint(signedOf(checkpoint, tenantId), publicKey)).toBe(true);
      expect(checkpoint.signedBody).toBe(checkpointBytes(signedOf(checkpoint, tenantId).body).toString('utf8'));
      // Signed for its tenant only: the same statement about the other tenant does not verify.
      expect(verifyCheckpoint(signedOf(checkpoint, tenantId === 'dev' ? OTHER_TENANT : 'dev'), publicKey)).toBe(false);
    }
  });

  it('serves the PEM text with Accept: application/x-pem-file or ?format=pem, and refuses another format', async () => {
    const byHeader = await fetch(`${baseUrl()}/audit/public-key`, { headers: { accept: 'application/x-pem-file' } });
    expect(byHeader.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    expect(await byHeader.text()).toBe(keys.publicKeyPem);
    const byQuery = await fetch(`${baseUrl()}/audit/public-key?format=pem`);
    expect(await byQuery.text()).toBe(keys.publicKeyPem);
    const refused = await fetch(`${baseUrl()}/audit/public-key?format=der`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
  });
});

describe('checkpoints', () => {
  it("state the RFC 6962 root over the tenant's events' chain hashes in event_store.events, at the position of its last event", async () => {
    const events = await storedEvents('dev');
    expect(events.every((event) => event.hash.length === 32)).toBe(true);
    const leaves = events.map((event) => leafHash(event.hash));
    expect(devSecond.treeSize).toBe(events.length);
    expect(devSecond.rootHash).toBe(rootHash(leaves).toString('hex'));
    expect(devFirst.treeSize).toBeLessThan(devSecond.treeSize);
    expect(devFirst.rootHash).toBe(rootHash(leaves, devFirst.treeSize).toString('hex'));
    const globex = await storedEvents(OTHER_TENANT);
    expect(globexFirst.treeSize).toBe(globex.length);
    expect(globexFirst.rootHash).toBe(rootHash(globex.map((event) => leafHash(event.hash))).toString('hex'));
    // The last leaf's position; the time is the tenant's clock (the test clock), exactly as signed.
    const proof = requireData(await inclusion({ eventId: (events.at(-1) as { eventId: string }).eventId }), 'inclusionProof').inclusionProof;
    expect(devSecond.position).toBe(proof.position);
    expect(devSecond.time).toMatch(/^2026-12-07T09:\d{2}:\d{2}\.\d{3}Z$/);
    expect(devSecond.format).toBe('billing-ledger/checkpoint/v1');
  });

  it('taking one again without new events returns the same signed checkpoint; latestCheckpoint is the largest', async () => {
    const again = await take();
    expect(again).toEqual(devSecond);
    expect(requireData(await ledger.graphql<{ latestCheckpoint: Checkpoint }>(LATEST, {}, auditorKey), 'latestCheckpoint').latestCheckpoint).toEqual(devSecond);
    expect(requireData(await ledger.graphql<{ latestCheckpoint: Checkpoint }>(LATEST, {}, globexKey), 'latestCheckpoint').latestCheckpoint).toEqual(globexFirst);
  });

  it('page newest first, each tenant its own', async () => {
    type Page = { edges: { cursor: string; node: Checkpoint }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const first = requireData(await ledger.graphql<{ auditCheckpoints: Page }>(CHECKPOINTS, { first: 1 }), 'auditCheckpoints').auditCheckpoints;
    expect(first.edges.map((edge) => edge.node)).toEqual([devSecond]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = requireData(await ledger.graphql<{ auditCheckpoints: Page }>(CHECKPOINTS, { first: 5, after: first.pageInfo.endCursor }), 'auditCheckpoints').auditCheckpoints;
    expect(second.edges.map((edge) => edge.node)).toEqual([devFirst]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const globex = requireData(await ledger.graphql<{ auditCheckpoints: Page }>(CHECKPOINTS, { first: 5 }, globexKey), 'auditCheckpoints').auditCheckpoints;
    expect(globex.edges.map((edge) => edge.node)).toEqual([globexFirst]);
    expect(firstErrorCode(await ledger.graphql(CHECKPOINTS, { first: 1, after: 'not-a-cursor' }))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(CHECKPOINTS, { first: 0 }))).toBe('VALIDATION_FAILED');
  });

  it('are taken on the schedule only for tenants whose tree grew, once per size', async () => {
    const scheduled = new AuditCheckpoints({ db: ledger.services.db, tenantClock: ledger.services.tenantClock, signingKey: { privateKey: keys.privateKey, keyId: devFirst.keyId } });
    // Nothing grew since the scenario's checkpoints.
    expect(await scheduled.takeDueCheckpoints()).toBe(0);
    await issueInvoices(1);
    head = await headOfLog(ledger);
    expect(await waitForProjections(ledger.services.db, [auditMerkleProjection.name], decodePosition(head), 15_000)).toBe(true);
    expect(await scheduled.takeDueCheckpoints()).toBe(1);
    expect(await scheduled.takeDueCheckpoints()).toBe(0);
    const latest = requireData(await ledger.graphql<{ latestCheckpoint: Checkpoint }>(LATEST, {}), 'latestCheckpoint').latestCheckpoint;
    expect(latest.treeSize).toBe((await storedEvents('dev')).length);
    expect(latest.treeSize).toBeGreaterThan(devSecond.treeSize);
    expect(requireData(await ledger.graphql<{ latestCheckpoint: Checkpoint }>(LATEST, {}, globexKey), 'latestCheckpoint').latestCheckpoint).toEqual(globexFirst);
  });

  it('a tenant without events gets a checkpoint of the empty tree on demand, none before', async () => {
    const emptyKey = await ledger.createKey('initech', 'admin');
    expect(requireData(await ledger.graphql<{ latestCheckpoint: Checkpoint | null }>(LATEST, {}, emptyKey), 'latestCheckpoint').latestCheckpoint).toBeNull();
    const empty = await take(emptyKey);
    expect({ treeSize: empty.treeSize, rootHash: empty.rootHash, position: empty.position }).toEqual({ treeSize: 0, rootHash: EMPTY_ROOT_HASH.toString('hex'), position: '0.0' });
    expect(verifyCheckpoint(signedOf(empty, 'initech'), keys.publicKey)).toBe(true);
  });

  it('the finance and service roles may not take one (FORBIDDEN); the auditor may', async () => {
    expect(firstErrorCode(await ledger.graphql(TAKE, {}, financeKey))).toBe('FORBIDDEN');
    expect(firstErrorCode(await ledger.graphql(TAKE, {}, await ledger.createKey('dev', 'service')))).toBe('FORBIDDEN');
    expect(firstErrorCode(await ledger.graphql(TAKE, {}, auditorKey))).toBeUndefined();
  });
});

describe('inclusionProof', () => {
  it("proves every one of the tenant's events against the signed checkpoint (default size: the latest checkpoint's)", async () => {
    const events = (await storedEvents('dev')).slice(0, devSecond.treeSize);
    const latest = requireData(await ledger.graphql<{ latestCheckpoint: Checkpoint }>(LATEST, {}), 'latestCheckpoint').latestCheckpoint;
    for (const [leafIndex, event] of events.entries()) {
      const atSecond = requireData(await inclusion({ eventId: event.eventId, treeSize: devSecond.treeSize }), 'inclusionProof').inclusionProof;
      expect({ leafIndex: atSecond.leafIndex, eventHash: atSecond.eventHash, rootHash: atSecond.rootHash, checkpoint: atSecond.checkpoint }).toEqual({
        leafIndex,
        eventHash: event.hash.toString('hex'),
        rootHash: devSecond.rootHash,
        checkpoint: devSecond,
      });
      const proof = atSecond.hashes.map((hash) => Buffer.from(hash, 'hex'));
      expect(atSecond.leafHash).toBe(leafHash(event.hash).toString('hex'));
      expect(verifyInclusion(leafHash(event.hash), leafIndex, devSecond.treeSize, proof, Buffer.from(devSecond.rootHash, 'hex'))).toBe(true);
      // The proof is of this event at this index: another leaf or index does not verify.
      expect(verifyInclusion(leafHash(Buffer.alloc(32, 7)), leafIndex, devSecond.treeSize, proof, Buffer.from(devSecond.rootHash, 'hex'))).toBe(false);
      const byDefault = requireData(await inclusion({ eventId: event.eventId }), 'inclusionProof').inclusionProof;
      expect(byDefault.treeSize).toBe(latest.treeSize);
      expect(verifyInclusion(leafHash(event.hash), leafIndex, latest.treeSize, byDefault.hashes.map((hash) => Buffer.from(hash, 'hex')), Buffer.from(latest.rootHash, 'hex'))).toBe(true);
    }
  });

  it('proves against a size without a checkpoint too (checkpoint null), with the root of that prefix', async () => {
    const events = await storedEvents('dev');
    const proof = requireData(await inclusion({ eventId: (events[1] as { eventId: string }).eventId, treeSize: 5 }), 'inclusionProof').inclusionProof;
    expect(proof.checkpoint).toBeNull();
    expect(proof.rootHash).toBe(rootHash(events.map((event) => leafHash(event.hash)), 5).toString('hex'));
    expect(verifyInclusion(leafHash((events[1] as { hash: Buffer }).hash), 1, 5, proof.hashes.map((hash) => Buffer.from(hash, 'hex')), Buffer.from(proof.rootHash, 'hex'))).toBe(true);
  });

  it("another tenant's event is NOT_FOUND, like an unknown one", async () => {
    const devEvent = (await storedEvents('dev'))[0] as { eventId: string };
    const globexEvent = (await storedEvents(OTHER_TENANT))[0] as { eventId: string };
    expect(firstErrorCode(await inclusion({ eventId: devEvent.eventId }, globexKey))).toBe('NOT_FOUND');
    expect(firstErrorCode(await inclusion({ eventId: globexEvent.eventId }))).toBe('NOT_FOUND');
    expect(firstErrorCode(await inclusion({ eventId: randomUUID() }))).toBe('NOT_FOUND');
    expect(requireData(await inclusion({ eventId: globexEvent.eventId }, globexKey), 'inclusionProof').inclusionProof.rootHash).toBe(globexFirst.rootHash);
  });

  it('an event in the log that the tree has not sealed yet is VALIDATION_FAILED (NOT_SEALED), then provable once sealed', async () => {
    const before = (await storedEvents('dev')).length;
    let unsealed = '';
    // Hold the projection's next batch (it reads audit_merkle_trees first) while an event is appended through the API.
    await runAsSystem('audit checkpoints test: hold the tree', () =>
      ledger.services.db.transaction().execute(async (trx) => {
        await sql`lock table read_models.audit_merkle_trees in access exclusive mode`.execute(trx);
        await ledger.mutateOk('createInvoice', draftInput({ customerId: 'merkle-unsealed' }));
        const events = await storedEvents('dev');
        expect(events.length).toBeGreaterThan(before);
        unsealed = (events.at(-1) as { eventId: string }).eventId;
        const response = await ledger.graphql<{ inclusionProof: InclusionProof }>(INCLUSION, { eventId: unsealed });
        expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
        expect(response.errors?.[0]?.extensions).toMatchObject({ reason: 'NOT_SEALED', field: 'eventId' });
        expect(firstErrorCode(await ledger.graphql(INCLUSION, { eventId: randomUUID() }))).toBe('NOT_FOUND');
      }),
    );
    head = await headOfLog(ledger);
    const size = (await storedEvents('dev')).length;
    const sealed = requireData(await inclusion({ eventId: unsealed, treeSize: size }), 'inclusionProof').inclusionProof;
    expect(sealed.leafIndex).toBeGreaterThanOrEqual(before);
    // By default the proof is against the latest checkpoint, which predates the event.
    const byDefault = await inclusion({ eventId: unsealed });
    expect(firstErrorCode(byDefault)).toBe('VALIDATION_FAILED');
    expect(byDefault.errors?.[0]?.message).toMatch(/after the latest checkpoint: take one \(takeAuditCheckpoint\) or pass treeSize/);
  });

  it.each([
    ['an event id that is not a UUID', () => ({ eventId: 'not-an-event' })],
    ['treeSize 0', (eventId: string) => ({ eventId, treeSize: 0 })],
    ['treeSize -3', (eventId: string) => ({ eventId, treeSize: -3 })],
    ['a treeSize beyond the sealed tree', (eventId: string) => ({ eventId, treeSize: 1_000_000 })],
    ['a treeSize that does not include the event', (eventId: string) => ({ eventId, treeSize: 2 })],
  ])('refuses %s: VALIDATION_FAILED', async (_case, variables) => {
    const last = (await storedEvents('dev')).at(-1) as { eventId: string };
    const response = await inclusion(variables(last.eventId));
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
    expect(response.data?.inclusionProof ?? null).toBeNull();
  });
});

describe('consistencyProof', () => {
  it('proves the first checkpoint a prefix of the second, against the signed roots', async () => {
    const proof = requireData(await consistency({ fromSize: devFirst.treeSize, toSize: devSecond.treeSize }, auditorKey), 'consistencyProof').consistencyProof;
    expect(proof.fromCheckpoint).toEqual(devFirst);
    expect(proof.toCheckpoint).toEqual(devSecond);
    expect({ fromRoot: proof.fromRoot, toRoot: proof.toRoot }).toEqual({ fromRoot: devFirst.rootHash, toRoot: devSecond.rootHash });
    const hashes = proof.hashes.map((hash) => Buffer.from(hash, 'hex'));
    const [from, to] = [Buffer.from(devFirst.rootHash, 'hex'), Buffer.from(devSecond.rootHash, 'hex')];
    expect(verifyConsistency(devFirst.treeSize, devSecond.treeSize, from, to, hashes)).toBe(true);
    // Swapped roots, or the other tenant's root, do not verify.
    expect(verifyConsistency(devFirst.treeSize, devSecond.treeSize, to, from, hashes)).toBe(false);
    expect(verifyConsistency(devFirst.treeSize, devSecond.treeSize, from, Buffer.from(globexFirst.rootHash, 'hex'), hashes)).toBe(false);
  });

  it('between any two sizes of the sealed tree, equal to the roots over event_store.events', async () => {
    const leaves = (await storedEvents('dev')).map((event) => leafHash(event.hash));
    for (const [m, n] of [[1, 1], [1, leaves.length], [3, 7], [4, 8], [leaves.length - 1, leaves.length]] as const) {
      const proof = requireData(await consistency({ fromSize: m, toSize: n }), 'consistencyProof').consistencyProof;
      expect({ fromRoot: proof.fromRoot, toRoot: proof.toRoot }).toEqual({ fromRoot: rootHash(leaves, m).toString('hex'), toRoot: rootHash(leaves, n).toString('hex') });
      expect(verifyConsistency(m, n, rootHash(leaves, m), rootHash(leaves, n), proof.hashes.map((hash) => Buffer.from(hash, 'hex')))).toBe(true);
    }
  });

  it.each([
    ['fromSize > toSize', { fromSize: 5, toSize: 4 }],
    ['fromSize 0', { fromSize: 0, toSize: 4 }],
    ['a toSize beyond the sealed tree', { fromSize: 1, toSize: 1_000_000 }],
  ])('refuses %s: VALIDATION_FAILED', async (_case, variables) => {
    expect(firstErrorCode(await consistency(variables))).toBe('VALIDATION_FAILED');
  });

  it("a tenant's sizes are its own: globex cannot reach dev's larger tree", async () => {
    expect(firstErrorCode(await consistency({ fromSize: 1, toSize: devSecond.treeSize }, globexKey))).toBe('VALIDATION_FAILED');
  });
});

describe('the audit_merkle read model', () => {
  it('gives the right edge at any size (an export continues the tree from it) and the leaves of a position range', async () => {
    const events = await storedEvents('dev');
    const leaves = events.map((event) => leafHash(event.hash));
    const queries = new AuditMerkleQueries(ledger.services.db);
    await runForTenant({ tenantId: 'dev' }, async () => {
      for (let size = 0; size <= leaves.length; size += 1) {
        const frontier = MerkleFrontier.restore(size, await queries.frontierAt('dev', size));
        for (const leaf of leaves.slice(size)) frontier.append(leaf);
        expect(frontier.root()).toEqual(rootHash(leaves));
      }
      const all = await queries.leavesBetween('dev', null, null, -1, 1_000);
      expect(all.map((leaf) => [leaf.leafIndex, leaf.eventId, leaf.eventHash.toString('hex')])).toEqual(events.map((event, index) => [index, event.eventId, event.hash.toString('hex')]));
      const middle = await queries.leavesBetween('dev', (all[2] as { position: string }).position, (all[5] as { position: string }).position, -1, 1_000);
      expect(middle.map((leaf) => leaf.leafIndex)).toEqual([3, 4, 5]);
      expect((await queries.leavesBetween('dev', null, null, 3, 2)).map((leaf) => leaf.leafIndex)).toEqual([4, 5]);
      expect(await queries.leavesBetween(OTHER_TENANT, null, null, -1, 1_000)).toEqual([]);
    });
  });

  it('a rebuild from the log gives the same rows (state hash) as the live tree', async () => {
    head = await headOfLog(ledger);
    expect(await waitForProjections(ledger.services.db, [auditMerkleProjection.name], decodePosition(head), 15_000)).toBe(true);
    await runAsSystem('audit checkpoints test: rebuild', () => rebuildProjection(ledger.services.store, ledger.services.db, auditMerkleProjection, { buildSchema: 'audit_merkle_rebuild', batchSize: 7 }));
    try {
      const [rebuilt, live] = await runAsSystem('audit checkpoints test: state hash', () =>
        Promise.all([projectionStateHash(ledger.services.db, 'audit_merkle_rebuild', auditMerkleProjection), projectionStateHash(ledger.services.db, LIVE_READ_MODEL_SCHEMA, auditMerkleProjection)]),
      );
      expect(rebuilt).toBe(live);
      // A tenant's hash covers its own rows only, and differs from the other tenant's.
      const devHash = await runForTenant({ tenantId: 'dev' }, () => projectionStateHash(ledger.services.db, LIVE_READ_MODEL_SCHEMA, auditMerkleProjection));
      const globexHash = await runForTenant({ tenantId: OTHER_TENANT }, () => projectionStateHash(ledger.services.db, LIVE_READ_MODEL_SCHEMA, auditMerkleProjection));
      expect(devHash).not.toBe(globexHash);
    } finally {
      await runAsSystem('audit checkpoints test: drop', () => sql.raw('drop schema if exists audit_merkle_rebuild cascade').execute(ledger.services.db));
    }
  });
});
