import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rebuildProjection, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { exchangeRatesProjection } from '../../projections/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';

/**
 * Exchange rates as recorded events (docs/domain.md, "Multi-currency and locale"): a document converts at the rate in
 * effect at its date, never at a rate that took effect later, even one recorded earlier. Each describe has a tenant of
 * its own.
 */

const RECORD = `mutation ($input: RecordExchangeRateInput!) { recordExchangeRate(input: $input) { position exchangeRate { base quote rate effectiveAt source recordedAt } } }`;
const RATE_QUERY = `query ($base: String!, $quote: String!, $asOf: DateTime, $minPosition: String) {
  exchangeRate(base: $base, quote: $quote, asOf: $asOf, minPosition: $minPosition) { base quote rate effectiveAt source inverted }
}`;
const RATES_QUERY = `query ($base: String!, $quote: String!, $first: Int, $after: String, $minPosition: String) {
  exchangeRates(base: $base, quote: $quote, first: $first, after: $after, minPosition: $minPosition) {
    edges { cursor node { base quote rate effectiveAt source recordedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CONVERT_QUERY = `query ($amount: Decimal!, $from: String!, $to: String!, $asOf: DateTime, $minPosition: String) {
  convertAmount(amount: $amount, from: $from, to: $to, asOf: $asOf, minPosition: $minPosition) {
    amount { amount currency } converted { amount currency } rate { base quote rate effectiveAt source inverted }
  }
}`;

// t1 < t2 < t3: the document date t2 lies between two recorded rates.
const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-02-15T12:00:00.000Z';
const T3 = '2026-03-01T00:00:00.000Z';

interface RecordedRate {
  base: string;
  quote: string;
  rate: string;
  effectiveAt: string;
  source: string;
  recordedAt: string;
}
interface Quote {
  base: string;
  quote: string;
  rate: string;
  effectiveAt: string;
  source: string;
  inverted: boolean;
}

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

function record(input: Record<string, unknown>, key: string) {
  return ledger.graphql<{ recordExchangeRate: { position: string; exchangeRate: RecordedRate } }>(RECORD, { input }, key);
}

async function recordOk(input: Record<string, unknown>, key: string) {
  return requireData(await record(input, key), 'recordExchangeRate').recordExchangeRate;
}

async function rateAt(variables: Record<string, unknown>, key: string): Promise<Quote> {
  return requireData(await ledger.graphql<{ exchangeRate: Quote }>(RATE_QUERY, variables, key), 'exchangeRate').exchangeRate;
}

async function expectRejected(tenantId: string, code: string, send: () => Promise<GraphQLHttpResponse<unknown>>): Promise<GraphQLHttpResponse<unknown>> {
  const before = (await ledger.tenantEvents(tenantId)).length;
  const response = await send();
  expect(firstErrorCode(response)).toBe(code);
  expect((await ledger.tenantEvents(tenantId)).length).toBe(before);
  return response;
}

describe('the rate in effect at a date', () => {
  const tenantId = 'fx-as-of';
  let key: string;
  let latest: string;

  beforeAll(async () => {
    key = await ledger.createKey(tenantId, 'finance');
    // The later rate is recorded FIRST: being recorded earlier must not make it apply before it takes effect.
    await recordOk({ base: 'EUR', quote: 'USD', rate: '1.2000', effectiveAt: T3, source: 'ECB' }, key);
    latest = (await recordOk({ base: 'EUR', quote: 'USD', rate: '1.1000', effectiveAt: T1, source: 'ECB' }, key)).position;
  });

  it('recordExchangeRate answers the rate as recorded, in canonical form', async () => {
    const recorded = await recordOk({ base: 'GBP', quote: 'USD', rate: '1.2700', effectiveAt: T1, source: 'manual' }, key);
    expect(recorded.exchangeRate).toEqual({ base: 'GBP', quote: 'USD', rate: '1.27', effectiveAt: T1, source: 'manual', recordedAt: expect.any(String) });
  });

  it('asOf t2 gives the rate of t1, never the later one of t3', async () => {
    expect(await rateAt({ base: 'EUR', quote: 'USD', asOf: T2, minPosition: latest }, key)).toEqual({ base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt: T1, source: 'ECB', inverted: false });
    expect((await rateAt({ base: 'EUR', quote: 'USD', asOf: T3 }, key)).rate).toBe('1.2');
    expect((await rateAt({ base: 'EUR', quote: 'USD', asOf: '2026-02-28T23:59:59.999Z' }, key)).rate).toBe('1.1');
  });

  it('converts a document amount at that rate: 100.00 EUR on t2 is 110.00 USD, not 120.00', async () => {
    const conversion = requireData(await ledger.graphql<{ convertAmount: { amount: unknown; converted: unknown; rate: Quote } }>(CONVERT_QUERY, { amount: '100.00', from: 'EUR', to: 'USD', asOf: T2, minPosition: latest }, key), 'convertAmount').convertAmount;
    expect(conversion).toEqual({
      amount: { amount: '100.00', currency: 'EUR' },
      converted: { amount: '110.00', currency: 'USD' },
      rate: { base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt: T1, source: 'ECB', inverted: false },
    });
  });

  it('uses the inverse pair when only it is recorded: USD/EUR on t2 is 1 / 1.1 rounded to 12 decimals', async () => {
    expect(await rateAt({ base: 'USD', quote: 'EUR', asOf: T2 }, key)).toEqual({ base: 'USD', quote: 'EUR', rate: '0.909090909091', effectiveAt: T1, source: 'ECB', inverted: true });
  });

  it('is EXCHANGE_RATE_NOT_FOUND before the first rate takes effect, and for a pair never recorded', async () => {
    const early = await ledger.graphql(RATE_QUERY, { base: 'EUR', quote: 'USD', asOf: '2025-12-31T23:59:59.999Z' }, key);
    expect(firstErrorCode(early)).toBe('EXCHANGE_RATE_NOT_FOUND');
    expect(early.errors?.[0]?.message).toBe('No EUR/USD exchange rate (nor USD/EUR) is in effect at 2025-12-31T23:59:59.999Z');
    expect(firstErrorCode(await ledger.graphql(RATE_QUERY, { base: 'EUR', quote: 'CHF', asOf: T2 }, key))).toBe('EXCHANGE_RATE_NOT_FOUND');
    expect(firstErrorCode(await ledger.graphql(CONVERT_QUERY, { amount: '1.00', from: 'EUR', to: 'CHF', asOf: T2 }, key))).toBe('EXCHANGE_RATE_NOT_FOUND');
  });

  it('a correction recorded for the same instant takes over; recording the same rate again appends nothing', async () => {
    const before = (await ledger.tenantEvents(tenantId)).length;
    const again = await recordOk({ base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt: T1, source: 'ECB' }, key);
    expect(again.position).toBe(latest);
    expect((await ledger.tenantEvents(tenantId)).length).toBe(before);

    const correction = await recordOk({ base: 'EUR', quote: 'USD', rate: '1.1050', effectiveAt: T1, source: 'ECB correction' }, key);
    expect(await rateAt({ base: 'EUR', quote: 'USD', asOf: T2, minPosition: correction.position }, key)).toMatchObject({ rate: '1.105', source: 'ECB correction', effectiveAt: T1 });
    latest = correction.position;
  });

  it('exchangeRates lists the pair, latest effective first, in pages', async () => {
    const all = requireData(await ledger.graphql<{ exchangeRates: { edges: { node: RecordedRate }[] } }>(RATES_QUERY, { base: 'EUR', quote: 'USD', minPosition: latest }, key), 'exchangeRates').exchangeRates;
    expect(all.edges.map((edge) => [edge.node.effectiveAt, edge.node.rate, edge.node.source])).toEqual([
      [T3, '1.2', 'ECB'],
      [T1, '1.105', 'ECB correction'],
      [T1, '1.1', 'ECB'],
    ]);
    type Page = { exchangeRates: { edges: { node: RecordedRate }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const first = requireData(await ledger.graphql<Page>(RATES_QUERY, { base: 'EUR', quote: 'USD', first: 2 }, key), 'page 1').exchangeRates;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = requireData(await ledger.graphql<Page>(RATES_QUERY, { base: 'EUR', quote: 'USD', first: 2, after: first.pageInfo.endCursor }, key), 'page 2').exchangeRates;
    expect(second.edges.map((edge) => edge.node.rate)).toEqual(['1.1']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(firstErrorCode(await ledger.graphql(RATES_QUERY, { base: 'EUR', quote: 'USD', after: 'bogus' }, key))).toBe('VALIDATION_FAILED');
  });

  it('another tenant sees none of these rates', async () => {
    const other = await ledger.createKey('fx-other-tenant', 'admin');
    expect(firstErrorCode(await ledger.graphql(RATE_QUERY, { base: 'EUR', quote: 'USD', asOf: T2, minPosition: latest }, other))).toBe('EXCHANGE_RATE_NOT_FOUND');
    expect(requireData(await ledger.graphql<{ exchangeRates: { edges: unknown[] } }>(RATES_QUERY, { base: 'EUR', quote: 'USD' }, other), 'exchangeRates').exchangeRates.edges).toEqual([]);
  });
});

describe('recording a rate', () => {
  const tenantId = 'fx-record';
  let key: string;

  beforeAll(async () => {
    key = await ledger.createKey(tenantId, 'admin');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a zero rate', { rate: '0' }, /rate must be greater than 0/],
    ['a negative rate', { rate: '-1.1' }, /rate must be greater than 0/],
    ['13 decimals', { rate: '1.0000000000001' }, /at most 12/],
    ['an unknown currency', { quote: 'XYZ' }, /quote must be a supported ISO 4217 currency code/],
    ['the same currency twice', { quote: 'EUR' }, /base and quote must differ/],
    ['a blank source', { source: '  ' }, /source is required/],
  ])('with %s is VALIDATION_FAILED and appends nothing', async (_case, overrides, message) => {
    const response = await expectRejected(tenantId, 'VALIDATION_FAILED', () => record({ base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt: T1, source: 'ECB', ...overrides }, key));
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  it('with a rate as a JSON number, or a date instead of an instant, is refused by the GraphQL types', async () => {
    await expectRejected(tenantId, 'VALIDATION_FAILED', () => record({ base: 'EUR', quote: 'USD', rate: 1.1, effectiveAt: T1, source: 'ECB' }, key));
    await expectRejected(tenantId, 'VALIDATION_FAILED', () => record({ base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt: '2026-01-01', source: 'ECB' }, key));
  });

  it('is idempotent with a key, and refused to auditors (who may read)', async () => {
    const input = { base: 'USD', quote: 'JPY', rate: '149.5', effectiveAt: T1, source: 'manual', idempotencyKey: 'usd-jpy-1' };
    const first = await recordOk(input, key);
    expect(await recordOk(input, key)).toEqual(first);
    const auditor = await ledger.createKey(tenantId, 'auditor');
    await expectRejected(tenantId, 'FORBIDDEN', () => record({ ...input, idempotencyKey: null, rate: '150' }, auditor));
    expect((await rateAt({ base: 'USD', quote: 'JPY', asOf: T2, minPosition: first.position }, auditor)).rate).toBe('149.5');
  });

  it('records the actor of the change in the event metadata', async () => {
    const events = await ledger.tenantEvents(tenantId);
    const principal = await ledger.services.apiKeys.authenticate(key);
    expect(events.map((event) => [event.type, event.streamId, event.metadata.actor])).toEqual([['ExchangeRateRecorded', `${tenantId}:exchange_rate-USD-JPY`, `api-key:${principal?.keyId}`]]);
  });

  it('refuses an amount that does not fit its currency when converting', async () => {
    const response = await ledger.graphql(CONVERT_QUERY, { amount: '10.001', from: 'USD', to: 'JPY', asOf: T2 }, key);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
  });
});

describe('the exchange rate read models', () => {
  it('rebuilt from position zero hold exactly the rows kept live', async () => {
    const { store, db } = ledger.services;
    // Settled: a short head (another suite's open transaction hides the newest commits) would let the rebuild below see
    // events the live projection was not yet waited for.
    const head = await settledHead(store, 'rebuild-head-marker');
    const projections = [exchangeRatesProjection];
    expect(await waitForProjections(db, projections.map((projection) => projection.name), head, 10_000)).toBe(true);
    for (const projection of projections) {
      const schema = `fresh_${projection.name}`;
      await rebuildProjection(store, db, projection, { buildSchema: schema });
      const live = await readModelSnapshot(db, 'read_models', [projection]);
      expect(Object.values(live).every((rows) => rows.length > 0)).toBe(true);
      expect(await readModelSnapshot(db, schema, [projection])).toEqual(live);
    }
  });
});
