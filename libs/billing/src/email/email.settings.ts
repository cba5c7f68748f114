import type { BillingSettings } from '../billing-settings/billing-settings.js';
import { assertNever } from '../common/assert-never.js';
import type { EmailKind } from './email.events.js';

/**
 * Which emails a tenant sends by itself (docs/email.md, "Triggers and toggles"), from its settings:
 *
 * | kind | sent when |
 * |---|---|
 * | invoice | `invoice.sendInvoiceEmails` and `notifications.email.invoices` |
 * | receipt | `features.receipts` and `notifications.email.receipts` |
 * | payment_confirmation | `notifications.email.paymentConfirmations`, unless a receipt email goes for the payment |
 * | overdue_notice | `notifications.email.overdueNotices` |
 * | payment_reminder | `invoice.sendPaymentReminders` |
 *
 * A payment confirmation and a receipt email say the same thing ("we received your payment"), so a payment that gets a
 * receipt email gets no separate confirmation: the receipt email is the confirmation. An explicit `sendInvoice` sends
 * whatever these say.
 */
export function automaticEmailEnabled(kind: EmailKind, settings: BillingSettings): boolean {
  const email = settings.notifications.email;
  switch (kind) {
    case 'invoice':
      return settings.invoice.sendInvoiceEmails && email.invoices;
    case 'receipt':
      return receiptEmailsEnabled(settings);
    case 'payment_confirmation':
      return email.paymentConfirmations && !receiptEmailsEnabled(settings);
    case 'overdue_notice':
      return email.overdueNotices;
    case 'payment_reminder':
      return settings.invoice.sendPaymentReminders;
    default:
      return assertNever(kind, 'email kind');
  }
}

function receiptEmailsEnabled(settings: BillingSettings): boolean {
  return settings.features.receipts && settings.notifications.email.receipts;
}

/** The settings that decide a kind, as named in a log line when an email is not sent. */
export const emailToggles: Readonly<Record<EmailKind, string>> = {
  invoice: 'invoice.sendInvoiceEmails and notifications.email.invoices',
  receipt: 'features.receipts and notifications.email.receipts',
  payment_confirmation: 'notifications.email.paymentConfirmations (and no receipt email: features.receipts and notifications.email.receipts)',
  overdue_notice: 'notifications.email.overdueNotices',
  payment_reminder: 'invoice.sendPaymentReminders',
};
