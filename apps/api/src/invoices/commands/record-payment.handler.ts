import { decidePayment, DomainError, evolvePayment, type BillingSettings, type InvoiceState } from '../../../../../libs/billing/src/index.js';
import { isCurrencyCode } from '../../../../../libs/money/src/index.js';
import { uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettings } from '../../settings/billing-settings.loader.js';
import { loadInvoices, planAllocation, type LoadedInvoice } from '../../payments/allocate-payment.js';
import { recordNewPayment } from '../../payments/commands/record-new-payment.js';
import { allocatedOutcome } from '../../payments/commands/payment-command.support.js';
import { requirePaymentAllowed, requirePaymentsFeature } from '../../payments/payment-settings.js';
import { loadInvoiceStream } from '../invoice-stream.js';
import type { InvoicePayloadType, RecordPaymentInput } from '../invoice.types.js';
import { invoicePayload } from './invoice-command.support.js';

/**
 * Records money received against one invoice (the issue-2 contract), through the Payment aggregate: the reference is
 * reserved, the payment recorded as received (succeeded, card payments too: the finance team records money already
 * in), and allocated explicitly to this invoice, the excess to the customer's credit, all in ONE atomic append of
 * the reference, the payment, the invoice and (for an excess) the customer account. Concurrent payments race on the
 * invoice's revision: the loser re-reads it, so the balance never goes below zero, and a payment arriving once the
 * invoice is paid is refused (INVOICE_NOT_OPEN) as before. The answer is the invoice after the allocation.
 */
export async function recordPayment(services: LedgerServices, context: CommandContext, input: RecordPaymentInput): Promise<InvoicePayloadType> {
  const paymentId = uuidV5(`${context.commandId}:payment`);
  let invoice: LoadedInvoice | undefined;
  // The settings the recording read, for the answer too; a replayed command reads none, so the answer loads them.
  let settingsRead: BillingSettings | undefined;
  const outcome = await recordNewPayment(services, context, paymentId, {
    before: async (settings) => {
      settingsRead = settings;
      requirePaymentsFeature(settings);
      [invoice] = await loadInvoices(services.store, context.tenantId, [input.invoiceId]);
      const state = requirePayableInvoice((invoice as LoadedInvoice).state, input);
      requirePaymentAllowed(settings, input.method, state.currency as string);
      return {
        type: 'RecordPayment',
        data: {
          paymentId,
          customerId: state.customerId as string,
          amount: input.amount,
          currency: input.currency,
          method: input.method,
          reference: input.reference,
          paymentMethodId: null,
          allocation: { kind: 'explicit', invoices: [{ invoiceId: input.invoiceId, amount: input.amount }] },
        },
      };
    },
    complete: async (step) => {
      const loaded = invoice as LoadedInvoice;
      // Money already received: a method that would wait for a gateway is marked succeeded in the same append.
      const succeeded =
        step.payment.status === 'succeeded'
          ? []
          : decidePayment({ type: 'MarkPaymentSucceeded', data: { paymentId, gatewayReference: null }, metadata: { now: context.now } }, step.payment);
      const payment = succeeded.reduce(evolvePayment, step.payment);
      const plan = await planAllocation(services.store, context, payment, [loaded]);
      return {
        paymentEvents: [...step.paymentEvents, ...succeeded, ...plan.paymentEvents],
        payment: plan.paymentEvents.reduce(evolvePayment, payment),
        appends: [...step.appends, ...plan.appends],
      };
    },
  });
  // A retried request, or a duplicate notification, may find a payment not yet allocated (a crash in between).
  const allocated = await allocatedOutcome(services, context, outcome);
  const [settings, current] = await Promise.all([settingsRead ?? loadBillingSettings(services, context.tenantId), loadInvoiceStream(services.store, context.tenantId, input.invoiceId)]);
  return invoicePayload(services, settings, current.state, allocated.position ?? current.lastPosition);
}

/**
 * The rules the issue-2 contract answered with, in its order: the invoice exists (NOT_FOUND), takes payments
 * (INVOICE_NOT_OPEN), and the payment is in its currency (an ISO code first: VALIDATION_FAILED, then CURRENCY_MISMATCH).
 */
function requirePayableInvoice(invoice: InvoiceState, input: RecordPaymentInput): InvoiceState {
  if (invoice.status === 'none') throw new DomainError('NOT_FOUND', `Invoice ${JSON.stringify(input.invoiceId)} does not exist`, { invoiceId: input.invoiceId });
  switch (invoice.status) {
    case 'open':
    case 'partially_paid':
      break;
    case 'draft':
      throw notOpen(invoice, 'is a draft: issue it before recording payments');
    case 'void':
      throw notOpen(invoice, 'is void: it takes no payments');
    case 'paid':
      throw notOpen(invoice, "is paid: nothing is due on it; record the extra payment to the customer's account instead");
    case 'written_off':
      throw notOpen(invoice, 'was written off: nothing is due on it');
    default: {
      const unexpected: never = invoice.status;
      throw new Error(`unknown invoice status ${String(unexpected)}`);
    }
  }
  if (!isCurrencyCode(input.currency)) {
    throw new DomainError('VALIDATION_FAILED', `currency must be a supported ISO 4217 currency code (got ${JSON.stringify(input.currency)})`, { field: 'currency' });
  }
  if (input.currency !== invoice.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `The payment is in ${input.currency} but invoice ${String(invoice.invoiceId)} is in ${String(invoice.currency)}`, {
      invoiceId: invoice.invoiceId,
      paymentCurrency: input.currency,
      invoiceCurrency: invoice.currency,
    });
  }
  return invoice;
}

function notOpen(invoice: InvoiceState, why: string): DomainError {
  return new DomainError('INVOICE_NOT_OPEN', `Invoice ${String(invoice.invoiceId)} ${why}`, { invoiceId: invoice.invoiceId, status: invoice.status });
}
