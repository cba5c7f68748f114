import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A message as the test server received it: the envelope, the raw MIME and its parse. */
export interface ReceivedMail {
  readonly envelopeFrom: string | null;
  readonly envelopeTo: readonly string[];
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
  /** The user the client authenticated as, if it did. */
  readonly user: string | null;
}

export interface SmtpTestServerOptions {
  /** When given, AUTH is required with these credentials (over plain text: a test server on 127.0.0.1). */
  readonly credentials?: { readonly user: string; readonly password: string };
}

/**
 * A real SMTP server for tests (smtp-server on 127.0.0.1, a port of its own), no TLS: it records every message it
 * accepts, parsed with mailparser, and can be told to refuse the next messages with a given reply (451 try later, 550
 * no such user) at the end of DATA, as a real server would.
 */
export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  private readonly rejections: { code: number; message: string }[] = [];
  private server: SMTPServer | undefined;
  private port = 0;

  constructor(private readonly options: SmtpTestServerOptions = {}) {}

  async start(): Promise<this> {
    const { credentials } = this.options;
    const options: SMTPServerOptions = {
      secure: false,
      disabledCommands: credentials === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
      authOptional: credentials === undefined,
      allowInsecureAuth: true,
      logger: false,
      // stop() waits this long for a client's open connection (the default is 30 s) before closing it.
      closeTimeout: 500,
      onAuth: (auth, _session, callback) => {
        if (credentials !== undefined && auth.username === credentials.user && auth.password === credentials.password) callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const rejection = this.rejections.shift();
          if (rejection !== undefined) {
            callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              this.received.push({
                envelopeFrom: session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address,
                envelopeTo: session.envelope.rcptTo.map((address) => address.address),
                raw,
                parsed,
                user: typeof session.user === 'string' ? session.user : null,
              });
              callback();
            })
            .catch((error: unknown) => callback(error as Error));
        });
      },
    };
    const server = new SMTPServer(options);
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  /** `smtp://127.0.0.1:<port>`, with the credentials when the server requires them. */
  get url(): string {
    const { credentials } = this.options;
    const auth = credentials === undefined ? '' : `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@`;
    return `smtp://${auth}127.0.0.1:${this.port}`;
  }

  /** The next `count` messages are refused with this reply at the end of DATA. */
  rejectNext(count: number, code: number, message: string): void {
    for (let index = 0; index < count; index += 1) this.rejections.push({ code, message });
  }

  /** Waits until `count` messages have arrived (in all), or fails after `timeoutMs`. */
  async waitForMessages(count: number, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages within ${timeoutMs} ms, got ${this.received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return [...this.received];
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
