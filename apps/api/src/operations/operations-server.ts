import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LedgerServices } from '../ledger-services.js';
import { isOperationsPath, notFound, OperationsEndpoints, type OperationsAnswer } from './operations-endpoints.js';

export interface RunningOperationsServer {
  /** e.g. http://127.0.0.1:9464 */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * LEDGER_OPERATIONS_PORT: /health/live, /health/ready and /metrics on a port of their own (typically reachable only
 * from inside the deployment), a plain HTTP server beside the API's. Anything else answers 404, any method but GET
 * and HEAD 405.
 */
export async function startOperationsServer(services: LedgerServices, port: number, host: string): Promise<RunningOperationsServer> {
  const endpoints = new OperationsEndpoints(services);
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://operations').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply(response, request, { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: 'method not allowed\n' });
    }
    reply(response, request, isOperationsPath(path) ? await endpoints.answer(path, request.headers.authorization) : notFound(path));
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      services.log(`operations endpoint ${request.url ?? ''} failed: ${error.message}`);
      if (!response.headersSent) reply(response, request, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'internal error\n' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as { port: number };
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function reply(response: ServerResponse, request: IncomingMessage, answer: OperationsAnswer): void {
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  response.end(request.method === 'HEAD' ? undefined : answer.body);
}
