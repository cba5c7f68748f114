import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { outboxDirectoryOf } from '../../libs/mail/src/index.js';
import { DEV_TENANT_ID, draftInput, startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { requireData } from '../support/graphql-http.client.js';
import { pdfText } from '../support/pdf-text.js';
import { EMAIL_DOCUMENTS } from './email-scenario.js';

/**
 * Without LEDGER_SMTP_URL the ledger writes its emails to the file outbox beside the data directory
 * (`<parent of LEDGER_DATA_DIR>/outbox/<date>/<email id>.eml`), so `npm start` needs no mail server (docs/email.md, "Transports").
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

describe('the file outbox', () => {
  it('says at start which transport it uses, without any credential', async () => {
    // The process manager logs it when it takes its lease, a moment after the API is up.
    await ledger.tenantEvents();
    const outbox = outboxDirectoryOf(ledger.services.config.dataDirectory);
    const lines = ledger.logs.filter((line) => line.includes('email: sending with'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`email: sending with file outbox ${outbox}, from billing@localhost`);
  });

  it('an issued invoice is written as a parseable .eml named after the email, with the PDF', async () => {
    requireData(
      await ledger.graphql(EMAIL_DOCUMENTS.upsertCustomer, {
        input: { customerId: 'cus-eml', name: 'Outbox Customer', email: 'outbox@acme.example', billingAddress: { line1: '1 Main Street', city: 'Springfield', postalCode: '62701', country: 'US' }, taxExempt: false },
      }),
      'upsertCustomer',
    );
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId: 'cus-eml' }));
    const issued = await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id });
    const sent = (await ledger.tenantEvents(DEV_TENANT_ID)).filter((event) => event.type === 'EmailSent');
    expect(sent).toHaveLength(1);
    const emailId = sent[0]!.data.emailId as string;

    const outbox = outboxDirectoryOf(ledger.services.config.dataDirectory);
    const days = await readdir(outbox);
    expect(days).toHaveLength(1);
    expect(days[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await readdir(join(outbox, days[0]!))).toEqual([`${emailId}.eml`]);
    const parsed = await simpleParser(await readFile(join(outbox, days[0]!, `${emailId}.eml`)));
    expect(parsed.subject).toBe(`Invoice ${issued.invoice.number} from ${DEV_TENANT_ID}`);
    expect(parsed.messageId).toBe(`<email-${emailId}@localhost>`);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((address) => address.address) : []).toEqual(['outbox@acme.example']);
    const [attachment] = parsed.attachments;
    expect(attachment?.contentType).toBe('application/pdf');
    const bytes = new Uint8Array(attachment!.content.length);
    bytes.set(attachment!.content);
    expect(await pdfText(bytes.buffer)).toContain(issued.invoice.number as string);
  });
});
