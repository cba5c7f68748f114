import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { domainErrorCodes } from '../../../../libs/billing/src/index.js';

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
]);

/** GraphQL's own input errors (a bad variable, an unknown field, a literal of the wrong type). */
const inputErrorCodes = new Set(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST']);

/**
 * The one place where errors become GraphQL errors (house rule 10). Domain and application errors keep their code
 * and message; GraphQL input errors become VALIDATION_FAILED; anything else is logged with a reference and
 * returned as INTERNAL_SERVER_ERROR without a stack trace or internal message.
 */
export function formatLedgerError(formatted: GraphQLFormattedError, error: unknown, log: (message: string) => void): GraphQLFormattedError {
  const original = unwrapResolverError(error) as { code?: unknown; message?: string; details?: Record<string, unknown>; extensions?: Record<string, unknown> };
  const base = { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
  const ownCode = typeof original?.code === 'string' ? original.code : typeof original?.extensions?.code === 'string' ? (original.extensions.code as string) : undefined;
  if (ownCode && stableCodes.has(ownCode)) {
    return { ...base, message: original.message ?? formatted.message, extensions: { code: ownCode, ...safeDetails(original.details) } };
  }
  const graphqlCode = formatted.extensions?.code;
  if (typeof graphqlCode === 'string' && inputErrorCodes.has(graphqlCode)) {
    return { ...base, extensions: { code: 'VALIDATION_FAILED', graphqlCode } };
  }
  const reference = randomUUID();
  log(`internal error ${reference}: ${(original as Error)?.stack ?? String(original)}`);
  return { ...base, message: `internal error (reference ${reference})`, extensions: { code: 'INTERNAL_SERVER_ERROR', reference } };
}

function safeDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (key === 'code' || key === 'http') continue;
    if (typeof value === 'bigint') safe[key] = value.toString();
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) safe[key] = value;
  }
  return safe;
}
