import {
  decideCustomerAccount,
  decideInvoice,
  decidePayment,
  evolveCustomerAccount,
  evolvePayment,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type InvoiceState,
  type PaymentEvent,
  type PaymentRefunded,
  type PaymentState,
} from '../../../../../libs/billing/src/index.js';
import { Money } from '../../../../../libs/money/src/index.js';
import { executeWithRetry, streams, uuidV5, type CommandContext, type LoadedStream, type StreamReads } from '../../../../../libs/application/src/index.js';
import type { AppendRequest } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import { loadBillingSettingsStream } from '../../settings/billing-settings.loader.js';
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
 * CustomerAccountCredited instead of money going back.
 *
 * Every stream the decision needs (the payment, the settings, the invoices the payment paid, the customer account)
 * is read first, the decision is made once on those states, and each written stream is appended at the revision
 * read. Two refunds racing on one payment meet on its revision: the loser re-reads everything and re-decides on what
 * is left refundable, so together they never refund more than was paid. A refusal stands only if no stream it was
 * decided on has moved since it was read (StreamReads): a loser that read the payment before the winner's commit and
 * the customer account after it must not be told the customer spent the credit the winner took back.
 */
export async function refundPayment(services: LedgerServices, context: CommandContext, input: RefundPaymentInput): Promise<PaymentPayloadType> {
  const refundId = uuidV5(`${context.commandId}:refund`);
  const { tenantId } = context;
  const paymentStream = streams.payment(tenantId, input.paymentId);
  // A refund needs the split: a succeeded payment whose allocation has not run yet is allocated first.
  const before = await loadPayment(services.store, tenantId, input.paymentId);
  if (before.state.status === 'succeeded' && before.state.allocation === null) await allocatedOutcome(services, context, { state: before.state, position: before.lastPosition, duplicate: false });
  const outcome = await executeWithRetry<PaymentOutcome>(services.store, async (_attempt, reads) => {
    const [loaded, settings] = await Promise.all([
      loadPayment(services.store, tenantId, input.paymentId, context.commandId).then((payment) => reads.track(paymentStream, payment)),
      loadBillingSettingsStream(services, tenantId).then((stream) => reads.track(streams.billingSettings(tenantId), stream)),
    ]);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => ({ state: loaded.state, position: loaded.alreadyAppliedAt, duplicate: false }) };
    const touched = await loadRefundStreams(services, tenantId, loaded.state, reads);
    requirePaymentsFeature(settings.state.settings);
    const metadata = { now: context.now };
    const events = decidePayment(
      { type: 'RefundPayment', data: { paymentId: input.paymentId, refundId, amount: input.amount, method: input.method, reason: input.reason }, metadata },
      loaded.state,
    );
    const next = events.reduce(evolvePayment, loaded.state);
    const refunded = events.find((event: PaymentEvent): event is PaymentRefunded => event.type === 'PaymentRefunded');
    const appends: AppendRequest[] = [{ streamId: paymentStream, expectedRevision: loaded.expectedRevision, events: storedEvents(events, context, paymentStream) }];
    if (refunded !== undefined) appends.push(...refundAppends(context, refunded, touched));
    return { appends, result: (position) => ({ state: next, position: position ?? loaded.lastPosition, duplicate: false }) };
  });
  return paymentPayload(outcome);
}

/** The other streams a refund of this payment may write, read before anything is decided. */
interface RefundStreams {
  readonly invoices: ReadonlyMap<string, LoadedStream<InvoiceState>>;
  readonly account: LoadedStream<CustomerAccountState> | undefined;
}

/**
 * Every invoice the payment was allocated to (the split picks among them) and the customer's account, each tracked
 * in `reads` at the revision read. A payment that does not exist or is not allocated touches nothing: the payment
 * decider refuses it on its own state.
 */
async function loadRefundStreams(services: LedgerServices, tenantId: string, payment: PaymentState, reads: StreamReads): Promise<RefundStreams> {
  const invoiceIds = [...new Set((payment.allocation?.allocations ?? []).map((allocated) => allocated.invoiceId))];
  const customerId = payment.customerId;
  const [invoices, account] = await Promise.all([
    Promise.all(invoiceIds.map(async (invoiceId) => [invoiceId, reads.track(streams.invoice(tenantId, invoiceId), await loadInvoiceStream(services.store, tenantId, invoiceId))] as const)),
    customerId === null
      ? undefined
      : loadCustomerAccount(services.store, tenantId, customerId).then((stream) => reads.track(streams.customerAccount(tenantId, customerId), stream)),
  ]);
  return { invoices: new Map(invoices), account };
}

/** The invoices the refund reopens and the customer-account entries it makes, decided on the states read, each stream at its revision read. */
function refundAppends(context: CommandContext, refunded: PaymentRefunded, touched: RefundStreams): AppendRequest[] {
  const { tenantId } = context;
  const { data } = refunded;
  const metadata = { now: context.now };
  const appends: AppendRequest[] = [];
  for (const part of data.invoices) {
    const invoice = touched.invoices.get(part.invoiceId);
    if (invoice === undefined) throw new Error(`refund ${data.refundId} reopens invoice ${part.invoiceId}, which payment ${data.paymentId} was not allocated to`);
    const events = decideInvoice(
      { type: 'RefundInvoicePayment', data: { invoiceId: part.invoiceId, paymentId: data.paymentId, refundId: data.refundId, amount: part.amount, currency: data.currency }, metadata },
      invoice.state,
    );
    const streamId = streams.invoice(tenantId, part.invoiceId);
    appends.push({ streamId, expectedRevision: invoice.expectedRevision, events: storedEvents(events, context, streamId) });
  }
  const fromCredit = Money.of(data.fromCredit, data.currency);
  if (fromCredit.isPositive() || data.method === 'store_credit') {
    const account = touched.account;
    if (account === undefined) throw new Error(`refund ${data.refundId} of payment ${data.paymentId} has no customer account to write`);
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
