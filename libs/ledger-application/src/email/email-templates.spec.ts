import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { escapeHtml, renderEmail, type EmailContent } from './email-templates.js';

const company = { name: 'Fibre Networks GmbH', logoUrl: null, brandColor: '#0A7F3F', email: 'billing@fibre.example', website: 'https://fibre.example' };
const invoice = { number: 'INV-2024-000042', currency: 'EUR', total: '1234.50', balanceDue: '1234.50', issueDate: '2024-01-01', dueDate: '2024-01-15' };
/** Intl writes a no-break space (U+00A0) or a narrow one (U+202F) in some locales: compare as plain spaces. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

function content(overrides: Partial<EmailContent> & Pick<EmailContent, 'kind'>): EmailContent {
  return { company, customerName: 'Acme Fibre Inc.', locale: 'en-US', invoice, paymentTerms: 'Net 14', ...overrides } as EmailContent;
}

describe('renderEmail', () => {
  it('an invoice for a de-DE tenant: amounts and dates in its locale, the number, the company, the due date', () => {
    const email = renderEmail(content({ kind: 'invoice', locale: 'de-DE' }));
    expect(email.subject).toBe('Invoice INV-2024-000042 from Fibre Networks GmbH');
    expect(plain(email.text)).toContain('Fibre Networks GmbH has sent you invoice INV-2024-000042 for 1.234,50 €.');
    expect(plain(email.text)).toContain('Please pay 1.234,50 € by 15.01.2024.');
    expect(plain(email.text)).toContain('Payment terms: Net 14');
    expect(plain(email.html)).toContain('<strong>1.234,50 €</strong>');
    expect(email.html).toContain('<html lang="de-DE">');
  });

  it('en-US writes the same invoice as $-style amounts and MM/DD/YYYY', () => {
    const email = renderEmail(content({ kind: 'invoice', invoice: { ...invoice, currency: 'USD' } }));
    expect(email.text).toContain('for $1,234.50.');
    expect(email.text).toContain('by 01/15/2024.');
  });

  it.each<[EmailContent, string]>([
    [content({ kind: 'overdue_notice' }), 'Overdue: invoice INV-2024-000042 from Fibre Networks GmbH'],
    [content({ kind: 'payment_reminder', daysBeforeDue: 3 } as Partial<EmailContent> & { kind: 'payment_reminder' }), 'Reminder: invoice INV-2024-000042 is due on 01/15/2024'],
    [
      content({ kind: 'receipt', receipt: { number: 'REC-2024-000001', amount: '71.96', currency: 'USD', date: '2024-01-10', methodDescription: 'visa ****4242', reference: null, invoicesPaid: [{ number: 'INV-1', amount: '71.96' }] } } as Partial<EmailContent> & { kind: 'receipt' }),
      'Receipt REC-2024-000001 from Fibre Networks GmbH',
    ],
    [
      content({ kind: 'payment_confirmation', payment: { amount: '71.96', currency: 'USD', date: '2024-01-10', methodDescription: 'cash', reference: 'till-3', invoicesPaid: [] } } as Partial<EmailContent> & { kind: 'payment_confirmation' }),
      'Payment received: $71.96, thank you',
    ],
  ])('subject of %#', (email, subject) => {
    expect(renderEmail(email).subject).toBe(subject);
  });

  it('a reminder counts the days, and says "today" on the due date', () => {
    expect(renderEmail(content({ kind: 'payment_reminder', daysBeforeDue: 1 } as Partial<EmailContent> & { kind: 'payment_reminder' })).text).toContain('is due in 1 day, on 01/15/2024.');
    expect(renderEmail(content({ kind: 'payment_reminder', daysBeforeDue: 7 } as Partial<EmailContent> & { kind: 'payment_reminder' })).text).toContain('is due in 7 days, on 01/15/2024.');
    expect(renderEmail(content({ kind: 'payment_reminder', daysBeforeDue: 0 } as Partial<EmailContent> & { kind: 'payment_reminder' })).text).toContain('is due today, 01/15/2024.');
    expect(renderEmail(content({ kind: 'payment_reminder', daysBeforeDue: -2 } as Partial<EmailContent> & { kind: 'payment_reminder' })).text).toContain('invoice INV-2024-000042 was due on 01/15/2024.');
  });

  it('a receipt lists the invoices paid and the reference', () => {
    const email = renderEmail(
      content({ kind: 'receipt', receipt: { number: 'REC-1', amount: '100.00', currency: 'USD', date: '2024-01-10', methodDescription: 'wire transfer', reference: 'WT-77', invoicesPaid: [{ number: 'INV-1', amount: '60.00' }, { number: 'INV-2', amount: '40.00' }] } } as Partial<EmailContent> & { kind: 'receipt' }),
    );
    expect(email.text).toContain('Receipt number: REC-1\nAmount: $100.00\nDate: 01/10/2024\nPaid by: wire transfer\nReference: WT-77\nInvoice INV-1: $60.00\nInvoice INV-2: $40.00');
  });

  it('escapes a hostile customer name and company name in the HTML, and keeps them as written in the text', () => {
    const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const email = renderEmail(content({ kind: 'invoice', customerName: hostile, company: { ...company, name: `Evil "Corp" <b>` } }));
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).not.toContain('<b>');
    expect(email.html).toContain('Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;,');
    expect(email.html).toContain('Evil &quot;Corp&quot; &lt;b&gt;');
    expect(email.text).toContain(`Dear ${hostile},`);
  });

  it('references an https logo as an image, escaped, and never a javascript:, data: or http one', () => {
    const withLogo = renderEmail(content({ kind: 'invoice', company: { ...company, logoUrl: 'https://cdn.fibre.example/logo.png?a=1&b="2"' } }));
    expect(withLogo.html).toContain('<img src="https://cdn.fibre.example/logo.png?a=1&amp;b=%222%22" alt="Fibre Networks GmbH"');
    for (const logoUrl of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'http://cdn.fibre.example/logo.png', 'logo.png']) {
      expect(renderEmail(content({ kind: 'invoice', company: { ...company, logoUrl } })).html).not.toContain('<img');
    }
  });

  it('uses the brand colour only when it is #RRGGBB', () => {
    expect(renderEmail(content({ kind: 'invoice' })).html).toContain('color:#0A7F3F');
    const hostile = renderEmail(content({ kind: 'invoice', company: { ...company, brandColor: 'red;background:url(https://x)' } }));
    expect(hostile.html).toContain('color:#1F2937');
    expect(hostile.html).not.toContain('url(');
  });

  it('greets neutrally when the customer has no name', () => {
    expect(renderEmail(content({ kind: 'invoice', customerName: null })).text.startsWith('Hello,\n')).toBe(true);
  });

  it('no customer or company name can open a tag or an attribute in the HTML (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ minLength: 1, maxLength: 60 }), (customerName, companyName) => {
        const { html } = renderEmail(content({ kind: 'overdue_notice', customerName, company: { ...company, name: companyName } }));
        const tags = html.match(/<[^>]*>/g) ?? [];
        // Every tag in the output is one of the template's own.
        for (const tag of tags) expect(tag).toMatch(/^<\/?(!DOCTYPE html|html|head|meta|body|h1|p|strong|table|tr|td|br)( [^<]*)?>$/);
        expect(html).toContain(escapeHtml(customerName));
      }),
      { numRuns: 300 },
    );
  });
});

describe('escapeHtml', () => {
  it('writes the five markup characters as entities and nothing else changes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    fc.assert(
      fc.property(fc.string(), (value) => {
        const escaped = escapeHtml(value);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')).toBe(value);
      }),
    );
  });
});
