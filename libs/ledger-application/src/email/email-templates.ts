import { assertNever, formatDate, formatMoney } from '../../../billing/src/index.js';

/**
 * The emails' words (docs/email.md, "Templates"): a subject, a plain-text body and an HTML body per kind, pure
 * functions of what they show. Amounts and dates are written for the tenant's locale (formatMoney, formatDate: `1.234,50
 * €` and `15.01.2024` for de-DE); the words are English. Every value that comes from outside (customer and company
 * names, numbers, references) is escaped in the HTML, so a name such as `<script>` is shown, never run. The logo is
 * referenced by its https URL in an <img> (the mail client fetches it, the ledger never does).
 */

export interface EmailCompany {
  /** The name shown as the sender and in the text: the company name, else the tenant's name, else its id. */
  readonly name: string;
  readonly logoUrl: string | null;
  /** "#RRGGBB": the heading colour. */
  readonly brandColor: string;
  readonly email: string | null;
  readonly website: string | null;
}

export interface EmailInvoiceFacts {
  readonly number: string;
  readonly currency: string;
  readonly total: string;
  readonly balanceDue: string;
  readonly issueDate: string;
  readonly dueDate: string;
}

export interface EmailPaidInvoice {
  readonly number: string;
  readonly amount: string;
}

export interface EmailPaymentFacts {
  readonly amount: string;
  readonly currency: string;
  /** The tenant's calendar date the payment succeeded. */
  readonly date: string;
  readonly methodDescription: string;
  readonly reference: string | null;
  readonly invoicesPaid: readonly EmailPaidInvoice[];
}

export interface EmailReceiptFacts extends EmailPaymentFacts {
  readonly number: string;
}

interface EmailContentBase {
  readonly company: EmailCompany;
  /** The customer's name as registered; null: a neutral greeting. */
  readonly customerName: string | null;
  /** BCP-47, the tenant's (settings.tenant.locale). */
  readonly locale: string;
}

/** What one email shows, by kind. */
export type EmailContent =
  | (EmailContentBase & { readonly kind: 'invoice'; readonly invoice: EmailInvoiceFacts; readonly paymentTerms: string | null })
  | (EmailContentBase & { readonly kind: 'overdue_notice'; readonly invoice: EmailInvoiceFacts })
  /** `daysBeforeDue`: days left until the due date (0: due today; negative: the due date has passed). */
  | (EmailContentBase & { readonly kind: 'payment_reminder'; readonly invoice: EmailInvoiceFacts; readonly daysBeforeDue: number })
  | (EmailContentBase & { readonly kind: 'receipt'; readonly receipt: EmailReceiptFacts })
  | (EmailContentBase & { readonly kind: 'payment_confirmation'; readonly payment: EmailPaymentFacts });

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** A paragraph: plain text, and the same in HTML with its values escaped and some of them bold. */
interface Paragraph {
  readonly parts: readonly (string | { readonly strong: string })[];
}

const p = (...parts: Paragraph['parts']): Paragraph => ({ parts });
const strong = (value: string): { strong: string } => ({ strong: value });

export function renderEmail(content: EmailContent): RenderedEmail {
  const { company, locale } = content;
  const money = (amount: string, currency: string) => formatMoney(amount, currency, locale);
  const date = (value: string) => formatDate(value, locale);
  let subject: string;
  let heading: string;
  let body: Paragraph[];
  let facts: [string, string][];
  switch (content.kind) {
    case 'invoice': {
      const { invoice } = content;
      subject = `Invoice ${invoice.number} from ${company.name}`;
      heading = `Invoice ${invoice.number}`;
      body = [
        p(`${company.name} has sent you invoice `, strong(invoice.number), ' for ', strong(money(invoice.total, invoice.currency)), '.'),
        p('Please pay ', strong(money(invoice.balanceDue, invoice.currency)), ' by ', strong(date(invoice.dueDate)), '. The invoice is attached as a PDF.'),
      ];
      facts = invoiceFacts(invoice, money, date);
      if (content.paymentTerms !== null) facts.push(['Payment terms', content.paymentTerms]);
      break;
    }
    case 'overdue_notice': {
      const { invoice } = content;
      subject = `Overdue: invoice ${invoice.number} from ${company.name}`;
      heading = `Invoice ${invoice.number} is overdue`;
      body = [
        p('Invoice ', strong(invoice.number), ' was due on ', strong(date(invoice.dueDate)), ' and ', strong(money(invoice.balanceDue, invoice.currency)), ' is still unpaid.'),
        p('Please pay the balance as soon as possible. If you have paid it in the meantime, thank you, and please disregard this notice. The invoice is attached as a PDF.'),
      ];
      facts = invoiceFacts(invoice, money, date);
      break;
    }
    case 'payment_reminder': {
      const { invoice } = content;
      subject = `Reminder: invoice ${invoice.number} is due on ${date(invoice.dueDate)}`;
      heading = `Payment reminder`;
      body = [
        content.daysBeforeDue > 0
          ? p('This is a friendly reminder that invoice ', strong(invoice.number), ' is due in ', strong(daysText(content.daysBeforeDue)), ', on ', strong(date(invoice.dueDate)), '.')
          : content.daysBeforeDue === 0
            ? p('This is a friendly reminder that invoice ', strong(invoice.number), ' is due today, ', strong(date(invoice.dueDate)), '.')
            : p('This is a friendly reminder that invoice ', strong(invoice.number), ' was due on ', strong(date(invoice.dueDate)), '.'),
        p('The balance due is ', strong(money(invoice.balanceDue, invoice.currency)), '. If you have already paid it, thank you. The invoice is attached as a PDF.'),
      ];
      facts = invoiceFacts(invoice, money, date);
      break;
    }
    case 'receipt': {
      const { receipt } = content;
      subject = `Receipt ${receipt.number} from ${company.name}`;
      heading = `Receipt ${receipt.number}`;
      body = [
        p('Thank you for your payment of ', strong(money(receipt.amount, receipt.currency)), ' received on ', strong(date(receipt.date)), '.'),
        p('Your receipt ', strong(receipt.number), ' is attached as a PDF.'),
      ];
      facts = paymentFacts(receipt, money, date);
      break;
    }
    case 'payment_confirmation': {
      const { payment } = content;
      subject = `Payment received: ${money(payment.amount, payment.currency)}, thank you`;
      heading = 'Payment received';
      body = [p('Thank you: we received your payment of ', strong(money(payment.amount, payment.currency)), ' on ', strong(date(payment.date)), '.')];
      facts = paymentFacts(payment, money, date);
      break;
    }
    default:
      return assertNever(content, 'email content');
  }
  const greeting = content.customerName === null ? 'Hello,' : `Dear ${content.customerName},`;
  const closing = `Kind regards,\n${company.name}`;
  const contact = [company.email, company.website].filter((value): value is string => value !== null);
  const text = [
    greeting,
    '',
    ...body.map((paragraph) => paragraph.parts.map((part) => (typeof part === 'string' ? part : part.strong)).join('')).flatMap((line) => [line, '']),
    ...facts.map(([label, value]) => `${label}: ${value}`),
    ...(facts.length > 0 ? [''] : []),
    closing,
    ...contact,
    '',
  ].join('\n');
  return { subject, text, html: htmlOf(content, heading, greeting, body, facts, contact) };
}

function invoiceFacts(invoice: EmailInvoiceFacts, money: (amount: string, currency: string) => string, date: (value: string) => string): [string, string][] {
  return [
    ['Invoice number', invoice.number],
    ['Issue date', date(invoice.issueDate)],
    ['Due date', date(invoice.dueDate)],
    ['Total', money(invoice.total, invoice.currency)],
    ['Balance due', money(invoice.balanceDue, invoice.currency)],
  ];
}

function paymentFacts(payment: EmailPaymentFacts | EmailReceiptFacts, money: (amount: string, currency: string) => string, date: (value: string) => string): [string, string][] {
  return [
    ...('number' in payment ? [['Receipt number', payment.number] as [string, string]] : []),
    ['Amount', money(payment.amount, payment.currency)],
    ['Date', date(payment.date)],
    ['Paid by', payment.methodDescription],
    ...(payment.reference === null ? [] : [['Reference', payment.reference] as [string, string]]),
    ...payment.invoicesPaid.map((invoice): [string, string] => [`Invoice ${invoice.number}`, money(invoice.amount, payment.currency)]),
  ];
}

function daysText(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}

const BRAND_COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;
const DEFAULT_BRAND_COLOR = '#1F2937';

function htmlOf(content: EmailContent, heading: string, greeting: string, body: readonly Paragraph[], facts: readonly [string, string][], contact: readonly string[]): string {
  const { company } = content;
  const color = BRAND_COLOR_PATTERN.test(company.brandColor) ? company.brandColor : DEFAULT_BRAND_COLOR;
  const logoUrl = safeImageUrl(company.logoUrl);
  const logo = logoUrl === null ? '' : `<p><img src="${escapeHtml(logoUrl)}" alt="${escapeHtml(company.name)}" style="max-height:60px;max-width:240px"></p>\n`;
  const paragraphs = body.map((paragraph) => `<p>${paragraph.parts.map((part) => (typeof part === 'string' ? escapeHtml(part) : `<strong>${escapeHtml(part.strong)}</strong>`)).join('')}</p>`);
  const rows = facts.map(([label, value]) => `<tr><td style="padding:2px 16px 2px 0;color:#6B7280">${escapeHtml(label)}</td><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`);
  const table = rows.length === 0 ? '' : `<table role="presentation" style="border-collapse:collapse;margin:8px 0 16px">\n${rows.join('\n')}\n</table>\n`;
  const footer = [`Kind regards,<br>${escapeHtml(company.name)}`, ...contact.map((line) => escapeHtml(line))].join('<br>');
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(content.locale)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>',
    '<body style="font-family:Helvetica,Arial,sans-serif;color:#111827;line-height:1.5">',
    `${logo}<h1 style="font-size:20px;color:${color}">${escapeHtml(heading)}</h1>`,
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs,
    `${table}<p>${footer}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Text as HTML: the five characters that could open markup or leave an attribute are written as entities. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Only an absolute https URL is referenced as an image: never javascript:, data: or a relative path. */
function safeImageUrl(value: string | null): string | null {
  if (value === null) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
