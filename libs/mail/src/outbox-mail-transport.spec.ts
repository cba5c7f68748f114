import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { MailMessage } from './mail-message.js';
import { openMailTransport, outboxDirectoryOf } from './open-mail-transport.js';
import { OutboxMailTransport } from './outbox-mail-transport.js';

const message: MailMessage = {
  reference: '6f1c2a3b-0000-5000-8000-000000000001',
  from: { address: 'billing@localhost', name: 'Fibre Networks' },
  replyTo: null,
  to: 'customer@acme.example',
  subject: 'Receipt REC-1 from Fibre Networks',
  text: 'Thank you',
  html: '<p>Thank you</p>',
  messageId: '<email-6f1c2a3b-0000-5000-8000-000000000001@localhost>',
  attachments: [{ fileName: 'REC-1.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.7 receipt') }],
};

describe('OutboxMailTransport', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'outbox-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes <date>/<reference>.eml that a mail parser reads whole, and leaves no temporary file', async () => {
    const outbox = new OutboxMailTransport(directory, () => new Date('2026-03-02T23:59:00.000Z'));
    const delivery = await outbox.send(message);
    const file = join(directory, '2026-03-02', `${message.reference}.eml`);
    expect(delivery).toEqual({ messageId: message.messageId, response: `written to ${file}` });
    const parsed = await simpleParser(await readFile(file));
    expect(parsed.subject).toBe('Receipt REC-1 from Fibre Networks');
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe('customer@acme.example');
    expect(parsed.attachments.map((attachment) => attachment.content.toString())).toEqual(['%PDF-1.7 receipt']);
    expect(await readdir(join(directory, '2026-03-02'))).toEqual([`${message.reference}.eml`]);
  });

  it('the same email written again replaces its file', async () => {
    const outbox = new OutboxMailTransport(directory, () => new Date('2026-03-02T23:59:30.000Z'));
    await outbox.send({ ...message, subject: 'second write' });
    expect(await readdir(join(directory, '2026-03-02'))).toEqual([`${message.reference}.eml`]);
    expect((await simpleParser(await readFile(join(directory, '2026-03-02', `${message.reference}.eml`)))).subject).toBe('second write');
  });

  it('refuses a reference that would leave the outbox', async () => {
    await expect(new OutboxMailTransport(directory).send({ ...message, reference: '../escape' })).rejects.toThrow(/a message reference is/);
  });

  it('is the transport without LEDGER_SMTP_URL, in outbox beside the data directory (which is the PostgreSQL cluster)', () => {
    const transport = openMailTransport({ smtp: undefined, from: 'billing@localhost', timeoutMs: 15_000 }, '/srv/ledger/data');
    expect(transport.description).toBe(`file outbox ${outboxDirectoryOf('/srv/ledger/data')}`);
    expect(outboxDirectoryOf('/srv/ledger/data')).toBe('/srv/ledger/outbox');
  });
});
