import {
  decidePayment,
  decidePaymentReference,
  DomainError,
  evolvePayment,
  normalisePaymentReference,
  type BillingSettings,
  type PaymentEvent,
  type PaymentState,
  type RecordPayment,
} from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, executeWithRetry, streams, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import type { PaymentOutcome } from './payment-outcome.js';

/** A payment as decided so far within one attempt, and what else the same append writes. */
export interface RecordingStep {
  readonly paymentEvents: PaymentEvent[];
  readonly payment: PaymentState;
  readonly appends: AppendRequest[];
}

export interface RecordingHooks {
  /**
   * First in every attempt, before the command's own checks: settings, and whatever the caller must read first.
   * Returns the RecordPayment to decide (its paymentId is the one given to recordNewPayment).
   */
  readonly before: (settings: BillingSettings) => Promise<Omit<RecordPayment, 'metadata'>>;
  /** Once the reference is claimed: more checks, more events on the payment, more streams in the same append. */
  readonly complete: (step: RecordingStep) => Promise<RecordingStep>;
}

/**
 * The shared part of createPayment and recordPayment, in this order on every attempt: `before`, the command's own
 * checks (the decider), the reference (a duplicate is answered with the payment it duplicates, nothing appended),
 * `complete`, then ONE append of the reference's stream, the payment's stream and whatever `complete` added, each
 * at the revision read. A conflict re-reads and re-decides everything.
 */
export function recordNewPayment(services: ApplicationServices, context: CommandContext, paymentId: string, hooks: RecordingHooks): Promise<PaymentOutcome> {
  const metadata = { now: context.now };
  const paymentStream = streams.payment(context.tenantId, paymentId);
  return executeWithRetry<PaymentOutcome>(services.store, async () => {
    const [settings, loaded] = await Promise.all([loadBillingSettings(services, context.tenantId), load(services.store, aggregates.payment, context.tenantId, paymentId, context.commandId)]);
    // A retried command (same idempotency key) finds the payment it recorded.
    if (loaded.state.status !== 'none') return { appends: [], result: () => ({ state: loaded.state, position: loaded.alreadyAppliedAt ?? loaded.lastPosition, duplicate: false }) };
    const record = await hooks.before(settings);
    if (record.data.paymentId !== paymentId) throw new Error(`recordNewPayment: the command records ${record.data.paymentId}, not ${paymentId}`);
    const paymentEvents = decidePayment({ ...record, metadata }, loaded.state);
    const { reference, amount, currency } = record.data;
    const normalised = normalisePaymentReference(reference);
    const claimed = await load(services.store, aggregates.paymentReference, context.tenantId, normalised);
    let referenceEvents;
    try {
      referenceEvents = decidePaymentReference({ type: 'ReservePaymentReference', data: { reference, paymentId, amount, currency }, metadata }, claimed.state);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'DUPLICATE_PAYMENT')) throw error;
      const existingPaymentId = String(error.details.existingPaymentId);
      const existing = await load(services.store, aggregates.payment, context.tenantId, existingPaymentId);
      if (existing.state.status === 'none') throw new Error(`reference ${normalised} names payment ${existingPaymentId}, which has no events`, { cause: error });
      return { appends: [], result: () => ({ state: existing.state, position: existing.lastPosition, duplicate: true }) };
    }
    const step = await hooks.complete({ paymentEvents, payment: paymentEvents.reduce(evolvePayment, loaded.state), appends: [] });
    const referenceStream = streams.paymentReference(context.tenantId, normalised);
    return {
      appends: [
        { streamId: referenceStream, expectedRevision: claimed.expectedRevision, events: storedEvents(referenceEvents, context, referenceStream) },
        { streamId: paymentStream, expectedRevision: loaded.expectedRevision, events: storedEvents(step.paymentEvents, context, paymentStream) },
        ...step.appends,
      ],
      result: (position) => ({ state: step.payment, position, duplicate: false }),
    };
  });
}
