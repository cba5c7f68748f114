import { dirname, join } from 'node:path';
import type { MailConfig } from './mail-config.js';
import type { MailTransport } from './mail-transport.js';
import { OutboxMailTransport } from './outbox-mail-transport.js';
import { SmtpMailTransport } from './smtp-mail-transport.js';

/**
 * The outbox of a data directory: `outbox` beside it (`.ledger/outbox` for the default `.ledger/data`), like the
 * development API key. Not inside it: LEDGER_DATA_DIR is the embedded PostgreSQL's cluster directory, which must
 * hold nothing else (initdb refuses a directory that is not empty).
 */
export function outboxDirectoryOf(dataDirectory: string): string {
  return join(dirname(dataDirectory), 'outbox');
}

/** The transport the configuration names: SMTP when LEDGER_SMTP_URL is set, else the file outbox beside the data directory. */
export function openMailTransport(config: MailConfig, dataDirectory: string): MailTransport {
  return config.smtp === undefined ? new OutboxMailTransport(outboxDirectoryOf(dataDirectory)) : new SmtpMailTransport(config.smtp, config.timeoutMs);
}

const shared = new WeakMap<MailConfig, MailTransport>();

/**
 * One transport per configuration object, so that every user in a process (the process manager list is built more
 * than once: the runner and the health endpoints) shares it.
 */
export function mailTransportFor(config: MailConfig, dataDirectory: string): MailTransport {
  let transport = shared.get(config);
  if (transport === undefined) shared.set(config, (transport = openMailTransport(config, dataDirectory)));
  return transport;
}
