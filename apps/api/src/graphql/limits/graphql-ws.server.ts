import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Context, type ServerOptions, type SubscribePayload } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GraphQLLimits } from '../../../../../libs/runtime/src/index.js';
import { contentRules, limitRules } from './document-rules.js';
import { operationProblem, requestTextProblem, screenDocument } from './operation-guard.js';
import { limitError, withoutSuggestion } from './request-limit-errors.js';

/** What graphql-ws is given as `extra`: the socket, the upgrade request, and the principal once authenticated. */
interface ConnectionExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  principal?: { readonly keyId: string };
}
type LedgerContext = Context<Record<string, unknown> | undefined, ConnectionExtra>;

export interface GraphQLWebSocketServerOptions {
  readonly httpServer: HttpServer;
  readonly path: string;
  readonly schema: GraphQLSchema;
  /** The app's graphql-ws options (onConnect, onError, onNext, ...), as given to GraphQLModule. */
  readonly graphqlWs: Partial<ServerOptions<Record<string, unknown> | undefined, ConnectionExtra>>;
  readonly context: ServerOptions['context'];
  readonly limits: GraphQLLimits;
  readonly introspection: boolean;
  readonly log: (message: string) => void;
}

export interface GraphQLWebSocketServer {
  dispose(): Promise<void>;
}

const KEEP_ALIVE_MS = 12_000;

/**
 * Subscriptions over graphql-ws, on a WebSocketServer made here rather than by @nestjs/graphql, whose server
 * (GqlSubscriptionService) takes no options: ws would then read messages of up to 100 MiB, connection_init
 * included, before anyone is authenticated. Here every message is capped (ws `maxPayload`: the socket is closed with
 * 1009 "Message Too Big" as soon as a frame announces more), and every operation goes through the same limits as
 * over HTTP (document size, tokens, depth, aliases, directives, cost, text) before it runs, plus the number of
 * active subscriptions per connection and per API key.
 *
 * It also takes the place of graphql-ws's `useServer`, which prints a client's oversized or malformed frame to the
 * console as an internal error with its stack: here that is one log line, and a thrown error is logged once with a
 * reference and closes the socket with 4500.
 */
export function startGraphQLWebSocketServer(options: GraphQLWebSocketServerOptions): GraphQLWebSocketServer {
  const { limits, log } = options;
  const screeningRules = limitRules(limits);
  const rules: ValidationRule[] = [...specifiedRules, ...contentRules(options.introspection)];
  const subscriptions = new SubscriptionCounter(limits);
  const app = options.graphqlWs;

  const server = makeServer<Record<string, unknown> | undefined, ConnectionExtra>({
    ...app,
    schema: options.schema,
    context: options.context,
    onSubscribe: async (ctx, id, payload) => {
      const checked = checkOperation(ctx, id, payload);
      if (Array.isArray(checked)) return checked;
      return (await app.onSubscribe?.(ctx, id, payload)) ?? checked;
    },
    onError: async (ctx, id, payload, errors) => {
      const formatted = (await app.onError?.(ctx, id, payload, errors)) ?? errors.map((error) => error.toJSON());
      return options.introspection ? formatted : formatted.map(hideSuggestion);
    },
    onNext: async (ctx, id, payload, args, result) => {
      const formatted = (await app.onNext?.(ctx, id, payload, args, result)) ?? undefined;
      if (options.introspection || !formatted?.errors) return formatted;
      return { ...formatted, errors: formatted.errors.map(hideSuggestion) };
    },
    onClose: async (ctx, code, reason) => {
      subscriptions.forget(ctx);
      await app.onClose?.(ctx, code, reason);
    },
  });

  /**
   * What HTTP does, in the same order: the screening (size, tokens, depth, aliases, directives, cost), acceptable
   * text, graphql-js's validation, the operation, the variables (coerced here, so that a bad one is the client's
   * VALIDATION_FAILED, not an error of the execution); then the subscription counts.
   */
  function checkOperation(ctx: LedgerContext, id: string, payload: SubscribePayload): readonly GraphQLError[] | ExecutionArgs {
    const screened = screenDocument(limits, options.schema, payload, screeningRules);
    if ('refusal' in screened) return screened.refusal;
    if ('syntaxError' in screened) return [withCode(screened.syntaxError, 'GRAPHQL_PARSE_FAILED')];
    const { document } = screened;
    const text = requestTextProblem(payload.variables, payload.operationName);
    if (text) return [text];
    const invalid = validate(options.schema, document, rules, { maxErrors: 50 });
    if (invalid.length > 0) return invalid.map((error) => withCode(error, typeof error.extensions.code === 'string' ? error.extensions.code : 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, payload.operationName) ?? undefined;
    const problem = operationProblem(limits, { schema: options.schema, document, operation, operationName: payload.operationName, variables: payload.variables ?? undefined, transport: 'websocket' });
    if (problem) return [problem];
    const coerced = getVariableValues(options.schema, operation?.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 10 });
    if (coerced.errors) return coerced.errors.map((error) => withCode(error, 'BAD_USER_INPUT'));
    if (operation?.operation === 'subscription') {
      const tooMany = subscriptions.admit(ctx, id);
      if (tooMany) return [tooMany];
    }
    return { schema: options.schema, document, operationName: payload.operationName, variableValues: payload.variables };
  }

  function withCode(error: unknown, code: string): GraphQLError {
    const original = error instanceof GraphQLError ? error : new GraphQLError(String((error as Error)?.message ?? error));
    return new GraphQLError(original.message, { nodes: original.nodes, source: original.source, positions: original.positions, originalError: original.originalError, extensions: { ...original.extensions, code } });
  }

  const webSockets = new WebSocketServer({ noServer: true, maxPayload: limits.webSocketMaxMessageBytes, handleProtocols });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathOf(request.url) !== options.path) return; // another upgrade handler's, as with Nest's own server
    webSockets.handleUpgrade(request, socket, head, (webSocket) => webSockets.emit('connection', webSocket, request));
  };
  options.httpServer.on('upgrade', onUpgrade);

  webSockets.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // A frame over maxPayload, invalid UTF-8 in a text frame, a protocol violation: ws has already closed the socket
    // with the right code (1009, 1007, 1002); this is the client's doing, so one line, no stack.
    socket.once('error', (error) => log(`WebSocket closed on a client error: ${error.message}`));
    let pongWait: NodeJS.Timeout | undefined;
    const keepAlive = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
      socket.once('pong', () => clearTimeout(pongWait));
      socket.ping();
    }, KEEP_ALIVE_MS);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (callback) =>
          socket.on('message', async (data) => {
            try {
              await callback(String(data));
            } catch (error) {
              const reference = randomUUID();
              log(`internal error ${reference} on a WebSocket message: ${(error as Error)?.stack ?? String(error)}`);
              socket.close(CloseCode.InternalServerError, `internal error (reference ${reference})`);
            }
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      clearTimeout(pongWait);
      closed(code, reason.toString()).catch((error: unknown) => log(`WebSocket close handling failed: ${(error as Error)?.message ?? String(error)}`));
    });
  });

  return {
    async dispose() {
      options.httpServer.off('upgrade', onUpgrade);
      for (const client of webSockets.clients) client.close(1001, 'Going away');
      await new Promise<void>((resolve) => webSockets.close(() => resolve()));
    },
  };
}

function pathOf(url: string | undefined): string {
  const end = url?.search(/[?#]/) ?? -1;
  return end >= 0 ? url!.slice(0, end) : (url ?? '');
}

function hideSuggestion(error: GraphQLFormattedError): GraphQLFormattedError {
  return { ...error, message: withoutSuggestion(error.message) };
}

/**
 * Active subscriptions per connection and per API key (on this node). graphql-ws lists a connection's running
 * operations in `ctx.subscriptions` and removes each when it ends (completed by either side, failed, or the socket
 * closed), so an admitted subscription counts while its id is still there: nothing to forget on every path out.
 */
class SubscriptionCounter {
  private readonly admitted = new WeakMap<LedgerContext, Set<string>>();
  private readonly connectionsByKey = new Map<string, Set<LedgerContext>>();

  constructor(private readonly limits: GraphQLLimits) {}

  /** Counts the subscription in, or says why not (TOO_MANY_SUBSCRIPTIONS). */
  admit(ctx: LedgerContext, id: string): GraphQLError | undefined {
    const onConnection = this.active(ctx);
    if (onConnection >= this.limits.maxSubscriptionsPerConnection) {
      return limitError('TOO_MANY_SUBSCRIPTIONS', `this connection has ${onConnection} active subscriptions, the limit is ${this.limits.maxSubscriptionsPerConnection}: complete one first`);
    }
    const keyId = ctx.extra.principal?.keyId;
    if (keyId !== undefined) {
      const connections = this.connectionsByKey.get(keyId) ?? new Set<LedgerContext>();
      let forKey = 0;
      for (const connection of connections) forKey += this.active(connection);
      if (forKey >= this.limits.maxSubscriptionsPerKey) {
        return limitError('TOO_MANY_SUBSCRIPTIONS', `this API key has ${forKey} active subscriptions, the limit is ${this.limits.maxSubscriptionsPerKey}: complete one first`);
      }
      connections.add(ctx);
      this.connectionsByKey.set(keyId, connections);
    }
    const ids = this.admitted.get(ctx) ?? new Set<string>();
    ids.add(id);
    this.admitted.set(ctx, ids);
    return undefined;
  }

  forget(ctx: LedgerContext): void {
    this.admitted.delete(ctx);
    const keyId = ctx.extra.principal?.keyId;
    const connections = keyId === undefined ? undefined : this.connectionsByKey.get(keyId);
    if (!connections) return;
    connections.delete(ctx);
    if (connections.size === 0) this.connectionsByKey.delete(keyId!);
  }

  private active(ctx: LedgerContext): number {
    const ids = this.admitted.get(ctx);
    if (!ids) return 0;
    for (const id of ids) if (!(id in ctx.subscriptions)) ids.delete(id);
    return ids.size;
  }
}
