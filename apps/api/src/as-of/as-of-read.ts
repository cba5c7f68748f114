import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { comparePositions, decodePosition, encodePosition, START_POSITION, type Position } from '../../../../libs/event-store/src/index.js';
import { AsOfUnavailableError, LIVE_READ_MODEL_SCHEMA, readAsOf, waitForProjections, type Projection, type ReadModelDatabase } from '../../../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../../../projections/index.js';
import { runAsSystem } from '../../../../libs/database/src/index.js';
import { ApplicationError } from '../graphql/application-error.js';
import type { LedgerServices } from '../ledger-services.js';

/** The read models an as-of read can show in the past. */
const allReadModels = allProjections.filter((projection) => !projection.sideEffects && projection.history !== false);

export const AS_OF_DESCRIPTION = 'Answer from the read models as they stood at this position (`<commit>.<prepare>`, a mutation\'s `position` or an event\'s), inclusive';
export const AS_OF_TIME_DESCRIPTION = 'Answer from the read models as they stood at the last event recorded at or before this time (before the first event: an empty answer)';

/**
 * The same two arguments on the queries that had an `asOf` of their own first (the instant or date they report on:
 * exchangeRate, convertAmount, trialBalance, arAging): there the position is `knownAsOf`, the time `knownAsOfTime`.
 */
export const KNOWN_AS_OF_NAMES = { position: 'knownAsOf', time: 'knownAsOfTime' } as const;
export const KNOWN_AS_OF_DESCRIPTION = `${AS_OF_DESCRIPTION}: what the ledger knew then (asOf is the instant or date reported on)`;
export const KNOWN_AS_OF_TIME_DESCRIPTION = `${AS_OF_TIME_DESCRIPTION}: what the ledger knew then`;

/** The two ways to ask for the past; at most one of them. */
export interface AsOfArguments {
  readonly asOf?: string | null;
  readonly asOfTime?: string | null;
  /** The names the query gives the two arguments, for the errors (exchangeRate's `asOf` is an effective instant). */
  readonly names?: { readonly position: string; readonly time: string };
}

/**
 * Runs a read-model query now, or in the past (docs/as-of.md): `read` gets the database handle and the schema to give
 * the query class (`new CustomerQueries(db, schema)`), the live ones without asOf, or those of an as-of transaction.
 * `readModels` names the projections whose tables the query reads: only theirs are shown in the past (a table of
 * another is absent, so a query that reads one fails loudly rather than read the present), which keeps the read
 * cheap; every read model when omitted.
 *
 * - `asOf` malformed, both arguments, or a position beyond the end of the log: VALIDATION_FAILED.
 * - A position in the log that the read models have not reached yet is waited for, bounded like `minPosition`, then
 *   READ_MODEL_TIMEOUT.
 * - A position before a read model's recorded history begins (its version started later): VALIDATION_FAILED, with
 *   the position where it begins in the details.
 */
export async function readModelsAt<Result>(
  services: LedgerServices,
  tenantId: string,
  point: AsOfArguments,
  read: (db: Kysely<ReadModelDatabase>, schema: string) => Promise<Result>,
  readModels?: readonly string[],
): Promise<Result> {
  const asked = await reachedPosition(services, tenantId, point, readModels ?? allReadModels.map((projection) => projection.name));
  if (asked === undefined) return read(services.db, LIVE_READ_MODEL_SCHEMA);
  const { position, head } = asked;
  const projections = readModels === undefined ? allReadModels : readModels.map(readModelNamed);
  try {
    return await readAsOf({ db: services.db, store: services.store, projections, tenantId, position, head }, (trx, schema) => read(trx, schema));
  } catch (error) {
    if (!(error instanceof AsOfUnavailableError)) throw error;
    if (error.reason === 'not_reached') throw new ApplicationError('READ_MODEL_TIMEOUT', error.message);
    throw new ApplicationError('VALIDATION_FAILED', error.message, { field: point.names?.position ?? 'asOf', reason: error.reason, projection: error.projection });
  }
}

/**
 * The position asked for, checked and waited for as readModelsAt does (same errors), or undefined for the present:
 * for read models whose rows are positional already (the audit log), where as of a position means "up to it".
 */
export async function asOfPosition(services: LedgerServices, tenantId: string, point: AsOfArguments, readModels: readonly string[]): Promise<Position | undefined> {
  return (await reachedPosition(services, tenantId, point, readModels))?.position;
}

/** The position asked for, not beyond the head of the log, once the read models have applied the log up to it. */
async function reachedPosition(services: LedgerServices, tenantId: string, point: AsOfArguments, readModels: readonly string[]): Promise<{ position: Position; head: Position } | undefined> {
  const position = await requestedPosition(services, tenantId, point);
  if (position === undefined) return undefined;
  const field = point.names?.position ?? 'asOf';
  const timeoutMs = services.config.readYourWritesTimeoutMs;
  // The head of the whole log (a tenant's own view of the store ends at its own last event).
  let head = await runAsSystem('as-of: the head of the log', () => services.store.headPosition());
  if (comparePositions(position, head) > 0) {
    // Past the visible head is not always past the end: a position a mutation returned a moment ago stays hidden while
    // an older transaction anywhere on the server is open. The store tells the two apart (waitForHead); a position it
    // never handed out is refused at once.
    const store = services.store;
    const shown = store.waitForHead ? await runAsSystem('as-of: wait for the head', () => store.waitForHead?.(position, timeoutMs) ?? Promise.resolve(false)) : false;
    if (!shown) throw new ApplicationError('VALIDATION_FAILED', `${field} ${encodePosition(position)} is beyond the end of the log (${encodePosition(head)})`, { field });
    head = await runAsSystem('as-of: the head of the log', () => store.headPosition());
  }
  if (!(await waitForProjections(services.db, readModels, position, timeoutMs))) {
    throw new ApplicationError('READ_MODEL_TIMEOUT', `the read models did not reach position ${encodePosition(position)} within ${timeoutMs} ms; retry, or check that projections are running`);
  }
  return { position, head };
}

function readModelNamed(name: string): Projection {
  const projection = allReadModels.find((candidate) => candidate.name === name);
  if (!projection) throw new Error(`as-of: no read model is named ${name}`);
  return projection;
}

/** The position asked for, or undefined for the present. */
async function requestedPosition(services: LedgerServices, tenantId: string, point: AsOfArguments): Promise<Position | undefined> {
  const asOf = point.asOf ?? null;
  const asOfTime = point.asOfTime ?? null;
  const names = point.names ?? { position: 'asOf', time: 'asOfTime' };
  if (asOf !== null && asOfTime !== null) throw new ApplicationError('VALIDATION_FAILED', `give ${names.position} or ${names.time}, not both`, { field: names.position });
  if (asOf !== null) {
    try {
      return decodePosition(asOf);
    } catch {
      throw new ApplicationError('VALIDATION_FAILED', `${names.position} must be a position "<commit>.<prepare>" (two unsigned integers), got ${JSON.stringify(asOf.slice(0, 45))}`, { field: names.position });
    }
  }
  if (asOfTime !== null) return positionAtTime(services.db, tenantId, asOfTime, names.time);
  return undefined;
}

/**
 * The tenant's last event recorded at or before `time` (its position), or the start of the log when there is none.
 * Reads the PostgreSQL event store's table (the one store that records the time of each event in SQL).
 */
export async function positionAtTime(db: Kysely<ReadModelDatabase>, tenantId: string, time: string, field = 'asOfTime'): Promise<Position> {
  const instant = new Date(time);
  if (Number.isNaN(instant.getTime())) throw new ApplicationError('VALIDATION_FAILED', `${field} must be an ISO 8601 date and time`, { field });
  const { rows } = await sql<{ commit: string; prepare: string }>`
    select transaction_id::text as commit, global_position::text as prepare
      from event_store.events
     where tenant_id = ${tenantId} and recorded_at <= ${instant.toISOString()}::timestamptz
     order by transaction_id desc, global_position desc
     limit 1`.execute(db);
  const row = rows[0];
  return row ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : START_POSITION;
}
