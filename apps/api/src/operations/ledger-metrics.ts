import { Counter, Gauge, Registry } from 'prom-client';
import type { AppendRequest, EventData, EventStore, ExpectedRevision, MultiStreamAppendResult, AppendResult } from '../../../../libs/event-store/src/index.js';
import { WrongExpectedVersionError } from '../../../../libs/event-store/src/index.js';

/** One registry per app instance (not prom-client's global), so several apps can share a process in tests. */
export class LedgerMetrics {
  readonly registry = new Registry();
  readonly commands = new Counter({ name: 'ledger_commands_total', help: 'Mutations by operation and outcome (ok, or the error code)', labelNames: ['operation', 'outcome'], registers: [this.registry] });
  readonly appends = new Counter({ name: 'ledger_event_store_appends_total', help: 'Append calls that wrote or acknowledged events', registers: [this.registry] });
  readonly eventsAppended = new Counter({ name: 'ledger_events_appended_total', help: 'Events appended', registers: [this.registry] });
  readonly conflicts = new Counter({ name: 'ledger_append_conflicts_total', help: 'Appends rejected with a wrong expected version (retried or surfaced)', registers: [this.registry] });
  readonly openSubscriptions = new Gauge({ name: 'ledger_open_subscriptions', help: 'GraphQL billingEvents subscriptions open now', registers: [this.registry] });
  readonly projectionLag = new Gauge({ name: 'ledger_projection_lag_events', help: 'Events not yet in each read model: exact up to 1000, an estimate from log positions beyond', labelNames: ['projection'], registers: [this.registry] });
  readonly schedulerLeaseHeld = new Gauge({ name: 'ledger_scheduler_lease_held', help: 'Whether this process holds the scheduler lease and runs the due work (1) or not (0)', registers: [this.registry] });
  readonly dueWorkDue = new Gauge({ name: 'ledger_due_work_due_items', help: 'Due work of real-time tenants that is due and not done (not parked): exact up to 10000, 10000 beyond', registers: [this.registry] });
  readonly dueWorkOldestAge = new Gauge({ name: 'ledger_due_work_oldest_due_age_seconds', help: 'How long the earliest due piece of work has been waiting (0 when nothing is due)', registers: [this.registry] });

  /** Wraps an event store so that every append is counted, whoever calls it. */
  instrument(store: EventStore): EventStore {
    const count = async <Result>(events: number, run: () => Promise<Result>): Promise<Result> => {
      try {
        const result = await run();
        this.appends.inc();
        this.eventsAppended.inc(events);
        return result;
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) this.conflicts.inc();
        throw error;
      }
    };
    return new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'appendToStream') {
          return (streamId: string, events: readonly EventData[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> =>
            count(events.length, () => target.appendToStream(streamId, events, options));
        }
        if (property === 'appendToStreams') {
          return (requests: readonly AppendRequest[]): Promise<MultiStreamAppendResult> =>
            count(requests.reduce((sum, request) => sum + request.events.length, 0), () => target.appendToStreams(requests));
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
