import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { mailOptionsOf } from './mime.js';
import { requireMessageReference, type MailMessage } from './mail-message.js';
import { mailSendErrorOf, type MailDelivery, type MailTransport } from './mail-transport.js';

/**
 * Without an SMTP server, messages are written as RFC 5322 files, `<directory>/<YYYY-MM-DD>/<reference>.eml` (the UTC
 * date of writing), readable by any mail client. Each file is written whole under a temporary name and renamed into
 * place, so a reader never sees half a message; a message written again (the same email after a crash) replaces its
 * file rather than adding one.
 */
export class OutboxMailTransport implements MailTransport {
  readonly description: string;
  private readonly composer: Transporter;

  constructor(
    private readonly directory: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.description = `file outbox ${directory}`;
    this.composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(message: MailMessage): Promise<MailDelivery> {
    const reference = requireMessageReference(message.reference);
    let raw: Buffer;
    try {
      const info = (await this.composer.sendMail(mailOptionsOf(message))) as { message?: unknown };
      if (!Buffer.isBuffer(info.message)) throw new Error('the message was not built as a buffer');
      raw = info.message;
    } catch (error) {
      throw mailSendErrorOf(error);
    }
    const folder = join(this.directory, this.clock().toISOString().slice(0, 10));
    const file = join(folder, `${reference}.eml`);
    const temporary = join(folder, `.${reference}.${randomUUID()}.tmp`);
    try {
      await mkdir(folder, { recursive: true });
      await writeFile(temporary, raw, { mode: 0o600 });
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw mailSendErrorOf(error);
    }
    return { messageId: message.messageId, response: `written to ${file}` };
  }
}
