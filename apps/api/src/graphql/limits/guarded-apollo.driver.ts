import { Inject, Injectable, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { NextFunction, Request, Response } from 'express';
import type { Server as HttpServer } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { GraphQLLimits } from '../../../../../libs/runtime/src/index.js';
import { documentRules, limitRules } from './document-rules.js';
import { startGraphQLWebSocketServer, type GraphQLWebSocketServer, type GraphQLWebSocketServerOptions } from './graphql-ws.server.js';
import { screenDocument, ScreenedDocuments } from './operation-guard.js';
import { requestGuardPlugin } from './request-guard.plugin.js';

export interface GuardedApolloDriverSettings {
  readonly limits: GraphQLLimits;
  readonly log: (message: string) => void;
}

/**
 * Nest's ApolloDriver with the request limits on both transports (README, "Limits"), so that GraphQLModule's
 * configuration in app.module.ts stays the one place where the server is described:
 * - over HTTP: the screening of size, tokens, depth, aliases, directives and cost before Apollo parses (Express
 *   middleware, so that graphql-js's own, costlier validation never sees a document over a limit), the same rules
 *   again inside Apollo for what skips the middleware (a persisted query: parseOptions, validationRules), the
 *   operation checks and the response statuses (requestGuardPlugin), and a code for the body parser's refusals;
 * - over WebSocket: the `subscriptions['graphql-ws']` options are served by our own WebSocketServer (see
 *   graphql-ws.server.ts) instead of Nest's, which cannot be given a message size limit.
 * Introspection follows the module's `introspection` option (and with it, suggestions in errors).
 */
export function guardedApolloDriver(settings: GuardedApolloDriverSettings): Type<ApolloDriver> {
  @Injectable()
  class GuardedApolloDriver extends ApolloDriver {
    private webSocketServer: GraphQLWebSocketServer | undefined;

    constructor(@Inject(ModulesContainer) modulesContainer: ModulesContainer) {
      super(modulesContainer);
    }

    /** Nest would set every response that has `data` back to 200, and so a 401 or a 403 as well. */
    override async mergeDefaultOptions(options: ApolloDriverConfig): Promise<ApolloDriverConfig> {
      return super.mergeDefaultOptions({ ...options, preserveHttpStatusForExecutionErrors: false });
    }

    override async start(options: ApolloDriverConfig): Promise<void> {
      const { subscriptions, installSubscriptionHandlers: _nestServer, ...httpOptions } = options;
      const introspection = options.introspection ?? process.env.NODE_ENV !== 'production';
      const path = options.path ?? '/graphql';
      const httpAdapter = this.httpAdapterHost.httpAdapter;
      // Before Apollo's own middleware (registered by super.start) and after the body parser.
      if (options.schema) httpAdapter.use(path, screenBeforeApollo(settings.limits, options.schema));
      httpAdapter.use(answerBodyErrors(path));
      await super.start({
        ...httpOptions,
        introspection,
        hideSchemaDetailsFromClientErrors: !introspection,
        parseOptions: { ...httpOptions.parseOptions, maxTokens: settings.limits.maxTokens },
        validationRules: [...(Array.isArray(httpOptions.validationRules) ? httpOptions.validationRules : []), ...documentRules(settings.limits, introspection)],
        plugins: [...(httpOptions.plugins ?? []), requestGuardPlugin(settings.limits, { introspection })],
      });
      const graphqlWs = subscriptions?.['graphql-ws'];
      if (graphqlWs && options.schema) {
        const wsOptions = graphqlWs === true ? {} : graphqlWs;
        this.webSocketServer = startGraphQLWebSocketServer({
          httpServer: httpAdapter.getHttpServer() as HttpServer,
          path: wsOptions.path ?? path,
          schema: options.schema,
          graphqlWs: wsOptions as GraphQLWebSocketServerOptions['graphqlWs'],
          context: options.context as ServerOptions['context'],
          limits: settings.limits,
          introspection,
          log: settings.log,
        });
      }
    }

    override async stop(): Promise<void> {
      await this.webSocketServer?.dispose();
      this.webSocketServer = undefined;
      await super.stop();
    }
  }
  return GuardedApolloDriver;
}

/**
 * Refuses a request over a limit (screenDocument) with its code, 413 for the size and 400 for the rest, before
 * Apollo sees it; anything else (a syntax error included) goes on to Apollo, which reports it as usual.
 */
function screenBeforeApollo(limits: GraphQLLimits, schema: GraphQLSchema) {
  const rules = limitRules(limits);
  const documents = new ScreenedDocuments();
  return (request: Request, response: Response, next: NextFunction): void => {
    const parts = graphqlRequestParts(request);
    if (!parts) return next();
    const screened = screenDocument(limits, schema, parts, rules, documents);
    if (!('refusal' in screened)) return next();
    const errors = screened.refusal.map((error) => ({ message: error.message, extensions: { code: error.extensions.code } }));
    response.status(errors.some((error) => error.extensions.code === 'DOCUMENT_TOO_LARGE') ? 413 : 400).json({ errors });
  };
}

/** The document, variables and operation name of a POST body (one operation) or a GET query string. */
function graphqlRequestParts(request: Request): { query: string; variables: unknown; operationName: unknown } | undefined {
  const body: unknown = request.body;
  if (request.method === 'POST' && body && typeof body === 'object' && !Array.isArray(body)) {
    const { query, variables, operationName } = body as Record<string, unknown>;
    return typeof query === 'string' ? { query, variables, operationName } : undefined;
  }
  if (request.method !== 'GET') return undefined;
  const { query, variables, operationName } = (request.query ?? {}) as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  let parsedVariables: unknown;
  try {
    parsedVariables = typeof variables === 'string' ? JSON.parse(variables) : undefined;
  } catch {
    parsedVariables = undefined; // Apollo refuses it
  }
  return { query, variables: parsedVariables, operationName };
}

/**
 * The body parser's and the router's refusals (a body over 100 KB, malformed JSON, an unsupported charset, a path
 * that does not decode) keep their 4xx status and get a stable code: GraphQL-shaped under the GraphQL path,
 * `{ code, message }` like the PDF endpoints elsewhere. Anything else goes on to Nest.
 */
function answerBodyErrors(graphqlPath: string) {
  return (error: unknown, request: Request, response: Response, next: NextFunction): void => {
    const { status, type, limit } = (error ?? {}) as { status?: unknown; type?: unknown; limit?: unknown };
    if (response.headersSent || typeof status !== 'number' || status < 400 || status > 499) return next(error);
    const code = status === 413 ? 'DOCUMENT_TOO_LARGE' : 'VALIDATION_FAILED';
    const message = bodyErrorMessage(status, type, limit);
    if (request.path === graphqlPath || request.path.startsWith(`${graphqlPath}/`)) response.status(status).json({ errors: [{ message, extensions: { code } }] });
    else response.status(status).json({ code, message });
  };
}

function bodyErrorMessage(status: number, type: unknown, limit: unknown): string {
  if (status === 413) return `the request body is over the limit of ${typeof limit === 'number' ? `${limit} bytes` : '100 KB'}`;
  if (type === 'entity.parse.failed') return 'the request body is not valid JSON';
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return 'unsupported charset or content encoding: send UTF-8 JSON';
  if (status === 400) return 'the request could not be read (a malformed body or path)';
  return `the request was refused (HTTP ${status})`;
}
