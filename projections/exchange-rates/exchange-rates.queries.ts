import { sql, type Kysely } from 'kysely';
import { rateAsOf, type ExchangeRateQuote, type RecordedExchangeRate } from '../../libs/billing/src/index.js';
import { parseDecimal } from '../../libs/money/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { emptyUntilCreated } from '../billing-settings/read-model-absence.js';

export interface ExchangeRateRecord extends RecordedExchangeRate {
  readonly position: string;
}

export const EXCHANGE_RATE_PAGE_SIZE_MAX = 100;

export class InvalidExchangeRateCursorError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(cursor: string) {
    super(`"${cursor.slice(0, 60)}" is not a cursor from this list: pass pageInfo.endCursor back unchanged`);
  }
}

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
      const cursor = decodeCursor(after);
      query = query.where(sql<boolean>`(effective_at, commit_position, prepare_position) < (${cursor.effectiveAt}::timestamptz, ${cursor.commit}::numeric, ${cursor.prepare}::numeric)`);
    }
    const rows = (await emptyUntilCreated(() => query.orderBy('effective_at', 'desc').orderBy('commit_position', 'desc').orderBy('prepare_position', 'desc').limit(first + 1).execute(), [])) as ExchangeRateRow[];
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(row), node: recordOf(row) }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

function recordOf(row: ExchangeRateRow): ExchangeRateRecord {
  return {
    base: row.base,
    quote: row.quote,
    // NUMERIC(30, 12) reads back as "1.085000000000": one canonical form, without trailing zeros.
    rate: parseDecimal(row.rate, 'rate').toFixed(),
    effectiveAt: row.effective_at.toISOString(),
    source: row.source,
    recordedAt: row.recorded_at.toISOString(),
    position: row.position,
  };
}

function encodeCursor(row: ExchangeRateRow): string {
  return Buffer.from(JSON.stringify([row.effective_at.toISOString(), row.commit_position, row.prepare_position]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { effectiveAt: string; commit: string; prepare: string } {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded.length === 3 && decoded.every((part) => typeof part === 'string')) {
      const [effectiveAt, commit, prepare] = decoded as [string, string, string];
      if (!Number.isNaN(Date.parse(effectiveAt)) && /^\d{1,20}$/.test(commit) && /^\d{1,20}$/.test(prepare)) return { effectiveAt, commit, prepare };
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidExchangeRateCursorError(cursor);
}
