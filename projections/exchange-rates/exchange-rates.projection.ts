import { sql, type Kysely } from 'kysely';
import { exchangeRateEventSchemas, type ExchangeRateEvent } from '../../libs/billing/src/index.js';
import { storedEventData, tenantOfStream } from '../../libs/application/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext, ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { insertRows } from '../common/batch-rows.js';

/**
 * `exchange_rates`: one row per recorded rate (a correction for the same instant is a row of its own, the later
 * one winning in lookups), so a lookup "as of" any instant needs only this table.
 */
export const exchangeRatesProjection: Projection = {
  name: 'exchange_rates',
  version: 1,
  eventTypes: Object.keys(exchangeRateEventSchemas),
  tables: ['exchange_rates'],
  createTables: createExchangeRateTables,
  applyBatch: applyExchangeRateBatch,
};

export function parseExchangeRateEvent(recorded: RecordedEvent): ExchangeRateEvent {
  if (recorded.type !== 'ExchangeRateRecorded') throw new Error(`not an exchange rate event: ${recorded.type}`);
  return { type: recorded.type, data: storedEventData(exchangeRateEventSchemas.ExchangeRateRecorded, recorded) };
}

/** Every key starts with the tenant, so no query can read across tenants. */
async function createExchangeRateTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.exchange_rates (
  tenant_id        text not null,
  base             char(3) not null,
  quote            char(3) not null,
  effective_at     timestamptz not null,
  rate             numeric(30, 12) not null,
  source           text not null,
  recorded_at      timestamptz not null,
  commit_position  numeric(20, 0) not null,
  prepare_position numeric(20, 0) not null,
  position         text not null,
  primary key (tenant_id, base, quote, commit_position, prepare_position)
);
create index if not exists exchange_rates_by_effective_time on ${schema}.exchange_rates (tenant_id, base, quote, effective_at desc, commit_position desc, prepare_position desc);
`,
    )
    .execute(db);
}

/** One row per recorded rate, the whole batch in one multi-row INSERT. */
async function applyExchangeRateBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const rows = events.map((recorded) => {
    const { data } = parseExchangeRateEvent(recorded);
    return {
      tenant_id: tenantOfStream(recorded.streamId),
      base: data.base,
      quote: data.quote,
      effective_at: data.effectiveAt,
      rate: data.rate,
      source: data.source,
      recorded_at: data.recordedAt,
      commit_position: recorded.position.commit.toString(),
      prepare_position: recorded.position.prepare.toString(),
      position: encodePosition(recorded.position),
    };
  });
  await insertRows(context, 'exchange_rates', rows);
}
