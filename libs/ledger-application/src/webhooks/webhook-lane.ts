import { isDomainError, type WebhookEvent } from '../../../billing/src/index.js';
import { publicEventSourceTypesOf, type PublicEvent } from '../../../billing/src/public-events/index.js';
import { comparePositions, encodePosition, type Position, type RecordedEvent } from '../../../event-store/src/index.js';
import { tenantNowOf } from '../common/tenant-time.js';
import { attemptWebhookDelivery, WEBHOOK_DISPATCHER_ACTOR } from './webhook-attempt.js';
import type { WebhookEndpointCache } from './webhook-endpoints.js';
import type { WebhookServices } from './webhook-services.js';
import { messageSourceOf, messagesOf } from './webhook-source.js';

/** An event handed to a lane by the dispatcher, with its messages (computed once for every endpoint). */
export interface LaneEvent {
  readonly event: RecordedEvent;
  readonly messages: readonly PublicEvent[];
}

/** Where a lane starts: the feed's round and the position through which its first attempts are done. */
export interface LaneStart {
  readonly round: number;
  readonly cursor: Position;
}

export const webhookLaneLimits = {
  /** Events a lane holds for its endpoint; past it the lane drops them and reads them back from the store when it gets there. */
  bufferMax: 1_000,
  /** Events one catch-up read returns (the tenant's events of the endpoint's types, after the cursor). */
  catchUpPage: 200,
  /** Failures in a row (the store, the network to it) after which a lane ends; the next event starts a new one. */
  failuresMax: 5,
  backoffMs: 200,
} as const;

export interface WebhookLaneOptions {
  readonly services: WebhookServices;
  readonly endpoints: WebhookEndpointCache;
  readonly log: (message: string) => void;
  /** Called once when the lane ends (stopped, its endpoint no longer active, or failing), to forget it. */
  readonly onExit: (lane: WebhookLane) => void;
}

/**
 * One endpoint's delivery line (docs/webhooks.md, "Ordering, cursors and replay"). It makes the FIRST attempt of each
 * message for its endpoint, one after another in log order, and owns its cursor: the position through which those
 * attempts are done. Lanes run side by side, so a slow or dead endpoint (each attempt up to the timeout) holds back
 * only its own lane: the dispatcher hands events over and goes on at once. Failed attempts are retried by the
 * scheduler, not here, so one failing message never blocks the next (the order holds for first attempts).
 *
 * A lane is fed by the dispatcher (the process's one reader of the log) while it keeps up: `live`. It reads the store
 * itself (the tenant's events of its endpoint's types, in pages) when it is behind: when it starts (from the cursor the
 * read model kept), after a replay moved it back, and after its buffer overflowed (a slow endpoint under a burst).
 * It goes live again once a page reaches the first event it holds, or the end of the log. Every attempt reads its
 * message's stream first, so a cursor that is behind the truth costs reads, never a second delivery.
 */
export class WebhookLane {
  private round: number;
  private cursor: Position = { commit: 0n, prepare: 0n };
  private live = false;
  private buffer: LaneEvent[] = [];
  /** Moves on a replay: work in hand for an older generation does not move the cursor. */
  private generation = 0;
  private stopped = false;
  private signal: (() => void) | undefined;
  /** A wake-up that came while the lane was busy: the next wait returns at once. */
  private woken = false;
  private readonly finished: Promise<void>;

  constructor(
    readonly tenantId: string,
    readonly endpointId: string,
    start: Promise<LaneStart>,
    private readonly options: WebhookLaneOptions,
  ) {
    this.round = 0;
    this.finished = this.run(start);
  }

  /** An event the dispatcher has seen that has messages for this endpoint (in log order). */
  push(entry: LaneEvent): void {
    if (this.stopped) return;
    if (this.buffer.length >= webhookLaneLimits.bufferMax) {
      // Too far behind: drop what is held and read it back from the store when the lane gets there.
      this.buffer = [];
      this.live = false;
    } else {
      this.buffer.push(entry);
    }
    this.wake();
  }

  /** A replay: back to `from`, in round `round`, reading the store from there until it joins the live events. */
  replay(round: number, from: Position): void {
    this.generation += 1;
    this.round = round;
    this.cursor = from;
    this.live = false;
    this.wake();
  }

  /** Ends the lane after the attempt in hand (if any). */
  stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    return this.finished;
  }

  /** Where the lane is, for tests and diagnostics. */
  status(): { readonly round: number; readonly cursor: string; readonly live: boolean; readonly buffered: number; readonly stopped: boolean } {
    return { round: this.round, cursor: encodePosition(this.cursor), live: this.live, buffered: this.buffer.length, stopped: this.stopped };
  }

  private async run(start: Promise<LaneStart>): Promise<void> {
    const { log } = this.options;
    try {
      const initial = await start;
      // A replay that arrived while the lane was starting wins over the start it read.
      if (this.generation === 0) {
        this.round = initial.round;
        this.cursor = initial.cursor;
      }
      let failures = 0;
      while (!this.stopped) {
        try {
          const worked = await this.step();
          failures = 0;
          if (!worked && !this.stopped) await this.nextSignal();
        } catch (error) {
          failures += 1;
          log(`webhooks: endpoint ${this.endpointId} of tenant ${this.tenantId}: ${(error as Error).message} (failure ${failures} of ${webhookLaneLimits.failuresMax})`);
          if (failures >= webhookLaneLimits.failuresMax) break;
          await sleep(webhookLaneLimits.backoffMs * 2 ** (failures - 1));
        }
      }
    } catch (error) {
      log(`webhooks: endpoint ${this.endpointId} of tenant ${this.tenantId} could not start: ${(error as Error).message}`);
    } finally {
      this.stopped = true;
      this.buffer = [];
      this.options.onExit(this);
    }
  }

  /** One unit of work: a catch-up page, or one live event. False when there was nothing to do. */
  private async step(): Promise<boolean> {
    const webhooks = await this.options.endpoints.latest(this.tenantId);
    const endpoint = webhooks.endpoints.get(this.endpointId);
    if (endpoint === undefined || !endpoint.enabled || !webhooks.featureOn) {
      this.stopped = true;
      return false;
    }
    if (!this.live) return this.catchUp(endpoint.events);
    while (this.buffer.length > 0 && comparePositions((this.buffer[0] as LaneEvent).event.position, this.cursor) <= 0) this.buffer.shift();
    const next = this.buffer.shift();
    if (next === undefined) return false;
    await this.process(next, this.generation);
    return true;
  }

  /** Reads one page of the tenant's events after the cursor; goes live once it reaches the buffer or the end of the log. */
  private async catchUp(types: readonly WebhookEvent[]): Promise<boolean> {
    const generation = this.generation;
    const page = await this.options.services.store.readAll({
      fromPosition: this.cursor,
      maxCount: webhookLaneLimits.catchUpPage,
      filter: { eventTypes: publicEventSourceTypesOf(types), streamPrefixes: [`${this.tenantId}:`] },
    });
    for (const event of page) {
      if (generation !== this.generation || this.stopped) return true;
      const joined = this.buffer[0];
      if (joined !== undefined && comparePositions(event.position, joined.event.position) >= 0) {
        this.live = true;
        return true;
      }
      await this.process({ event, messages: messagesOf(event) }, generation);
    }
    if (generation === this.generation && page.length < webhookLaneLimits.catchUpPage) this.live = true;
    return true;
  }

  /** The first attempt of each of the event's messages this endpoint subscribes to, in the catalogue's order; then the cursor moves past it. */
  private async process({ event, messages }: LaneEvent, generation: number): Promise<void> {
    const { services, endpoints, log } = this.options;
    const correlationId = typeof event.metadata.correlationId === 'string' ? event.metadata.correlationId : event.eventId;
    for (const message of messages) {
      if (generation !== this.generation || this.stopped) return;
      const webhooks = await endpoints.latest(this.tenantId);
      const endpoint = webhooks.endpoints.get(this.endpointId);
      if (endpoint === undefined || !endpoint.enabled || !webhooks.featureOn) {
        this.stopped = true;
        return;
      }
      if (!endpoint.events.includes(message.type)) continue;
      const now = await tenantNowOf(services, this.tenantId);
      let result;
      try {
        result = await attemptWebhookDelivery(services, {
          tenantId: this.tenantId,
          endpoint,
          message,
          source: messageSourceOf(event),
          round: this.round,
          attempt: 1,
          now,
          actor: WEBHOOK_DISPATCHER_ACTOR,
          causation: { correlationId, causationId: event.eventId },
        });
      } catch (error) {
        // A record the domain refuses would be refused again: report it and go on with the next message.
        if (!isDomainError(error)) throw error;
        log(`webhooks: message ${message.id} to endpoint ${this.endpointId} of tenant ${this.tenantId} NOT recorded: ${error.code}: ${error.message}`);
        continue;
      }
      if (result.kind === 'attempted') {
        const { status, error, nextAttemptAt } = result.outcome;
        if (status !== 'delivered') log(`webhooks: ${message.type} ${message.id} to endpoint ${this.endpointId} of tenant ${this.tenantId}: ${status}${error ? ` (${error})` : ''}${nextAttemptAt ? `; next attempt at ${nextAttemptAt}` : ''}`);
        if (result.outcome.endpointGone) {
          this.stopped = true;
          return;
        }
      }
    }
    if (generation === this.generation && comparePositions(event.position, this.cursor) > 0) this.cursor = event.position;
  }

  private wake(): void {
    const signal = this.signal;
    this.signal = undefined;
    if (signal) signal();
    else this.woken = true;
  }

  private nextSignal(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.signal = resolve));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
