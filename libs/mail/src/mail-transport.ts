import type { MailMessage } from './mail-message.js';

/** What the mail server (or the outbox) said when it took the message. */
export interface MailDelivery {
  /** The Message-ID header sent. */
  readonly messageId: string;
  /** The server's answer ("250 2.0.0 Ok: queued as ..."), or where the outbox wrote the file. */
  readonly response: string;
}

/** Somewhere messages go: an SMTP server, or the file outbox when none is configured. */
export interface MailTransport {
  /** For the start-up log: the kind and the host or directory, never a credential. */
  readonly description: string;
  /** Sends one message; a failure is a MailSendError that says whether trying again can help. */
  send(message: MailMessage): Promise<MailDelivery>;
}

/**
 * A message that was not taken. `permanent`: trying again cannot help (the server answered 5xx, or the address was
 * refused); otherwise a later attempt may succeed (4xx, a timeout, a connection refused). `reason` is short, one line,
 * and never holds a credential: it is recorded in the email's events.
 */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';

  constructor(
    readonly reason: string,
    readonly permanent: boolean,
    readonly responseCode: number | undefined = undefined,
  ) {
    super(reason);
  }
}

export const mailReasonLengthMax = 300;

/** What a nodemailer error (or any other) tells about a failed send, as a MailSendError. */
export function mailSendErrorOf(error: unknown, secrets: readonly (string | undefined)[] = []): MailSendError {
  if (error instanceof MailSendError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown; command?: unknown };
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const detail = typeof fields.response === 'string' && fields.response !== '' ? fields.response : typeof fields.message === 'string' ? fields.message : String(error);
  const command = typeof fields.command === 'string' ? ` at ${fields.command.split(' ')[0]}` : '';
  const head = responseCode !== undefined ? `smtp ${responseCode}${command}` : code !== undefined ? `${code.toLowerCase()}${command}` : 'send failed';
  // A 5xx answer is final by SMTP's own rules; an envelope the server cannot take (no valid recipient) is too.
  const permanent = (responseCode !== undefined && responseCode >= 500 && responseCode < 600) || (responseCode === undefined && code === 'EENVELOPE');
  return new MailSendError(scrubbed(`${head}: ${detail}`, secrets), permanent, responseCode);
}

/** One printable line of at most mailReasonLengthMax characters, with every secret given replaced by ***. */
function scrubbed(text: string, secrets: readonly (string | undefined)[]): string {
  let line = text.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
  for (const secret of secrets) if (secret !== undefined && secret.length > 0) line = line.split(secret).join('***');
  line = line.trim();
  return line.length > mailReasonLengthMax ? `${line.slice(0, mailReasonLengthMax - 1)}…` : line;
}
