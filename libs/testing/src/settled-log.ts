import { comparePositions, type EventStore, type Position, type RecordedEvent, type EventFilter } from '../../event-store/src/index.js';
import { uuidV5 } from '../../application/src/index.js';

/**
 * The position a reader of $all will reach once it has seen everything appended so far. An append becomes visible on
 * $all only when every older transaction on the server has ended (other tests' included, in any database of the
 * cluster), so headPosition() right after seeding may still be short of it: append a marker and wait until $all
 * shows it.
 */
export async function settledHead(store: EventStore, tenantId: string, timeoutMs = 30_000): Promise<Position> {
  const marker = await store.appendToStream(`${tenantId}:test_marker-${uuidV5(`${Date.now()}:${Math.random()}`)}`, [{ eventId: uuidV5(`marker:${Date.now()}:${Math.random()}`), type: 'TestMarkerAppended', data: {} }], { expectedRevision: 'no_stream' });
  const deadline = Date.now() + timeoutMs;
  while (comparePositions(await store.headPosition(), marker.position) < 0) {
    if (Date.now() > deadline) throw new Error(`$all did not show the marker within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return marker.position;
}

/**
 * Every event of the log (or of the filter's streams) appended before the call, in log order. Reading $all page by page
 * and stopping at a short page is not enough on its own: a short page only means that nothing more was visible yet,
 * and a transaction of another test still open on the server hides the newest commits. So the head is settled first
 * (a marker under `markerTenant`, which the filter should leave out) and the read stops at the marker.
 */
export async function readSettledLog(store: EventStore, options: { filter?: EventFilter; markerTenant?: string; pageSize?: number } = {}): Promise<RecordedEvent[]> {
  const markerTenant = options.markerTenant ?? 'settled-log-marker';
  const pageSize = options.pageSize ?? 1_000;
  const head = await settledHead(store, markerTenant);
  const events: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ fromPosition: events.at(-1)?.position ?? 'start', maxCount: pageSize, ...(options.filter ? { filter: options.filter } : {}) });
    for (const event of page) if (comparePositions(event.position, head) < 0) events.push(event);
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined || comparePositions(last.position, head) >= 0) break;
  }
  return events;
}
