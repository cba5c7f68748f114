import { defaultBillingSettings, type BillingSettings } from './billing-settings/index.js';
import { creditNoteDecider, type CreditNoteCommand, type CreditNoteEvent } from './credit-note/index.js';
import { customerAccountDecider, type CustomerAccountCommand, type CustomerAccountEvent } from './customer-account/index.js';
import { invoiceDecider, type InvoiceCommand, type InvoiceEvent } from './invoice/index.js';
import { paymentDecider, type InvoiceAllocation, type PaymentAllocationRequest, type PaymentCommand, type PaymentEvent } from './payment/index.js';
import type { Decider } from './common/decider.js';

/**
 * Streams as events, for the specs of the decisions that span aggregates (refund, allocation, credit application,
 * payability). Each stream's `given` events are made by its own decider from commands, so they are exactly what the
 * ledger would have stored; a spec folds them into the states a handler would load.
 */

/** When the given events happened. */
export const earlier = '2024-03-01T09:00:00.000Z';
/** When the decision under test is made. */
export const now = '2024-03-05T12:00:00.000Z';
export const customerId = 'cus-1';

/** The settings of a tenant that changed nothing but its currencies (USD and JPY). */
export const settings: BillingSettings = { ...defaultBillingSettings, payment: { ...defaultBillingSettings.payment, supportedCurrencies: ['USD', 'JPY'] } };

/** The events `commands` decide, one after the other, on the state `before` leaves. */
export function eventsOf<Command, Event, State>(decider: Decider<Command, Event, State>, commands: readonly Command[], before: readonly Event[] = []): Event[] {
  let state = before.reduce(decider.evolve, decider.initialState);
  const events: Event[] = [];
  for (const command of commands) {
    const decided = decider.decide(command, state);
    state = decided.reduce(decider.evolve, state);
    events.push(...decided);
  }
  return events;
}

const at = { now: earlier };

/** An invoice issued for one untaxed line of `total` (due `paymentTermsDays` after 2024-03-01), then `then` on it. */
export function issuedInvoice(
  invoiceId: string,
  total: string,
  options: { customerId?: string; currency?: string; paymentTermsDays?: number; number?: string; then?: readonly Omit<InvoiceCommand, 'metadata'>[] } = {},
): InvoiceEvent[] {
  const commands = [
    {
      type: 'CreateInvoice',
      data: {
        invoiceId,
        customerId: options.customerId ?? customerId,
        currency: options.currency ?? 'USD',
        lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: total, taxRate: null }],
        paymentTermsDays: options.paymentTermsDays ?? 30,
      },
    },
    { type: 'IssueInvoice', data: { invoiceId, number: options.number ?? `INV-2024-${invoiceId}`, issueDate: '2024-03-01' } },
    ...(options.then ?? []),
  ];
  return eventsOf(invoiceDecider, commands.map((command) => ({ ...command, metadata: at }) as InvoiceCommand));
}

/** A draft invoice (never issued) for one untaxed line of `total`. */
export function draftInvoice(invoiceId: string, total: string): InvoiceEvent[] {
  return eventsOf(invoiceDecider, [
    {
      type: 'CreateInvoice',
      data: { invoiceId, customerId, currency: 'USD', lines: [{ lineId: 'L1', description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: total, taxRate: null }] },
      metadata: at,
    },
  ]);
}

/** An invoice's ApplyPaymentToInvoice, as an allocation decided it (cash). */
export function paymentApplied(invoiceId: string, paymentId: string, amount: string, paymentAmount: string, currency = 'USD'): Omit<InvoiceCommand, 'metadata'> {
  return { type: 'ApplyPaymentToInvoice', data: { invoiceId, paymentId, amount, currency, method: 'cash', reference: `ref-${paymentId}`, paymentAmount } };
}

/**
 * A payment: recorded (cash succeeds at once unless another method is named), allocated as `allocated` says when
 * given, then `then` on it.
 */
export function payment(
  paymentId: string,
  amount: string,
  options: {
    allocation?: PaymentAllocationRequest;
    method?: 'cash' | 'card';
    paymentMethodId?: string | null;
    currency?: string;
    allocated?: { allocations: InvoiceAllocation[]; creditAmount: string };
    then?: readonly Omit<PaymentCommand, 'metadata'>[];
  } = {},
): PaymentEvent[] {
  const commands: Omit<PaymentCommand, 'metadata'>[] = [
    {
      type: 'RecordPayment',
      data: {
        paymentId,
        customerId,
        amount,
        currency: options.currency ?? 'USD',
        method: options.method ?? 'cash',
        reference: `ref-${paymentId}`,
        paymentMethodId: options.paymentMethodId ?? null,
        allocation: options.allocation ?? { kind: 'oldest_due_first' },
      },
    },
  ];
  if (options.allocated !== undefined) commands.push({ type: 'AllocatePayment', data: { paymentId, ...options.allocated } });
  commands.push(...(options.then ?? []));
  return eventsOf(paymentDecider, commands.map((command) => ({ ...command, metadata: at }) as PaymentCommand));
}

/** The customer's account after these commands (credit from an overpayment, credit spent, ...). */
export function account(...commands: Omit<CustomerAccountCommand, 'metadata'>[]): CustomerAccountEvent[] {
  return eventsOf(customerAccountDecider, commands.map((command) => ({ ...command, metadata: at }) as CustomerAccountCommand));
}

/** Credit on the customer's account from a payment's excess. */
export function overpaid(amount: string, paymentId: string, currency = 'USD'): Omit<CustomerAccountCommand, 'metadata'> {
  return { type: 'CreditCustomerAccount', data: { customerId, entryId: `${paymentId}:overpayment`, amount, currency, source: 'overpayment', sourceId: paymentId } };
}

/** A credit note for one untaxed line of `total`, issued unless `draft`, on `sourceInvoiceId` when given. */
export function creditNote(creditNoteId: string, total: string, options: { draft?: boolean; sourceInvoiceId?: string; creditableOnSource?: string } = {}): CreditNoteEvent[] {
  const sourceInvoiceId = options.sourceInvoiceId ?? null;
  const creditableOnSource = sourceInvoiceId === null ? null : (options.creditableOnSource ?? total);
  const commands: CreditNoteCommand[] = [
    {
      type: 'CreateCreditNote',
      data: {
        creditNoteId,
        customerId,
        currency: 'USD',
        type: 'adjustment',
        reason: 'billing_error',
        lines: [{ lineId: 'L1', description: 'Outage credit', quantity: '1', unitPrice: total, taxRate: null }],
        sourceInvoiceId,
        creditableOnSource,
      },
      metadata: at,
    },
  ];
  if (options.draft !== true) commands.push({ type: 'IssueCreditNote', data: { creditNoteId, number: `CN-2024-${creditNoteId}`, creditableOnSource }, metadata: at });
  return eventsOf(creditNoteDecider, commands);
}
