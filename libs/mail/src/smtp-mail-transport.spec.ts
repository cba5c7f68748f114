import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { readMailConfig } from './mail-config.js';
import type { MailMessage } from './mail-message.js';
import { MailSendError } from './mail-transport.js';
import { SmtpMailTransport } from './smtp-mail-transport.js';
import { SmtpTestServer } from './testing/smtp-test-server.js';

/** A real SMTP server (smtp-server on 127.0.0.1) and nodemailer: what the server receives, and how failures are read. */

function message(overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    reference: 'email-1',
    from: { address: 'billing@fibre.example', name: 'Fibre "Networks", <GmbH>\r\nBcc: victim@example.com' },
    replyTo: 'accounts@fibre.example',
    to: 'customer@acme.example',
    subject: 'Invoice INV-1\r\nBcc: victim@example.com',
    text: 'Hello',
    html: '<p>Hello</p>',
    messageId: '<email-email-1@fibre.example>',
    attachments: [{ fileName: 'INV-1.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.7 fake') }],
    ...overrides,
  };
}

function transportFor(url: string, timeoutMs = 5_000): SmtpMailTransport {
  const { smtp } = readMailConfig({ LEDGER_SMTP_URL: url });
  if (smtp === undefined) throw new Error('no smtp');
  return new SmtpMailTransport(smtp, timeoutMs);
}

async function failureOf(promise: Promise<unknown>): Promise<MailSendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MailSendError);
    return error as MailSendError;
  }
  throw new Error('expected the send to fail');
}

describe('SmtpMailTransport against a real SMTP server', () => {
  const server = new SmtpTestServer();

  beforeAll(async () => {
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('delivers the message whole: our Message-ID, one From and To, the attachment, and no injected header', async () => {
    const delivery = await transportFor(server.url).send(message());
    expect(delivery.messageId).toBe('<email-email-1@fibre.example>');
    const [received] = await server.waitForMessages(1);
    const parsed = received!.parsed;
    expect(parsed.messageId).toBe('<email-email-1@fibre.example>');
    expect(received!.envelopeTo).toEqual(['customer@acme.example']);
    expect(parsed.from?.value).toEqual([{ address: 'billing@fibre.example', name: 'Fibre "Networks", <GmbH> Bcc: victim@example.com' }]);
    expect(parsed.subject).toBe('Invoice INV-1 Bcc: victim@example.com');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.replyTo?.value.map((address) => address.address)).toEqual(['accounts@fibre.example']);
    expect(parsed.attachments.map((attachment) => [attachment.filename, attachment.contentType, attachment.content.toString()])).toEqual([['INV-1.pdf', 'application/pdf', '%PDF-1.7 fake']]);
    expect(parsed.html).toBe('<p>Hello</p>');
  });

  it('a 451 at the end of DATA is a temporary failure that names the reply', async () => {
    server.rejectNext(1, 451, 'Try again later');
    const failure = await failureOf(transportFor(server.url).send(message()));
    expect(failure).toMatchObject({ permanent: false, responseCode: 451 });
    expect(failure.reason).toMatch(/^smtp 451.*Try again later/);
  });

  it('a 550 is permanent', async () => {
    server.rejectNext(1, 550, 'Mailbox unavailable');
    const failure = await failureOf(transportFor(server.url).send(message()));
    expect(failure).toMatchObject({ permanent: true, responseCode: 550 });
  });

  it('a refused connection is temporary', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failure = await failureOf(transportFor(`smtp://127.0.0.1:${port}`).send(message()));
    expect(failure.permanent).toBe(false);
    expect(failure.reason).toMatch(/ECONNREFUSED/);
  });
});

describe('SmtpMailTransport with authentication', () => {
  const password = 'p@ss word/very-secret';
  const server = new SmtpTestServer({ credentials: { user: 'ledger', password } });

  beforeAll(async () => {
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('logs in with the credentials of the URL', async () => {
    await transportFor(server.url).send(message());
    const [received] = await server.waitForMessages(1);
    expect(received!.user).toBe('ledger');
  });

  it('a wrong password is a permanent 535 whose reason holds neither the password nor the user', async () => {
    const wrong = 'wrong-password-123';
    const failure = await failureOf(transportFor(`smtp://ledger:${wrong}@127.0.0.1:${new URL(server.url).port}`).send(message()));
    expect(failure).toMatchObject({ permanent: true, responseCode: 535 });
    expect(failure.reason).not.toContain(wrong);
    expect(failure.reason).not.toContain(password);
  });
});

describe('SmtpMailTransport timeouts', () => {
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never says a word: a server that hangs.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('a server that never greets fails the attempt after the timeout, as a temporary failure', async () => {
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const failure = await failureOf(transportFor(`smtp://127.0.0.1:${port}`, 1_000).send(message()));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure.permanent).toBe(false);
    expect(failure.reason).toMatch(/^etimedout/);
  });
});
