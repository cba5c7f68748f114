import { GraphQLError } from 'graphql';

/**
 * The codes of a request refused before it runs (too big, too deep, too costly, or malformed for the protocol).
 * error-mapping.ts keeps them as they are; they are part of the API like the domain's codes.
 */
export const requestLimitCodes = [
  'DOCUMENT_TOO_LARGE',
  'TOO_MANY_TOKENS',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_DIRECTIVES',
  'QUERY_TOO_COMPLEX',
  'TOO_MANY_SUBSCRIPTIONS',
] as const;
export type RequestLimitCode = (typeof requestLimitCodes)[number];

/** Apollo's own codes that clients rely on as they are (the automatic persisted queries protocol). */
export const persistedQueryCodes = ['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED'] as const;

const limitCodeSet: ReadonlySet<string> = new Set(requestLimitCodes);

/** What graphql-js says when `parse(..., { maxTokens })` gives up (graphql 16 words it "more that"). */
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more tha[nt] \d+ tokens\. Parsing aborted\.$/;

/** HTTP status of a refused request: 413 for a document over the size limit, 400 for the rest. */
export function limitError(code: RequestLimitCode | 'VALIDATION_FAILED', message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: code === 'DOCUMENT_TOO_LARGE' ? 413 : 400 } } });
}

/**
 * The limit code of an error, wherever the GraphQL server put it: on the error itself, on the error a validation
 * rule reported (Apollo wraps those as GRAPHQL_VALIDATION_FAILED), or in graphql-js's token-limit syntax error.
 */
export function requestLimitCodeOf(error: unknown): RequestLimitCode | undefined {
  for (let candidate = error, hops = 0; candidate && typeof candidate === 'object' && hops < 3; hops += 1) {
    const { extensions, message, originalError } = candidate as { extensions?: { code?: unknown }; message?: unknown; originalError?: unknown };
    const code = extensions?.code;
    if (typeof code === 'string' && limitCodeSet.has(code)) return code as RequestLimitCode;
    if (typeof message === 'string' && TOKEN_LIMIT_MESSAGE.test(message)) return 'TOO_MANY_TOKENS';
    candidate = originalError;
  }
  return undefined;
}

/** graphql-js's "did you mean" suffix, which names fields, types and enum values of the schema. */
const SUGGESTION = / ?Did you mean .+\?$/;

/** A message without its "did you mean" suggestion (when introspection is off, the schema is not told). */
export function withoutSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}
