import { Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { authorizeOperation } from '../../../../libs/access/src/operation-roles.js';
import { requireIdentifier } from '../../../../libs/billing/src/index.js';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { importBankStatement, type ImportStatementOutcome } from '../../../../libs/ledger-application/src/banking/index.js';
import type { StatementFormat } from '../../../../libs/ledger-application/src/banking/banking.inputs.js';
import { formatLedgerError } from '../graphql/error-mapping.js';
import { STATEMENT_UPLOAD_BODY_LIMIT_BYTES } from '../graphql/limits/oversized-body.middleware.js';
import { textProblem } from '../graphql/limits/well-formed-text.js';
import { runCommand } from '../graphql/request-context.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { requestIdentity } from '../platform/request-scope.middleware.js';

/** The route's entry in the roles table (libs/access/src/operation-roles.ts), also its idempotency scope and metrics label. */
export const STATEMENT_UPLOAD_OPERATION = 'POST /bank-accounts/:bankAccountId/statements';

/** The answer: the mutation's payload, with the statement's id (null when every line was known) instead of the object. */
export interface StatementUploadAnswer {
  readonly statementId: string | null;
  readonly addedLineCount: number;
  readonly duplicateLineCount: number;
  readonly autoMatchedLineCount: number;
  readonly position: string;
}

/** An error answer: the code, message and details the GraphQL path gives in `extensions`. */
export interface StatementUploadError {
  readonly code: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

/** A refusal decided by the route itself, before the handler runs. */
class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const FORMATS: Readonly<Record<string, StatementFormat>> = { camt053: 'camt053', ofx: 'ofx', csv: 'csv' };
const QUERY_PARAMETERS = new Set(['format', 'fileName', 'openingBalance', 'closingBalance']);
const FILE_NAME_LENGTH_MAX = 255;
/** Bodies that arrive wrapped (JSON, a form) are not the file: Nest's parsers would read the first two, a form hides it. */
const WRAPPED_CONTENT_TYPES = ['application/json', '+json', 'application/x-www-form-urlencoded', 'multipart/*'];
const SEND_AS_IS = 'send the statement file as is, as the request body, with its own content type (application/xml, text/csv, application/x-ofx, text/plain or application/octet-stream)';

/** HTTP statuses of the stable codes; any other code a command refuses with is a conflict with the ledger's state. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  AMOUNT_OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  API_KEY_NOT_ACTIVE: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  DOCUMENT_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  READ_MODEL_TIMEOUT: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/**
 * POST /bank-accounts/<id>/statements?format=camt053|ofx|csv[&fileName=&openingBalance=&closingBalance=]: the
 * importBankStatement mutation for files over the API's 100 KB body limit (docs/reconciliation.md, "Uploading large
 * statements"). The body is the file itself, read here with the parser's 5 MiB cap; the same handler runs with the
 * same command context as the mutation (runCommand), and errors carry the codes the GraphQL path gives.
 */
@Controller()
export class StatementUploadController {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Post('bank-accounts/:bankAccountId/statements')
  async upload(@Param('bankAccountId') bankAccountId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await uploadStatement(this.services, bankAccountId, request, response);
  }
}

/**
 * Checks in the order a client can fix them: the key (401/403), the content type (415), the query (400), the body
 * (413, 400 for bytes that are not UTF-8), then the handler. Every refusal happens before the handler appends anything,
 * and a body left unread is discarded on a connection that is then closed.
 */
export async function uploadStatement(services: LedgerServices, bankAccountId: string, request: Request, response: Response): Promise<void> {
  response.set({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  try {
    // Authenticated by the request-scope middleware, which also put the rest of this request in the key's tenant scope.
    const identity = requestIdentity(request);
    const decision = authorizeOperation(identity.principal, 'http', [STATEMENT_UPLOAD_OPERATION]);
    if (!decision.allowed) throw new UploadRefusal(decision.code === 'UNAUTHENTICATED' ? 401 : 403, decision.code, decision.message);
    const principal = identity.principal;
    if (!principal) throw new UploadRefusal(401, 'UNAUTHENTICATED', 'a valid API key is required: send "Authorization: Bearer <key>"');
    if (request.is(WRAPPED_CONTENT_TYPES)) throw new UploadRefusal(415, 'UNSUPPORTED_MEDIA_TYPE', `${SEND_AS_IS}, not wrapped in JSON or a form`, { contentType: request.headers['content-type'] ?? null });
    const query = uploadQuery(request.query);
    const idempotencyKey = headerText(request, 'idempotency-key');
    requireIdentifier(bankAccountId, 'bankAccountId');
    const content = decodeStatement(await readBody(request, STATEMENT_UPLOAD_BODY_LIMIT_BYTES));
    const input = { bankAccountId, ...query, content, idempotencyKey };
    const answer = await runCommand(services, principal, identity, STATEMENT_UPLOAD_OPERATION, input, (context) => importBankStatement(services, context, input).then(uploadAnswer));
    response.status(200).json(answer);
  } catch (error) {
    if (response.headersSent) return;
    if (!request.readableEnded) {
      // Refused before the body was read (or part way): drop the rest unread and do not reuse the connection.
      request.resume();
      response.set('connection', 'close');
    }
    const refusal = errorAnswer(error, services);
    response.status(refusal.status).json(refusal.body);
  }
}

function uploadAnswer(outcome: ImportStatementOutcome): StatementUploadAnswer {
  return {
    statementId: outcome.statement?.statementId ?? null,
    addedLineCount: outcome.addedLineCount,
    duplicateLineCount: outcome.duplicateLineCount,
    autoMatchedLineCount: outcome.autoMatchedLineCount,
    position: encodePosition(outcome.position ?? START_POSITION),
  };
}

/** The route's refusals as they are; anything else through the GraphQL path's one mapping (codes, safe details, logging). */
function errorAnswer(error: unknown, services: LedgerServices): { status: number; body: StatementUploadError } {
  if (error instanceof UploadRefusal) return { status: error.status, body: { code: error.code, message: error.message, details: error.details } };
  const message = error instanceof Error ? error.message : String(error);
  const formatted = formatLedgerError({ message }, error, services.log);
  const { code: mapped, ...details } = formatted.extensions ?? {};
  const code = typeof mapped === 'string' ? mapped : 'INTERNAL_SERVER_ERROR';
  return { status: STATUS_OF_CODE[code] ?? 409, body: { code, message: formatted.message, details } };
}

function invalidParameter(name: string, reason: string): UploadRefusal {
  return new UploadRefusal(400, 'VALIDATION_FAILED', `query parameter "${name}" ${reason}`, { field: name });
}

/** format (required), fileName and the CSV balances, each at most once; an unknown parameter is refused (a misspelt balance would be silently lost). */
function uploadQuery(query: Request['query']): { format: StatementFormat; fileName: string | null; openingBalance: string | null; closingBalance: string | null } {
  const single = (name: string): string | null => {
    const value: unknown = query[name];
    if (value === undefined) return null;
    if (typeof value !== 'string') throw invalidParameter(name, 'must be given once, as text');
    const problem = textProblem(value);
    if (problem) throw invalidParameter(name, problem);
    return value;
  };
  const unknown = Object.keys(query).find((name) => !QUERY_PARAMETERS.has(name));
  if (unknown !== undefined) throw invalidParameter(unknown.slice(0, 50), `is not known: use ${[...QUERY_PARAMETERS].join(', ')}`);
  const named = single('format');
  const format = named === null ? undefined : FORMATS[named.toLowerCase()];
  if (format === undefined) throw invalidParameter('format', `must be one of ${Object.keys(FORMATS).join(', ')}${named === null ? '' : `, not "${named.slice(0, 50)}"`}`);
  const fileName = single('fileName');
  if (fileName !== null && (fileName.trim().length === 0 || fileName.length > FILE_NAME_LENGTH_MAX)) throw invalidParameter('fileName', `must be 1 to ${FILE_NAME_LENGTH_MAX} characters`);
  const decimal = (name: string): string | null => {
    const value = single(name);
    if (value === null) return null;
    try {
      // The GraphQL Decimal scalar's own rule, so both paths accept the same balances.
      return DecimalScalar.parseValue(value) as string;
    } catch (error) {
      throw invalidParameter(name, `is invalid: ${(error as Error).message}`);
    }
  };
  return { format, fileName, openingBalance: decimal('openingBalance'), closingBalance: decimal('closingBalance') };
}

function headerText(request: Request, name: string): string | null {
  const value = request.headers[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new UploadRefusal(400, 'VALIDATION_FAILED', `header ${name} must be given once`, { field: name });
  return value;
}

/** The body's bytes, read off the request with a byte cap: past it, reading stops and the upload is refused (413). */
function readBody(request: Request, limitBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (outcome: () => void) => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limitBytes) {
        request.pause();
        finish(() => reject(new UploadRefusal(413, 'DOCUMENT_TOO_LARGE', `the statement file is over the limit of ${limitBytes} bytes: split the statement`, { limitBytes })));
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve(Buffer.concat(chunks, length)));
    const onError = (error: Error) => finish(() => reject(error));
    const onAborted = () => finish(() => reject(new Error('the client aborted the upload')));
    request.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

/**
 * The file as text: strict UTF-8 (a byte sequence that is not UTF-8 is refused with its line, never replaced by
 * U+FFFD), a byte order mark dropped, and no NUL (which PostgreSQL cannot store; the GraphQL path refuses it too).
 */
function decodeStatement(bytes: Buffer): string {
  if (bytes.length === 0) throw new UploadRefusal(400, 'VALIDATION_FAILED', `the request body is empty: ${SEND_AS_IS}`, { field: 'content' });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    const line = lineAt(bytes, offset);
    throw new UploadRefusal(400, 'VALIDATION_FAILED', `the statement file is not valid UTF-8 (line ${line}, byte ${offset}): convert it to UTF-8`, {
      field: 'content',
      issues: [{ line, reason: `bytes that are not UTF-8 at byte offset ${offset}` }],
    });
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new UploadRefusal(400, 'VALIDATION_FAILED', `the statement file contains a NUL character (line ${line})`, { field: 'content', issues: [{ line, reason: 'a NUL character (U+0000)' }] });
  }
  return text;
}

/** Where strict decoding fails: the first byte that does not start, or continue, a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  for (let index = 0; index < bytes.length; ) {
    const lead = bytes[index] as number;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return index;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let next = 1; next < length; next += 1) {
      const byte = bytes[index + next];
      if (byte === undefined || byte < (next === 1 ? low : 0x80) || byte > (next === 1 ? high : 0xbf)) return index;
    }
    index += length;
  }
  return bytes.length;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset; index += 1) if (bytes[index] === 0x0a) line += 1;
  return line;
}
