import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { nextAttemptDelayMs, parseRetryAfter, RETRY_AFTER_CAP_MS, WEBHOOK_ATTEMPTS_MAX, webhookRetryScheduleMs } from './retry-schedule.js';
import { attemptOutcomeOf, attemptWithoutRequest, ATTEMPT_ERROR_LENGTH_MAX, shortError, type AttemptContext } from './attempt-outcome.js';
import type { WebhookHttpResult } from './webhook-sender.js';

const s = 1_000;
const min = 60 * s;
const h = 60 * min;

describe('the retry schedule (Standard Webhooks)', () => {
  it('is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts', () => {
    expect(webhookRetryScheduleMs).toEqual([0, 5 * s, 5 * min, 30 * min, 2 * h, 5 * h, 10 * h, 14 * h, 20 * h, 24 * h]);
    expect(WEBHOOK_ATTEMPTS_MAX).toBe(10);
  });

  it.each([
    [1, 5 * s],
    [2, 5 * min],
    [3, 30 * min],
    [4, 2 * h],
    [5, 5 * h],
    [6, 10 * h],
    [7, 14 * h],
    [8, 20 * h],
    [9, 24 * h],
    [10, null],
  ])('after attempt %i the next comes %p ms later', (attempt, delay) => {
    expect(nextAttemptDelayMs(attempt, null)).toBe(delay);
  });

  it('Retry-After replaces the delay only when it asks for longer, and never past the cap', () => {
    expect(nextAttemptDelayMs(1, 60 * s)).toBe(60 * s);
    expect(nextAttemptDelayMs(1, 2 * s)).toBe(5 * s);
    expect(nextAttemptDelayMs(3, 10 * min)).toBe(30 * min);
    expect(nextAttemptDelayMs(1, 48 * h)).toBe(RETRY_AFTER_CAP_MS);
    expect(nextAttemptDelayMs(10, 60 * s)).toBeNull();
  });

  it('the next delay is never shorter than the schedule, nor longer than 24 h (any attempt, any Retry-After)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.option(fc.integer({ min: 0, max: 10 * 24 * h })), (attempt, retryAfter) => {
        const delay = nextAttemptDelayMs(attempt, retryAfter) as number;
        expect(delay).toBeGreaterThanOrEqual(webhookRetryScheduleMs[attempt] as number);
        expect(delay).toBeLessThanOrEqual(RETRY_AFTER_CAP_MS);
      }),
    );
  });

  it('refuses attempt numbers below 1', () => {
    expect(() => nextAttemptDelayMs(0, null)).toThrow(/start at 1/);
  });
});

describe('Retry-After', () => {
  const now = new Date('2026-03-02T09:00:00.000Z');
  it.each([
    ['delay-seconds', '120', 120 * s],
    ['zero seconds', '0', 0],
    ['spaces around', ' 30 ', 30 * s],
    ['an IMF-fixdate', 'Mon, 02 Mar 2026 09:10:00 GMT', 10 * min],
    ['an RFC 850 date', 'Monday, 02-Mar-26 09:01:00 GMT', 1 * min],
    ['an asctime date (GMT, whatever the process zone)', 'Mon Mar  2 09:00:30 2026', 30 * s],
    ['a date in the past', 'Mon, 02 Mar 2026 08:00:00 GMT', 0],
    ['a week of seconds (capped)', String(7 * 24 * 3600), RETRY_AFTER_CAP_MS],
    ['an absurd number of seconds (capped)', '9'.repeat(400), RETRY_AFTER_CAP_MS],
    ['a date a month ahead (capped)', 'Thu, 02 Apr 2026 09:00:00 GMT', RETRY_AFTER_CAP_MS],
    ['absent', undefined, null],
    ['empty', '', null],
    ['negative', '-5', null],
    ['a fraction', '1.5', null],
    ['words', 'soon', null],
    ['an ISO instant (not an HTTP date)', '2026-03-02T09:10:00Z', null],
  ])('%s: %p', (_case, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('an attempt\'s outcome', () => {
  const context: AttemptContext = { attempt: 1, attemptedAt: '2026-03-02T09:00:00.000Z', realNow: new Date('2026-03-02T09:00:00.000Z'), secrets: [] };
  const response = (status: number, extra: Partial<{ retryAfter: string | null; bodyExcerpt: string }> = {}): WebhookHttpResult => ({
    kind: 'response',
    status,
    durationMs: 12,
    retryAfter: extra.retryAfter ?? null,
    bodyExcerpt: extra.bodyExcerpt ?? '',
  });

  it.each([
    [200, 'delivered'],
    [201, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [301, 'failed'],
    [302, 'failed'],
    [400, 'failed'],
    [401, 'failed'],
    [404, 'failed'],
    [409, 'failed'],
    [429, 'failed'],
    [500, 'failed'],
    [503, 'failed'],
    [410, 'gave_up'],
  ] as const)('HTTP %i is %s', (status, expected) => {
    expect(attemptOutcomeOf(response(status), context).status).toBe(expected);
  });

  it('delivered: the status and duration, no error, nothing next', () => {
    expect(attemptOutcomeOf(response(200), context)).toEqual({ status: 'delivered', responseStatus: 200, durationMs: 12, error: null, nextAttemptAt: null, endpointGone: false });
  });

  it('410 Gone gives up at once and disables the endpoint, whatever the attempt', () => {
    const outcome = attemptOutcomeOf(response(410), { ...context, attempt: 3 });
    expect(outcome).toMatchObject({ status: 'gave_up', responseStatus: 410, nextAttemptAt: null, endpointGone: true });
    expect(outcome.error).toMatch(/^HTTP 410 Gone: the endpoint was disabled/);
  });

  it('a failure is retried on the schedule, from the attempt\'s instant on the tenant\'s clock', () => {
    expect(attemptOutcomeOf(response(500), context)).toMatchObject({ status: 'failed', nextAttemptAt: '2026-03-02T09:00:05.000Z', error: 'HTTP 500' });
    expect(attemptOutcomeOf(response(500), { ...context, attempt: 2 })).toMatchObject({ nextAttemptAt: '2026-03-02T09:05:00.000Z' });
  });

  it('Retry-After of a 503 or a 429 pushes the next attempt later', () => {
    expect(attemptOutcomeOf(response(503, { retryAfter: '120' }), context)).toMatchObject({ status: 'failed', nextAttemptAt: '2026-03-02T09:02:00.000Z' });
    expect(attemptOutcomeOf(response(429, { retryAfter: 'Mon, 02 Mar 2026 10:00:00 GMT' }), context)).toMatchObject({ nextAttemptAt: '2026-03-02T10:00:00.000Z' });
  });

  it('a Retry-After date is read against real time, and the delay applied on the tenant\'s clock', () => {
    const onTestClock = { ...context, attemptedAt: '2030-01-01T00:00:00.000Z' };
    expect(attemptOutcomeOf(response(503, { retryAfter: 'Mon, 02 Mar 2026 09:01:00 GMT' }), onTestClock)).toMatchObject({ nextAttemptAt: '2030-01-01T00:01:00.000Z' });
  });

  it('the tenth failure gives up, saying so', () => {
    const outcome = attemptOutcomeOf(response(500), { ...context, attempt: 10 });
    expect(outcome).toMatchObject({ status: 'gave_up', nextAttemptAt: null, endpointGone: false, error: 'HTTP 500; gave up after 10 attempts' });
  });

  it.each([
    ['a timeout', { kind: 'timeout', durationMs: 15_000 }, 'timed out after 15000 ms'],
    ['a refused connection', { kind: 'network_error', durationMs: 3, code: 'ECONNREFUSED' }, 'connection failed: ECONNREFUSED'],
    ['an unusable URL', { kind: 'invalid_url', durationMs: 0 }, 'the endpoint URL cannot be requested'],
    ['a redirect', { kind: 'response', status: 307, durationMs: 4, retryAfter: null, bodyExcerpt: '' }, 'HTTP 307 (redirects are not followed)'],
  ] as const)('%s fails with no response status and is retried', (_case, result, error) => {
    const outcome = attemptOutcomeOf(result, context);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(error);
    expect(outcome.nextAttemptAt).toBe('2026-03-02T09:00:05.000Z');
    if (result.kind !== 'response') expect(outcome.responseStatus).toBeNull();
  });

  it('quotes the start of a failed body on one line, without the secrets it echoes', () => {
    const secret = 'tok_super_secret_value_1234';
    const body = `{"error":"bad token ${secret}",\n"auth":"Basic ${Buffer.from(secret).toString('base64')}"}${'x'.repeat(2_000)}`;
    const outcome = attemptOutcomeOf(response(401, { bodyExcerpt: body }), { ...context, secrets: [secret] });
    expect(outcome.error).toContain('HTTP 401: {"error":"bad token [redacted]", "auth":"Basic [redacted]"}');
    expect(outcome.error).not.toContain(secret);
    expect(outcome.error).not.toContain(Buffer.from(secret).toString('base64'));
    expect((outcome.error as string).length).toBeLessThanOrEqual(ATTEMPT_ERROR_LENGTH_MAX);
    expect(outcome.error).not.toMatch(/[\n\r]/);
  });

  it('an attempt without a request (the secret unreadable) is a failure retried later', () => {
    expect(attemptWithoutRequest(context, 'the endpoint secret could not be read')).toEqual({
      status: 'failed',
      responseStatus: null,
      durationMs: 0,
      error: 'the endpoint secret could not be read',
      nextAttemptAt: '2026-03-02T09:00:05.000Z',
      endpointGone: false,
    });
  });

  it('shortError never exceeds its bound and never contains a secret (any text, any secret)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), fc.string({ minLength: 16, maxLength: 40 }), (text, secret) => {
        const error = shortError(`${text}${secret}${text}`, [secret]);
        expect(error.length).toBeLessThanOrEqual(ATTEMPT_ERROR_LENGTH_MAX);
        expect(error.includes(secret)).toBe(false);
      }),
    );
  });
});
