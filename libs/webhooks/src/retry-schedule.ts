/**
 * When each attempt of a message is made (Standard Webhooks' recommended schedule): the first at once, then 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after the previous one. Ten attempts in all, spread over about three
 * days; a message that fails the tenth is given up.
 */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The delay before attempt n (index n - 1): 0 for the first, made at once. */
export const webhookRetryScheduleMs: readonly number[] = Object.freeze([0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR]);

/** Attempts per message (per replay round): the schedule's length. */
export const WEBHOOK_ATTEMPTS_MAX = webhookRetryScheduleMs.length;

/** A Retry-After longer than this is cut to it: a receiver may slow us down, not park a message for weeks. */
export const RETRY_AFTER_CAP_MS = 24 * HOUR;

/**
 * The delay before the attempt after attempt `attemptMade` (1-based), or null when that was the last one. A receiver's
 * Retry-After (already capped, in milliseconds) replaces the schedule's delay when it asks for longer, never shorter.
 */
export function nextAttemptDelayMs(attemptMade: number, retryAfterMs: number | null): number | null {
  if (!Number.isInteger(attemptMade) || attemptMade < 1) throw new Error(`attempt numbers start at 1, got ${attemptMade}`);
  if (attemptMade >= WEBHOOK_ATTEMPTS_MAX) return null;
  const scheduled = webhookRetryScheduleMs[attemptMade] as number;
  return retryAfterMs !== null && retryAfterMs > scheduled ? Math.min(retryAfterMs, RETRY_AFTER_CAP_MS) : scheduled;
}

/**
 * A Retry-After header (RFC 9110 10.2.3: delay-seconds, or an HTTP-date) as milliseconds from `now`, capped at
 * RETRY_AFTER_CAP_MS; null when absent or unreadable. A date in the past is 0 (retry on schedule).
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    // Any number of digits: a huge value is simply the cap (Number() of a long digit string is finite or Infinity).
    const seconds = Number(text);
    return Math.min(seconds * SECOND, RETRY_AFTER_CAP_MS);
  }
  if (!HTTP_DATE.test(text)) return null;
  // asctime carries no zone and means GMT; Date.parse would read it in the process's zone.
  const at = Date.parse(text.endsWith('GMT') ? text : `${text} GMT`);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now.getTime()), RETRY_AFTER_CAP_MS);
}

/**
 * The HTTP-date forms RFC 9110 accepts: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete RFC 850 form
 * ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994"). Checked before Date.parse, which would
 * take far more than dates.
 */
const HTTP_DATE =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;
