import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSmtp, MailConfigError, mailConfigDefaults, readMailConfig } from './mail-config.js';

describe('readMailConfig', () => {
  it('without LEDGER_SMTP_URL: no SMTP (the file outbox), the default sender and timeout', () => {
    expect(readMailConfig({})).toEqual({ smtp: undefined, from: mailConfigDefaults.from, timeoutMs: 15_000 });
  });

  it.each([
    ['smtp://mail.example.com', { host: 'mail.example.com', port: 587, secure: false, user: undefined, password: undefined }],
    ['smtps://mail.example.com', { host: 'mail.example.com', port: 465, secure: true, user: undefined, password: undefined }],
    ['smtp://mail.example.com:2525', { host: 'mail.example.com', port: 2525, secure: false, user: undefined, password: undefined }],
    ['smtp://ledger:s3cr%40t@mail.example.com', { host: 'mail.example.com', port: 587, secure: false, user: 'ledger', password: 's3cr@t' }],
    ['smtp://ledger%40example.com@127.0.0.1:25/', { host: '127.0.0.1', port: 25, secure: false, user: 'ledger@example.com', password: undefined }],
    ['smtp://[::1]:2525', { host: '::1', port: 2525, secure: false, user: undefined, password: undefined }],
  ])('%s', (url, smtp) => {
    expect(readMailConfig({ LEDGER_SMTP_URL: url }).smtp).toEqual(smtp);
  });

  it('LEDGER_SMTP_USER and LEDGER_SMTP_PASSWORD win over the URL', () => {
    expect(readMailConfig({ LEDGER_SMTP_URL: 'smtp://a:b@mail.example.com', LEDGER_SMTP_USER: 'user', LEDGER_SMTP_PASSWORD: 'pass' }).smtp).toMatchObject({ user: 'user', password: 'pass' });
  });

  it('takes the sender and the timeout', () => {
    expect(readMailConfig({ LEDGER_MAIL_FROM: 'billing@fibre.example', LEDGER_SMTP_TIMEOUT_MS: '5000' })).toMatchObject({ from: 'billing@fibre.example', timeoutMs: 5000 });
  });

  it.each([
    ['http://mail.example.com', /must start with smtp:\/\/ or smtps:\/\//],
    ['not a url', /is not a URL/],
    ['smtp://mail.example.com/path', /takes no path, query or fragment/],
    ['smtp://mail.example.com?tls=off', /takes no path, query or fragment/],
    ['smtp://:password-only@mail.example.com', /needs a user/],
  ])('refuses LEDGER_SMTP_URL=%s', (url, message) => {
    expect(() => readMailConfig({ LEDGER_SMTP_URL: url })).toThrow(message);
    expect(() => readMailConfig({ LEDGER_SMTP_URL: url })).toThrow(MailConfigError);
  });

  it.each([
    [{ LEDGER_MAIL_FROM: 'Billing <billing@example.com>' }, /LEDGER_MAIL_FROM must be a plain email address/],
    [{ LEDGER_MAIL_FROM: 'billing@example.com\r\nBcc: x@y.z' }, /LEDGER_MAIL_FROM/],
    [{ LEDGER_SMTP_TIMEOUT_MS: '10' }, /from 1000 to 120000/],
    [{ LEDGER_SMTP_TIMEOUT_MS: 'soon' }, /LEDGER_SMTP_TIMEOUT_MS/],
    [{ LEDGER_SMTP_PASSWORD: 'x' }, /need LEDGER_SMTP_URL/],
    [{ LEDGER_SMTP_PASSWORD_FILE: '/run/secrets/smtp' }, /need LEDGER_SMTP_URL/],
  ])('refuses %j', (environment, message) => {
    expect(() => readMailConfig(environment)).toThrow(message);
  });

  it('never repeats the password: not in an error about the URL, not in the description', () => {
    const secret = 'hunter2-very-secret';
    for (const url of [`smtp://user:${secret}@host/x`, `http://user:${secret}@host`, `smtp://user:${secret}@host?x=1`]) {
      try {
        readMailConfig({ LEDGER_SMTP_URL: url });
        throw new Error('expected a refusal');
      } catch (error) {
        expect((error as Error).message).not.toContain(secret);
      }
    }
    const smtp = readMailConfig({ LEDGER_SMTP_URL: `smtps://user:${secret}@mail.example.com` }).smtp;
    expect(smtp && describeSmtp(smtp)).toBe('smtps://mail.example.com:465 (authenticated)');
  });

  describe('LEDGER_SMTP_PASSWORD_FILE', () => {
    const directory = mkdtempSync(join(tmpdir(), 'mail-config-'));
    const file = (name: string, content: string): string => {
      const path = join(directory, name);
      writeFileSync(path, content);
      return path;
    };
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('reads the password from the file (one trailing newline dropped), over the URL\'s', () => {
      const path = file('smtp-password', 'from-file s3cret\n');
      expect(readMailConfig({ LEDGER_SMTP_URL: 'smtp://ledger:in-url@mail.example.com', LEDGER_SMTP_PASSWORD_FILE: path }).smtp).toMatchObject({ user: 'ledger', password: 'from-file s3cret' });
    });

    it('refuses a missing or empty file and both password variables at once, never showing a password', () => {
      const secret = 'env-secret-value';
      expect(() => readMailConfig({ LEDGER_SMTP_URL: 'smtp://ledger@mail.example.com', LEDGER_SMTP_PASSWORD_FILE: join(directory, 'absent') })).toThrow(/cannot be read \(ENOENT\)/);
      expect(() => readMailConfig({ LEDGER_SMTP_URL: 'smtp://ledger@mail.example.com', LEDGER_SMTP_PASSWORD_FILE: file('empty', '\n') })).toThrow(/is empty/);
      const both = () => readMailConfig({ LEDGER_SMTP_URL: 'smtp://ledger@mail.example.com', LEDGER_SMTP_PASSWORD: secret, LEDGER_SMTP_PASSWORD_FILE: file('p', 'x') });
      expect(both).toThrow(/not both/);
      expect(both).not.toThrow(new RegExp(secret));
    });
  });
});
