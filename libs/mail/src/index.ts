/**
 * Sending email (docs/email.md): the message a feature builds (MailMessage), the transports (SMTP with nodemailer, or
 * the file outbox), the Message-ID of an email, and the mail settings read from the environment. Nothing here knows
 * about billing: libs/ledger-application builds the messages and records the outcomes.
 */
export * from './mail-config.js';
export * from './mail-message.js';
export * from './mail-transport.js';
export { mailOptionsOf } from './mime.js';
export { SmtpMailTransport } from './smtp-mail-transport.js';
export { OutboxMailTransport } from './outbox-mail-transport.js';
export { mailTransportFor, openMailTransport, outboxDirectoryOf } from './open-mail-transport.js';
