import type { NextFunction, Request, Response } from 'express';
import { statementLimits } from '../../../../../libs/bank-statements/src/index.js';

/** Nest's JSON and form body parsers read at most this much (their default, "100kb"). */
export const HTTP_BODY_LIMIT_BYTES = 102_400;

/** The statement upload reads its raw body itself (banking/statement-upload.controller.ts), up to the parser's own bound. */
export const STATEMENT_UPLOAD_BODY_LIMIT_BYTES: number = statementLimits.bytesMax;
const STATEMENT_UPLOAD_PATH = /^\/bank-accounts\/[^/]+\/statements\/?$/;

/** The content types Nest's body parsers read (body-parser's json and urlencoded defaults): these keep their limit everywhere. */
const PARSED_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/** How much this request's body may announce: the upload route's larger cap for a body no parser reads, else the parser's limit. */
function bodyLimitOf(request: Request): number {
  const upload = request.method === 'POST' && STATEMENT_UPLOAD_PATH.test(request.path) && !request.is(PARSED_CONTENT_TYPES);
  return upload ? STATEMENT_UPLOAD_BODY_LIMIT_BYTES : HTTP_BODY_LIMIT_BYTES;
}

/**
 * Answers 413 DOCUMENT_TOO_LARGE at once for a body that announces more than the body parser will read, instead of
 * letting the parser read the whole upload off the connection before it refuses it (what body-parser does, so that
 * a client sending 1 GB would keep its request, and a worker, busy for as long as the upload lasts). The rest of the
 * body is discarded unread and the connection is not reused. Registered before the body parser (ledger-api.ts).
 */
export function refuseOversizedBodies(graphqlPath = '/graphql') {
  return (request: Request, response: Response, next: NextFunction): void => {
    const announced = Number(request.headers['content-length']);
    const limit = bodyLimitOf(request);
    if (!Number.isFinite(announced) || announced <= limit) return next();
    request.resume();
    const message = `the request body is ${announced} bytes, over the limit of ${limit}`;
    response.set('connection', 'close').status(413);
    if (request.path === graphqlPath) response.json({ errors: [{ message, extensions: { code: 'DOCUMENT_TOO_LARGE' } }] });
    else response.json({ code: 'DOCUMENT_TOO_LARGE', message, details: { limitBytes: limit } });
  };
}
