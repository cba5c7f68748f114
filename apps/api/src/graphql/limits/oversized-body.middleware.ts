import type { NextFunction, Request, Response } from 'express';

/** Nest's JSON and form body parsers read at most this much (their default, "100kb"). */
export const HTTP_BODY_LIMIT_BYTES = 102_400;

/**
 * Answers 413 DOCUMENT_TOO_LARGE at once for a body that announces more than the body parser will read, instead of
 * letting the parser read the whole upload off the connection before it refuses it (what body-parser does, so that
 * a client sending 1 GB would keep its request, and a worker, busy for as long as the upload lasts). The rest of the
 * body is discarded unread and the connection is not reused. Registered before the body parser (ledger-api.ts).
 */
export function refuseOversizedBodies(graphqlPath = '/graphql') {
  return (request: Request, response: Response, next: NextFunction): void => {
    const announced = Number(request.headers['content-length']);
    if (!Number.isFinite(announced) || announced <= HTTP_BODY_LIMIT_BYTES) return next();
    request.resume();
    const message = `the request body is ${announced} bytes, over the limit of ${HTTP_BODY_LIMIT_BYTES}`;
    response.set('connection', 'close').status(413);
    if (request.path === graphqlPath) response.json({ errors: [{ message, extensions: { code: 'DOCUMENT_TOO_LARGE' } }] });
    else response.json({ code: 'DOCUMENT_TOO_LARGE', message });
  };
}
