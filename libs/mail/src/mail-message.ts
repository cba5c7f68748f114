/** A file sent with a message (a document's PDF). */
export interface MailAttachment {
  readonly fileName: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/**
 * One message as the ledger builds it: everything a transport needs, already rendered. Addresses are plain; display
 * names are separate so that a transport encodes them (a hostile company name never becomes a header of its own).
 */
export interface MailMessage {
  /** Names the message on disk (the file outbox) and in logs: letters, digits, `.`, `_` and `-` only (an email id). */
  readonly reference: string;
  readonly from: { readonly address: string; readonly name: string | null };
  readonly replyTo: string | null;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The Message-ID header, `<...@...>`: the same for every attempt of one email, so receivers can drop a repeat. */
  readonly messageId: string;
  readonly attachments: readonly MailAttachment[];
}

const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function requireMessageReference(reference: string): string {
  if (!REFERENCE_PATTERN.test(reference)) throw new Error(`a message reference is 1 to 128 letters, digits, ".", "_" or "-", got ${JSON.stringify(reference)}`);
  return reference;
}

/**
 * The Message-ID of an email: derived from its id alone (and the sender's domain, as RFC 5322 suggests), so a
 * message sent again after a crash between sending and recording carries the same id, and receivers that deduplicate
 * on Message-ID show it once.
 */
export function messageIdFor(emailId: string, fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1) || 'ledger.invalid';
  return `<email-${requireMessageReference(emailId)}@${domain}>`;
}
