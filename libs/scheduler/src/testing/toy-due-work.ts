import { aggregates, executeCommand, load, uuidV5, type CommandContext, type CommandWithoutMetadata } from '../../../application/src/index.js';
import type { CustomerCommand, CustomerState } from '../../../billing/src/index.js';
import type { EventData, EventStore, JsonObject, Position, RecordedEvent } from '../../../event-store/src/index.js';
import { dueWorkProjection, type DueWorkProjection } from '../due-work.projection.js';
import type { DueWorkChanges, DueWorkContext, DueWorkEntry, DueWorkHandler } from '../due-work.types.js';

/**
 * A toy feature for the scheduler's tests (and the crash test's child process): due work stated directly by toy
 * events, and renewal chains whose next step is stated by the events the previous step's command appended. The
 * commands are real ones on a registered aggregate (a customer), run by executeCommand, so a re-dispatch is recognised
 * by the event store exactly as a feature's command would be:
 * - `toy.count` increments a counter kept in a customer's name ("count 7"): acting twice would show as a count too
 *   many, and the customer event records the command's `now` (`updatedAt`), i.e. the instant the work ran at;
 * - `toy.renewal` moves a chain "renewal n of N" to n + 1; each step's event states the next step one month later.
 */
export const TOY_WORK_SCHEDULED = 'ToyWorkScheduled';
export const TOY_WORK_CANCELLED = 'ToyWorkCancelled';
export const TOY_COUNT = 'toy.count';
export const TOY_RENEWAL = 'toy.renewal';

const address = { line1: '1 Test Street', line2: null, city: 'Testville', region: null, postalCode: '00000', country: 'US' };
const renewalName = /^renewal (\d+) of (\d+)$/;

/** The toy's due-work projection (plan mode): the toy events and the customer events of renewal chains. */
export function toyDueWorkProjection(name = 'toy_due_work', version = 1): DueWorkProjection {
  return dueWorkProjection({ name, version, eventTypes: [TOY_WORK_SCHEDULED, TOY_WORK_CANCELLED, 'CustomerRegistered', 'CustomerUpdated'], plan: planToyWork });
}

/** The toy's mapping, event by event. */
export function planToyWork(event: RecordedEvent): DueWorkChanges {
  const data = event.data as JsonObject;
  switch (event.type) {
    case TOY_WORK_SCHEDULED:
      return { upsert: [data.entry as unknown as DueWorkEntry] };
    case TOY_WORK_CANCELLED:
      return { remove: [data.workKey as string] };
    case 'CustomerRegistered':
    case 'CustomerUpdated': {
      const match = renewalName.exec(String(data.name));
      if (!match) return {};
      const step = Number(match[1]);
      const total = Number(match[2]);
      const customerId = String(data.customerId);
      const at = String(event.type === 'CustomerRegistered' ? data.registeredAt : data.updatedAt);
      const done = renewalKey(customerId, step);
      if (step >= total) return { remove: [done] };
      return { remove: [done], upsert: [{ workKey: renewalKey(customerId, step + 1), kind: TOY_RENEWAL, dueAt: monthLater(at), payload: { customerId, step: step + 1, total } }] };
    }
    default:
      return {};
  }
}

export function renewalKey(customerId: string, step: number): string {
  return `toy:renewal:${customerId}:${step}`;
}

function monthLater(instant: string): string {
  const date = new Date(Date.parse(instant));
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString();
}

let appended = 0;

/** States `entries` as the tenant's due work: one ToyWorkScheduled event each, on one stream per call. */
export async function scheduleToyWork(store: EventStore, tenantId: string, entries: readonly DueWorkEntry[]): Promise<Position> {
  appended += 1;
  const events: EventData[] = entries.map((entry, index) => ({ eventId: uuidV5(`toy:${tenantId}:${appended}:${index}:${Date.now()}`), type: TOY_WORK_SCHEDULED, data: { entry: entry as unknown as JsonObject } }));
  return (await store.appendToStream(`${tenantId}:toy_work-${appended}-${Date.now()}`, events, { expectedRevision: 'no_stream' })).position;
}

/** Withdraws the tenant's work `workKeys`. */
export async function cancelToyWork(store: EventStore, tenantId: string, workKeys: readonly string[]): Promise<Position> {
  appended += 1;
  const events: EventData[] = workKeys.map((workKey, index) => ({ eventId: uuidV5(`toy-cancel:${tenantId}:${appended}:${index}:${Date.now()}`), type: TOY_WORK_CANCELLED, data: { workKey } }));
  return (await store.appendToStream(`${tenantId}:toy_work-${appended}-${Date.now()}`, events, { expectedRevision: 'no_stream' })).position;
}

/** A `toy.count` entry: increments the counter `customerId` at `dueAt`. */
export function countEntry(workKey: string, dueAt: string, customerId = 'counter'): DueWorkEntry {
  return { workKey, kind: TOY_COUNT, dueAt, payload: { customerId } };
}

/** The command as a handler builds it: executeCommand adds the metadata (the work's `now`). */
function upsert(customerId: string, name: string): CommandWithoutMetadata<CustomerCommand> {
  return { type: 'UpsertCustomer', data: { customerId, name, email: null, billingAddress: address, taxExempt: false } };
}

function countOf(state: CustomerState): number {
  const match = /^count (\d+)$/.exec(state.details?.name ?? '');
  return match ? Number(match[1]) : 0;
}

export interface ToyHandlerHooks {
  /** Before the command (a slow handler). */
  readonly before?: (item: Parameters<DueWorkHandler>[0], context: DueWorkContext) => Promise<void>;
  /** After the command appended, before the scheduler's bookkeeping (where a crash is the interesting one). */
  readonly after?: (item: Parameters<DueWorkHandler>[0], context: DueWorkContext, position: Position | undefined) => Promise<void>;
}

/** `toy.count`: one UpsertCustomer that raises the counter by one, with the work's command context. */
export function counterHandler(store: EventStore, hooks: ToyHandlerHooks = {}): DueWorkHandler {
  return async (item, context) => {
    await hooks.before?.(item, context);
    const customerId = String(item.payload.customerId);
    const outcome = await executeCommand(store, context.command, aggregates.customer.on(customerId, { command: (state) => upsert(customerId, `count ${countOf(state) + 1}`) }));
    await hooks.after?.(item, context, outcome.position);
    return { status: 'done', position: outcome.position };
  };
}

/** `toy.renewal`: moves the chain to the step the work names. */
export function renewalHandler(store: EventStore, hooks: ToyHandlerHooks = {}): DueWorkHandler {
  return async (item, context) => {
    await hooks.before?.(item, context);
    const customerId = String(item.payload.customerId);
    const name = `renewal ${Number(item.payload.step)} of ${Number(item.payload.total)}`;
    const outcome = await executeCommand(store, context.command, aggregates.customer.on(customerId, { command: () => upsert(customerId, name) }));
    await hooks.after?.(item, context, outcome.position);
    return { status: 'done', position: outcome.position };
  };
}

/** Starts a renewal chain of `total` steps: the customer registered as "renewal 0 of N" at `at` (its first step a month later). */
export async function startRenewalChain(store: EventStore, tenantId: string, customerId: string, at: string, total: number): Promise<Position | undefined> {
  const context: CommandContext = { tenantId, actor: 'test', commandId: uuidV5(`chain:${tenantId}:${customerId}`), correlationId: 'test', causationId: 'test', now: at };
  const outcome = await executeCommand(store, context, aggregates.customer.on(customerId, { command: () => upsert(customerId, `renewal 0 of ${total}`) }));
  return outcome.position;
}

/** The customer's events: what the toy's commands did, in order, with their `now` and command id. */
export async function toyCustomerHistory(store: EventStore, tenantId: string, customerId: string): Promise<{ name: string; now: string; commandId: string }[]> {
  const events = await store.readStream(`${tenantId}:customer-${customerId}`, { maxCount: 10_000 });
  return events.map((event) => ({
    name: String(event.data.name),
    now: String(event.type === 'CustomerRegistered' ? event.data.registeredAt : event.data.updatedAt),
    commandId: String(event.metadata.commandId),
  }));
}

/** The counter's value as the stream says. */
export async function toyCount(store: EventStore, tenantId: string, customerId = 'counter'): Promise<number> {
  return countOf((await load(store, aggregates.customer, tenantId, customerId)).state);
}
