import { sql, type Kysely } from 'kysely';
import { rateAsOf, type ExchangeRateQuote, type RecordedExchangeRate } from '../../libs/billing/src/index.js';
import { parseComputedDecimal } from '../../libs/money/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { emptyUntilCreated } from '../billing-settings/read-model-absence.js';
import { connectionOf, decodeCursor, encodeCursor, isLogPosition, isParsableTime } from '../common/opaque-cursor.js';

export interface ExchangeRateRecord extends RecordedExchangeRate {
  readonly position: string;
}

export const EXCHANGE_RATE_PAGE_SIZE_MAX = 100;

interface ExchangeRateRow {
  base: string;
  quote: string;
  effective_at: Date;
  rate: string;
  source: string;
  recorded_at: Date;
  commit_position: string;
  prepare_position: string;
  position: string;
}

/** Reads of the exchange_rates read model; every query names its tenant. */
export class ExchangeRateQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  /**
   * The rate in effect at `asOf` (see the domain's rateAsOf): only rates effective at or before `asOf` are read, the
   * latest of each direction (the pair as asked and its inverse); a rate effective later is never a candidate.
   */
  async rateAsOf(tenantId: string, base: string, quote: string, asOf: string): Promise<ExchangeRateQuote> {
    const latest = (from: string, to: string) => {
      const read = () =>
        this.db
          .withSchema(this.schema)
          .selectFrom('exchange_rates')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('base', '=', from)
          .where('quote', '=', to)
          .where('effective_at', '<=', asOf)
          .orderBy('effective_at', 'desc')
          .orderBy('commit_position', 'desc')
          .orderBy('prepare_position', 'desc')
          .limit(1)
          .executeTakeFirst() as Promise<ExchangeRateRow | undefined>;
      return emptyUntilCreated(read, undefined);
    };
    const rows = base === quote ? [] : (await Promise.all([latest(base, quote), latest(quote, base)])).filter((row): row is ExchangeRateRow => row !== undefined);
    return rateAsOf(rows.map(recordOf), base, quote, asOf);
  }

  /** The pair's recorded rates, latest effective first (corrections after what they correct). */
  async history(tenantId: string, base: string, quote: string, first: number, after: string | null) {
    let query = this.db.withSchema(this.schema).selectFrom('exchange_rates').selectAll().where('tenant_id', '=', tenantId).where('base', '=', base).where('quote', '=', quote);
    if (after !== null) {
      const [effectiveAt, commit, prepare] = decodeCursor(after, 3, ([effectiveAt, commit, prepare]) => isParsableTime(effectiveAt) && isLogPosition(commit) && isLogPosition(prepare));
      query = query.where(sql<boolean>`(effective_at, commit_position, prepare_position) < (${effectiveAt}::timestamptz, ${commit}::numeric, ${prepare}::numeric)`);
    }
    const rows = (await emptyUntilCreated(() => query.orderBy('effective_at', 'desc').orderBy('commit_position', 'desc').orderBy('prepare_position', 'desc').limit(first + 1).execute(), [])) as ExchangeRateRow[];
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor([row.effective_at.toISOString(), row.commit_position, row.prepare_position]), node: recordOf(row) }));
    return connectionOf(edges, rows.length > first);
  }
}

function recordOf(row: ExchangeRateRow): ExchangeRateRecord {
  return {
    base: row.base,
    quote: row.quote,
    // NUMERIC(30, 12) reads back as "1.085000000000": one canonical form, without trailing zeros.
    rate: parseComputedDecimal(row.rate, 'rate').toFixed(),
    effectiveAt: row.effective_at.toISOString(),
    source: row.source,
    recordedAt: row.recorded_at.toISOString(),
    position: row.position,
  };
}
