import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { emailDelivery } from '../../libs/ledger-application/src/email/index.js';
import { renderInvoiceDocument, renderReceiptDocument } from '../../libs/ledger-application/src/documents/index.js';
import { mailTransportFor } from '../../libs/mail/src/index.js';
import { SmtpTestServer } from '../../libs/mail/src/testing/smtp-test-server.js';
import { ProjectionRunner, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { firstErrorCode } from '../support/graphql-http.client.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { pdfText } from '../support/pdf-text.js';
import { EMAIL_DOCUMENTS, EmailScenario } from './email-scenario.js';

/**
 * Email through the API against a REAL SMTP server (smtp-server on 127.0.0.1, messages parsed with mailparser): the
 * triggers and their toggles, the PDFs attached, retries on the tenant's test clock, the never-twice guarantee under
 * redelivery, recorded failures, escaping, and sendInvoice (docs/email.md).
 */

const FROM = 'billing@fibre.example';
const server = new SmtpTestServer();
let ledger: TestLedger;

beforeAll(async () => {
  await server.start();
  ledger = await startTestLedger({ clock: new TestClock('2026-03-02T09:00:00.000Z'), environment: { LEDGER_SMTP_URL: server.url, LEDGER_MAIL_FROM: FROM } });
});

afterAll(async () => {
  await ledger?.stop();
  await server.stop();
});

function attachmentBytes(mail: ParsedMail, index = 0): ArrayBuffer {
  const content = mail.attachments[index]?.content;
  if (content === undefined) throw new Error('the message has no attachment');
  const bytes = new Uint8Array(content.length);
  bytes.set(content);
  return bytes.buffer;
}

const ofType = (type: string) => (event: RecordedEvent) => event.type === type;

describe('the invoice email', () => {
  it('an issued invoice reaches the server once, from the company, with its PDF attached and the invoice number in it', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-invoice');
    await scenario.customer('cus-1');
    const { invoiceId, number } = await scenario.issueInvoice('cus-1');
    const [mail] = await scenario.receivedExactly(1);
    const parsed = mail!.parsed;
    expect(mail!.envelopeTo).toEqual([scenario.address('cus-1')]);
    expect(mail!.envelopeFrom).toBe(FROM);
    expect(parsed.from?.value).toEqual([{ address: FROM, name: 'Fibre Networks GmbH' }]);
    expect(parsed.replyTo?.value.map((address) => address.address)).toEqual(['accounts@fibre.example']);
    expect(parsed.subject).toBe(`Invoice ${number} from Fibre Networks GmbH`);
    expect(parsed.text).toContain('for $71.96.');
    expect(parsed.text).toContain('Dear Acme Fibre Inc.,');
    expect(parsed.html).toContain(`<strong>${number}</strong>`);
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({ contentType: 'application/pdf' });
    const bytes = attachmentBytes(parsed);
    expect(Buffer.from(bytes).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(bytes)).toContain(number);

    const events = await scenario.emailEvents();
    expect(events.map((event) => event.type)).toEqual(['EmailSent']);
    const sent = events[0]!.data as { emailId: string; kind: string; documentId: string; to: string; messageId: string; attempt: number };
    expect(sent).toMatchObject({ kind: 'invoice', documentId: invoiceId, to: scenario.address('cus-1'), attempt: 1, messageId: `<email-${sent.emailId}@fibre.example>` });
    // The Message-ID on the wire is the one recorded: derived from the email id, the same on every attempt.
    expect(parsed.messageId).toBe(sent.messageId);

    const [view] = await scenario.invoiceEmails(invoiceId);
    expect(view).toMatchObject({ id: sent.emailId, kind: 'INVOICE', status: 'SENT', attempts: 1, to: scenario.address('cus-1'), messageId: sent.messageId, lastError: null, nextAttemptAt: null });
  });

  it('a hostile customer name is escaped in the HTML and left as written in the text', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-hostile', { company: 'Fibre & "Sons" <Ltd>' });
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    await scenario.customer('cus-h', { name: hostile });
    await scenario.issueInvoice('cus-h');
    const [mail] = await scenario.receivedExactly(1);
    const html = mail!.parsed.html as string;
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;,');
    expect(html).toContain('Fibre &amp; &quot;Sons&quot; &lt;Ltd&gt;');
    expect(mail!.parsed.text).toContain(`Dear ${hostile},`);
    expect(mail!.parsed.from?.value).toEqual([{ address: FROM, name: 'Fibre & "Sons" <Ltd>' }]);
  });

  it('a customer without an email address: a recorded failure (no_recipient), not retried, nothing sent', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-norcpt');
    await scenario.customer('cus-n', { email: null });
    const { invoiceId } = await scenario.issueInvoice('cus-n');
    const events = await scenario.emailEvents();
    expect(events.map((event) => [event.type, event.data.reason, event.data.nextAttemptAt, event.data.to])).toEqual([['EmailSendFailed', 'no_recipient', null, null]]);
    expect(scenario.received()).toEqual([]);
    expect(await scenario.invoiceEmails(invoiceId)).toMatchObject([{ status: 'FAILED', attempts: 1, lastError: 'no_recipient', to: null, nextAttemptAt: null }]);
  });

  it('with the toggles off nothing is sent and nothing recorded; sendInvoice sends anyway', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-off');
    await scenario.customer('cus-o');
    await scenario.ok('updateNotificationSettings', EMAIL_DOCUMENTS.updateNotifications, { input: { email: { invoices: false } } });
    const first = await scenario.issueInvoice('cus-o');
    // The process manager reads the toggles when it handles the event: let it handle this issue before they change.
    expect(await scenario.emailEvents()).toEqual([]);
    await scenario.ok('updateNotificationSettings', EMAIL_DOCUMENTS.updateNotifications, { input: { email: { invoices: true } } });
    await scenario.ok('updateInvoiceSettings', EMAIL_DOCUMENTS.updateInvoiceSettings, { input: { sendInvoiceEmails: false } });
    await scenario.issueInvoice('cus-o');
    expect(await scenario.emailEvents()).toEqual([]);
    expect(scenario.received()).toEqual([]);

    const { sendInvoice } = await scenario.ok<{ sendInvoice: { emailId: string; status: string } }>('sendInvoice', EMAIL_DOCUMENTS.sendInvoice, { input: { invoiceId: first.invoiceId } });
    expect(sendInvoice.status).toBe('PENDING');
    const [mail] = await scenario.receivedExactly(1);
    expect(mail!.parsed.subject).toBe(`Invoice ${first.number} from Fibre Networks GmbH`);
    expect((await scenario.emailEvents()).map((event) => event.type)).toEqual(['EmailRequested', 'EmailSent']);
  });
});

describe('payments', () => {
  it('a payment sends one receipt email with the receipt PDF; the receipt email is the confirmation', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-pay');
    await scenario.customer('cus-p');
    await scenario.ok('updateNotificationSettings', EMAIL_DOCUMENTS.updateNotifications, { input: { email: { invoices: false } } });
    const { invoiceId, number } = await scenario.issueInvoice('cus-p');
    await ledger.mutateOk('recordPayment', { invoiceId, amount: '71.96', currency: 'USD', method: 'CASH', reference: 'till-1' }, scenario.key);
    const [mail] = await scenario.receivedExactly(1);
    const receipt = (await scenario.events()).find(ofType('ReceiptIssued'))!.data as { receiptId: string; number: string };
    expect(mail!.parsed.subject).toBe(`Receipt ${receipt.number} from Fibre Networks GmbH`);
    expect(mail!.parsed.text).toContain(`Invoice ${number}: $71.96`);
    expect(mail!.parsed.attachments.map((attachment) => attachment.contentType)).toEqual(['application/pdf']);
    expect(await pdfText(attachmentBytes(mail!.parsed))).toContain(receipt.number);
    const sent = (await scenario.emailEvents()).filter(ofType('EmailSent'));
    expect(sent.map((event) => [event.data.kind, event.data.documentId])).toEqual([['receipt', receipt.receiptId]]);
  });

  it('without receipt emails, a payment sends one payment confirmation', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-confirm');
    await scenario.customer('cus-c');
    await scenario.ok('updateNotificationSettings', EMAIL_DOCUMENTS.updateNotifications, { input: { email: { invoices: false, receipts: false } } });
    const { invoiceId, number } = await scenario.issueInvoice('cus-c');
    const paid = await ledger.mutateOk('recordPayment', { invoiceId, amount: '80.00', currency: 'USD', method: 'CHECK', reference: 'chk-1001' }, scenario.key);
    const [mail] = await scenario.receivedExactly(1);
    expect(mail!.parsed.subject).toBe('Payment received: $80.00, thank you');
    expect(mail!.parsed.text).toContain('Reference: chk-1001');
    expect(mail!.parsed.text).toContain(`Invoice ${number}: $71.96`);
    expect(mail!.parsed.attachments).toEqual([]);
    const sent = (await scenario.emailEvents()).filter(ofType('EmailSent'));
    expect(sent.map((event) => event.data.kind)).toEqual(['payment_confirmation']);
    expect(paid.invoice.status).toBe('PAID');
  });

  it('with receipt emails and confirmations off, a payment sends nothing and records no email', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-pay-off');
    await scenario.customer('cus-q');
    await scenario.ok('updateNotificationSettings', EMAIL_DOCUMENTS.updateNotifications, { input: { email: { invoices: false, receipts: false, paymentConfirmations: false } } });
    const { invoiceId } = await scenario.issueInvoice('cus-q');
    await ledger.mutateOk('recordPayment', { invoiceId, amount: '71.96', currency: 'USD', method: 'CASH', reference: 'till-0' }, scenario.key);
    const events = await scenario.events();
    // The receipt itself is still issued (features.receipts): only its email is off.
    expect(events.some(ofType('ReceiptIssued'))).toBe(true);
    expect(events.some(ofType('PaymentAllocated'))).toBe(true);
    expect(await scenario.emailEvents()).toEqual([]);
    expect(scenario.received()).toEqual([]);
  });
});

describe('retries on the tenant\'s clock', () => {
  it('a 451 on the first attempt is recorded with its reason; the clock advanced past nextAttemptAt sends it once', async () => {
    const start = '2026-05-04T08:00:00.000Z';
    const scenario = await EmailScenario.start(ledger, server, 'mail-retry', { testClockAt: start });
    await scenario.customer('cus-r');
    server.rejectNext(1, 451, '4.3.0 Mailbox busy, try again later');
    const { invoiceId, number } = await scenario.issueInvoice('cus-r');
    const [failure] = await scenario.emailEvents();
    expect(failure).toMatchObject({ type: 'EmailSendFailed', data: { attempt: 1, failedAt: start, nextAttemptAt: '2026-05-04T08:01:00.000Z', to: scenario.address('cus-r') } });
    expect(failure!.data.reason).toMatch(/^smtp 451 .*Mailbox busy, try again later/);
    expect(scenario.received()).toEqual([]);
    expect(await scenario.invoiceEmails(invoiceId)).toMatchObject([{ status: 'RETRYING', attempts: 1, nextAttemptAt: '2026-05-04T08:01:00.000Z' }]);

    // Not yet due: nothing happens.
    await scenario.advance('2026-05-04T08:00:30.000Z');
    expect((await scenario.emailEvents()).map((event) => event.type)).toEqual(['EmailSendFailed']);
    expect(scenario.received()).toEqual([]);

    await scenario.advance('2026-05-04T08:02:00.000Z');
    const [mail] = await scenario.receivedExactly(1);
    expect(mail!.parsed.subject).toBe(`Invoice ${number} from Fibre Networks GmbH`);
    const events = await scenario.emailEvents();
    expect(events.map((event) => [event.type, event.data.attempt])).toEqual([
      ['EmailSendFailed', 1],
      ['EmailRetryDue', 2],
      ['EmailSent', 2],
    ]);
    expect(events[1]!.data.dueAt).toBe('2026-05-04T08:01:00.000Z');
    expect(events[2]!.data.sentAt).toBe('2026-05-04T08:02:00.000Z');
    expect(mail!.parsed.messageId).toBe(`<email-${events[0]!.data.emailId as string}@fibre.example>`);
    expect(await scenario.invoiceEmails(invoiceId)).toMatchObject([{ status: 'SENT', attempts: 2, lastError: failure!.data.reason, nextAttemptAt: null, sentAt: '2026-05-04T08:02:00.000Z' }]);

    // Much later: nothing more is sent.
    await scenario.advance('2026-05-06T08:00:00.000Z');
    await scenario.receivedExactly(1);
  });

  it('the delays grow: a second failure waits 5 minutes from its own time, then the third attempt is sent', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-backoff', { testClockAt: '2026-05-04T08:00:00.000Z' });
    await scenario.customer('cus-b');
    server.rejectNext(2, 421, '4.7.0 Too many connections, slow down');
    const { invoiceId } = await scenario.issueInvoice('cus-b');
    // The first attempt is made by the process manager, after issueInvoice answered: let it record its failure first.
    expect((await scenario.emailEvents()).map((event) => event.type)).toEqual(['EmailSendFailed']);
    await scenario.advance('2026-05-04T08:03:00.000Z');
    const failures = await scenario.emailEvents();
    expect(failures.map((event) => [event.type, event.data.attempt, event.data.nextAttemptAt])).toEqual([
      ['EmailSendFailed', 1, '2026-05-04T08:01:00.000Z'],
      ['EmailRetryDue', 2, undefined],
      ['EmailSendFailed', 2, '2026-05-04T08:08:00.000Z'],
    ]);
    expect(failures[2]!.data.failedAt).toBe('2026-05-04T08:03:00.000Z');
    expect(scenario.received()).toEqual([]);
    expect(await scenario.invoiceEmails(invoiceId)).toMatchObject([{ status: 'RETRYING', attempts: 2, nextAttemptAt: '2026-05-04T08:08:00.000Z' }]);

    await scenario.advance('2026-05-04T08:07:59.000Z');
    expect((await scenario.emailEvents()).length).toBe(3);
    expect(scenario.received()).toEqual([]);
    await scenario.advance('2026-05-04T08:08:00.000Z');
    await scenario.receivedExactly(1);
    expect((await scenario.emailEvents()).map((event) => [event.type, event.data.attempt])).toEqual([
      ['EmailSendFailed', 1],
      ['EmailRetryDue', 2],
      ['EmailSendFailed', 2],
      ['EmailRetryDue', 3],
      ['EmailSent', 3],
    ]);
  });

  it('a 550 gives up at once: no retry is scheduled', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-550', { testClockAt: '2026-05-04T08:00:00.000Z' });
    await scenario.customer('cus-x');
    server.rejectNext(1, 550, '5.1.1 No such mailbox');
    const { invoiceId } = await scenario.issueInvoice('cus-x');
    const [failure] = await scenario.emailEvents();
    expect(failure).toMatchObject({ type: 'EmailSendFailed', data: { attempt: 1, nextAttemptAt: null } });
    expect(failure!.data.reason).toMatch(/^smtp 550/);
    await scenario.advance('2026-05-05T08:00:00.000Z');
    expect((await scenario.emailEvents()).map((event) => event.type)).toEqual(['EmailSendFailed']);
    expect(scenario.received()).toEqual([]);
    expect(await scenario.invoiceEmails(invoiceId)).toMatchObject([{ status: 'FAILED', attempts: 1 }]);
  });
});

describe('never twice', () => {
  it('a second pass of the email process manager over every event from the start sends nothing and records nothing', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-redeliver');
    await scenario.customer('cus-d');
    const { invoiceId } = await scenario.issueInvoice('cus-d');
    await ledger.mutateOk('recordPayment', { invoiceId, amount: '71.96', currency: 'USD', method: 'CASH', reference: 'till-9' }, scenario.key);
    await scenario.receivedExactly(2);
    const before = await scenario.emailEvents();
    const totalBefore = server.received.length;

    const { services } = ledger;
    const name = 'email_delivery_redelivery';
    const lines: string[] = [];
    const documents = { store: services.store, db: services.db, log: services.log };
    const second = emailDelivery(
      {
        store: services.store,
        db: services.db,
        clock: services.clock,
        tenantClock: services.tenantClock,
        mail: mailTransportFor(services.config.mail, services.config.dataDirectory),
        mailFrom: services.config.mail.from,
        documents: {
          invoicePdf: async (tenantId, id) => {
            const document = await renderInvoiceDocument(documents, tenantId, id);
            return document && { fileName: document.fileName, contentType: document.contentType, content: document.bytes };
          },
          receiptPdf: async (tenantId, id) => {
            const document = await renderReceiptDocument(documents, tenantId, id);
            return document && { fileName: document.fileName, contentType: document.contentType, content: document.bytes };
          },
        },
      },
      { name, fromStart: true, log: (line) => lines.push(line) },
    );
    const runner = new ProjectionRunner({ store: services.store, db: services.db, connectionString: services.config.databaseUrl as string, projections: [second] });
    await runner.start();
    try {
      expect(await waitForProjections(services.db, [name], await services.store.headPosition(), 30_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    expect(server.received.length).toBe(totalBefore);
    expect((await scenario.emailEvents()).map((event) => event.eventId)).toEqual(before.map((event) => event.eventId));
    // The second pass did see this tenant's triggers (the invoice and the receipt), and found each email sent already.
    const seen = lines.filter((line) => line.includes(`of tenant ${scenario.tenantId} `));
    expect(seen.map((line) => line.replace(/^email \S+ /, ''))).toEqual([
      `of tenant ${scenario.tenantId} (InvoiceIssued): nothing sent: already sent`,
      `of tenant ${scenario.tenantId} (ReceiptIssued): nothing sent: already sent`,
    ]);
  });
});

describe('sendInvoice', () => {
  it('sends an issued invoice on request: the same idempotency key is the same email, a new key sends it again', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-send');
    await scenario.customer('cus-s');
    await scenario.ok('updateInvoiceSettings', EMAIL_DOCUMENTS.updateInvoiceSettings, { input: { sendInvoiceEmails: false } });
    const { invoiceId, number } = await scenario.issueInvoice('cus-s');
    const send = (idempotencyKey: string) => scenario.ok<{ sendInvoice: { emailId: string; position: string } }>('sendInvoice', EMAIL_DOCUMENTS.sendInvoice, { input: { invoiceId, idempotencyKey } });
    const first = (await send('send-1')).sendInvoice;
    const repeat = (await send('send-1')).sendInvoice;
    expect(repeat).toEqual(first);
    await scenario.receivedExactly(1);
    const again = (await send('send-2')).sendInvoice;
    expect(again.emailId).not.toBe(first.emailId);
    const mails = await scenario.receivedExactly(2);
    expect(mails.map((mail) => mail.parsed.subject)).toEqual([`Invoice ${number} from Fibre Networks GmbH`, `Invoice ${number} from Fibre Networks GmbH`]);
    expect(new Set(mails.map((mail) => mail.parsed.messageId)).size).toBe(2);
    const views = await scenario.invoiceEmails(invoiceId);
    expect(views.map((view) => [view.id, view.status]).sort()).toEqual([[first.emailId, 'SENT'], [again.emailId, 'SENT']].sort());
  });

  it('refuses a draft, a voided invoice and an unknown one with clear codes, appending nothing', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-refuse');
    await scenario.customer('cus-z');
    const draft = await ledger.mutateOk('createInvoice', { customerId: 'cus-z', currency: 'USD', lines: [{ description: 'Work', quantity: '1', unitPrice: '10.00' }] }, scenario.key);
    const voided = await ledger.mutateOk('createInvoice', { customerId: 'cus-z', currency: 'USD', lines: [{ description: 'Work', quantity: '1', unitPrice: '10.00' }] }, scenario.key);
    await ledger.mutateOk('voidInvoice', { invoiceId: voided.invoice.id, reason: 'created by mistake' }, scenario.key);
    const before = (await scenario.events()).length;
    for (const [invoiceId, code, message] of [
      [draft.invoice.id, 'INVOICE_NOT_SENDABLE', /is a draft/],
      [voided.invoice.id, 'INVOICE_NOT_SENDABLE', /is void/],
      ['no-such-invoice', 'NOT_FOUND', /does not exist/],
    ] as const) {
      const response = await scenario.send(EMAIL_DOCUMENTS.sendInvoice, { input: { invoiceId } });
      expect(firstErrorCode(response)).toBe(code);
      expect(response.errors?.[0]?.message).toMatch(message);
    }
    expect(firstErrorCode(await scenario.send(EMAIL_DOCUMENTS.sendInvoice, { input: { invoiceId: 'bad id\n' } }))).toBe('VALIDATION_FAILED');
    expect((await scenario.events()).length).toBe(before);
    expect(scenario.received()).toEqual([]);
  });

  it('an auditor may read emails but not send; another tenant sees none of them', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-roles');
    await scenario.customer('cus-a');
    const { invoiceId } = await scenario.issueInvoice('cus-a');
    await scenario.receivedExactly(1);
    const auditor = await ledger.createKey(scenario.tenantId, 'auditor');
    expect(firstErrorCode(await scenario.send(EMAIL_DOCUMENTS.sendInvoice, { input: { invoiceId } }, auditor))).toBe('FORBIDDEN');
    const page = await scenario.emails();
    expect(page.edges.map((edge) => [edge.node.kind, edge.node.documentId, edge.node.status])).toEqual([['INVOICE', invoiceId, 'SENT']]);
    const other = await EmailScenario.start(ledger, server, 'mail-other');
    expect((await other.emails()).edges).toEqual([]);
    expect(await other.invoiceEmails(invoiceId)).toEqual([]);
  });
});

describe('reminders and overdue notices', () => {
  it('each reminder is emailed on its own day, a late one is skipped, and the overdue notice once, with the invoice PDF', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-overdue', { testClockAt: '2026-05-01T08:00:00.000Z' });
    await scenario.customer('cus-late');
    await scenario.ok('updateNotificationSettings', EMAIL_DOCUMENTS.updateNotifications, { input: { email: { invoices: false } } });
    const { invoiceId, number } = await scenario.issueInvoice('cus-late', { dueDate: '2026-05-11' });
    expect(scenario.received()).toEqual([]);

    // The 7-day reminder, on its day (May 4).
    await scenario.advance('2026-05-04T12:00:00.000Z');
    const [seven] = await scenario.receivedExactly(1);
    expect(seven!.parsed.subject).toBe(`Reminder: invoice ${number} is due on 05/11/2026`);
    expect(seven!.parsed.text).toContain(`invoice ${number} is due in 7 days, on 05/11/2026.`);
    expect(await pdfText(attachmentBytes(seven!.parsed))).toContain(number);

    // The 3-day reminder, on its day (May 8).
    await scenario.advance('2026-05-08T06:00:00.000Z');
    const [, three] = await scenario.receivedExactly(2);
    expect(three!.parsed.text).toContain(`invoice ${number} is due in 3 days, on 05/11/2026.`);

    // Past the due date in one jump: the 1-day reminder (May 10) is late and not sent; the overdue notice is.
    await scenario.advance('2026-05-12T12:00:00.000Z');
    const mails = await scenario.receivedExactly(3);
    expect(mails[2]!.parsed.subject).toBe(`Overdue: invoice ${number} from Fibre Networks GmbH`);
    expect(mails[2]!.parsed.text).toContain(`Invoice ${number} was due on 05/11/2026 and $71.96 is still unpaid.`);
    expect(await pdfText(attachmentBytes(mails[2]!.parsed))).toContain(number);
    const events = await scenario.events();
    expect(events.filter(ofType('InvoicePaymentReminderDue')).map((event) => event.data.daysBeforeDue)).toEqual([7, 3, 1]);
    const kinds = (await scenario.invoiceEmails(invoiceId)).map((view) => [view.kind, view.status]);
    expect(kinds.sort()).toEqual([['OVERDUE_NOTICE', 'SENT'], ['PAYMENT_REMINDER', 'SENT'], ['PAYMENT_REMINDER', 'SENT']]);

    // Nothing is sent twice, however far the clock goes.
    await scenario.advance('2026-06-30T00:00:00.000Z');
    await scenario.receivedExactly(3);
  });

  it('reminders follow invoice.sendPaymentReminders and overdue notices notifications.email.overdueNotices', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-overdue-off', { testClockAt: '2026-05-01T08:00:00.000Z' });
    await scenario.customer('cus-quiet');
    await scenario.ok('updateNotificationSettings', EMAIL_DOCUMENTS.updateNotifications, { input: { email: { invoices: false, overdueNotices: false } } });
    await scenario.ok('updateInvoiceSettings', EMAIL_DOCUMENTS.updateInvoiceSettings, { input: { sendPaymentReminders: false } });
    await scenario.issueInvoice('cus-quiet', { dueDate: '2026-05-11' });
    await scenario.advance('2026-05-13T00:00:00.000Z');
    expect((await scenario.events()).some(ofType('InvoiceBecameOverdue'))).toBe(true);
    expect(await scenario.emailEvents()).toEqual([]);
    expect(scenario.received()).toEqual([]);
  });
});
