import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { EmailCommand, RecordEmailSendFailed, RecordEmailSent } from './email.commands.js';
import { emailDecider, emailLimits, nextEmailAttempt, NO_RECIPIENT_REASON } from './email.decider.js';
import { emailEventSchemas, type EmailEvent, type EmailSendFailed, type EmailSent } from './email.events.js';

const spec = DeciderSpecification.for(emailDecider);

const emailId = 'email-1';
const identity = { emailId, kind: 'invoice' as const, documentId: 'inv-1', customerId: 'cus-1' };
const t0 = '2026-03-02T09:00:00.000Z';
const plus = (instant: string, minutes: number): string => new Date(Date.parse(instant) + minutes * 60_000).toISOString();

const unchecked = <T>(value: unknown): T => value as T;

function sent(attempt = 1, at = t0): RecordEmailSent {
  return { type: 'RecordEmailSent', data: { ...identity, attempt, to: 'billing@acme.example', subject: 'Invoice INV-1', messageId: `<${emailId}@ledger.example>` }, metadata: { now: at } };
}

function failed(attempt = 1, at = t0, permanent = false, reason = 'smtp 451 4.3.0 try again later'): RecordEmailSendFailed {
  return { type: 'RecordEmailSendFailed', data: { ...identity, attempt, to: 'billing@acme.example', reason, permanent }, metadata: { now: at } };
}

function sentEvent(attempt = 1, at = t0): EmailSent {
  return { type: 'EmailSent', data: { ...identity, attempt, to: 'billing@acme.example', subject: 'Invoice INV-1', messageId: `<${emailId}@ledger.example>`, sentAt: at } };
}

function failedEvent(attempt: number, at: string, nextAttemptAt: string | null, reason = 'smtp 451 4.3.0 try again later'): EmailSendFailed {
  return { type: 'EmailSendFailed', data: { ...identity, attempt, to: 'billing@acme.example', reason, nextAttemptAt, failedAt: at } };
}

function retryDue(attempt: number, at: string): EmailCommand {
  return { type: 'MarkEmailRetryDue', data: { emailId, attempt }, metadata: { now: at } };
}

const requested: EmailEvent = { type: 'EmailRequested', data: { ...identity, requestedAt: t0 } };

describe('no email yet', () => {
  it('a first attempt that succeeds records EmailSent at the command instant', () => {
    spec.given([]).when(sent()).then([sentEvent()]);
  });

  it('a first attempt that fails schedules the second one minute later', () => {
    spec.given([]).when(failed()).then([failedEvent(1, t0, plus(t0, 1))]);
  });

  it('no recipient is recorded as a permanent failure with no next attempt and no address', () => {
    const noRecipient: RecordEmailSendFailed = { ...failed(1, t0, true, NO_RECIPIENT_REASON), data: { ...failed().data, to: null, reason: NO_RECIPIENT_REASON, permanent: true } };
    spec.given([]).when(noRecipient).then([{ type: 'EmailSendFailed', data: { ...identity, attempt: 1, to: null, reason: NO_RECIPIENT_REASON, nextAttemptAt: null, failedAt: t0 } }]);
  });

  it('a permanent failure (a 5xx answer) gives up at once', () => {
    spec.given([]).when(failed(1, t0, true, 'smtp 550 5.1.1 no such user')).then([failedEvent(1, t0, null, 'smtp 550 5.1.1 no such user')]);
  });

  it.each([
    ['the second attempt first', sent(2), 'VALIDATION_FAILED', /attempt 2 is not the next attempt/],
    ['attempt 0', sent(0), 'VALIDATION_FAILED', /attempt must be an integer from 1 to 7/],
    ['an unknown kind', { ...sent(), data: { ...sent().data, kind: unchecked('newsletter') } }, 'VALIDATION_FAILED', /kind must be one of/],
    ['a blank subject', { ...sent(), data: { ...sent().data, subject: ' ' } }, 'VALIDATION_FAILED', /subject is required/],
    ['a subject over the bound', { ...sent(), data: { ...sent().data, subject: 'x'.repeat(emailLimits.subjectLengthMax + 1) } }, 'VALIDATION_FAILED', /subject must be at most 300/],
    ['no instant', { ...sent(), metadata: unchecked({}) }, 'VALIDATION_FAILED', /metadata.now/],
    ['a document id with a line break', { ...sent(), data: { ...sent().data, documentId: 'inv\n1' } }, 'VALIDATION_FAILED', /documentId/],
  ])('refuses %s', (_case, command, code, message) => {
    spec.given([]).when(command as EmailCommand).thenThrows(code, message);
  });

  it('refuses a failure without a reason, or with permanent not a boolean', () => {
    spec.given([]).when({ ...failed(), data: { ...failed().data, reason: '' } }).thenThrows('VALIDATION_FAILED', /reason is required/);
    spec.given([]).when({ ...failed(), data: { ...failed().data, permanent: unchecked('yes') } }).thenThrows('VALIDATION_FAILED', /permanent/);
  });

  it('a retry for an email that never failed decides nothing', () => {
    spec.given([]).when(retryDue(2, plus(t0, 1))).thenNothing();
  });
});

describe('an explicit request (sendInvoice)', () => {
  const request = (invoiceStatus: string, customerId: string | null = 'cus-1'): EmailCommand => ({
    type: 'RequestInvoiceEmail',
    data: { emailId, invoiceId: 'inv-1', invoiceStatus, customerId },
    metadata: { now: t0 },
  });

  it.each(['open', 'partially_paid', 'paid', 'written_off', 'overdue'])('of an invoice that is %s is recorded', (status) => {
    spec.given([]).when(request(status)).then([requested]);
  });

  it('refuses a draft and a voided invoice with INVOICE_NOT_SENDABLE naming the status', () => {
    spec.given([]).when(request('draft')).thenThrows('INVOICE_NOT_SENDABLE', /is a draft: issue it before sending it/);
    spec.given([]).when(request('void')).thenThrows('INVOICE_NOT_SENDABLE', /is void/);
  });

  it('refuses an invoice that does not exist', () => {
    spec.given([]).when(request('none', null)).thenThrows('NOT_FOUND', /Invoice inv-1 does not exist/);
  });

  it('the same request again decides nothing; another document under the same id is ALREADY_EXISTS', () => {
    spec.given([requested]).when(request('open')).thenNothing();
    const otherInvoice: EmailCommand = { type: 'RequestInvoiceEmail', data: { emailId, invoiceId: 'inv-2', invoiceStatus: 'open', customerId: 'cus-1' }, metadata: { now: t0 } };
    spec.given([requested]).when(otherInvoice).thenThrows('ALREADY_EXISTS');
  });

  it('the requested email is attempted first as attempt 1', () => {
    spec.given([requested]).when(sent()).then([sentEvent()]);
    expect(nextEmailAttempt(fold(emailDecider, [requested]))).toBe(1);
  });
});

describe('after a failed attempt', () => {
  const history = [failedEvent(1, t0, plus(t0, 1))];

  it('the scheduler marks the next attempt due at its time, and not before', () => {
    spec.given(history).when(retryDue(2, plus(t0, 1))).then([{ type: 'EmailRetryDue', data: { emailId, attempt: 2, dueAt: plus(t0, 1) } }]);
    spec.given(history).when(retryDue(2, plus(t0, 0.5))).thenThrows('RETRY_NOT_DUE', /due at 2026-03-02T09:01:00.000Z/);
  });

  it('stale due work (another attempt number, or marked already) decides nothing', () => {
    spec.given(history).when(retryDue(3, plus(t0, 10))).thenNothing();
    spec.given([...history, { type: 'EmailRetryDue', data: { emailId, attempt: 2, dueAt: plus(t0, 1) } }]).when(retryDue(2, plus(t0, 2))).thenNothing();
  });

  it('the second attempt is recorded; an attempt before its time is RETRY_NOT_DUE, the first again is refused', () => {
    spec.given(history).when(sent(2, plus(t0, 2))).then([sentEvent(2, plus(t0, 2))]);
    spec.given(history).when(sent(2, plus(t0, 0.5))).thenThrows('RETRY_NOT_DUE');
    spec.given(history).when(sent(1, plus(t0, 2))).thenThrows('VALIDATION_FAILED', /attempt 1 is not the next attempt of this email \(2\)/);
  });

  it('an attempt must name the same kind, document and customer', () => {
    spec.given(history).when({ ...sent(2, plus(t0, 2)), data: { ...sent(2).data, documentId: 'inv-2' } }).thenThrows('VALIDATION_FAILED', /is the invoice email of inv-1/);
    spec.given(history).when({ ...sent(2, plus(t0, 2)), data: { ...sent(2).data, kind: 'receipt' } }).thenThrows('VALIDATION_FAILED');
  });

  it('a command for another email id on this stream is a bug, not input', () => {
    expect(() => emailDecider.decide({ ...sent(2, plus(t0, 2)), data: { ...sent(2).data, emailId: 'email-2' } }, fold(emailDecider, history))).toThrow(/decided on the stream of email-1/);
  });
});

describe('the retry schedule, attempt by attempt', () => {
  // Each failed attempt n schedules attempt n + 1 after the n-th delay; the seventh is the last.
  const delays = [1, 5, 30, 120, 360, 720];

  it('follows 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, then gives up', () => {
    let history: EmailEvent[] = [];
    let at = t0;
    delays.forEach((delay, index) => {
      const attempt = index + 1;
      const expected = failedEvent(attempt, at, plus(at, delay));
      const decided = emailDecider.decide(failed(attempt, at), fold(emailDecider, history));
      expect(decided).toEqual([expected]);
      history = [...history, expected];
      at = plus(at, delay);
      const due = emailDecider.decide(retryDue(attempt + 1, at), fold(emailDecider, history));
      history = [...history, ...due];
    });
    spec.given(history).when(failed(7, at)).then([failedEvent(7, at, null)]);
    const gaveUp = [...history, failedEvent(7, at, null)];
    spec.given(gaveUp).when(sent(8, plus(at, 1))).thenThrows('VALIDATION_FAILED', /attempt must be an integer from 1 to 7/);
    spec.given(gaveUp).when(retryDue(7, plus(at, 1))).thenNothing();
  });

  it('nothing is attempted once the email was given up', () => {
    spec.given([failedEvent(1, t0, null, NO_RECIPIENT_REASON)]).when(sent(2, plus(t0, 5))).thenThrows('INVALID_STATE_TRANSITION', /given up after attempt 1/);
  });
});

describe('once sent', () => {
  it('a repeated success or a late failure records nothing (an email is sent once)', () => {
    spec.given([sentEvent()]).when(sent()).thenNothing();
    spec.given([sentEvent()]).when(sent(2)).thenNothing();
    spec.given([sentEvent()]).when(failed(2)).thenNothing();
    spec.given([failedEvent(1, t0, plus(t0, 1)), sentEvent(2, plus(t0, 1))]).when(retryDue(2, plus(t0, 1))).thenNothing();
  });

  it('folds to sent with the message id and the attempt count', () => {
    expect(fold(emailDecider, [failedEvent(1, t0, plus(t0, 1)), sentEvent(2, plus(t0, 1))])).toMatchObject({
      status: 'sent',
      attempts: 2,
      messageId: `<${emailId}@ledger.example>`,
      sentAt: plus(t0, 1),
      lastFailure: { reason: 'smtp 451 4.3.0 try again later', failedAt: t0 },
      nextAttemptAt: null,
    });
  });
});

describe('the event contracts', () => {
  it('every event the decider emits parses with its schema', () => {
    const events: EmailEvent[] = [requested, sentEvent(), failedEvent(1, t0, plus(t0, 1)), failedEvent(1, t0, null, NO_RECIPIENT_REASON), { type: 'EmailRetryDue', data: { emailId, attempt: 2, dueAt: t0 } }];
    for (const event of events) expect(emailEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
  });

  it('EmailSendFailed keeps `to` null (no recipient) and refuses an empty address', () => {
    expect(() => emailEventSchemas.EmailSendFailed.data.parse({ ...failedEvent(1, t0, null).data, to: '' })).toThrow();
    expect(emailEventSchemas.EmailSendFailed.data.parse({ ...failedEvent(1, t0, null).data, to: null }).to).toBeNull();
  });
});
