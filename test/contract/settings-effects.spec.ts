import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultBillingSettings } from '../../libs/billing/src/index.js';

/**
 * Every billing setting takes effect, and a test shows it (not only that the value is stored or validated). The table
 * below names, for each leaf field of `defaultBillingSettings` (an array is one leaf), what the field does and the
 * tests that show it; this spec checks that the table covers exactly the fields the settings have (a field added or
 * removed without updating the table fails here) and that every test named exists in its file.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface TestReference {
  /** Repository-relative path of the spec file. */
  readonly file: string;
  /** An exact substring of an it() / test() / it.each title in that file. */
  readonly title: string;
}

interface FieldEffect {
  readonly effect: string;
  readonly tests: readonly TestReference[];
}

const DOCUMENTS = 'test/documents/documents.e2e.spec.ts';
const EFFECT = 'test/e2e/settings-effect.e2e.spec.ts';
const EFFECT_MORE = 'test/e2e/settings-effect-more.e2e.spec.ts';
const EMAIL = 'test/email/email-delivery.e2e.spec.ts';
const EMAIL_TEMPLATES = 'libs/ledger-application/src/email/email-templates.spec.ts';
const NUMBERING = 'test/e2e/numbering.e2e.spec.ts';
const OVERDUE = 'test/overdue/overdue.e2e.spec.ts';
const TAX = 'test/e2e/tax.e2e.spec.ts';
const WEBHOOK_REPLAY = 'test/webhooks/webhook-replay.e2e.spec.ts';
const WEBHOOK_DELIVERY = 'test/webhooks/webhook-delivery.e2e.spec.ts';
const SUBSCRIPTIONS = 'test/e2e/subscriptions-lifecycle.e2e.spec.ts';

const companyBlock: TestReference = {
  file: DOCUMENTS,
  title: 'shows the company block, the tax registrations, the customer, the lines, the tax breakdown, the totals, the payment terms, the instructions, the terms and the footer',
};
const unsetDisappears: TestReference = {
  file: DOCUMENTS,
  title: 'what is unset or disabled disappears: instructions off, no footer, no terms, no registrations, no company contact',
};
const fullAddress: TestReference = {
  file: EFFECT_MORE,
  title: 'prints every part of company.address: line1, line2, the city line with state and postal code, and the country',
};
const invoiceEmail: TestReference = {
  file: EMAIL,
  title: 'an issued invoice reaches the server once, from the company, with its PDF attached and the invoice number in it',
};
const automaticTaxOff: TestReference = { file: EFFECT_MORE, title: 'a line without a rate is not taxed by the tenant rates' };
const addressEffect = (part: string): FieldEffect => ({
  effect: `The company address's ${part} is printed in the seller block of invoices, receipts and credit notes.`,
  tests: [fullAddress],
});

/**
 * Fields that nothing in the code reads (only stored and validated): no test can show an effect. Listed here so that
 * the gap is explicit; the lead decides whether each gets an effect or is removed.
 */
const fieldsWithoutEffect: readonly string[] = [];

const settingsEffects: Readonly<Record<string, FieldEffect>> = {
  'company.name': {
    effect: 'The seller name on every document and the sender name and subject of every email.',
    tests: [companyBlock, invoiceEmail],
  },
  'company.legalName': { effect: 'Printed under the company name in the seller block of documents when it differs.', tests: [companyBlock] },
  'company.taxId': { effect: 'Printed as "Tax ID: ..." in the seller block of documents.', tests: [companyBlock, unsetDisappears] },
  'company.registrationNumber': {
    effect: 'Printed as "Registration number: ..." in the seller block; absent when unset.',
    tests: [companyBlock, unsetDisappears],
  },
  'company.address.line1': addressEffect('first line'),
  'company.address.line2': addressEffect('second line'),
  'company.address.city': addressEffect('city (city line)'),
  'company.address.state': addressEffect('state (city line)'),
  'company.address.postalCode': addressEffect('postal code (city line)'),
  'company.address.country': addressEffect('country (last line)'),
  'company.phone': { effect: 'Printed as "Phone: ..." in the seller block; absent when unset.', tests: [companyBlock, unsetDisappears] },
  'company.email': {
    effect: 'Printed as "Email: ..." in the seller block, and the Reply-To of every email.',
    tests: [companyBlock, invoiceEmail],
  },
  'company.website': { effect: 'Printed as "Website: ..." in the seller block; absent when unset.', tests: [companyBlock, unsetDisappears] },
  'company.logoUrl': {
    effect: 'The image at the top of every email (an https URL only); documents draw the uploaded logo instead.',
    tests: [
      { file: EFFECT_MORE, title: 'shows company.logoUrl as its image and is coloured in company.brandColor' },
      { file: EMAIL_TEMPLATES, title: 'references an https logo as an image, escaped, and never a javascript:, data: or http one' },
    ],
  },
  'company.brandColor': {
    effect: 'The accent colour of documents under the BRAND colour scheme, and of emails.',
    tests: [
      { file: DOCUMENTS, title: 'colorScheme decides the fill colours: BRAND uses the brand colour, DEFAULT does not, MONOCHROME only greys' },
      { file: EFFECT_MORE, title: 'shows company.logoUrl as its image and is coloured in company.brandColor' },
    ],
  },

  'invoice.numberPrefix': { effect: 'The {prefix} of invoice numbers.', tests: [{ file: NUMBERING, title: 'the prefix comes from the settings too' }] },
  'invoice.numberFormat': {
    effect: 'The template of invoice numbers (and with it the period a sequence restarts in).',
    tests: [
      { file: NUMBERING, title: '%s -> %s' },
      { file: NUMBERING, title: 'a monthly template restarts at the month boundary of the tenant (Asia/Tokyo, UTC+9), a yearly one does not' },
    ],
  },
  'invoice.receiptNumberPrefix': {
    effect: 'The {prefix} of receipt numbers.',
    tests: [{ file: EFFECT_MORE, title: 'a receipt is numbered by invoice.receiptNumberPrefix and invoice.receiptNumberFormat' }],
  },
  'invoice.receiptNumberFormat': {
    effect: 'The template of receipt numbers.',
    tests: [{ file: EFFECT_MORE, title: 'a receipt is numbered by invoice.receiptNumberPrefix and invoice.receiptNumberFormat' }],
  },
  'invoice.creditNoteNumberPrefix': {
    effect: 'The {prefix} of credit note numbers.',
    tests: [{ file: EFFECT_MORE, title: 'a credit note is numbered by invoice.creditNoteNumberPrefix and invoice.creditNoteNumberFormat' }],
  },
  'invoice.creditNoteNumberFormat': {
    effect: 'The template of credit note numbers.',
    tests: [{ file: EFFECT_MORE, title: 'a credit note is numbered by invoice.creditNoteNumberPrefix and invoice.creditNoteNumberFormat' }],
  },
  'invoice.defaultDueDays': {
    effect: 'The payment terms (days from issue to due date) of an invoice whose input names none.',
    tests: [{ file: EFFECT, title: 'the default due days come from invoice.defaultDueDays when the input names no terms' }],
  },
  'invoice.paymentInstructions.enabled': { effect: 'Whether the payment instructions are printed on invoices.', tests: [companyBlock, unsetDisappears] },
  'invoice.paymentInstructions.text': { effect: 'The payment instructions printed on invoices (when enabled).', tests: [companyBlock] },
  'invoice.footer': {
    effect: 'The footer printed on every page of invoices, receipts and credit notes.',
    tests: [companyBlock, { file: DOCUMENTS, title: 'long terms and conditions wrap onto further pages, each numbered "Page n of m" with the footer' }],
  },
  'invoice.termsAndConditions': {
    effect: 'The terms and conditions printed on invoices and credit notes.',
    tests: [companyBlock, { file: DOCUMENTS, title: 'long terms and conditions wrap onto further pages, each numbered "Page n of m" with the footer' }],
  },
  'invoice.showLogo': {
    effect: 'Whether the uploaded logo is drawn on documents.',
    tests: [{ file: DOCUMENTS, title: 'an uploaded logo is drawn when invoice.showLogo is on, and not when it is off' }],
  },
  'invoice.colorScheme': {
    effect: 'The colours of documents: neutral, the brand colour, or greys only.',
    tests: [{ file: DOCUMENTS, title: 'colorScheme decides the fill colours: BRAND uses the brand colour, DEFAULT does not, MONOCHROME only greys' }],
  },
  'invoice.sendInvoiceEmails': {
    effect: 'Whether an issued invoice is emailed to the customer.',
    tests: [{ file: EMAIL, title: 'with the toggles off nothing is sent and nothing recorded; sendInvoice sends anyway' }],
  },
  'invoice.sendPaymentReminders': {
    effect: 'Whether payment reminders fall due (and are emailed) before the due date.',
    tests: [
      { file: EMAIL, title: 'reminders follow invoice.sendPaymentReminders and overdue notices notifications.email.overdueNotices' },
      { file: OVERDUE, title: 'with reminders switched off (after issue), no reminder falls due' },
      { file: OVERDUE, title: 'an invoice issued while reminders are off gets no reminder work at all' },
    ],
  },
  'invoice.reminderScheduleDays': {
    effect: 'The days before the due date on which payment reminders fall due.',
    tests: [{ file: EFFECT_MORE, title: 'reminders fall due on the days of invoice.reminderScheduleDays before the due date, and on no other' }],
  },

  'payment.enabledMethods': {
    effect: 'The payment methods a payment may use; others fail PAYMENT_METHOD_DISABLED.',
    tests: [{ file: EFFECT, title: 'a payment method outside payment.enabledMethods fails PAYMENT_METHOD_DISABLED' }],
  },
  'payment.defaultCurrency': {
    effect: 'The currency of an invoice created without one, and the reporting currency exchange rates are locked to.',
    tests: [
      { file: EFFECT, title: 'an invoice created without a currency is in payment.defaultCurrency' },
      { file: EFFECT, title: 'a EUR invoice issued at t2, with rates effective at t1 and t3, locks the rate of t1' },
    ],
  },
  'payment.supportedCurrencies': {
    effect: 'The currencies documents may be in; others fail CURRENCY_NOT_SUPPORTED.',
    tests: [{ file: EFFECT, title: 'an invoice in a currency outside payment.supportedCurrencies fails CURRENCY_NOT_SUPPORTED; adding it allows it' }],
  },
  'payment.defaultPaymentTerms': { effect: 'The payment terms printed on invoices ("Payment terms: ...").', tests: [companyBlock] },
  'payment.lateFeePercentage': {
    effect: 'The late fee charged, on an invoice of its own, when an invoice becomes overdue (none at 0).',
    tests: [
      { file: OVERDUE, title: 'a late fee invoice once' },
      { file: OVERDUE, title: 'a second dispatch (a crash, a second scheduler) charges nothing more' },
      { file: OVERDUE, title: 'without a late fee nothing is charged' },
    ],
  },
  'payment.retryFailedPayments': {
    effect: 'Whether a failed gateway payment schedules a retry.',
    tests: [{ file: 'test/e2e/payments.e2e.spec.ts', title: "the tenant's retry settings decide the count and the interval" }],
  },
  'payment.maxRetryAttempts': {
    effect: 'How many retries a failed payment gets before RETRIES_EXHAUSTED.',
    tests: [{ file: 'test/e2e/payments.e2e.spec.ts', title: "the tenant's retry settings decide the count and the interval" }],
  },
  'payment.retryIntervalHours': {
    effect: 'The hours from a failure to its retry (nextRetryAt).',
    tests: [{ file: 'test/e2e/payments.e2e.spec.ts', title: "the tenant's retry settings decide the count and the interval" }],
  },

  'tax.calculateAutomatically': {
    effect: 'Whether lines without an explicit rate are taxed by the tenant rates matching the customer address.',
    tests: [
      automaticTaxOff,
      { file: 'libs/billing/src/invoice/invoice.settings.decider.spec.ts', title: 'without automatic calculation a line without a rate is untaxed' },
    ],
  },
  'tax.pricesIncludeTax': {
    effect: 'Prices contain the tax: the net is the price less the tax in it.',
    tests: [{ file: TAX, title: 'prices contain GST and QST: the net is the price less the taxes in it and the subtotal is the net' }],
  },
  'tax.defaultRate': {
    effect: 'The rate of STANDARD subscription plans when automatic tax is off.',
    tests: [{ file: EFFECT_MORE, title: 'a STANDARD plan is taxed at tax.defaultRate when automatic tax is off' }],
  },
  'tax.registrations': { effect: 'Printed as "Tax registration (XX): ..." in the seller block of documents.', tests: [companyBlock, unsetDisappears] },
  'tax.rates': {
    effect: 'The rates automatic tax applies, by the jurisdiction of the customer address.',
    tests: [
      { file: TAX, title: 'mixed rates on one invoice (Québec: GST + QST) next to an explicitly taxed line' },
      { file: TAX, title: 'the billing address decides the jurisdiction: Ontario pays GST only' },
    ],
  },
  'tax.rounding': {
    effect: 'Tax rounded per line or once per rate over the invoice.',
    tests: [{ file: TAX, title: 'each rate is rounded once over the invoice and split back over the lines' }],
  },

  'notifications.email.invoices': {
    effect: 'Whether an issued invoice is emailed.',
    tests: [{ file: EMAIL, title: 'with the toggles off nothing is sent and nothing recorded; sendInvoice sends anyway' }],
  },
  'notifications.email.paymentConfirmations': {
    effect: 'Whether a payment is confirmed by email when no receipt email goes out.',
    tests: [
      { file: EMAIL, title: 'without receipt emails, a payment sends one payment confirmation' },
      { file: EMAIL, title: 'with receipt emails and confirmations off, a payment sends nothing and records no email' },
    ],
  },
  'notifications.email.overdueNotices': {
    effect: 'Whether an overdue invoice is emailed an overdue notice.',
    tests: [
      { file: EMAIL, title: 'reminders follow invoice.sendPaymentReminders and overdue notices notifications.email.overdueNotices' },
      { file: EMAIL, title: 'each reminder is emailed on its own day, a late one is skipped, and the overdue notice once' },
    ],
  },
  'notifications.email.receipts': {
    effect: 'Whether a receipt is emailed with its PDF.',
    tests: [
      { file: EMAIL, title: 'a payment sends one receipt email with the receipt PDF' },
      { file: EMAIL, title: 'without receipt emails, a payment sends one payment confirmation' },
    ],
  },
  'notifications.webhooks': {
    effect: 'The endpoints events are delivered to: each its subscribed types, its auth, its signing secret, enabled or not.',
    tests: [
      { file: WEBHOOK_REPLAY, title: 'only the subscribed types, and with features.webhooks off nothing at all (nor later)' },
      { file: WEBHOOK_DELIVERY, title: 'the official verifier accepts what the ledger sends, and the headers are those of the spec' },
      { file: WEBHOOK_DELIVERY, title: 'bearer, basic and API-key endpoints each get their own header' },
    ],
  },

  'features.invoicing': {
    effect: 'Invoice mutations fail FEATURE_DISABLED when off.',
    tests: [{ file: EFFECT, title: 'with invoicing off, createInvoice, addInvoiceLine, removeInvoiceLine, issueInvoice and voidInvoice fail FEATURE_DISABLED' }],
  },
  'features.payments': {
    effect: 'Payments fail FEATURE_DISABLED when off.',
    tests: [{ file: EFFECT, title: 'with payments off, recordPayment fails FEATURE_DISABLED' }],
  },
  'features.creditNotes': {
    effect: 'Credit note mutations fail FEATURE_DISABLED when off.',
    tests: [{ file: 'test/e2e/credit-notes.e2e.spec.ts', title: 'off: every credit note mutation is FEATURE_DISABLED and appends nothing; on again: they work' }],
  },
  'features.receipts': {
    effect: 'A succeeded payment gets no receipt (and takes no number) when off.',
    tests: [{ file: EFFECT, title: 'with receipts off, a succeeded payment gets no receipt and takes no number' }],
  },
  'features.taxCalculation': { effect: 'Automatic tax is off when this feature is off, whatever tax.calculateAutomatically says.', tests: [automaticTaxOff] },
  'features.webhooks': {
    effect: 'No webhook is delivered (nor later) while off; replays are refused.',
    tests: [
      { file: WEBHOOK_REPLAY, title: 'only the subscribed types, and with features.webhooks off nothing at all (nor later)' },
      { file: WEBHOOK_REPLAY, title: 'is refused for a disabled endpoint and while webhooks are off' },
    ],
  },
  'features.reporting': {
    effect: 'Reports fail FEATURE_DISABLED when off.',
    tests: [{ file: EFFECT, title: 'with reporting off, trialBalance, arAging and invoiceTotals fail FEATURE_DISABLED' }],
  },

  'subscriptions.creditUnusedTimeOnCancel': {
    effect: 'Whether cancelling now credits the unused days of a period already billed.',
    tests: [{ file: SUBSCRIPTIONS, title: 'a cancellation now halfway through a paid month' }],
  },
  'subscriptions.suspensionPolicy': {
    effect: 'Whether a suspended subscription keeps being billed or bills nothing for the suspended days.',
    tests: [{ file: SUBSCRIPTIONS, title: 'while suspended, billing continues by default (the service stops), and pauses under pause_billing' }],
  },

  'tenant.name': {
    effect: 'The seller name on documents and emails when company.name is unset.',
    tests: [{ file: EFFECT_MORE, title: 'a tenant without a company name prints tenant.name' }],
  },
  'tenant.timeZone': {
    effect: 'The tenant calendar: issue and due dates, the day an invoice becomes overdue, reminder days and numbering periods.',
    tests: [
      { file: EFFECT, title: 'an invoice due on 2024-01-25 is overdue from 2024-01-25T10:00Z in Pacific/Kiritimati' },
      { file: OVERDUE, title: 'the same due date falls overdue at midnight in Auckland, 20 hours before midnight in Los Angeles' },
      { file: NUMBERING, title: 'Pacific/Kiritimati (UTC+14): 2024-12-31T11:00:00Z is already 1 January 2025 there' },
    ],
  },
  'tenant.country': {
    effect: 'The country printed in the seller block when the company address has none.',
    tests: [{ file: EFFECT_MORE, title: 'a company address without a country prints tenant.country' }],
  },
  'tenant.locale': {
    effect: 'How amounts and dates are written on documents and in emails.',
    tests: [
      { file: DOCUMENTS, title: 'invoice shows amounts and dates as the locale writes them: 1.234,50 € and 15.01.2024' },
      { file: DOCUMENTS, title: 'a receipt shows the amount paid in de-DE' },
    ],
  },
};

/** Every leaf path of a settings value: objects are walked, anything else (arrays, text, numbers, null) is a leaf. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix === '' ? key : `${prefix}.${key}`));
}

const QUOTED = String.raw`(['"\x60])((?:\\.|(?!\1)[^\\])*)\1`;
/** The title of it('...') / test('...') (with .only, .skip, .concurrent, .failing). */
const PLAIN_TITLE = new RegExp(String.raw`\b(?:it|test)(?:\.(?:only|skip|concurrent|failing))?\s*\(\s*${QUOTED}`, 'g');
/** The title of it.each(table)('...', fn): the first string that a call of the table's result starts with. */
const EACH_TITLE = new RegExp(
  String.raw`\b(?:it|test)(?:\.(?:only|skip|concurrent))?\.each\b[\s\S]*?\)\s*\(\s*${QUOTED}\s*,\s*(?:async\b|\(|function\b|\w+\s*=>)`,
  'g',
);

/** The titles of the tests of a file, as written (escapes undone). */
function testTitles(source: string): string[] {
  const titles: string[] = [];
  for (const pattern of [PLAIN_TITLE, EACH_TITLE]) for (const match of source.matchAll(pattern)) titles.push((match[2] ?? '').replace(/\\(.)/g, '$1'));
  return titles;
}

const titlesByFile = new Map<string, string[] | null>();
function titlesOf(file: string): string[] | null {
  if (!titlesByFile.has(file)) {
    const path = join(root, file);
    titlesByFile.set(file, existsSync(path) ? testTitles(readFileSync(path, 'utf8')) : null);
  }
  return titlesByFile.get(file) ?? null;
}

describe('every billing setting takes effect, and a test shows it', () => {
  it('the table names exactly the leaf fields of defaultBillingSettings', () => {
    const fields = leafPaths(defaultBillingSettings).sort();
    const named = Object.keys(settingsEffects).sort();
    const withoutEntry = fields.filter((field) => !named.includes(field));
    const noSuchField = named.filter((field) => !fields.includes(field));
    expect({ withoutEntry, noSuchField }).toEqual({ withoutEntry: [], noSuchField: [] });
  });

  it('every field with an effect says what it does and names at least one test; only the fields known to have none name no test', () => {
    const problems = Object.entries(settingsEffects).flatMap(([field, { effect, tests }]) => [
      ...(effect.trim() === '' ? [`${field}: no effect described`] : []),
      ...(tests.length === 0 && !fieldsWithoutEffect.includes(field) ? [`${field}: names no test that shows its effect`] : []),
      ...(tests.length > 0 && fieldsWithoutEffect.includes(field) ? [`${field}: listed as without effect, yet names tests`] : []),
    ]);
    expect(problems).toEqual([]);
    expect(fieldsWithoutEffect.filter((field) => settingsEffects[field] === undefined)).toEqual([]);
  });

  it('every test named exists: its file, and a test title in it containing the title given', () => {
    const problems = Object.entries(settingsEffects).flatMap(([field, { tests }]) =>
      tests.flatMap(({ file, title }) => {
        const titles = titlesOf(file);
        if (titles === null) return [`${field}: file ${file} does not exist`];
        if (!/\.spec\.ts$/.test(file)) return [`${field}: ${file} is not a spec file`];
        return titles.some((found) => found.includes(title)) ? [] : [`${field}: no it()/test()/it.each title in ${file} contains "${title}"`];
      }),
    );
    expect(problems).toEqual([]);
  });
});
