import type { SendMailOptions } from 'nodemailer';
import type { MailMessage } from './mail-message.js';

/**
 * A MailMessage as nodemailer options. Addresses travel as objects, so nodemailer quotes and encodes the display
 * name (a company name with quotes, commas or line breaks stays one header value), and the Message-ID is ours.
 */
export function mailOptionsOf(message: MailMessage): SendMailOptions {
  return {
    from: { name: displayName(message.from.name), address: message.from.address },
    to: message.to,
    ...(message.replyTo === null ? {} : { replyTo: message.replyTo }),
    subject: oneLine(message.subject),
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    attachments: message.attachments.map((attachment) => ({ filename: attachment.fileName, contentType: attachment.contentType, content: attachment.content })),
    // Nothing is fetched while building a message: no remote images or attachments by URL.
    disableUrlAccess: true,
    disableFileAccess: true,
  };
}

/** A header value is one line: line breaks and other control characters become spaces. */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a header must not hold
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function displayName(name: string | null): string {
  return name === null ? '' : oneLine(name).slice(0, 200);
}
