import { DomainError, type PaymentState } from '../../../billing/src/index.js';
import { load, aggregates, type CommandContext } from '../../../application/src/index.js';
import { comparePositions, type Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { allocatePayment } from './allocate-payment.js';

/** A payment as a command left it, and the position of the last event the command wrote (or found). */
export interface PaymentOutcome {
  readonly state: PaymentState;
  readonly position: Position | undefined;
  readonly duplicate: boolean;
}

/** The outcome of a payment command that cannot be a duplicate, in the shape executeCommand's `result` takes. */
export function paymentOutcome(state: PaymentState, position: Position | undefined): PaymentOutcome {
  return { state, position, duplicate: false };
}

/**
 * Allocates a payment that just succeeded, right after the append that made it succeed, so that the answer shows
 * the split; the allocation process manager then finds it done. A refusal is left to be seen on the payment (it
 * stays unallocated, and the process manager logs it) rather than failing a command whose events are stored.
 * Returns the payment as it now is.
 */
export async function allocatedOutcome(services: ApplicationServices, context: CommandContext, outcome: PaymentOutcome): Promise<PaymentOutcome> {
  const { state } = outcome;
  if (state.status !== 'succeeded' || state.allocation !== null || state.paymentId === null) return outcome;
  const cause = {
    actor: context.actor,
    ...(context.actorName === undefined ? {} : { actorName: context.actorName }),
    ...(context.actorRole === undefined ? {} : { actorRole: context.actorRole }),
    correlationId: context.correlationId,
    causationId: context.commandId,
  };
  let position = outcome.position;
  try {
    const allocation = await allocatePayment(services, context.tenantId, state.paymentId, cause);
    if (allocation.outcome === 'read_model_behind' || allocation.outcome === 'read_model_unavailable') {
      services.log(
        `payment ${state.paymentId} of tenant ${context.tenantId} not allocated inline (${allocation.outcome}): the allocation process manager will`,
      );
    }
    if (allocation.outcome !== 'allocated' && allocation.outcome !== 'already_allocated') return outcome;
    // The whole allocation append (invoices and customer account too) is behind this position.
    if (allocation.outcome === 'allocated') position = allocation.position;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    services.log(`payment ${state.paymentId} of tenant ${context.tenantId} not allocated inline: ${error.code}: ${error.message}`);
    return outcome;
  }
  const reloaded = await load(services.store, aggregates.payment, context.tenantId, state.paymentId);
  return {
    state: reloaded.state,
    position: laterOf(position, reloaded.lastPosition),
    duplicate: outcome.duplicate,
  };
}

function laterOf(left: Position | undefined, right: Position | undefined): Position | undefined {
  if (left === undefined || right === undefined) return left ?? right;
  return comparePositions(left, right) >= 0 ? left : right;
}
