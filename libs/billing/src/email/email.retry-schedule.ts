/**
 * When a failed email is tried again (docs/email.md, "Retries"): 1 minute after the first attempt failed, then 5
 * minutes, 30 minutes, 2 hours, 6 hours and 12 hours after each later one; the seventh attempt is the last. The
 * delays grow so that a mail server that is down for a while is not hammered, and the whole schedule spans about 21
 * hours, so that a message still arrives the same day or the next rather than days late.
 */
export const emailRetryDelaysMinutes: readonly number[] = [1, 5, 30, 120, 360, 720];

/** The first attempt and one per delay. */
export const emailAttemptsMax: number = emailRetryDelaysMinutes.length + 1;

const MILLISECONDS_PER_MINUTE = 60_000;

/**
 * When the attempt after `attempt` falls due, given that `attempt` failed at `failedAt` (an ISO instant): null when
 * none follows (a permanent failure, or the last attempt).
 */
export function nextEmailAttemptAt(failedAt: string, attempt: number, permanent: boolean): string | null {
  if (permanent || attempt >= emailAttemptsMax) return null;
  const delay = emailRetryDelaysMinutes[attempt - 1];
  if (delay === undefined) return null;
  return new Date(Date.parse(failedAt) + delay * MILLISECONDS_PER_MINUTE).toISOString();
}
