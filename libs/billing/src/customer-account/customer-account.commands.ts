import type { DomainCommand } from '../common/command.js';

/**
 * Where a customer's credit came from: money paid beyond an invoice's balance, a credit note applied to the account,
 * a refund made as store credit, or a manual adjustment by the finance team.
 */
export const customerCreditSources = ['overpayment', 'credit_note', 'store_credit_refund', 'adjustment'] as const;
export type CustomerCreditSource = (typeof customerCreditSources)[number];

/**
 * Adds credit to the customer's balance in `currency`. `entryId` is chosen (or derived deterministically) by the
 * caller, e.g. from the payment or credit-note application that caused it, so a redelivered event never credits twice.
 */
export type CreditCustomerAccount = DomainCommand<
  'CreditCustomerAccount',
  { customerId: string; entryId: string; amount: string; currency: string; source: CustomerCreditSource; sourceId: string }
>;

/** Uses credit in `currency` to pay `invoiceId`: never more than the balance in that currency. */
export type ApplyCustomerCredit = DomainCommand<
  'ApplyCustomerCredit',
  { customerId: string; applicationId: string; invoiceId: string; amount: string; currency: string }
>;

/** Whether the customer's credit is applied automatically to new invoices (see autoApplyPlan). */
export type SetAutoApplyCredit = DomainCommand<'SetAutoApplyCredit', { customerId: string; enabled: boolean }>;

/** Takes credit back for a refund of a payment's excess: never more than the balance in `currency`. */
export type DebitCustomerAccount = DomainCommand<
  'DebitCustomerAccount',
  { customerId: string; entryId: string; amount: string; currency: string; reason: 'refund'; sourceId: string }
>;

export type CustomerAccountCommand = CreditCustomerAccount | ApplyCustomerCredit | DebitCustomerAccount | SetAutoApplyCredit;
