import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { describeSmtp, type SmtpConfig } from './mail-config.js';
import { mailOptionsOf } from './mime.js';
import type { MailMessage } from './mail-message.js';
import { mailSendErrorOf, type MailDelivery, type MailTransport } from './mail-transport.js';

/**
 * Sends through an SMTP server with nodemailer, one connection per message (no pool to keep open or to close: the
 * ledger sends a few messages at a time, each after an event). Every wait is bounded: connecting, the greeting and
 * each read or write on the socket time out after `timeoutMs`, so a dead server fails an attempt instead of holding
 * the email process manager. Over smtp:// the connection is upgraded with STARTTLS when the server offers it.
 */
export class SmtpMailTransport implements MailTransport {
  readonly description: string;
  private readonly transporter: Transporter;

  constructor(
    private readonly smtp: SmtpConfig,
    timeoutMs: number,
  ) {
    this.description = `SMTP ${describeSmtp(smtp)}`;
    this.transporter = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
      // nodemailer logs nothing of its own (its logger would print the conversation, AUTH included).
      logger: false,
      debug: false,
    });
  }

  async send(message: MailMessage): Promise<MailDelivery> {
    try {
      const info = (await this.transporter.sendMail(mailOptionsOf(message))) as { messageId?: unknown; response?: unknown };
      return { messageId: typeof info.messageId === 'string' ? info.messageId : message.messageId, response: typeof info.response === 'string' ? info.response : '' };
    } catch (error) {
      // The reason is recorded in an event: the password (and user) never reach it.
      throw mailSendErrorOf(error, [this.smtp.password, this.smtp.user]);
    }
  }
}
