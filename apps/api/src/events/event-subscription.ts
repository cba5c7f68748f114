import type { RecordedEvent, SubscribeToAllOptions } from '../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../ledger-services.js';

/**
 * A GraphQL subscription over the log: the event store's subscription from `options` (its catch-up pages, then the
 * process's one reader of the live end), each event turned into the messages it gives (none, one or several, kept in
 * order), counted in the open-subscriptions gauge until the client goes away. billingEvents and publicEvents differ
 * only in `messagesOf`.
 */
export function eventSubscription<Message>(
  services: Pick<LedgerServices, 'store' | 'metrics'>,
  options: SubscribeToAllOptions,
  messagesOf: (event: RecordedEvent) => readonly Message[],
): AsyncIterableIterator<Message> {
  const subscription = services.store.subscribeToAll(options);
  const iterator = subscription[Symbol.asyncIterator]();
  const gauge = services.metrics.openSubscriptions;
  gauge.inc();
  let open = true;
  const closeOnce = async () => {
    if (!open) return;
    open = false;
    gauge.dec();
    await subscription.close();
  };
  // One event may give several messages: they wait here, delivered before the next read.
  const pending: Message[] = [];
  const stream: AsyncIterableIterator<Message> = {
    [Symbol.asyncIterator]: () => stream,
    next: async () => {
      while (pending.length === 0) {
        const next = await iterator.next();
        if (next.done) return { done: true, value: undefined };
        if (next.value.kind === 'event') pending.push(...messagesOf(next.value.event));
      }
      return { done: false, value: pending.shift() as Message };
    },
    return: async () => {
      await closeOnce();
      return { done: true, value: undefined };
    },
  };
  return stream;
}
