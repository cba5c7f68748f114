import {
  decideCustomerAccount,
  decideInvoice,
  decidePayment,
  evolveCustomerAccount,
  evolvePayment,
  type CustomerAccountEvent,
  type PaymentEvent,
  type PaymentRefunded,
} from '../../../../../libs/billing/src/index.js';
import { Money } from '../../../../../libs/money/src/index.js';
import { executeWithRetry, streams, uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { AppendRequest } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettings } from '../../settings/billing-settings.loader.js';
import { requirePaymentsFeature } from '../payment-settings.js';
import { loadCustomerAccount } from '../../customer-credit/customer-account-stream.js';
import { loadInvoiceStream } from '../../invoices/invoice-stream.js';
import { loadPayment, storedEvents } from '../payment-streams.js';
import type { PaymentPayloadType, RefundPaymentInput } from '../payment.types.js';
import { allocatedOutcome, paymentPayload, type PaymentOutcome } from './payment-command.support.js';

/**
 * Refunds part or all of a payment in ONE atomic append: the payment's PaymentRefunded (never more than refundable;
 * it says which invoice parts the money came back from, last allocated first, and what came from the credit the
 * payment's excess created), each such invoice's InvoicePaymentRefunded (its balance reopens), and on the customer
 * account a CustomerAccountDebited for the part taken back from credit and, for `store_credit`, a
 * CustomerAccountCredited instead of money going back. Two refunds racing on one payment meet on its revision: the
 * loser re-decides on what is left refundable, so together they never refund more than was paid.
 */
export async function refundPayment(services: LedgerServices, context: CommandContext, input: RefundPaymentInput): Promise<PaymentPayloadType> {
  const refundId = uuidV5(`${context.commandId}:refund`);
  const { tenantId } = context;
  const paymentStream = streams.payment(tenantId, input.paymentId);
  // A refund needs the split: a succeeded payment whose allocation has not run yet is allocated first.
  const before = await loadPayment(services.store, tenantId, input.paymentId);
  if (before.state.status === 'succeeded' && before.state.allocation === null) await allocatedOutcome(services, context, { state: before.state, position: before.lastPosition, duplicate: false });
  const outcome = await executeWithRetry<PaymentOutcome>(services.store, async () => {
    const [loaded, settings] = await Promise.all([loadPayment(services.store, tenantId, input.paymentId, context.commandId), loadBillingSettings(services, tenantId)]);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => ({ state: loaded.state, position: loaded.alreadyAppliedAt, duplicate: false }) };
    requirePaymentsFeature(settings);
    const metadata = { now: context.now };
    const events = decidePayment(
      { type: 'RefundPayment', data: { paymentId: input.paymentId, refundId, amount: input.amount, method: input.method, reason: input.reason }, metadata },
      loaded.state,
    );
    const next = events.reduce(evolvePayment, loaded.state);
    const refunded = events.find((event: PaymentEvent): event is PaymentRefunded => event.type === 'PaymentRefunded');
    const appends: AppendRequest[] = [{ streamId: paymentStream, expectedRevision: loaded.expectedRevision, events: storedEvents(events, context, paymentStream) }];
    if (refunded !== undefined) appends.push(...(await refundAppends(services, context, refunded)));
    return { appends, result: (position) => ({ state: next, position: position ?? loaded.lastPosition, duplicate: false }) };
  });
  return paymentPayload(outcome);
}

/** The invoices the refund reopens and the customer-account entries it makes, each stream at the revision read. */
async function refundAppends(services: LedgerServices, context: CommandContext, refunded: PaymentRefunded): Promise<AppendRequest[]> {
  const { tenantId } = context;
  const { data } = refunded;
  const metadata = { now: context.now };
  const appends: AppendRequest[] = [];
  for (const part of data.invoices) {
    const invoice = await loadInvoiceStream(services.store, tenantId, part.invoiceId);
    const events = decideInvoice(
      { type: 'RefundInvoicePayment', data: { invoiceId: part.invoiceId, paymentId: data.paymentId, refundId: data.refundId, amount: part.amount, currency: data.currency }, metadata },
      invoice.state,
    );
    const streamId = streams.invoice(tenantId, part.invoiceId);
    appends.push({ streamId, expectedRevision: invoice.expectedRevision, events: storedEvents(events, context, streamId) });
  }
  const fromCredit = Money.of(data.fromCredit, data.currency);
  if (fromCredit.isPositive() || data.method === 'store_credit') {
    const account = await loadCustomerAccount(services.store, tenantId, data.customerId);
    let state = account.state;
    const events: CustomerAccountEvent[] = [];
    const decide = (command: Parameters<typeof decideCustomerAccount>[0]) => {
      const decided = decideCustomerAccount(command, state);
      state = decided.reduce(evolveCustomerAccount, state);
      events.push(...decided);
    };
    if (fromCredit.isPositive()) {
      decide({
        type: 'DebitCustomerAccount',
        data: { customerId: data.customerId, entryId: uuidV5(`${tenantId}:${data.refundId}:debit`), amount: data.fromCredit, currency: data.currency, reason: 'refund', sourceId: data.refundId },
        metadata,
      });
    }
    if (data.method === 'store_credit') {
      decide({
        type: 'CreditCustomerAccount',
        data: { customerId: data.customerId, entryId: uuidV5(`${tenantId}:${data.refundId}:store-credit`), amount: data.amount, currency: data.currency, source: 'store_credit_refund', sourceId: data.refundId },
        metadata,
      });
    }
    const streamId = streams.customerAccount(tenantId, data.customerId);
    appends.push({ streamId, expectedRevision: account.expectedRevision, events: storedEvents(events, context, streamId) });
  }
  return appends;
}
