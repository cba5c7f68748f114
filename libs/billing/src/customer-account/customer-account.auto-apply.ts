import { Money } from '../../../money/src/index.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { requireCurrency, requireIdentifier, validationFailed } from '../common/validation.js';

/** An invoice the customer still owes on, as a read model lists it. */
export interface OpenInvoiceForCredit {
  invoiceId: string;
  /** Decimal string in the invoice's currency. */
  balanceDue: string;
  currency: string;
}

/** One application to make (an ApplyCustomerCredit command, whose applicationId the caller derives). */
export interface PlannedCreditApplication {
  invoiceId: string;
  currency: string;
  amount: string;
}

/** The most invoices one plan considers: a bound on the loop (a customer with more has a collections problem). */
export const autoApplyInvoicesMax = 10_000;

/**
 * Which invoices the customer's credit pays, when credit is auto-applied (docs/domain.md, "Credit notes and
 * customer credit"). Credit in a currency only pays invoices in that currency; within a currency the invoices are paid
 * in the order given, which the caller makes oldest due date first, each as far as the credit left allows. No
 * application exceeds either the credit left or the invoice's balance due, so the sum per currency never exceeds the
 * balance. Invoices with nothing due and currencies without credit get no application. Pure: the plan is only a
 * proposal, and each application is still checked by the customer account (INSUFFICIENT_CREDIT) when it is made.
 *
 * `balances` is the account's credit per currency (CustomerAccountState.balances).
 */
export function autoApplyPlan(
  balances: Readonly<Record<string, string>>,
  openInvoicesOldestFirst: readonly OpenInvoiceForCredit[],
): PlannedCreditApplication[] {
  return translatingMoneyErrors(() => {
    if (!Array.isArray(openInvoicesOldestFirst)) throw validationFailed('openInvoicesOldestFirst must be a list', { field: 'openInvoicesOldestFirst' });
    if (openInvoicesOldestFirst.length > autoApplyInvoicesMax) {
      throw validationFailed(`At most ${autoApplyInvoicesMax} invoices are considered at once (got ${openInvoicesOldestFirst.length})`, {
        field: 'openInvoicesOldestFirst',
      });
    }
    const creditLeft = new Map<string, Money>();
    for (const [currency, balance] of Object.entries(balances)) {
      // A balance is a sum of any number of credits: read without the input digit cap.
      const credit = Money.parseComputed(balance, requireCurrency(currency, `balances.${currency}`), `balances.${currency}`);
      if (credit.isNegative()) throw validationFailed(`balances.${currency} must not be negative (got ${credit.toString()})`, { field: `balances.${currency}` });
      creditLeft.set(currency, credit);
    }
    const seen = new Set<string>();
    const plan: PlannedCreditApplication[] = [];
    openInvoicesOldestFirst.forEach((invoice, index) => {
      const field = `openInvoicesOldestFirst[${index}]`;
      const invoiceId = requireIdentifier(invoice?.invoiceId, `${field}.invoiceId`);
      if (seen.has(invoiceId)) throw validationFailed(`${field}.invoiceId ${invoiceId} is listed twice`, { field: `${field}.invoiceId` });
      seen.add(invoiceId);
      const currency = requireCurrency(invoice.currency, `${field}.currency`);
      const balanceDue = Money.parseComputed(invoice.balanceDue, currency, `${field}.balanceDue`);
      if (balanceDue.isNegative()) throw validationFailed(`${field}.balanceDue must not be negative (got ${balanceDue.toString()})`, { field: `${field}.balanceDue` });
      const credit = creditLeft.get(currency);
      if (credit === undefined || !credit.isPositive() || !balanceDue.isPositive()) return;
      const amount = Money.min(credit, balanceDue);
      creditLeft.set(currency, credit.minus(amount));
      plan.push({ invoiceId, currency, amount: amount.toString() });
    });
    return plan;
  });
}

