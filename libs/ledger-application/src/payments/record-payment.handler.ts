import { evolvePayment, planAllocation, requirePaymentOnInvoice, type BillingSettings } from '../../../billing/src/index.js';
import { load, aggregates, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { allocationAppends, loadInvoices, overpaymentEntryIdOf, type LoadedInvoice } from './allocate-payment.js';
import { recordNewPayment } from './record-new-payment.js';
import { resolvePaymentBankAccount } from './payment-bank-account.js';
import { allocatedOutcome } from './payment-outcome.js';
import type { RecordPaymentCommandInput } from './payment.inputs.js';
import type { InvoiceOutcome } from '../common/invoice-outcome.js';

/**
 * Records money received against one invoice (the recordPayment mutation), through the Payment aggregate: the reference is
 * reserved, the payment recorded as received (succeeded, card payments too: the finance team records money already
 * in), and allocated explicitly to this invoice, the excess to the customer's credit, all in ONE atomic append of
 * the reference, the payment, the invoice and (for an excess) the customer account. Concurrent payments race on the
 * invoice's revision: the loser re-reads it, so the balance never goes below zero, and a payment arriving once the
 * invoice is paid is refused (INVOICE_NOT_OPEN) as before. The answer is the invoice after the allocation.
 */
export async function recordPayment(services: ApplicationServices, context: CommandContext, input: RecordPaymentCommandInput): Promise<InvoiceOutcome> {
  const { tenantId } = context;
  const paymentId = uuidV5(`${context.commandId}:payment`);
  let invoice: LoadedInvoice | undefined;
  // The settings the recording read, for the answer too; a replayed command reads none, so the answer loads them.
  let settingsRead: BillingSettings | undefined;
  const outcome = await recordNewPayment(services, context, paymentId, {
    before: async (settings) => {
      settingsRead = settings;
      [invoice] = await loadInvoices(services.store, tenantId, [input.invoiceId]);
      const state = requirePaymentOnInvoice({ settings, invoice: (invoice as LoadedInvoice).state, command: { invoiceId: input.invoiceId, method: input.method, currency: input.currency } });
      const bankAccountId = await resolvePaymentBankAccount(services, tenantId, input.bankAccountId, input.currency);
      return {
        type: 'RecordPayment',
        data: {
          paymentId,
          customerId: state.customerId,
          amount: input.amount,
          currency: input.currency,
          method: input.method,
          reference: input.reference,
          paymentMethodId: null,
          allocation: { kind: 'explicit', invoices: [{ invoiceId: input.invoiceId, amount: input.amount }] },
          bankAccountId,
        },
      };
    },
    complete: async (step) => {
      const loaded = invoice as LoadedInvoice;
      const customerId = step.payment.customerId as string;
      const account = await load(services.store, aggregates.customerAccount, tenantId, customerId);
      // Money already received: a method that would wait for a gateway is marked succeeded in the same append.
      const plan = planAllocation({ payment: step.payment, invoices: [loaded], account: account.state, ids: { overpaymentEntryId: overpaymentEntryIdOf(tenantId, paymentId) }, now: context.now, received: true });
      return {
        paymentEvents: [...step.paymentEvents, ...plan.payment],
        payment: plan.payment.reduce(evolvePayment, step.payment),
        appends: [...step.appends, ...allocationAppends(context, plan, [loaded], { customerId, expectedRevision: account.expectedRevision })],
      };
    },
  });
  // A retried request, or a duplicate notification, may find a payment not yet allocated (a crash in between).
  const allocated = await allocatedOutcome(services, context, outcome);
  const [settings, current] = await Promise.all([settingsRead ?? loadBillingSettings(services, tenantId), load(services.store, aggregates.invoice, tenantId, input.invoiceId)]);
  return { state: current.state, settings, position: allocated.position ?? current.lastPosition };
}
