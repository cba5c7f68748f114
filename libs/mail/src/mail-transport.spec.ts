import { describe, expect, it } from '@jest/globals';
import { mailReasonLengthMax, MailSendError, mailSendErrorOf } from './mail-transport.js';

describe('mailSendErrorOf', () => {
  it.each([
    [{ responseCode: 451, response: '451 4.3.0 Try again later', command: 'DATA' }, 'smtp 451 at DATA: 451 4.3.0 Try again later', false],
    [{ responseCode: 421, response: '421 Service not available' }, 'smtp 421: 421 Service not available', false],
    [{ responseCode: 550, response: '550 5.1.1 No such user', command: 'RCPT TO:<x@y>' }, 'smtp 550 at RCPT: 550 5.1.1 No such user', true],
    [{ responseCode: 535, response: '535 Authentication failed', code: 'EAUTH' }, 'smtp 535: 535 Authentication failed', true],
    [{ code: 'ECONNECTION', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'econnection: connect ECONNREFUSED 127.0.0.1:1', false],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'etimedout: Greeting never received', false],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'eenvelope: No recipients defined', true],
  ])('%j -> %s (permanent: %s)', (error, reason, permanent) => {
    const failure = mailSendErrorOf(Object.assign(new Error(String((error as { message?: string }).message ?? 'x')), error));
    expect({ reason: failure.reason, permanent: failure.permanent }).toEqual({ reason, permanent });
  });

  it('a reason is one bounded line and never holds a secret it was given', () => {
    const failure = mailSendErrorOf(Object.assign(new Error('x'), { code: 'EAUTH', response: `535 bad credentials for user ledger with password hunter2\r\nmore ${'y'.repeat(500)}` }), ['hunter2', undefined]);
    expect(failure.reason).not.toContain('hunter2');
    expect(failure.reason).toContain('***');
    expect(failure.reason).not.toMatch(/[\r\n]/);
    expect(failure.reason.length).toBeLessThanOrEqual(mailReasonLengthMax);
  });

  it('keeps a MailSendError as it is, and reads anything else as a temporary failure', () => {
    const own = new MailSendError('smtp 550: no', true, 550);
    expect(mailSendErrorOf(own)).toBe(own);
    expect(mailSendErrorOf('boom')).toMatchObject({ reason: 'send failed: boom', permanent: false });
  });
});
