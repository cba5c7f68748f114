import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import {
  decideBillingSettings,
  decideExchangeRate,
  decidePayment,
  defaultBillingSettings,
  evolveBillingSettings,
  evolvePayment,
  initialBillingSettingsState,
  initialExchangeRateState,
  initialPaymentState,
  type BillingSettingsCommand,
  type BillingSettingsState,
  type PaymentCommand,
  type PaymentState,
} from '../../libs/billing/src/index.js';
import { streams, toEventData, uuidV5, type CommandContext } from '../../libs/application/src/index.js';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { PostgresEventStore, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { secretReference } from '../../libs/secrets/src/index.js';
import { projectInBatches, seededBatchSizes } from '../../libs/testing/src/batch-split.js';
import { readSettledLog } from '../../libs/testing/src/settled-log.js';
import { generalLedgerProjection } from '../../projections/general-ledger/general-ledger.projection.js';
import { paymentsProjection } from '../../projections/payments/payments.projection.js';
import { customerBalancesProjection } from '../../projections/customer-balances/customer-balances.projection.js';
import { billingSettingsProjection } from '../../projections/billing-settings/billing-settings.projection.js';
import { billingSettingsHistoryProjection } from '../../projections/billing-settings/billing-settings-history.projection.js';
import { parseBillingSettingsEvent } from '../../projections/billing-settings/billing-settings.events.js';
import { exchangeRatesProjection } from '../../projections/exchange-rates/exchange-rates.projection.js';
import { seedInvoiceHistory } from '../support/seed-ledger-history.js';

/**
 * The batched projections (general ledger, payments, customer balances, billing settings and their history, exchange
 * rates) fold a batch in memory and write each touched row once. Their rows must not depend on how the log is cut into
 * batches, and must equal what the per-event projections wrote before them: batched-projections.golden.json holds the
 * digests of the rows those per-event projections wrote from this same history (BATCH_GOLDEN_CAPTURE=1 writes it
 * again, which only makes sense from a per-event implementation known to be right).
 *
 * The history is written through the real deciders (test/support/seed-ledger-history.ts: invoices issued, voided,
 * paid in the legacy form and through the Payment aggregate, overpaid, refunded, credited, written off), plus
 * settings changes with webhook secrets and resets, payments that fail and are retried, and exchange rates with a
 * correction, over two tenants. Positions and recording times are then renumbered, so the rows are the same on every
 * run (the store's own positions are transaction ids, which differ from run to run).
 */

const PROJECTIONS: readonly Projection[] = [generalLedgerProjection, paymentsProjection, customerBalancesProjection, billingSettingsProjection, billingSettingsHistoryProjection, exchangeRatesProjection];
const GOLDEN_FILE = new URL('./batched-projections.golden.json', import.meta.url);
const TENANTS = ['acme', 'globex'] as const;
const SPLIT_SEEDS = [11, 29, 4242];

let database: TestDatabase;
let store: PostgresEventStore;
let connection: DatabaseConnection<ReadModelDatabase>;
let db: Kysely<ReadModelDatabase>;
let history: RecordedEvent[];

function context(tenantId: string, commandId: string, now: string, actor = 'api-key:batch-test'): CommandContext {
  return { tenantId, actor, commandId: uuidV5(`batch-equivalence:${tenantId}:${commandId}`), correlationId: 'batch-equivalence', causationId: 'batch-equivalence', now };
}

/** Settings changes through the settings decider: webhook secrets set and changed, tax rates, section and full resets. */
async function writeSettingsHistory(tenantId: string): Promise<void> {
  const streamId = streams.billingSettings(tenantId);
  let state: BillingSettingsState = (await store.readStream(streamId)).map(parseBillingSettingsEvent).reduce(evolveBillingSettings, initialBillingSettingsState);
  // The decider takes a Standard Webhooks secret and the reference the application stored it under (docs/secrets.md).
  const webhook = (fill: number) => ({
    id: 'wh-1',
    url: 'https://hooks.example.com/ledger',
    events: ['invoice.paid' as const],
    authType: 'signature' as const,
    secret: `whsec_${Buffer.alloc(32, fill).toString('base64')}`,
    secretRef: secretReference(`batch-equivalence:${tenantId}:${fill}`, 'webhook:wh-1'),
    enabled: true,
  });
  const commands: Omit<BillingSettingsCommand, 'metadata'>[] = [
    { type: 'UpdateBillingSettingsSection', data: { section: 'notifications', values: { ...defaultBillingSettings.notifications, webhooks: [webhook(1)] } } },
    { type: 'CreateTaxRate', data: { taxRateId: `gst-${tenantId}`, name: 'GST', type: 'gst', rate: '5', jurisdiction: 'CA' } },
    { type: 'UpdateTaxRate', data: { taxRateId: `gst-${tenantId}`, rate: '5.5' } },
    { type: 'UpdateBillingSettingsSection', data: { section: 'payment', values: { ...defaultBillingSettings.payment, supportedCurrencies: ['USD', 'EUR', 'JPY'] } } },
    { type: 'UpdateBillingSettingsSection', data: { section: 'notifications', values: { ...defaultBillingSettings.notifications, webhooks: [webhook(2)] } } },
    { type: 'DeactivateTaxRate', data: { taxRateId: `gst-${tenantId}` } },
    { type: 'ResetBillingSettings', data: { section: 'notifications' } },
    { type: 'UpdateBillingSettingsSection', data: { section: 'notifications', values: { ...defaultBillingSettings.notifications, webhooks: [webhook(3)] } } },
    { type: 'ResetBillingSettings', data: { section: null } },
  ];
  let revision = (await store.readStream(streamId)).length - 1;
  for (const [index, command] of commands.entries()) {
    const now = new Date(Date.UTC(2026, 1, 1, 9, index, 0, 250)).toISOString();
    const events = decideBillingSettings({ ...command, metadata: { now } } as BillingSettingsCommand, state);
    state = events.reduce(evolveBillingSettings, state);
    const ctx = context(tenantId, `settings-${index}`, now, index === 3 ? 'api-key:other-admin' : 'api-key:batch-test');
    await store.appendToStream(
      streamId,
      events.map((event, position) => toEventData(event, ctx, streamId, position)),
      { expectedRevision: BigInt(revision) },
    );
    revision += events.length;
  }
}

/** Card payments that fail and are retried (the seed's histories never retry), one of which finally succeeds. */
async function writeRetriedPayments(tenantId: string): Promise<void> {
  for (const [index, outcome] of (['succeeds', 'cancelled', 'fails-again'] as const).entries()) {
    const paymentId = `retry-${tenantId}-${index}`;
    const streamId = streams.payment(tenantId, paymentId);
    const base = Date.UTC(2026, 1, 2, 10, index);
    const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();
    const commands: [Omit<PaymentCommand, 'metadata'>, string][] = [
      [{ type: 'RecordPayment', data: { paymentId, customerId: `cus-${index}`, amount: '120.50', currency: 'USD', method: 'card', reference: `card-${paymentId}`, paymentMethodId: null, allocation: { kind: 'oldest_due_first' } } }, at(0)],
      [{ type: 'StartPaymentProcessing', data: { paymentId } }, at(0.1)],
      [{ type: 'MarkPaymentFailed', data: { paymentId, reason: 'card_declined', retryPolicy: { maxAttempts: 3, intervalHours: 24 } } }, at(0.2)],
      [{ type: 'RetryPayment', data: { paymentId } }, at(25)],
      ...(outcome === 'succeeds'
        ? ([
            [{ type: 'MarkPaymentSucceeded', data: { paymentId, gatewayReference: `gw-${paymentId}` } }, at(25.5)],
            [{ type: 'AllocatePayment', data: { paymentId, allocations: [], creditAmount: '120.50' } }, at(25.6)],
            // Two refunds of one payment: the row lists both, in order.
            [{ type: 'RefundPayment', data: { paymentId, refundId: `${paymentId}-r1`, amount: '20.25', method: 'original_payment', reason: 'partial return' } }, at(30)],
            [{ type: 'RefundPayment', data: { paymentId, refundId: `${paymentId}-r2`, amount: '0.25', method: 'original_payment', reason: 'rounding goodwill' } }, at(31)],
          ] as [Omit<PaymentCommand, 'metadata'>, string][])
        : outcome === 'cancelled'
          ? ([[{ type: 'CancelPayment', data: { paymentId, reason: 'customer asked' } }, at(26)]] as [Omit<PaymentCommand, 'metadata'>, string][])
          : ([[{ type: 'MarkPaymentFailed', data: { paymentId, reason: 'insufficient_funds', retryPolicy: { maxAttempts: 3, intervalHours: 24 } } }, at(26)]] as [Omit<PaymentCommand, 'metadata'>, string][])),
    ];
    let state: PaymentState = initialPaymentState;
    let revision: bigint | 'no_stream' = 'no_stream';
    for (const [step, [command, now]] of commands.entries()) {
      const events = decidePayment({ ...command, metadata: { now } } as PaymentCommand, state);
      state = events.reduce(evolvePayment, state);
      const ctx = context(tenantId, `${paymentId}-${step}`, now);
      await store.appendToStream(
        streamId,
        events.map((event, position) => toEventData(event, ctx, streamId, position)),
        { expectedRevision: revision },
      );
      revision = (revision === 'no_stream' ? -1n : revision) + BigInt(events.length);
    }
  }
}

/** Rates of two pairs, one corrected for the same instant. */
async function writeExchangeRates(tenantId: string): Promise<void> {
  const rates: [string, string, string, string][] = [
    ['EUR', 'USD', '1.0850', '2026-02-01T00:00:00.000Z'],
    ['EUR', 'USD', '1.0862', '2026-02-02T00:00:00.000Z'],
    ['EUR', 'USD', '1.0866', '2026-02-02T00:00:00.000Z'],
    ['GBP', 'USD', '1.271234567891', '2026-02-01T12:30:00.000Z'],
    ['USD', 'JPY', '149.5', '2026-02-03T00:00:00.000Z'],
  ];
  for (const [index, [base, quote, rate, effectiveAt]] of rates.entries()) {
    const now = new Date(Date.UTC(2026, 1, 4, 8, index)).toISOString();
    const streamId = streams.exchangeRate(tenantId, base, quote);
    const events = decideExchangeRate({ type: 'RecordExchangeRate', data: { base, quote, rate, effectiveAt, source: index === 2 ? 'manual' : 'ECB' }, metadata: { now } }, initialExchangeRateState);
    const ctx = context(tenantId, `rate-${index}`, now);
    await store.appendToStream(
      streamId,
      events.map((event, position) => toEventData(event, ctx, streamId, position)),
      { expectedRevision: 'any' },
    );
  }
}

/**
 * The whole log in order, with positions and recording times renumbered (commit and prepare differ, so a swapped pair
 * shows) and one settings event stripped of its actor (the history names it 'unknown').
 */
async function readNormalisedLog(): Promise<RecordedEvent[]> {
  // Settled first: a short page of $all only means nothing more was visible yet (another test's open transaction
  // hides the newest commits), which once cut the last tenant's retried payments off this history.
  const events = await readSettledLog(store, { filter: { streamPrefixes: TENANTS.map((tenant) => `${tenant}:`) } });
  let strippedActor = false;
  return events.map((event, index) => {
    const metadata = { ...event.metadata };
    if (!strippedActor && event.type === 'BillingSettingsSectionUpdated') {
      delete metadata.actor;
      strippedActor = true;
    }
    return {
      ...event,
      metadata,
      position: { commit: BigInt(1_000 + index * 7), prepare: BigInt(500 + index * 3) },
      recordedAt: new Date(Date.UTC(2026, 2, 1) + index * 1_003),
    };
  });
}

/**
 * Each table's row count and the SHA-256 of its rows (sorted JSON text, one a line): small enough to keep in the
 * repository, and any difference in any column of any row changes it. BATCH_ROWS_DUMP=<file> writes the rows
 * themselves, to see what differs.
 */
function digestsOf(rows: Record<string, Record<string, string[]>>): Record<string, Record<string, { rows: number; sha256: string }>> {
  return Object.fromEntries(
    Object.entries(rows).map(([projection, tables]) => [
      projection,
      Object.fromEntries(Object.entries(tables).map(([table, lines]) => [table, { rows: lines.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') }])),
    ]),
  );
}

/** Only the events the projection handles, as the runner's subscription filter delivers them. */
function eventsOf(projection: Projection): RecordedEvent[] {
  const types = new Set(projection.eventTypes);
  return history.filter((event) => types.has(event.type));
}

async function rowsOf(projection: Projection, events: readonly RecordedEvent[], batchSizes: readonly number[]): Promise<Record<string, string[]>> {
  return (await projectInBatches(db, projection, events, batchSizes)).rows as Record<string, string[]>;
}

beforeAll(async () => {
  database = await createTestDatabase('batch_split');
  store = new PostgresEventStore({ connectionString: database.connectionString });
  await store.migrate();
  connection = connectDatabase<ReadModelDatabase>(database.connectionString, { poolSize: 2, applicationName: 'batch-split' });
  db = connection.db;
  for (const [index, tenantId] of TENANTS.entries()) {
    await seedInvoiceHistory(store, tenantId, index === 0 ? 100 : 56, `batch-${tenantId}`, { withSettings: true });
    await writeSettingsHistory(tenantId);
    await writeRetriedPayments(tenantId);
    await writeExchangeRates(tenantId);
  }
  history = await readNormalisedLog();
}, 120_000);

afterAll(async () => {
  await connection?.close();
  await store?.close();
  await database?.drop();
});

describe('batched projections: the rows do not depend on how the log is cut into batches', () => {
  it('the history covers every event type each projection handles that the deciders can produce here', () => {
    const types = new Set(history.map((event) => event.type));
    for (const type of ['InvoiceIssued', 'InvoiceVoided', 'InvoiceWrittenOff', 'InvoicePaymentRecorded', 'PaymentAllocated', 'PaymentRefunded', 'PaymentRetryStarted', 'PaymentCancelled']) {
      expect(types).toContain(type);
    }
    for (const type of ['CreditNoteApplied', 'CustomerCreditApplied', 'CustomerAccountCredited', 'CustomerAccountDebited', 'BillingSettingsReset', 'TaxRateDeactivated', 'ExchangeRateRecorded']) {
      expect(types).toContain(type);
    }
  });

  it('equals the rows of the per-event projections (golden rows), one event per batch and all in one batch', async () => {
    const rows: Record<string, Record<string, string[]>> = {};
    for (const projection of PROJECTIONS) {
      const events = eventsOf(projection);
      rows[projection.name] = await rowsOf(projection, events, events.map(() => 1));
      expect({ projection: projection.name, rows: await rowsOf(projection, events, [events.length]) }).toEqual({ projection: projection.name, rows: rows[projection.name] });
    }
    const digests = digestsOf(rows);
    if (process.env.BATCH_GOLDEN_CAPTURE === '1') writeFileSync(GOLDEN_FILE, `${JSON.stringify(digests, null, 2)}\n`);
    if (process.env.BATCH_ROWS_DUMP) writeFileSync(process.env.BATCH_ROWS_DUMP, `${JSON.stringify(rows, null, 1)}\n`);
    expect(existsSync(GOLDEN_FILE)).toBe(true);
    const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as ReturnType<typeof digestsOf>;
    for (const projection of PROJECTIONS) {
      // The golden file predates the general ledger's bank tables (gl_bank_lines, gl_bank_matches); this history has
      // no banking events, so they are empty here and their rows are checked by general-ledger.banking.spec.ts.
      const goldenTables = Object.keys(golden[projection.name] ?? {});
      expect(goldenTables.length).toBeGreaterThan(0);
      for (const table of goldenTables) expect({ table, empty: (rows[projection.name]?.[table] ?? []).length === 0 }).toEqual({ table, empty: false });
      const digest = Object.fromEntries(goldenTables.map((table) => [table, digests[projection.name]?.[table]]));
      expect({ [projection.name]: digest }).toEqual({ [projection.name]: golden[projection.name] });
    }
  }, 300_000);

  it('gives the same rows whatever the seeded random cuts', async () => {
    for (const projection of PROJECTIONS) {
      const events = eventsOf(projection);
      const whole = await rowsOf(projection, events, [events.length]);
      for (const seed of SPLIT_SEEDS) {
        const sizes = seededBatchSizes(events.length, Math.max(2, Math.ceil(events.length / 20)), seed);
        expect({ projection: projection.name, seed, rows: await rowsOf(projection, events, sizes) }).toEqual({ projection: projection.name, seed, rows: whole });
      }
    }
  }, 300_000);

  it('the general ledger takes a batch applied twice and leaves the rows as they were', async () => {
    // The general ledger promises it (a redelivered event replaces its entry). The others never did: the runner's
    // fenced checkpoint never applies a batch twice, settings fold onto what they hold, history and rates append.
    for (const projection of [generalLedgerProjection]) {
      const events = eventsOf(projection);
      const whole = await rowsOf(projection, events, [events.length]);
      const half = Math.floor(events.length / 2);
      const redelivered = await rowsOf(projection, [...events, ...events.slice(half)], [half, events.length - half, events.length - half]);
      expect({ projection: projection.name, rows: redelivered }).toEqual({ projection: projection.name, rows: whole });
    }
  }, 120_000);
});

describe('batched projections: statements per batch', () => {
  it('does not grow with the number of events in the batch', async () => {
    const report: Record<string, { events: number; statements: number; ms: number }[]> = {};
    for (const projection of PROJECTIONS) {
      const events = eventsOf(projection).slice(0, 500);
      const few = Math.max(1, Math.floor(events.length / 8));
      const small = await projectInBatches(db, projection, events.slice(0, few), [few]);
      const large = await projectInBatches(db, projection, events, [events.length]);
      report[projection.name] = [
        { events: few, statements: small.statements[0] as number, ms: Math.round(small.elapsedMs[0] as number) },
        { events: events.length, statements: large.statements[0] as number, ms: Math.round(large.elapsedMs[0] as number) },
      ];
    }
    // The figures for the record: statements and a rough time (ms, on a shared test server) of each batch.
    console.log(`statements per batch: ${JSON.stringify(report)}`);
    for (const [projection, counts] of Object.entries(report)) {
      const few = counts[0]?.statements ?? 0;
      const many = counts[1]?.statements ?? Number.POSITIVE_INFINITY;
      // A constant number of statements per table (load, write), whatever the number of events.
      expect({ projection, grows: many > Math.max(few, 1) + 2 }).toEqual({ projection, grows: false });
      expect({ projection, tooMany: many > 6 }).toEqual({ projection, tooMany: false });
    }
  }, 120_000);
});
