import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDomainError } from '../common/domain-error.js';
import type { EmailCommand } from './email.commands.js';
import { emailDecider, emailLimits } from './email.decider.js';
import type { EmailEvent } from './email.events.js';
import { emailRetryDelaysMinutes } from './email.retry-schedule.js';

const emailId = 'email-1';
const identity = { emailId, kind: 'receipt' as const, documentId: 'rec-1', customerId: 'cus-1' };
const start = Date.parse('2026-03-02T09:00:00.000Z');

/**
 * Whatever a sender, a redelivery and the scheduler throw at one email, in any order and at any time: it is recorded
 * sent at most once and nothing follows, attempts are numbered 1, 2, 3... without a gap, each retry waits for the time
 * its failure scheduled, the schedule is the documented one, and nothing is attempted after the email was given up.
 */
const step = fc.record({
  minutes: fc.integer({ min: 0, max: 900 }),
  attempt: fc.integer({ min: 1, max: emailLimits.attemptsMax }),
  action: fc.constantFrom('sent', 'failed', 'failed_permanently', 'retry_due'),
});

function commandOf({ attempt, action }: { attempt: number; action: string }, now: string): EmailCommand {
  const metadata = { now };
  if (action === 'retry_due') return { type: 'MarkEmailRetryDue', data: { emailId, attempt: Math.max(2, attempt) }, metadata };
  if (action === 'sent') return { type: 'RecordEmailSent', data: { ...identity, attempt, to: 'a@b.example', subject: 'Receipt', messageId: '<m@x>' }, metadata };
  return { type: 'RecordEmailSendFailed', data: { ...identity, attempt, to: 'a@b.example', reason: 'smtp 451', permanent: action === 'failed_permanently' }, metadata };
}

describe('email attempts (property)', () => {
  it('holds the attempt rules under any sequence of commands', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let state = emailDecider.initialState;
        let clock = start;
        const history: { event: EmailEvent; at: number }[] = [];
        for (const current of steps) {
          clock += current.minutes * 60_000;
          const now = new Date(clock).toISOString();
          let events: EmailEvent[];
          try {
            events = emailDecider.decide(commandOf(current, now), state);
          } catch (error) {
            if (!isDomainError(error)) throw error;
            continue;
          }
          for (const event of events) {
            state = emailDecider.evolve(state, event);
            history.push({ event, at: clock });
          }
        }
        const attempts = history.filter(({ event }) => event.type === 'EmailSent' || event.type === 'EmailSendFailed');
        const sentIndex = history.findIndex(({ event }) => event.type === 'EmailSent');
        if (sentIndex >= 0) expect(history.length).toBe(sentIndex + 1);
        let previousFailure: { nextAttemptAt: string | null } | null = null;
        attempts.forEach(({ event, at }, index) => {
          if (event.type !== 'EmailSent' && event.type !== 'EmailSendFailed') return;
          expect(event.data.attempt).toBe(index + 1);
          if (previousFailure !== null) {
            expect(previousFailure.nextAttemptAt).not.toBeNull();
            expect(at).toBeGreaterThanOrEqual(Date.parse(previousFailure.nextAttemptAt as string));
          }
          if (event.type === 'EmailSendFailed') {
            const { attempt, nextAttemptAt, failedAt } = event.data;
            if (nextAttemptAt !== null) {
              expect(attempt).toBeLessThan(emailLimits.attemptsMax);
              expect(Date.parse(nextAttemptAt) - Date.parse(failedAt)).toBe((emailRetryDelaysMinutes[attempt - 1] as number) * 60_000);
            }
            previousFailure = event.data;
          }
        });
        expect(attempts.length).toBeLessThanOrEqual(emailLimits.attemptsMax);
      }),
      { numRuns: 500 },
    );
  });

  it('the delays grow and the whole schedule stays within a day', () => {
    const delays = [...emailRetryDelaysMinutes];
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeLessThan(24 * 60);
  });
});
