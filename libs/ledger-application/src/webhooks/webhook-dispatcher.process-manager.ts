import { aggregates, executeCommand, load, storedEventData, tenantOfStream, uuidV5, type CommandContext } from '../../../application/src/index.js';
import {
  activeWebhookEndpointIds,
  billingSettingsEventTypes,
  compareLogPositions,
  webhookEndpointFeedEventSchemas,
  webhookEndpointsActivatedBy,
  type WebhookEndpointFeedState,
  type WebhookFeedStartReason,
} from '../../../billing/src/index.js';
import { publicEventSourceTypes } from '../../../billing/src/public-events/index.js';
import { comparePositions, decodePosition, encodePosition, START_POSITION, type EventStore, type Position, type RecordedEvent } from '../../../event-store/src/index.js';
import type { Projection } from '../../../projection-runtime/src/index.js';
import { WebhookDeliveryQueries } from '../../../../projections/webhook-deliveries/webhook-deliveries.queries.js';
import { processManagerOrigin } from '../common/process-manager-origin.js';
import { tenantNowOf } from '../common/tenant-time.js';
import { WEBHOOK_DISPATCHER_ACTOR } from './webhook-attempt.js';
import { WebhookEndpointCache } from './webhook-endpoints.js';
import { WebhookLane, type LaneEvent, type LaneStart } from './webhook-lane.js';
import type { WebhookServices } from './webhook-services.js';
import { messagesOf } from './webhook-source.js';

export const WEBHOOK_DISPATCHER_NAME = 'webhook_dispatcher';

export interface WebhookDispatcherOptions {
  /** Another name runs a second, independent dispatcher (tests). */
  readonly name?: string;
  /** From the start of the log instead of where the dispatcher first ran (tests only: it would deliver every event ever recorded). */
  readonly fromStart?: boolean;
}

/** The dispatcher as a projection, with its lanes: `stop()` ends them (after the attempts in hand). */
export interface WebhookDispatcher extends Projection {
  stop(): Promise<void>;
  /** Each running lane's position, for tests and diagnostics. */
  lanes(): { readonly tenantId: string; readonly endpointId: string; readonly round: number; readonly cursor: string; readonly live: boolean }[];
}

const settingsEventTypes = new Set<string>(billingSettingsEventTypes);

/**
 * The webhook dispatcher (docs/webhooks.md): the event log is the outbox. A process manager (a `sideEffects`
 * projection: the runner's one reader of the log fans out to it, with a lease and a checkpoint) that maps each event to
 * its public events (publicEventsOf) and hands it to a lane per subscribed, enabled endpoint of the tenant, and goes on:
 * the lanes make the first attempts, each endpoint in order, endpoints side by side (webhook-lane.ts). So the
 * dispatcher's checkpoint runs ahead of the deliveries; each endpoint's own progress is its cursor (the
 * webhook_endpoint_cursors read model, derived from the attempts), from which its lane resumes after a restart.
 *
 * It also follows, in log order: the settings (the tenant's endpoints are cached until its next settings event; an
 * endpoint added or enabled, or webhooks turned on, starts its feed at that event, so it gets new events only; one
 * disabled or removed, or webhooks turned off, stops its lane) and replays (the lane goes back and re-sends).
 *
 * It starts where the log stood when it first ran (its origin, kept in `webhook_dispatcher_origin`): a ledger that
 * gains webhooks does not deliver its whole history, and an endpoint configured before then starts at the origin.
 */
export function webhookDispatcher(services: WebhookServices, options: WebhookDispatcherOptions = {}): WebhookDispatcher {
  const name = options.name ?? WEBHOOK_DISPATCHER_NAME;
  const runtime = new WebhookDispatchRuntime(services);
  registerRuntime(services.store, runtime);
  const originOf = processManagerOrigin(services, 'webhook_dispatcher_origin', name, options.fromStart);
  runtime.originOf = originOf;
  return {
    name,
    version: 1,
    eventTypes: [...new Set([...publicEventSourceTypes, ...billingSettingsEventTypes, 'WebhookReplayRequested'])],
    tables: [],
    sideEffects: true,
    /** Called when this process takes the dispatcher's lease: the origin, and a lane for every active endpoint's feed. */
    async createTables() {
      const from = await originOf();
      services.log(`webhooks: delivering events after position ${encodePosition(from)} (timeout ${services.timeoutMs} ms)`);
      await runtime.resume();
    },
    async apply(_context, recorded) {
      if (comparePositions(recorded.position, await originOf()) <= 0) return;
      const tenantId = tenantOfStream(recorded.streamId);
      if (settingsEventTypes.has(recorded.type)) return runtime.settingsChanged(tenantId, recorded);
      if (recorded.type === 'WebhookReplayRequested') return runtime.replayed(tenantId, recorded);
      return runtime.dispatch(tenantId, recorded);
    },
    stop: () => runtime.stop(),
    lanes: () => runtime.laneStatuses(),
  };
}

/** The lanes of one dispatcher, by tenant and endpoint. */
class WebhookDispatchRuntime {
  readonly endpoints: WebhookEndpointCache;
  private readonly queries: WebhookDeliveryQueries;
  private readonly lanes = new Map<string, WebhookLane>();
  /** Lanes told to stop whose attempt in hand is not finished: a new lane of the endpoint waits for it. */
  private readonly retiring = new Map<string, Promise<void>>();
  private stopped = false;
  originOf: () => Promise<Position> = () => Promise.resolve(START_POSITION);

  constructor(private readonly services: WebhookServices) {
    this.endpoints = new WebhookEndpointCache(services);
    this.queries = new WebhookDeliveryQueries(services.db);
  }

  /** A source event: handed to the lane of every active endpoint that subscribes to one of its messages. */
  async dispatch(tenantId: string, recorded: RecordedEvent): Promise<void> {
    if (this.stopped) return;
    const webhooks = await this.endpoints.asOf(tenantId, recorded.position);
    if (!webhooks.featureOn) return;
    const active = [...webhooks.endpoints.values()].filter((endpoint) => endpoint.enabled);
    if (active.length === 0) return;
    let entry: LaneEvent;
    try {
      entry = { event: recorded, messages: messagesOf(recorded) };
    } catch (error) {
      // An event the catalogue cannot read would fail on every redelivery: reported, and the log goes on.
      this.services.log(`webhooks: ${recorded.type} ${recorded.eventId} of tenant ${tenantId} has no readable public event: ${(error as Error).message}`);
      return;
    }
    if (entry.messages.length === 0) return;
    for (const endpoint of active) {
      if (entry.messages.some((message) => endpoint.events.includes(message.type))) this.laneFor(tenantId, endpoint.id).push(entry);
    }
  }

  /** A settings event: the endpoints it activates start their feeds here; lanes of endpoints no longer active stop. */
  async settingsChanged(tenantId: string, recorded: RecordedEvent): Promise<void> {
    this.endpoints.invalidate(tenantId);
    const webhooks = await this.endpoints.asOf(tenantId, recorded.position);
    const activated = webhookEndpointsActivatedBy(aggregates.billingSettings.parse(recorded), webhooks.settings);
    const correlationId = typeof recorded.metadata.correlationId === 'string' ? recorded.metadata.correlationId : recorded.eventId;
    for (const endpointId of activated) {
      await startFeed(this.services, tenantId, endpointId, recorded.position, 'activated', uuidV5(`${tenantId}:webhook-feed:${endpointId}:${recorded.eventId}`), { correlationId, causationId: recorded.eventId });
      // A lane still running (say, a replay) starts again from the feed as it now is.
      this.retire(tenantId, endpointId);
    }
    const active = new Set(activeWebhookEndpointIds(webhooks.settings));
    for (const lane of [...this.lanes.values()]) if (lane.tenantId === tenantId && !active.has(lane.endpointId)) this.retire(tenantId, lane.endpointId);
  }

  /** A replay: the endpoint's lane goes back to the replay's position, in its round. */
  async replayed(tenantId: string, recorded: RecordedEvent): Promise<void> {
    const { endpointId, fromPosition, round } = storedEventData(webhookEndpointFeedEventSchemas.WebhookReplayRequested, recorded);
    const webhooks = await this.endpoints.asOf(tenantId, recorded.position);
    if (!activeWebhookEndpointIds(webhooks.settings).includes(endpointId)) return;
    const existing = this.lanes.get(laneKey(tenantId, endpointId));
    if (existing) existing.replay(round, decodePosition(fromPosition));
    else this.laneFor(tenantId, endpointId, Promise.resolve({ round, cursor: decodePosition(fromPosition) }));
  }

  /** After taking the lease: a lane for each feed whose endpoint is active, each resuming from its cursor. */
  async resume(): Promise<void> {
    let cursors;
    try {
      cursors = await this.queries.allCursors();
    } catch (error) {
      // The read model not created yet (a process without it): lanes start with the next events instead.
      this.services.log(`webhooks: no endpoint cursors to resume from (${(error as Error).message})`);
      return;
    }
    for (const cursor of cursors) {
      const webhooks = await this.endpoints.latest(cursor.tenantId);
      if (activeWebhookEndpointIds(webhooks.settings).includes(cursor.endpointId)) this.laneFor(cursor.tenantId, cursor.endpointId);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    await Promise.all([...lanes.map((lane) => lane.stop()), ...this.retiring.values()]);
  }

  laneStatuses(): { tenantId: string; endpointId: string; round: number; cursor: string; live: boolean }[] {
    return [...this.lanes.values()].map((lane) => ({ tenantId: lane.tenantId, endpointId: lane.endpointId, ...lane.status() }));
  }

  private laneFor(tenantId: string, endpointId: string, start?: Promise<LaneStart>): WebhookLane {
    const key = laneKey(tenantId, endpointId);
    const existing = this.lanes.get(key);
    if (existing) return existing;
    const previous = this.retiring.get(key);
    const begin = async (): Promise<LaneStart> => {
      await previous;
      return start ?? laneStartOf(this.services, this.queries, tenantId, endpointId, await this.originOf());
    };
    const lane = new WebhookLane(tenantId, endpointId, begin(), {
      services: this.services,
      endpoints: this.endpoints,
      log: this.services.log,
      onExit: (ended) => {
        if (this.lanes.get(key) === ended) this.lanes.delete(key);
      },
    });
    this.lanes.set(key, lane);
    return lane;
  }

  private retire(tenantId: string, endpointId: string): void {
    const key = laneKey(tenantId, endpointId);
    const lane = this.lanes.get(key);
    if (!lane) return;
    this.lanes.delete(key);
    const stopping = lane.stop().finally(() => {
      if (this.retiring.get(key) === stopping) this.retiring.delete(key);
    });
    this.retiring.set(key, stopping);
  }
}

function laneKey(tenantId: string, endpointId: string): string {
  return `${tenantId}\u0000${endpointId}`;
}

/**
 * Where a lane resumes: its feed's round and start (the event store), moved on to the cursor the read model has for
 * that round if it is further. A feed that never started (an endpoint configured before the dispatcher first ran)
 * starts now, at the dispatcher's origin.
 */
async function laneStartOf(services: WebhookServices, queries: WebhookDeliveryQueries, tenantId: string, endpointId: string, origin: Position): Promise<LaneStart> {
  let feed = (await load(services.store, aggregates.webhookEndpointFeed, tenantId, endpointId)).state;
  if (feed.fromPosition === null) {
    const commandId = uuidV5(`${tenantId}:webhook-feed:${endpointId}:first_seen`);
    feed = await startFeed(services, tenantId, endpointId, origin, 'first_seen', commandId, { correlationId: commandId, causationId: commandId });
  }
  const from = feed.fromPosition as string;
  const row = await queries.cursorOf(tenantId, endpointId);
  const cursor = row !== undefined && row.round === feed.round && compareLogPositions(row.position, from) > 0 ? row.position : from;
  return { round: feed.round, cursor: decodePosition(cursor) };
}

async function startFeed(
  services: WebhookServices,
  tenantId: string,
  endpointId: string,
  from: Position,
  reason: WebhookFeedStartReason,
  commandId: string,
  causation: { correlationId: string; causationId: string },
): Promise<WebhookEndpointFeedState> {
  const context: CommandContext = { tenantId, actor: WEBHOOK_DISPATCHER_ACTOR, commandId, ...causation, now: await tenantNowOf(services, tenantId) };
  const { state } = await executeCommand(
    services.store,
    context,
    aggregates.webhookEndpointFeed.on(endpointId, { command: () => ({ type: 'StartWebhookFeed', data: { endpointId, fromPosition: encodePosition(from), reason } }) }),
  );
  return state;
}

/** Every dispatcher built over a store, so a process can end their lanes when it stops (stopWebhookDelivery). */
const runtimes = new WeakMap<EventStore, Set<WebhookDispatchRuntime>>();

function registerRuntime(store: EventStore, runtime: WebhookDispatchRuntime): void {
  let set = runtimes.get(store);
  if (!set) runtimes.set(store, (set = new Set()));
  set.add(runtime);
}

/**
 * Ends the lanes of every webhook dispatcher over `store`, after the attempts in hand (each at most the timeout): a
 * process calls it on shutdown, before it closes the store. Lanes stopped so resume from their cursors elsewhere.
 */
export async function stopWebhookDelivery(store: EventStore): Promise<void> {
  const set = runtimes.get(store);
  if (!set) return;
  runtimes.delete(store);
  await Promise.all([...set].map((runtime) => runtime.stop()));
}
