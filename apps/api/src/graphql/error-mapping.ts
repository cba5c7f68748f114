import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { domainErrorCodes } from '../../../../libs/billing/src/index.js';
import { isLedgerLog } from '../../../../libs/runtime/src/ledger-logger.js';
import { persistedQueryCodes, requestLimitCodeOf, requestLimitCodes } from './limits/request-limit-errors.js';

/** Every code a client may rely on. Anything else is an internal error and is reported without details. */
const stableCodes = new Set<string>([
  ...domainErrorCodes,
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONCURRENCY_CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'READ_MODEL_TIMEOUT',
  'API_KEY_NOT_ACTIVE',
  ...requestLimitCodes,
  ...persistedQueryCodes,
]);

/** GraphQL's own input errors (a bad variable, an unknown field, a literal of the wrong type). */
const inputErrorCodes = new Set(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * The one place where errors become GraphQL errors (docs/architecture.md, Conventions 10). Domain and application
 * errors keep their code and message; GraphQL input errors become VALIDATION_FAILED; anything else is logged with a
 * reference and returned as INTERNAL_SERVER_ERROR without a stack trace or internal message.
 */
export function formatLedgerError(formatted: GraphQLFormattedError, error: unknown, log: (message: string) => void): GraphQLFormattedError {
  const original = unwrapResolverError(error) as { code?: unknown; message?: string; details?: Record<string, unknown>; extensions?: Record<string, unknown>; originalError?: unknown };
  const base = { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
  const givenCode = typeof original?.code === 'string' ? original.code : typeof original?.extensions?.code === 'string' ? (original.extensions.code as string) : undefined;
  // A request limit's code may sit under Apollo's GRAPHQL_VALIDATION_FAILED wrapper or in a token-limit syntax error.
  const ownCode = givenCode && stableCodes.has(givenCode) ? givenCode : requestLimitCodeOf(error);
  if (ownCode) {
    return { ...base, message: original.message ?? formatted.message, extensions: { code: ownCode, ...safeDetails(original.details) } };
  }
  const graphqlCode = formatted.extensions?.code;
  // Apollo marks some refusals of a request only with an HTTP 4xx (a persisted-query hash that does not match).
  const httpStatus = (original?.extensions?.http as { status?: unknown } | undefined)?.status;
  const refusedByApollo = givenCode === undefined && typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500;
  if ((typeof graphqlCode === 'string' && inputErrorCodes.has(graphqlCode)) || refusedByApollo) {
    return { ...base, message: withoutEchoedVariable(formatted.message, original), extensions: { code: 'VALIDATION_FAILED', ...(refusedByApollo ? {} : { graphqlCode }) } };
  }
  const reference = randomUUID();
  const stack = (original as Error)?.stack ?? String(original);
  // At error level, with the reference and the stack as fields of the line (a plain function gets them as text).
  if (isLedgerLog(log)) log.error(`internal error ${reference}`, { reference, stack });
  else log(`internal error ${reference}: ${stack}`);
  return { ...base, message: `internal error (reference ${reference})`, extensions: { code: 'INTERNAL_SERVER_ERROR', reference } };
}

const ECHOED_VARIABLE = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" got invalid value /;

/**
 * graphql-js words a refused variable `Variable "$input" got invalid value <the whole value> at "input.path"; <reason>`.
 * That value may hold a secret (a webhook secret next to a misspelt field), so it is not sent back: the path and the
 * reason are. The reason is the original error's message; without it only the variable is named.
 */
function withoutEchoedVariable(message: string, original: { originalError?: unknown } | undefined): string {
  const match = ECHOED_VARIABLE.exec(message);
  if (!match) return message;
  const head = `Variable "$${match[1]}" got an invalid value`;
  const reason = (original?.originalError as { message?: unknown } | undefined)?.message;
  if (typeof reason !== 'string' || !message.endsWith(`; ${reason}`)) return head;
  const prefix = message.slice(0, message.length - reason.length - 2);
  const at = prefix.lastIndexOf(` at "${match[1]}`);
  const path = at >= 0 && prefix.endsWith('"') && !prefix.slice(at + 5, -1).includes('"') ? prefix.slice(at) : '';
  return `${head}${path}; ${reason}`;
}

function safeDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (key === 'code' || key === 'http') continue;
    // Settings validation lists every violation (path, stable code, message; never a secret) as `details.errors`.
    if (key === 'errors' && Array.isArray(value)) safe.violations = violationsOf(value);
    // A refused bank statement lists each problem as its line in the file and the reason (never the line's content).
    if (key === 'issues' && Array.isArray(value)) safe.issues = statementIssuesOf(value);
    // Banking (docs/banking.md): the open lines that block a reconciliation (ids only), a refused CSV mapping's or rule's problems.
    if (key === 'unresolvedLineIds' && Array.isArray(value)) safe.unresolvedLineIds = value.filter((id): id is string => typeof id === 'string');
    if (key === 'problems' && Array.isArray(value)) safe.problems = value.flatMap((item: { path?: unknown; message?: unknown }) => (typeof item?.path === 'string' && typeof item.message === 'string' ? [{ path: item.path, message: item.message }] : []));
    if (typeof value === 'bigint') safe[key] = value.toString();
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) safe[key] = value;
  }
  return safe;
}

function statementIssuesOf(list: unknown[]): { line: number | null; reason: string }[] {
  return list
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .filter((item) => (item.line === null || typeof item.line === 'number') && typeof item.reason === 'string')
    .map((item) => ({ line: item.line as number | null, reason: item.reason as string }));
}

function violationsOf(list: unknown[]): { path: string; code: string; message: string }[] {
  return list
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .filter((item) => typeof item.path === 'string' && typeof item.code === 'string' && typeof item.message === 'string')
    .map((item) => ({ path: item.path as string, code: item.code as string, message: item.message as string }));
}
