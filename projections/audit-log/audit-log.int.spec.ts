import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { toEventData, type CommandContext } from '../../libs/application/src/index.js';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { decodePosition, encodePosition, PostgresEventStore, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { applyEvents, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { projectInBatches, readAppendedLog, seededBatchSizes } from '../../libs/testing/src/batch-split.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { InvalidCursorError } from '../common/opaque-cursor.js';
import { auditLogProjection } from './audit-log.projection.js';
import { AuditLogQueries, type AuditEntryRecord } from './audit-log.queries.js';

/**
 * The audit_log read model on a real log: two tenants' commands interleaved, by API keys of two roles and by a system
 * actor, with events that name documents of other streams. Its rows must not depend on how the log is cut into
 * batches (two INSERTs a batch), and its two lists must page in log order, filtered, within one tenant.
 */

interface Step {
  readonly tenantId: string;
  readonly streamId: string;
  readonly actor: Pick<CommandContext, 'actor' | 'actorName' | 'actorRole'>;
  readonly events: readonly { type: string; data: Record<string, unknown> }[];
}

const finance = { actor: 'api-key:k-fin', actorName: 'Finance desk', actorRole: 'finance' };
const admin = { actor: 'api-key:k-adm', actorName: 'Admin', actorRole: 'admin' };
const allocator = { actor: 'process-manager:payment-allocator' };

function steps(tenantId: string): Step[] {
  const stream = (name: string) => `${tenantId}:${name}`;
  return [
    { tenantId, streamId: stream('customer-c-1'), actor: finance, events: [{ type: 'CustomerRegistered', data: { customerId: 'c-1' } }] },
    {
      tenantId,
      streamId: stream('invoice-inv-1'),
      actor: finance,
      events: [
        { type: 'InvoiceDrafted', data: { invoiceId: 'inv-1', customerId: 'c-1' } },
        { type: 'InvoiceIssued', data: { invoiceId: 'inv-1', number: 'INV-1' } },
      ],
    },
    { tenantId, streamId: stream('payment-pay-1'), actor: admin, events: [{ type: 'PaymentRecorded', data: { paymentId: 'pay-1', customerId: 'c-1', allocation: { kind: 'oldest_due_first' } } }] },
    { tenantId, streamId: stream('payment-pay-1'), actor: allocator, events: [{ type: 'PaymentAllocated', data: { paymentId: 'pay-1', customerId: 'c-1', allocations: [{ invoiceId: 'inv-1', amount: '10.00' }] } }] },
    { tenantId, streamId: stream('invoice-inv-1'), actor: allocator, events: [{ type: 'InvoicePaymentApplied', data: { invoiceId: 'inv-1', paymentId: 'pay-1' } }] },
    { tenantId, streamId: stream('credit_note-cn-1'), actor: admin, events: [{ type: 'CreditNoteDrafted', data: { creditNoteId: 'cn-1', customerId: 'c-1', sourceInvoiceId: 'inv-1' } }] },
  ];
}

async function appendHistory(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const acme = steps('acme');
  const globex = steps('globex');
  const revisions = new Map<string, bigint>();
  let appended = 0;
  for (let index = 0; index < acme.length; index += 1) {
    for (const step of [acme[index], globex[index]] as Step[]) {
      const commandId = `${step.tenantId}-cmd-${index}`;
      const context: CommandContext = { tenantId: step.tenantId, ...step.actor, commandId, correlationId: `${step.tenantId}-request-${index < 3 ? 'a' : 'b'}`, causationId: commandId, now: '2026-03-02T09:00:00.000Z' };
      const revision = revisions.get(step.streamId);
      await store.appendToStream(
        step.streamId,
        step.events.map((event, position) => toEventData(event, context, step.streamId, position)),
        { expectedRevision: revision === undefined ? 'no_stream' : revision },
      );
      revisions.set(step.streamId, (revision ?? -1n) + BigInt(step.events.length));
      appended += step.events.length;
    }
  }
  return readAppendedLog(store, appended);
}

describe('audit_log read model', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let history: RecordedEvent[];
  let queries: AuditLogQueries;
  const schema = 'audit_log_spec';

  beforeAll(async () => {
    database = await createTestDatabase('audit_log');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString, { poolSize: 2, applicationName: 'audit-log-spec' });
    history = await appendHistory(store);
    await sql.raw(`create schema ${schema}`).execute(connection.db);
    await auditLogProjection.createTables(connection.db, schema);
    await auditLogProjection.createIndexes?.(connection.db, schema);
    await connection.db.transaction().execute((trx) => applyEvents(auditLogProjection, { trx, schema }, history));
    queries = new AuditLogQueries(connection.db, schema);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await connection?.close();
    await database?.drop();
  });

  const acmeEvents = () => history.filter((event) => event.streamId.startsWith('acme:'));

  it('one event per batch, the whole log in one batch and seeded random splits give the same rows, in two statements a batch', async () => {
    const one = await projectInBatches(connection.db, auditLogProjection, history, history.map(() => 1));
    expect(one.rows.audit_log).toHaveLength(history.length);
    const whole = await projectInBatches(connection.db, auditLogProjection, history, [history.length]);
    expect(whole.rows).toEqual(one.rows);
    expect(whole.statements).toEqual([2]);
    for (const seed of [7, 42, 2026]) expect((await projectInBatches(connection.db, auditLogProjection, history, seededBatchSizes(history.length, 4, seed))).rows).toEqual(one.rows);
  });

  it('lists the tenant\'s events in log order, oldest first, with their metadata', async () => {
    const page = await queries.auditLog('acme', {}, 100, null);
    expect(page.edges.map((edge) => edge.node.eventId)).toEqual(acmeEvents().map((event) => event.eventId));
    expect(page.pageInfo.hasNextPage).toBe(false);
    const issued = page.edges.find((edge) => edge.node.type === 'InvoiceIssued')?.node as AuditEntryRecord;
    expect(issued).toMatchObject({
      streamId: 'acme:invoice-inv-1',
      revision: '1',
      actor: { id: 'api-key:k-fin', name: 'Finance desk', role: 'finance' },
      commandId: 'acme-cmd-1',
      correlationId: 'acme-request-a',
      causationId: 'acme-cmd-1',
    });
    expect(page.edges.find((edge) => edge.node.type === 'PaymentAllocated')?.node.actor).toEqual({ id: 'process-manager:payment-allocator', name: null, role: null });
  });

  it('pages with the cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page: Awaited<ReturnType<AuditLogQueries['auditLog']>> = await queries.auditLog('acme', {}, 2, after);
      seen.push(...page.edges.map((edge) => edge.node.eventId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(acmeEvents().map((event) => event.eventId));
  });

  it.each([
    ['types', { types: ['InvoiceIssued', 'PaymentRecorded'] }, (event: RecordedEvent) => event.type === 'InvoiceIssued' || event.type === 'PaymentRecorded'],
    ['category', { category: 'payment' }, (event: RecordedEvent) => event.streamId.startsWith('acme:payment-')],
    ['stream', { streamId: 'acme:invoice-inv-1' }, (event: RecordedEvent) => event.streamId === 'acme:invoice-inv-1'],
    ['actor', { actorId: 'api-key:k-adm' }, (event: RecordedEvent) => event.metadata.actor === 'api-key:k-adm'],
    ['correlation', { correlationId: 'acme-request-b' }, (event: RecordedEvent) => event.metadata.correlationId === 'acme-request-b'],
  ] as const)('filters by %s', async (_name, filter, wanted) => {
    const expected = acmeEvents().filter(wanted).map((event) => event.eventId);
    expect(expected.length).toBeGreaterThan(0);
    expect((await queries.auditLog('acme', filter, 100, null)).edges.map((edge) => edge.node.eventId)).toEqual(expected);
  });

  it('bounds by position (from exclusive, to inclusive) and by recording time (from inclusive, to exclusive)', async () => {
    const events = acmeEvents();
    const [first, second, , fourth] = events as [RecordedEvent, RecordedEvent, RecordedEvent, RecordedEvent];
    const bounded = await queries.auditLog('acme', { fromPosition: first.position, toPosition: fourth.position }, 100, null);
    expect(bounded.edges.map((edge) => edge.node.eventId)).toEqual(events.slice(1, 4).map((event) => event.eventId));
    const since = await queries.auditLog('acme', { from: second.recordedAt.toISOString() }, 100, null);
    expect(since.edges.map((edge) => edge.node.eventId)).toEqual(events.filter((event) => event.recordedAt >= second.recordedAt).map((event) => event.eventId));
    const before = await queries.auditLog('acme', { to: second.recordedAt.toISOString() }, 100, null);
    expect(before.edges.map((edge) => edge.node.eventId)).toEqual(events.filter((event) => event.recordedAt < second.recordedAt).map((event) => event.eventId));
    expect(decodePosition(bounded.edges[0]?.node.position as string)).toEqual(second.position);
  });

  it('the trail of an invoice is every event that touched it, across its streams, in log order', async () => {
    const trail = await queries.auditTrail('acme', 'inv-1', 100, null);
    expect(trail.edges.map((edge) => [edge.node.streamId, edge.node.type])).toEqual([
      ['acme:invoice-inv-1', 'InvoiceDrafted'],
      ['acme:invoice-inv-1', 'InvoiceIssued'],
      ['acme:payment-pay-1', 'PaymentAllocated'],
      ['acme:invoice-inv-1', 'InvoicePaymentApplied'],
      ['acme:credit_note-cn-1', 'CreditNoteDrafted'],
    ]);
    const positions = trail.edges.map((edge) => decodePosition(edge.node.position));
    expect(positions.map((position) => encodePosition(position))).toEqual(acmeEvents().filter((event) => trail.edges.some((edge) => edge.node.eventId === event.eventId)).map((event) => encodePosition(event.position)));
    const firstPage = await queries.auditTrail('acme', 'inv-1', 3, null);
    const rest = await queries.auditTrail('acme', 'inv-1', 3, firstPage.pageInfo.endCursor);
    expect([...firstPage.edges, ...rest.edges].map((edge) => edge.node.eventId)).toEqual(trail.edges.map((edge) => edge.node.eventId));
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('a customer\'s trail holds its own stream and every event naming it', async () => {
    const trail = await queries.auditTrail('acme', 'c-1', 100, null);
    expect(trail.edges.map((edge) => edge.node.type)).toEqual(['CustomerRegistered', 'InvoiceDrafted', 'PaymentRecorded', 'PaymentAllocated', 'CreditNoteDrafted']);
  });

  it('never answers with another tenant\'s events, nor a trail of an unknown document', async () => {
    const acme = await queries.auditLog('acme', {}, 100, null);
    expect(acme.edges.every((edge) => edge.node.streamId.startsWith('acme:'))).toBe(true);
    expect((await queries.auditTrail('globex', 'inv-1', 100, null)).edges.every((edge) => edge.node.streamId.startsWith('globex:'))).toBe(true);
    expect((await queries.auditLog('initech', {}, 100, null)).edges).toEqual([]);
    expect((await queries.auditTrail('acme', 'inv-unknown', 100, null)).edges).toEqual([]);
  });

  it('refuses a cursor that is not one of its own', async () => {
    await expect(queries.auditLog('acme', {}, 10, 'not-a-cursor')).rejects.toBeInstanceOf(InvalidCursorError);
    const otherList = Buffer.from(JSON.stringify(['subscription', 'sub-1'])).toString('base64url');
    await expect(queries.auditTrail('acme', 'inv-1', 10, otherList)).rejects.toBeInstanceOf(InvalidCursorError);
    const badPosition = Buffer.from(JSON.stringify(['audit', '1e3', '0'])).toString('base64url');
    await expect(queries.auditLog('acme', {}, 10, badPosition)).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
