import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { tenantPrefix } from '../../../../libs/application/src/index.js';
import { comparePositions, decodePosition, type Position } from '../../../../libs/event-store/src/index.js';
import { auditedEventTypes } from '../../../../projections/audit-log/audit-log.projection.js';
import { AUDIT_PAGE_SIZE_MAX, AuditLogQueries, type AuditLogFilter } from '../../../../projections/audit-log/audit-log.queries.js';
import { ApplicationError } from '../graphql/application-error.js';
import { requireReader, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { AuditEntryConnectionType, AuditEntryType, AuditLogFilterInput } from './audit.types.js';
import { asOfPosition } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const READ_MODELS = ['audit_log'] as const;
const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the audit log includes this position' } as const;
const MAX_TYPES = 50;
const TEXT_LENGTH_MAX = 300;
const CATEGORY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const STREAM_PATTERN = /^[a-z][a-z0-9_]{0,62}-[^\s:]{1,300}$/;
const knownTypes: ReadonlySet<string> = new Set(auditedEventTypes);
// The audit log is positional (its projection keeps no row history): as of a position, it is its events up to it.
const AUDIT_AS_OF_DESCRIPTION = 'Only the events at or before this position (`<commit>.<prepare>`): the log as it stood then';
const AUDIT_AS_OF_TIME_DESCRIPTION = 'Only the events up to the last one recorded at or before this time (before the first event: none)';

/** The earlier of two bounds (inclusive); null: none. */
function earlierOf(one: Position | null | undefined, other: Position | undefined): Position | null {
  if (other === undefined) return one ?? null;
  return one === null || one === undefined || comparePositions(other, one) < 0 ? other : one;
}

/** A text filter: non-empty, without whitespace, of a bounded length; else VALIDATION_FAILED naming the field. */
function requireToken(value: string, field: string): string {
  if (value.length === 0 || value.length > TEXT_LENGTH_MAX || /\s/.test(value)) {
    throw new ApplicationError('VALIDATION_FAILED', `${field} must be 1 to ${TEXT_LENGTH_MAX} characters without spaces`, { field });
  }
  return value;
}

function positionOf(value: string | null | undefined): Position | null {
  return value === null || value === undefined ? null : decodePosition(value);
}

/** The filter as the read model takes it, checked: every bad field is VALIDATION_FAILED with what to send instead. */
export function auditLogFilterOf(tenantId: string, input: AuditLogFilterInput | null | undefined): AuditLogFilter {
  if (input === null || input === undefined) return {};
  const types = input.types ?? null;
  if (types !== null && types.length > MAX_TYPES) throw new ApplicationError('VALIDATION_FAILED', `at most ${MAX_TYPES} event types`, { field: 'types' });
  for (const type of types ?? []) {
    if (!knownTypes.has(type)) throw new ApplicationError('VALIDATION_FAILED', `"${type.slice(0, 70)}" is not an event type of the ledger, e.g. "InvoiceIssued"`, { field: 'types' });
  }
  const category = input.category ?? null;
  if (category !== null && !CATEGORY_PATTERN.test(category)) {
    throw new ApplicationError('VALIDATION_FAILED', `"${category.slice(0, 70)}" is not a stream category: use a name such as "invoice" or "billing_settings"`, { field: 'category' });
  }
  const streamId = input.streamId ?? null;
  if (streamId !== null && !STREAM_PATTERN.test(streamId)) {
    throw new ApplicationError('VALIDATION_FAILED', `"${streamId.slice(0, 70)}" is not a stream: use streamId without the tenant, e.g. "invoice-<id>"`, { field: 'streamId' });
  }
  const fromPosition = positionOf(input.fromPosition);
  const toPosition = positionOf(input.toPosition);
  if (fromPosition !== null && toPosition !== null && comparePositions(fromPosition, toPosition) > 0) {
    throw new ApplicationError('VALIDATION_FAILED', 'fromPosition must not be after toPosition', { field: 'fromPosition' });
  }
  const from = input.from ?? null;
  const to = input.to ?? null;
  if (from !== null && to !== null && Date.parse(from) > Date.parse(to)) throw new ApplicationError('VALIDATION_FAILED', 'from must not be after to', { field: 'from' });
  return {
    types,
    category,
    streamId: streamId === null ? null : `${tenantPrefix(tenantId)}${streamId}`,
    actorId: input.actorId === null || input.actorId === undefined ? null : requireToken(input.actorId, 'actorId'),
    correlationId: input.correlationId === null || input.correlationId === undefined ? null : requireToken(input.correlationId, 'correlationId'),
    fromPosition,
    toPosition,
    from,
    to,
  };
}

/**
 * Who did what (docs/audit-log.md): the tenant's events with their metadata, from the audit_log read model, in log
 * order (oldest first). Readable by every reader role, the auditor included; the tenant is the caller's, always.
 */
@Resolver(() => AuditEntryType)
export class AuditLogResolver {
  private readonly queries: AuditLogQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new AuditLogQueries(services.db);
  }

  @Query(() => AuditEntryConnectionType, { description: "The tenant's events with who recorded them (actor, command, correlation, causation), in log order, oldest first" })
  async auditLog(
    @Args('filter', { type: () => AuditLogFilterInput, nullable: true }) filter: AuditLogFilterInput | null | undefined,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AUDIT_AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AUDIT_AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, AUDIT_PAGE_SIZE_MAX);
    const checked = auditLogFilterOf(principal.tenantId, filter);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const upTo = await asOfPosition(this.services, principal.tenantId, { asOf, asOfTime }, READ_MODELS);
    return this.queries.auditLog(principal.tenantId, upTo === undefined ? checked : { ...checked, toPosition: earlierOf(checked.toPosition, upTo) }, first, after);
  }

  @Query(() => AuditEntryConnectionType, {
    description: 'Every event that touched a document (invoice, payment, credit note, customer, subscription: by its id), across its streams, in log order',
  })
  async auditTrail(
    @Args('documentId', { type: () => ID }) documentId: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AUDIT_AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AUDIT_AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, AUDIT_PAGE_SIZE_MAX);
    requireToken(documentId, 'documentId');
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const upTo = await asOfPosition(this.services, principal.tenantId, { asOf, asOfTime }, READ_MODELS);
    return this.queries.auditTrail(principal.tenantId, documentId, first, after, upTo ?? null);
  }
}
