import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SmtpTestServer } from '../../libs/mail/src/testing/smtp-test-server.js';
import { startTestLedger, TestClock, type TestLedger } from '../support/ledger-test-app.js';
import { EmailScenario } from './email-scenario.js';

/**
 * An SMTP server that requires authentication, the user in LEDGER_SMTP_URL and the password in LEDGER_SMTP_PASSWORD:
 * mail goes through, and the password appears in no log line, no stored event and no answer (docs/email.md).
 */

const PASSWORD = 'Sm7p-pa55word/with:odd@chars';
const server = new SmtpTestServer({ credentials: { user: 'ledger-mailer', password: PASSWORD } });
let ledger: TestLedger;

beforeAll(async () => {
  await server.start();
  const port = new URL(server.url).port;
  ledger = await startTestLedger({
    clock: new TestClock('2026-03-02T09:00:00.000Z'),
    environment: { LEDGER_SMTP_URL: `smtp://ledger-mailer@127.0.0.1:${port}`, LEDGER_SMTP_PASSWORD: PASSWORD, LEDGER_MAIL_FROM: 'billing@fibre.example' },
  });
});

afterAll(async () => {
  await ledger?.stop();
  await server.stop();
});

describe('SMTP with a password', () => {
  it('authenticates and sends; the password is in no log, event or answer, and the start-up line names the host only', async () => {
    const scenario = await EmailScenario.start(ledger, server, 'mail-auth');
    await scenario.customer('cus-auth');
    const { invoiceId } = await scenario.issueInvoice('cus-auth');
    const [mail] = await scenario.receivedExactly(1);
    expect(mail!.user).toBe('ledger-mailer');

    const startLine = ledger.logs.find((line) => line.includes('email: sending with'));
    expect(startLine).toContain(`email: sending with SMTP smtp://127.0.0.1:${new URL(server.url).port} (authenticated), from billing@fibre.example`);
    expect(startLine).not.toContain('ledger-mailer');
    const everything = [JSON.stringify(ledger.logs), JSON.stringify((await scenario.events()).map((event) => ({ data: event.data, metadata: event.metadata }))), JSON.stringify(await scenario.emails()), JSON.stringify(await scenario.invoiceEmails(invoiceId))].join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(encodeURIComponent(PASSWORD));
  });
});
