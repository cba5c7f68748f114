import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { connectDatabase, type DatabaseConnection } from '../../database/src/index.js';
import { PostgresEventStore, type Position, type RecordedEvent } from '../../event-store/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../testing/src/test-database.js';
import { allProjections } from '../../../projections/index.js';
import { seedInvoiceHistory } from '../../../test/support/seed-ledger-history.js';
import { settledHead } from '../../testing/src/settled-log.js';
import type { Projection, ReadModelDatabase } from './projection.js';
import { readAsOf } from './as-of.js';
import { positionKey } from './history.js';
import { ProjectionRunner, waitForProjections } from './projection-runner.js';

/**
 * What the row history costs the runner (docs/as-of.md, "Costs"): catch-up of every read model over the same log,
 * with the history off and on, alternating, several rounds; prints the times and their ratio. A measurement, not a
 * check of speed (a shared machine makes times noisy): run it on purpose with LEDGER_HISTORY_COST=1. It does check
 * that the history was written when on and not when off.
 */
const run = process.env.LEDGER_HISTORY_COST === '1' ? describe : describe.skip;
const INVOICES = Number(process.env.LEDGER_HISTORY_COST_INVOICES ?? 300);
const ROUNDS = Number(process.env.LEDGER_HISTORY_COST_ROUNDS ?? 3);

run('row history: the cost to the runner', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection<ReadModelDatabase>;
  let store: PostgresEventStore;
  let head: Position;
  const readModels = allProjections.filter((projection) => !projection.sideEffects);

  beforeAll(async () => {
    database = await createTestDatabase('history_cost');
    store = new PostgresEventStore({ connectionString: database.connectionString });
    await store.migrate();
    connection = connectDatabase(database.connectionString);
    await seedInvoiceHistory(store, 'acme', INVOICES, 'cost', { withSettings: true });
    head = await settledHead(store, 'acme');
  }, 600_000);

  afterAll(async () => {
    await store.close();
    await connection.close();
    await database.drop();
  });

  async function catchUp(schema: string, history: boolean): Promise<number> {
    const runner = new ProjectionRunner({ store, db: connection.db, connectionString: database.connectionString, projections: readModels, schema, history });
    const started = performance.now();
    await runner.start();
    const reached = await waitForProjections(connection.db, readModels.map((projection) => projection.name), head, 600_000, schema);
    const elapsed = performance.now() - started;
    await runner.stop();
    expect(reached).toBe(true);
    return elapsed;
  }

  it('catches up with the history off and on', async () => {
    const times: Record<'off' | 'on', number[]> = { off: [], on: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const schema = `cost_${mode}_${round}`;
        await sql.raw(`create schema ${schema}`).execute(connection.db);
        times[mode].push(await catchUp(schema, mode === 'on'));
        const { rows } = await sql<{ versions: string }>`select count(*)::text as versions from ${sql.table(`${schema}.invoices__versions`)}`.execute(connection.db).catch(() => ({ rows: [{ versions: 'none' }] }));
        if (mode === 'on') expect(Number(rows[0]?.versions)).toBeGreaterThan(INVOICES);
        else expect(rows[0]?.versions).toBe('none');
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const events = Number((await sql<{ count: string }>`select count(*)::text as count from event_store.events`.execute(connection.db)).rows[0]?.count);
    // What a read as of a position costs: an invoice by id, at positions spread over the log, in the last schema with history.
    const historySchema = `cost_on_${ROUNDS - 1}`;
    const invoicesProjection = readModels.find((projection) => projection.name === 'invoices') as Projection;
    const log = await store.readAll({ maxCount: 100_000, filter: { streamPrefixes: ['acme:'], eventTypes: invoicesProjection.eventTypes } });
    const reads: Record<'view' | 'replay', number[]> = { view: [], replay: [] };
    // Positions spread over the log (inside the catch-up's batches of 2,000: replays), and the batches' own ends (views).
    const { rows: ends } = await sql<{ last_key: string }>`select last_key::text from projection_runtime.history_batches where schema_name = ${historySchema} and name = 'invoices' order by last_key`.execute(connection.db);
    const endKeys = new Set(ends.map((row) => row.last_key));
    const probes = [...Array.from({ length: 20 }, (_, index) => log[Math.floor(((index + 0.5) / 20) * log.length)] as RecordedEvent), ...log.filter((event) => endKeys.has(positionKey(event.position)))];
    for (const event of probes) {
      const invoiceId = String((event.data as { invoiceId?: unknown }).invoiceId ?? '');
      let mode: 'view' | 'replay' = 'view';
      const started = performance.now();
      await readAsOf(
        { db: connection.db, store, projections: [invoicesProjection], tenantId: 'acme', position: event.position, schema: historySchema, onPlan: (plan) => (mode = plan.some((entry) => entry.mode === 'replay') ? 'replay' : 'view') },
        (trx, asOfSchema) => sql`select * from ${sql.table(`${asOfSchema}.invoices`)} where tenant_id = 'acme' and invoice_id = ${invoiceId}`.execute(trx),
      );
      reads[mode].push(performance.now() - started);
    }
    const describeReads = (values: number[]) => (values.length === 0 ? 'none' : `${values.length} reads, median ${median(values).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`);
    console.log(`as-of read of one invoice: views ${describeReads(reads.view)}; with a replay ${describeReads(reads.replay)}`);
    console.log(
      `history cost: ${events} events; catch-up off ${times.off.map((ms) => ms.toFixed(0)).join('/')} ms, on ${times.on.map((ms) => ms.toFixed(0)).join('/')} ms; ` +
        `median on/off ${(median(times.on) / median(times.off)).toFixed(2)}x`,
    );
  }, 1_800_000);
});
