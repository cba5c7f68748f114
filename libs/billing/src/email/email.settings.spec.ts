import { describe, expect, it } from '@jest/globals';
import { defaultBillingSettings, type BillingSettings } from '../billing-settings/billing-settings.js';
import { automaticEmailEnabled } from './email.settings.js';
import type { EmailKind } from './email.events.js';

interface Toggles {
  sendInvoiceEmails?: boolean;
  sendPaymentReminders?: boolean;
  invoices?: boolean;
  receipts?: boolean;
  paymentConfirmations?: boolean;
  overdueNotices?: boolean;
  receiptsFeature?: boolean;
}

function settingsWith(toggles: Toggles): BillingSettings {
  const base = structuredClone(defaultBillingSettings) as BillingSettings;
  return {
    ...base,
    invoice: { ...base.invoice, sendInvoiceEmails: toggles.sendInvoiceEmails ?? true, sendPaymentReminders: toggles.sendPaymentReminders ?? true },
    notifications: {
      ...base.notifications,
      email: { invoices: toggles.invoices ?? true, receipts: toggles.receipts ?? true, paymentConfirmations: toggles.paymentConfirmations ?? true, overdueNotices: toggles.overdueNotices ?? true },
    },
    features: { ...base.features, receipts: toggles.receiptsFeature ?? true },
  };
}

describe('automaticEmailEnabled', () => {
  it.each<[EmailKind, Toggles, boolean]>([
    ['invoice', {}, true],
    ['invoice', { sendInvoiceEmails: false }, false],
    ['invoice', { invoices: false }, false],
    ['receipt', {}, true],
    ['receipt', { receipts: false }, false],
    ['receipt', { receiptsFeature: false }, false],
    // The receipt email confirms the payment: no second email for the same payment.
    ['payment_confirmation', {}, false],
    ['payment_confirmation', { receipts: false }, true],
    ['payment_confirmation', { receiptsFeature: false }, true],
    ['payment_confirmation', { receipts: false, paymentConfirmations: false }, false],
    ['overdue_notice', {}, true],
    ['overdue_notice', { overdueNotices: false }, false],
    ['overdue_notice', { invoices: false, sendInvoiceEmails: false }, true],
    ['payment_reminder', {}, true],
    ['payment_reminder', { sendPaymentReminders: false }, false],
    ['payment_reminder', { invoices: false }, true],
  ])('%s with %j: %s', (kind, toggles, expected) => {
    expect(automaticEmailEnabled(kind, settingsWith(toggles))).toBe(expected);
  });

  it('defaults send invoices, receipts, overdue notices and reminders, and fold the confirmation into the receipt', () => {
    const enabled = (['invoice', 'receipt', 'payment_confirmation', 'overdue_notice', 'payment_reminder'] as const).filter((kind) => automaticEmailEnabled(kind, defaultBillingSettings));
    expect(enabled).toEqual(['invoice', 'receipt', 'overdue_notice', 'payment_reminder']);
  });
});
