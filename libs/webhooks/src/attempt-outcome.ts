import { nextAttemptDelayMs, parseRetryAfter } from './retry-schedule.js';
import type { WebhookHttpResult } from './webhook-sender.js';

/** What an attempt is recorded as (the delivery aggregate's statuses). */
export type WebhookAttemptStatus = 'delivered' | 'failed' | 'gave_up';

/** An attempt's record, ready for the delivery aggregate's RecordWebhookAttempt. */
export interface WebhookAttemptOutcome {
  readonly status: WebhookAttemptStatus;
  /** The HTTP status received, or null when no response came (timeout, connection error, no secret). */
  readonly responseStatus: number | null;
  readonly durationMs: number;
  /** A short reason for a failure (at most ATTEMPT_ERROR_LENGTH_MAX characters, secrets removed); null when delivered. */
  readonly error: string | null;
  /** When the next attempt is due (ISO 8601, on the tenant's clock); null when delivered or given up. */
  readonly nextAttemptAt: string | null;
  /** 410 Gone: the receiver says the endpoint no longer exists, so it is disabled and nothing more is sent to it. */
  readonly endpointGone: boolean;
}

/** The longest error an attempt records: enough for a status and the start of a body, never a whole page. */
export const ATTEMPT_ERROR_LENGTH_MAX = 256;
/** Characters of a failed response's body quoted in the error. */
const BODY_QUOTE_MAX = 160;

export interface AttemptContext {
  /** 1-based, within the message's round. */
  readonly attempt: number;
  /** The attempt's instant on the tenant's clock: the next attempt is scheduled from it. */
  readonly attemptedAt: string;
  /** Real time, to read a Retry-After given as an HTTP date (the receiver's clock is real time). */
  readonly realNow: Date;
  /** Every secret the attempt used: removed from anything quoted (a receiver may echo a header back). */
  readonly secrets: readonly string[];
}

/**
 * How an attempt ends, from what the HTTP exchange gave: a 2xx is delivered; 410 Gone gives up and disables the
 * endpoint; anything else (3xx: redirects are not followed, 4xx, 5xx, a timeout, a connection error) fails and is
 * tried again on the schedule, later if the receiver's Retry-After asks for longer (capped at 24 h), and gives up
 * after the last attempt.
 */
export function attemptOutcomeOf(result: WebhookHttpResult, context: AttemptContext): WebhookAttemptOutcome {
  if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
    return { status: 'delivered', responseStatus: result.status, durationMs: result.durationMs, error: null, nextAttemptAt: null, endpointGone: false };
  }
  if (result.kind === 'response' && result.status === 410) {
    const error = shortError(`HTTP 410 Gone: the endpoint was disabled${bodyQuote(result.bodyExcerpt, context.secrets)}`, context.secrets);
    return { status: 'gave_up', responseStatus: 410, durationMs: result.durationMs, error, nextAttemptAt: null, endpointGone: true };
  }
  const retryAfterMs = result.kind === 'response' ? parseRetryAfter(result.retryAfter, context.realNow) : null;
  return failure(context, result.kind === 'response' ? result.status : null, result.durationMs, failureReason(result, context.secrets), retryAfterMs);
}

/** An attempt that made no request (the endpoint's secret could not be read): a failure like a refused connection. */
export function attemptWithoutRequest(context: AttemptContext, reason: string): WebhookAttemptOutcome {
  return failure(context, null, 0, reason, null);
}

function failure(context: AttemptContext, responseStatus: number | null, durationMs: number, reason: string, retryAfterMs: number | null): WebhookAttemptOutcome {
  const delay = nextAttemptDelayMs(context.attempt, retryAfterMs);
  const error = shortError(delay === null ? `${reason}; gave up after ${context.attempt} attempts` : reason, context.secrets);
  if (delay === null) return { status: 'gave_up', responseStatus, durationMs, error, nextAttemptAt: null, endpointGone: false };
  const nextAttemptAt = new Date(Date.parse(context.attemptedAt) + delay).toISOString();
  return { status: 'failed', responseStatus, durationMs, error, nextAttemptAt, endpointGone: false };
}

function failureReason(result: WebhookHttpResult, secrets: readonly string[]): string {
  switch (result.kind) {
    case 'response': {
      const redirect = result.status >= 300 && result.status < 400 ? ' (redirects are not followed)' : '';
      return `HTTP ${result.status}${redirect}${bodyQuote(result.bodyExcerpt, secrets)}`;
    }
    case 'timeout':
      return `timed out after ${result.durationMs} ms`;
    case 'network_error':
      return `connection failed: ${result.code}`;
    case 'invalid_url':
      return 'the endpoint URL cannot be requested';
  }
}

function bodyQuote(excerpt: string, secrets: readonly string[]): string {
  const text = scrubbed(printable(excerpt), secrets).trim();
  if (text === '') return '';
  return `: ${text.length > BODY_QUOTE_MAX ? `${text.slice(0, BODY_QUOTE_MAX)}…` : text}`;
}

/** At most ATTEMPT_ERROR_LENGTH_MAX printable characters, without any of `secrets`. */
export function shortError(text: string, secrets: readonly string[]): string {
  const clean = scrubbed(printable(text), secrets);
  return clean.length > ATTEMPT_ERROR_LENGTH_MAX ? `${clean.slice(0, ATTEMPT_ERROR_LENGTH_MAX - 1)}…` : clean;
}

const REDACTED = '[redacted]';

/**
 * Each secret (and each encoding of it a header carries: base64 for basic auth, the key of a whsec_ secret) replaced,
 * again until none is left (a replacement next to other text cannot rebuild one: every form is longer than the mark,
 * so each pass shortens the text). Forms are taken as they would look once printable, like the text.
 */
function scrubbed(text: string, secrets: readonly string[]): string {
  const forms = secrets.flatMap((secret) => {
    const all = [secret, Buffer.from(secret, 'utf8').toString('base64')];
    if (secret.startsWith('whsec_')) all.push(secret.slice('whsec_'.length));
    return all.map(printable).filter((form) => form.length > REDACTED.length);
  });
  let result = text;
  for (let found = true; found; ) {
    found = false;
    for (const form of forms) {
      if (!result.includes(form)) continue;
      result = result.split(form).join(REDACTED);
      found = true;
    }
  }
  return result;
}

/** Control characters and line breaks become spaces: the error is one line, safe in a log or a terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f]+/g, ' ');
}
