import { Buffer } from 'node:buffer';
import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from 'graphql';
import type { GraphQLLimits } from '../../../../../libs/runtime/src/index.js';
import { operationCost, PAGE_SIZE_CAP } from './query-cost.js';
import { limitError, requestLimitCodeOf, type RequestLimitCode } from './request-limit-errors.js';
import { findIllFormedText, textProblem } from './well-formed-text.js';

/** DOCUMENT_TOO_LARGE for a document over the limit (checked before it is parsed). */
export function documentSizeProblem(query: string, limits: GraphQLLimits): GraphQLError | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: count the bytes only when the length leaves a doubt.
  if (query.length * 3 <= limits.maxDocumentBytes) return undefined;
  const bytes = Buffer.byteLength(query, 'utf8');
  if (bytes <= limits.maxDocumentBytes) return undefined;
  return limitError('DOCUMENT_TOO_LARGE', `the GraphQL document is ${bytes} bytes, over the limit of ${limits.maxDocumentBytes}`);
}

/** VALIDATION_FAILED for a NUL or a lone surrogate anywhere in the variables or the operation name. */
export function requestTextProblem(variables: unknown, operationName: unknown): GraphQLError | undefined {
  const inName = typeof operationName === 'string' ? textProblem(operationName) : undefined;
  if (inName) return limitError('VALIDATION_FAILED', `operationName ${inName}`);
  const inVariables = findIllFormedText(variables, 'variables');
  return inVariables ? limitError('VALIDATION_FAILED', inVariables) : undefined;
}

/** QUERY_TOO_COMPLEX when the operation's cost or its number of fields (query-cost.ts) is over its limit. */
export function costProblem(limits: GraphQLLimits, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: unknown): GraphQLError | undefined {
  const { cost, fields } = operationCost(schema, document, operation, isRecord(variables) ? variables : undefined);
  if (fields > limits.maxFields) {
    return limitError('QUERY_TOO_COMPLEX', `the query selects ${fields} fields (fragments counted at every spread), over the limit of ${limits.maxFields}`);
  }
  if (cost > limits.maxCost) {
    return limitError(
      'QUERY_TOO_COMPLEX',
      `the query's cost (${cost}) exceeds the limit of ${limits.maxCost}: each field counts 1 and a page counts its selection once per row (first, at most ${PAGE_SIZE_CAP}); ask for smaller pages or fewer fields`,
    );
  }
  return undefined;
}

export interface RequestText {
  readonly query: string;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

/** A refusal, a document graphql-js could not parse (reported as the transport reports syntax errors), or the document. */
export type Screened = { readonly refusal: readonly GraphQLError[] } | { readonly syntaxError: GraphQLError } | { readonly document: DocumentNode };

/**
 * Documents that passed the checks of their text alone (size, tokens, depth, aliases, directives), by their text.
 * Clients send the same few documents over and over, and parsing and walking one again cost more than the rest of
 * the screening; the cost depends on the variables too, so it is checked on every request. Bounded in entries and
 * in characters, and emptied when either is reached (a cost, never an error); only documents within every limit
 * are kept, so a client sending new documents can only make the cache start again.
 */
export class ScreenedDocuments {
  private readonly documents = new Map<string, DocumentNode>();
  private characters = 0;

  constructor(
    private readonly maxEntries = 500,
    private readonly maxCharacters = 1_000_000,
  ) {}

  get(query: string): DocumentNode | undefined {
    return this.documents.get(query);
  }

  remember(query: string, document: DocumentNode): void {
    if (query.length > this.maxCharacters || this.documents.has(query)) return;
    if (this.documents.size >= this.maxEntries || this.characters + query.length > this.maxCharacters) {
      this.documents.clear();
      this.characters = 0;
    }
    this.documents.set(query, document);
    this.characters += query.length;
  }
}

/**
 * The cheap checks that come before graphql-js validates the document, over both transports: the size, the tokens
 * (parse stops at the limit), depth, aliases and directives (`limitRules`, alone), and the cost of the operation
 * asked for. graphql-js's own rules are then only ever run on a document within every limit. With `documents`, a
 * text screened before skips straight to the cost.
 */
export function screenDocument(limits: GraphQLLimits, schema: GraphQLSchema, request: RequestText, limitRules: readonly ValidationRule[], documents?: ScreenedDocuments): Screened {
  let document = documents?.get(request.query);
  if (!document) {
    const screened = screenText(limits, schema, request.query, limitRules);
    if (!('document' in screened)) return screened;
    document = screened.document;
    documents?.remember(request.query, document);
  }
  const operation = getOperationAST(document, typeof request.operationName === 'string' ? request.operationName : undefined);
  const tooCostly = operation ? costProblem(limits, schema, document, operation, request.variables) : undefined;
  return tooCostly ? { refusal: [tooCostly] } : { document };
}

/** What depends on the text alone: the size, the tokens, and the limit rules. */
function screenText(limits: GraphQLLimits, schema: GraphQLSchema, query: string, limitRules: readonly ValidationRule[]): Screened {
  const tooLarge = documentSizeProblem(query, limits);
  if (tooLarge) return { refusal: [tooLarge] };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (requestLimitCodeOf(error) === 'TOO_MANY_TOKENS') return { refusal: [limitError('TOO_MANY_TOKENS', `the document has more than ${limits.maxTokens} tokens, the limit`)] };
    return { syntaxError: error instanceof GraphQLError ? error : new GraphQLError(String((error as Error)?.message ?? error)) };
  }
  const overLimits = validate(schema, document, limitRules, { maxErrors: 10 });
  if (overLimits.length > 0) {
    return { refusal: overLimits.map((error) => limitError((error.extensions.code as RequestLimitCode | undefined) ?? 'VALIDATION_FAILED', error.message)) };
  }
  return { document };
}

export interface ResolvedOperation {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  /** undefined when operationName names no operation, or several operations came without one. */
  readonly operation: OperationDefinitionNode | undefined;
  readonly operationName: string | null | undefined;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  readonly transport: 'http' | 'websocket';
}

/**
 * The checks made once the document is valid and the operation chosen, over both transports: an operation that
 * exists, no subscription over HTTP, acceptable text in the variables, and the cost (again: a persisted query's
 * document reaches here without being screened).
 */
export function operationProblem(limits: GraphQLLimits, request: ResolvedOperation): GraphQLError | undefined {
  const { operation, operationName } = request;
  if (!operation) {
    return limitError(
      'VALIDATION_FAILED',
      typeof operationName === 'string' && operationName !== ''
        ? `the document has no operation named "${operationName.slice(0, 100)}"`
        : 'the document has several operations: send operationName to choose one',
    );
  }
  if (request.transport === 'http' && operation.operation === 'subscription') {
    return limitError('VALIDATION_FAILED', 'subscriptions are served over WebSocket (graphql-ws, on this same path), not over HTTP');
  }
  return requestTextProblem(request.variables, operationName) ?? costProblem(limits, request.schema, request.document, operation, request.variables);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
