import { decideRefund, evolvePayment, refundReadsOf, type CustomerAccountState, type InvoiceState, type PaymentState } from '../../../billing/src/index.js';
import { load, aggregates, storedAppend, executeWithRetry, streams, uuidV5, type CommandContext, type LoadedStream, type StreamReads } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { RefundPaymentCommandInput } from './payment.inputs.js';
import { allocatedOutcome, type PaymentOutcome } from './payment-outcome.js';

/**
 * Refunds part or all of a payment in ONE atomic append of what decideRefund decides: the payment's PaymentRefunded,
 * each invoice part's InvoicePaymentRefunded, and the customer account's entries (credit taken back, store credit).
 *
 * Every stream the decision needs (the payment, the settings, the invoices the payment paid, the customer account)
 * is read first, the decision is made once on those states, and each written stream is appended at the revision
 * read. Two refunds racing on one payment meet on its revision: the loser re-reads everything and re-decides on what
 * is left refundable, so together they never refund more than was paid. A refusal stands only if no stream it was
 * decided on has moved since it was read (StreamReads): a loser that read the payment before the winner's commit and
 * the customer account after it must not be told the customer spent the credit the winner took back.
 */
export async function refundPayment(services: ApplicationServices, context: CommandContext, input: RefundPaymentCommandInput): Promise<PaymentOutcome> {
  const { tenantId } = context;
  const refundId = uuidV5(`${context.commandId}:refund`);
  const ids = { refundId, creditTakenBackEntryId: uuidV5(`${tenantId}:${refundId}:debit`), storeCreditEntryId: uuidV5(`${tenantId}:${refundId}:store-credit`) };
  const paymentStream = streams.payment(tenantId, input.paymentId);
  // A refund needs the split: a succeeded payment whose allocation has not run yet is allocated first.
  const before = await load(services.store, aggregates.payment, tenantId, input.paymentId);
  if (before.state.status === 'succeeded' && before.state.allocation === null) await allocatedOutcome(services, context, { state: before.state, position: before.lastPosition, duplicate: false });
  const outcome = await executeWithRetry<PaymentOutcome>(services.store, async (_attempt, reads) => {
    const [loaded, settings] = await Promise.all([
      load(services.store, aggregates.payment, tenantId, input.paymentId, context.commandId).then((payment) => reads.track(paymentStream, payment)),
      load(services.store, aggregates.billingSettings, tenantId, tenantId).then((stream) => reads.track(streams.billingSettings(tenantId), stream)),
    ]);
    if (loaded.alreadyAppliedAt) return { appends: [], result: () => ({ state: loaded.state, position: loaded.alreadyAppliedAt, duplicate: false }) };
    const { invoices, account } = await loadRefundStreams(services, tenantId, loaded.state, reads);
    const decided = decideRefund({
      settings: settings.state.settings,
      payment: loaded.state,
      invoices: new Map([...invoices].map(([invoiceId, invoice]) => [invoiceId, invoice.state])),
      account: account?.state ?? null,
      command: { paymentId: input.paymentId, amount: input.amount, method: input.method, reason: input.reason },
      ids,
      now: context.now,
    });
    const appends = [
      storedAppend(context, paymentStream, loaded.expectedRevision, decided.payment),
      ...[...decided.invoices].map(([invoiceId, events]) => storedAppend(context, streams.invoice(tenantId, invoiceId), (invoices.get(invoiceId) as LoadedStream<InvoiceState>).expectedRevision, events)),
    ];
    if (decided.account.length > 0 && account !== undefined) appends.push(storedAppend(context, streams.customerAccount(tenantId, account.customerId), account.expectedRevision, decided.account));
    const next = decided.payment.reduce(evolvePayment, loaded.state);
    return { appends, result: (position) => ({ state: next, position: position ?? loaded.lastPosition, duplicate: false }) };
  });
  return outcome;
}

/** The other streams a refund of this payment is decided on (refundReadsOf), read before anything is decided. */
interface RefundStreams {
  readonly invoices: ReadonlyMap<string, LoadedStream<InvoiceState>>;
  readonly account: (LoadedStream<CustomerAccountState> & { readonly customerId: string }) | undefined;
}

/** Every invoice the payment was allocated to and the customer's account, each tracked in `reads` at the revision read. */
async function loadRefundStreams(services: ApplicationServices, tenantId: string, payment: PaymentState, reads: StreamReads): Promise<RefundStreams> {
  const { invoiceIds, customerId } = refundReadsOf(payment);
  const [invoices, account] = await Promise.all([
    Promise.all(invoiceIds.map(async (invoiceId) => [invoiceId, reads.track(streams.invoice(tenantId, invoiceId), await load(services.store, aggregates.invoice, tenantId, invoiceId))] as const)),
    customerId === null
      ? undefined
      : load(services.store, aggregates.customerAccount, tenantId, customerId).then((stream) => ({ ...reads.track(streams.customerAccount(tenantId, customerId), stream), customerId })),
  ]);
  return { invoices: new Map(invoices), account };
}
