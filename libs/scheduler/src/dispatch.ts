import { uuidV5, type CommandContext } from '../../application/src/index.js';
import { isDomainError, type DomainError } from '../../billing/src/common/domain-error.js';
import type { Position } from '../../event-store/src/index.js';
import type { DueWork, DueWorkContext, DueWorkHandlerRegistration, DueWorkHandlers, DueWorkRefusalPolicy } from './due-work.types.js';

/** The actor recorded on every event a piece of due work appends. */
export const SCHEDULER_ACTOR = 'scheduler';

/** Retry backoff: 1 s after the first failed attempt, doubling, at most an hour. */
export const dueWorkRetryLimits = { backoffBaseMs: 1_000, backoffMaxMs: 3_600_000 } as const;

/**
 * The id of the command a piece of work sends: the same for every dispatch of it (after a crash, by a second
 * scheduler, in a re-run), so the event store recognises a command already applied and answers with its first outcome.
 */
export function dueWorkCommandId(tenantId: string, workKey: string): string {
  return uuidV5(`${tenantId}:due-work:${workKey}`);
}

/** What a handler gets: the work runs at its due instant, with the command id derived from the work. */
export function dueWorkContext(item: DueWork, tenantNow: string): DueWorkContext {
  const commandId = dueWorkCommandId(item.tenantId, item.workKey);
  const command: CommandContext = {
    tenantId: item.tenantId,
    actor: SCHEDULER_ACTOR,
    actorName: `scheduler: ${item.kind}`,
    commandId,
    correlationId: commandId,
    causationId: commandId,
    now: item.dueAt,
  };
  return { tenantId: item.tenantId, now: item.dueAt, tenantNow, commandId, command };
}

/** The lane an item runs in: the one its mapping stated, or its own key (independent of every other piece). */
export function dueWorkLane(item: Pick<DueWork, 'workKey' | 'lane'>): string {
  return item.lane ?? item.workKey;
}

/** How long to hold work back after `attempts` failed attempts. */
export function retryBackoffMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(dueWorkRetryLimits.backoffMaxMs, dueWorkRetryLimits.backoffBaseMs * 2 ** exponent);
}

/** A handler's answer, or its error, in one shape the runner and runDueWork settle. */
export type DispatchResult =
  | { readonly kind: 'done'; readonly position: Position | undefined }
  | { readonly kind: 'retry_later'; readonly reason: string; readonly notBefore: string | undefined }
  | { readonly kind: 'refused'; readonly error: DomainError; readonly policy: DueWorkRefusalPolicy }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'no_handler' };

export function handlerFor(handlers: DueWorkHandlers, kind: string): DueWorkHandlerRegistration | undefined {
  const handler = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
  if (handler === undefined) return undefined;
  return typeof handler === 'function' ? { handle: handler } : handler;
}

/** Runs the item's handler and says what became of it; never throws. */
export async function dispatch(handlers: DueWorkHandlers, item: DueWork, tenantNow: string): Promise<DispatchResult> {
  const registration = handlerFor(handlers, item.kind);
  if (registration === undefined) return { kind: 'no_handler' };
  try {
    const outcome = await registration.handle(item, dueWorkContext(item, tenantNow));
    if (outcome === 'done') return { kind: 'done', position: undefined };
    if (outcome === 'retry_later') return { kind: 'retry_later', reason: 'the handler asked to retry later', notBefore: undefined };
    if (outcome?.status === 'done') return { kind: 'done', position: outcome.position };
    if (outcome?.status === 'retry_later') return { kind: 'retry_later', reason: outcome.reason ?? 'the handler asked to retry later', notBefore: outcome.notBefore };
    return { kind: 'failed', error: new Error(`the handler of ${item.kind} answered ${JSON.stringify(outcome)}, not done or retry_later`) };
  } catch (error) {
    if (isDomainError(error)) return { kind: 'refused', error, policy: registration.onRefusal ?? 'park' };
    return { kind: 'failed', error };
  }
}

/** An error as `last_error` keeps it: the domain's code first, when there is one. */
export function describeError(error: unknown): string {
  if (isDomainError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
