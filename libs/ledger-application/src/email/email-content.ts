import {
  assertNever,
  calendarDateInZone,
  describePaymentMethod,
  describePaymentMethodType,
  type BillingSettings,
  type EmailKind,
  type InvoiceState,
} from '../../../billing/src/index.js';
import { aggregates, load } from '../../../application/src/index.js';
import { Money } from '../../../money/src/index.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import type { EmailCompany, EmailContent, EmailInvoiceFacts, EmailPaidInvoice } from './email-templates.js';
import type { EmailServices } from './email-services.js';

/** What an email is about: the same on every attempt. */
export interface EmailSubject {
  readonly kind: EmailKind;
  readonly documentId: string;
  readonly customerId: string;
  /**
   * A reminder's days before the due date as its trigger stated them (InvoicePaymentReminderDue): a first attempt made
   * on a later day (downtime, a test clock moved past the day) is not sent (reminderDaysLeft). A retry has no trigger at
   * hand and counts the days from the day it is made.
   */
  readonly daysBeforeDue?: number;
}

/** A PDF to attach: the invoice's or the receipt's. */
export type EmailAttachmentSource = { readonly document: 'invoice' | 'receipt'; readonly id: string };

/**
 * Everything one attempt shows, read when the attempt is made (so a retry shows the invoice's balance as it is then),
 * or why the email no longer applies (an overdue notice for an invoice paid meanwhile).
 */
export type EmailFacts =
  | {
      readonly applicable: true;
      readonly content: EmailContent;
      /** The customer's email address; null: nobody to send to. */
      readonly recipient: string | null;
      readonly replyTo: string | null;
      readonly attachment: EmailAttachmentSource | null;
    }
  | { readonly applicable: false; readonly reason: string };

/** At most this many invoices are listed in a payment confirmation (a payment may pay many). */
const PAID_INVOICES_SHOWN_MAX = 20;

/** Invoices that owe nothing or were never issued: reminders and overdue notices no longer apply to them. */
const settledInvoiceStatuses: ReadonlySet<string> = new Set(['none', 'draft', 'paid', 'void', 'written_off']);

export async function emailFactsOf(services: EmailServices, tenantId: string, subject: EmailSubject, now: string): Promise<EmailFacts> {
  const [settings, customer] = await Promise.all([loadBillingSettings(services, tenantId), load(services.store, aggregates.customer, tenantId, subject.customerId)]);
  const base = {
    company: emailCompanyOf(settings, tenantId),
    customerName: customer.state.details?.name ?? null,
    locale: settings.tenant.locale,
  };
  const recipient = customer.state.details?.email ?? null;
  const replyTo = plainAddress(settings.company.email);
  const ready = (content: EmailContent, attachment: EmailAttachmentSource | null): EmailFacts => ({ applicable: true, content, recipient, replyTo, attachment });
  switch (subject.kind) {
    case 'invoice':
    case 'overdue_notice':
    case 'payment_reminder': {
      const invoice = (await load(services.store, aggregates.invoice, tenantId, subject.documentId)).state;
      const problem = subject.kind === 'invoice' ? unsendableInvoice(invoice) : settledInvoice(invoice);
      if (problem !== null) return { applicable: false, reason: problem };
      const facts = invoiceFactsOf(invoice);
      const attachment: EmailAttachmentSource = { document: 'invoice', id: subject.documentId };
      if (subject.kind === 'invoice') return ready({ ...base, kind: 'invoice', invoice: facts, paymentTerms: settings.payment.defaultPaymentTerms || null }, attachment);
      if (subject.kind === 'overdue_notice') return ready({ ...base, kind: 'overdue_notice', invoice: facts }, attachment);
      const due = reminderDaysLeft(calendarDateInZone(now, settings.tenant.timeZone), facts.dueDate, subject.daysBeforeDue);
      if (typeof due === 'string') return { applicable: false, reason: due };
      return ready({ ...base, kind: 'payment_reminder', invoice: facts, daysBeforeDue: due }, attachment);
    }
    case 'receipt': {
      const { receipt } = (await load(services.store, aggregates.receipt, tenantId, subject.documentId)).state;
      if (receipt === null) return { applicable: false, reason: `document_not_found: receipt ${subject.documentId}` };
      return ready(
        {
          ...base,
          kind: 'receipt',
          receipt: {
            number: receipt.number,
            amount: receipt.amount,
            currency: receipt.currency,
            date: receipt.issueDate,
            methodDescription: receipt.methodDescription,
            reference: receipt.paymentReference,
            invoicesPaid: receipt.invoicesPaid.slice(0, PAID_INVOICES_SHOWN_MAX).map((paid) => ({ number: paid.number, amount: paid.amount })),
          },
        },
        { document: 'receipt', id: subject.documentId },
      );
    }
    case 'payment_confirmation': {
      const payment = (await load(services.store, aggregates.payment, tenantId, subject.documentId)).state;
      if (payment.allocation === null || payment.currency === null || payment.method === null || payment.succeededAt === null) {
        return { applicable: false, reason: `document_not_found: no allocated payment ${subject.documentId}` };
      }
      const method = payment.method;
      let methodDescription = describePaymentMethodType(method);
      if (payment.paymentMethodId !== null) {
        const onFile = (await load(services.store, aggregates.paymentMethod, tenantId, payment.paymentMethodId)).state;
        if (onFile.type !== null) methodDescription = describePaymentMethod(onFile);
      }
      const invoicesPaid: EmailPaidInvoice[] = [];
      for (const allocation of payment.allocation.allocations.slice(0, PAID_INVOICES_SHOWN_MAX)) {
        const invoice = (await load(services.store, aggregates.invoice, tenantId, allocation.invoiceId)).state;
        invoicesPaid.push({ number: invoice.number ?? allocation.invoiceId, amount: allocation.amount });
      }
      return ready(
        {
          ...base,
          kind: 'payment_confirmation',
          payment: {
            amount: payment.amount,
            currency: payment.currency,
            date: calendarDateInZone(payment.succeededAt, settings.tenant.timeZone),
            methodDescription,
            reference: payment.reference,
            invoicesPaid,
          },
        },
        null,
      );
    }
    default:
      return assertNever(subject.kind, 'email kind');
  }
}

/** The sender as an email shows it: the company name, else the tenant's name, else its id. */
export function emailCompanyOf(settings: BillingSettings, tenantId: string): EmailCompany {
  const { company } = settings;
  return { name: company.name ?? settings.tenant.name ?? tenantId, logoUrl: company.logoUrl, brandColor: company.brandColor, email: company.email, website: company.website };
}

function invoiceFactsOf(invoice: InvoiceState): EmailInvoiceFacts {
  // Only issued invoices get here, and an issued invoice has all of these.
  if (invoice.number === null || invoice.currency === null || invoice.issueDate === null || invoice.dueDate === null) throw new Error(`invoice ${invoice.invoiceId} is issued but lacks its number or dates`);
  return { number: invoice.number, currency: invoice.currency, total: invoice.total, balanceDue: invoice.balanceDue, issueDate: invoice.issueDate, dueDate: invoice.dueDate };
}

/** sendInvoice and the issue email: any issued invoice, but not a draft or a voided one. */
function unsendableInvoice(invoice: InvoiceState): string | null {
  if (invoice.status === 'none') return `document_not_found: invoice ${invoice.invoiceId ?? ''}`.trim();
  if (invoice.status === 'draft' || invoice.status === 'void') return `not_sendable: the invoice is ${invoice.status}`;
  return null;
}

/** Reminders and overdue notices: only while the invoice still owes something. */
function settledInvoice(invoice: InvoiceState): string | null {
  if (settledInvoiceStatuses.has(invoice.status)) return `not_applicable: the invoice is ${invoice.status}`;
  if (invoice.currency === null || !Money.parseComputed(invoice.balanceDue, invoice.currency).isPositive()) return 'not_applicable: nothing is due';
  return null;
}

/**
 * The days left until the due date that a reminder states, or why it is not sent: a reminder goes out on its own day
 * only, never after the due date (the overdue notice speaks then), and a reminder handled after its day (the process
 * manager catching up after downtime, a test clock moved past several reminder days at once) is superseded by the next
 * reminder or the overdue notice rather than sent late with a wrong count or bunched with the others. `statedDays` is
 * the trigger's daysBeforeDue (undefined: a retry, which counts from `today`).
 */
export function reminderDaysLeft(today: string, dueDate: string, statedDays: number | undefined): number | string {
  const left = daysBetween(today, dueDate);
  if (left < 0) return 'not_applicable: the due date has passed';
  if (statedDays !== undefined && left < statedDays) return `not_applicable: the ${statedDays}-day reminder is late (${left} days left)`;
  return left;
}

/** Calendar days from `from` to `to` (negative when `to` is earlier): both parse as midnight UTC, so the difference is whole days. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/** A Reply-To address: the company's email when it is a plain address, else none. */
function plainAddress(value: string | null): string | null {
  return value !== null && /^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(value) ? value : null;
}
