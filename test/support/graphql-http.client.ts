/**
 * A tiny GraphQL-over-HTTP client for end-to-end tests: one POST per operation, the raw body kept so that tests can
 * check what a client really receives (for example, that no stack trace leaks into an error).
 */

export interface GraphQLErrorBody {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string } & Record<string, unknown>;
}

export interface GraphQLHttpResponse<Data> {
  readonly status: number;
  readonly data: Data | null | undefined;
  readonly errors: readonly GraphQLErrorBody[] | undefined;
  /** The response body exactly as it came over the wire. */
  readonly rawBody: string;
}

export interface GraphQLHttpRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <apiKey>`; `undefined` sends no Authorization header at all. */
  readonly apiKey?: string;
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
}

const REQUEST_TIMEOUT_MS_DEFAULT = 15_000;

export async function postGraphQL<Data>(url: string, request: GraphQLHttpRequest): Promise<GraphQLHttpResponse<Data>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...request.headers };
  if (request.apiKey !== undefined) headers.authorization = `Bearer ${request.apiKey}`;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
    signal: AbortSignal.timeout(request.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT),
  });
  const rawBody = await response.text();
  let parsed: { data?: Data | null; errors?: GraphQLErrorBody[] };
  try {
    parsed = JSON.parse(rawBody) as typeof parsed;
  } catch {
    throw new Error(`the GraphQL endpoint answered HTTP ${response.status} with a body that is not JSON: ${rawBody.slice(0, 500)}`);
  }
  return { status: response.status, data: parsed.data, errors: parsed.errors, rawBody };
}

/** The data of a response that must have succeeded; anything else fails with the errors it carried. */
export function requireData<Data>(response: GraphQLHttpResponse<Data>, operation: string): Data {
  if (response.errors && response.errors.length > 0) {
    throw new Error(`${operation} failed (HTTP ${response.status}): ${JSON.stringify(response.errors)}`);
  }
  if (response.data === null || response.data === undefined) throw new Error(`${operation} returned no data (HTTP ${response.status}): ${response.rawBody.slice(0, 500)}`);
  return response.data;
}

/** The code of a response's first error, or undefined when it has none. */
export function firstErrorCode(response: GraphQLHttpResponse<unknown>): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}
