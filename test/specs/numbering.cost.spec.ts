import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { executeWithRetry, type CommandContext } from '../../libs/application/src/index.js';
import { DomainError } from '../../libs/billing/src/index.js';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '../../libs/event-store/src/index.js';
import { loadBillingSettings } from '../../libs/ledger-application/src/common/billing-settings.js';
import { takeDocumentNumber } from '../../libs/ledger-application/src/common/numbering.js';
import { startHandlerSpecLedger, type HandlerSpecLedger } from './handler-spec.support.js';

/**
 * Taking a document number reads what the next decision needs and no more (docs/domain.md, "Numbering"): the cost of
 * the 2,000th number of a period is the cost of the 2nd, counted in events read from the store (not in time, which
 * would depend on the machine). And many issues racing in one period still get gapless, unique numbers.
 */
describe('document numbering', () => {
  let h: HandlerSpecLedger;

  beforeAll(async () => {
    h = await startHandlerSpecLedger();
  });

  afterAll(async () => {
    await h?.stop();
  });

  /** The ledger's event store, counting the events every read returns. */
  function countingStore(inner: EventStore): { store: EventStore; eventsRead: () => number } {
    let count = 0;
    const counted = (events: RecordedEvent[]) => {
      count += events.length;
      return events;
    };
    const store: EventStore = {
      appendToStream: (streamId, events, options) => inner.appendToStream(streamId, events, options),
      appendToStreams: (requests) => inner.appendToStreams(requests),
      readStream: async (streamId: string, options?: ReadStreamOptions) => counted(await inner.readStream(streamId, options)),
      readAll: async (options) => counted(await inner.readAll(options)),
      subscribeToAll: (options) => inner.subscribeToAll(options),
      subscribeToStream: (streamId, options) => inner.subscribeToStream(streamId, options),
      headPosition: () => inner.headPosition(),
      close: () => inner.close(),
    };
    return { store, eventsRead: () => count };
  }

  const NOW = '2026-03-02T11:00:00.000Z';

  /** Takes and appends the next receipt number for `documentId`, as the issuers do (retried on a conflict). */
  async function issue(store: EventStore, tenantId: string, documentId: string): Promise<string> {
    const settings = await loadBillingSettings({ store: h.ledger.services.store }, tenantId);
    const context: CommandContext = { tenantId, actor: 'spec:numbering', commandId: `${documentId}-issue`, correlationId: documentId, causationId: documentId, now: NOW };
    return executeWithRetry(store, async () => {
      const { number, appends } = await takeDocumentNumber(store, context, settings, 'receipt', documentId, NOW);
      return { appends, result: () => number };
    });
  }

  it('reads as many events for the 2,000th number of a period as for the 2nd', async () => {
    const tenantId = h.newTenant();
    const { store, eventsRead } = countingStore(h.ledger.services.store);
    const readFor = async (documentId: string) => {
      const before = eventsRead();
      const number = await issue(store, tenantId, documentId);
      return { number, eventsRead: eventsRead() - before };
    };
    await readFor('r-1');
    const second = await readFor('r-2');
    for (let index = 3; index < 2_000; index += 1) await issue(h.ledger.services.store, tenantId, `r-${index}`);
    const twoThousandth = await readFor('r-2000');
    expect(second.number).toBe('REC-2026-000002');
    expect(twoThousandth.number).toBe('REC-2026-002000');
    expect(twoThousandth.eventsRead).toBe(second.eventsRead);
    // The last event of the period's sequence is all it takes: never the history before it.
    expect(second.eventsRead).toBeLessThanOrEqual(1);
  }, 180_000);

  it('40 issues racing in one period get the numbers 1..40: no gap, no duplicate, each document one number', async () => {
    const tenantId = h.newTenant();
    const documents = Array.from({ length: 40 }, (_, index) => `race-${index + 1}`);
    const numbers = await Promise.all(documents.map((documentId) => issue(h.ledger.services.store, tenantId, documentId)));
    expect([...numbers].sort()).toEqual(Array.from({ length: 40 }, (_, index) => `REC-2026-${String(index + 1).padStart(6, '0')}`));
    const stored = await h.ledger.services.store.readStream(`${tenantId}:number_sequence-receipt-2026`);
    expect(stored.map((event) => (event.data as { documentId: string }).documentId).sort()).toEqual([...documents].sort());
    expect(stored.map((event) => (event.data as { sequence: number }).sequence)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
  }, 120_000);

  /** Numbers as stored before the runs existed: DocumentNumberAssigned version 1, without `printed`. */
  async function givenVersion1(tenantId: string, periodKey: string, numbers: readonly string[]): Promise<void> {
    const events = numbers.map((number, index) => ({
      eventId: randomUUID(),
      type: 'DocumentNumberAssigned',
      data: { documentKind: 'receipt', documentId: `old-${periodKey}-${index + 1}`, periodKey, sequence: index + 1, number, assignedAt: '2026-01-05T10:00:00.000Z' },
      metadata: { tenantId, schemaVersion: 1 },
    }));
    await h.ledger.services.store.appendToStream(`${tenantId}:number_sequence-receipt-${periodKey}`, events, { expectedRevision: 'no_stream' });
  }

  it('a period written before the upgrade is read whole once; the next number carries its runs, and a sibling is summarised', async () => {
    const tenantId = h.newTenant();
    await givenVersion1(tenantId, '2026', ['REC-2026-000001', 'REC-2026-000002', 'REC-2026-000003']);
    await givenVersion1(tenantId, 'all', ['OLD-1', 'OLD-2']);
    const { store, eventsRead } = countingStore(h.ledger.services.store);
    expect(await issue(store, tenantId, 'new-1')).toBe('REC-2026-000004');
    const [yearly] = await store.readStream(`${tenantId}:number_sequence-receipt-2026`, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
    expect(yearly?.data).toMatchObject({ sequence: 4, printed: [{ head: 'REC-2026-', width: 6, tail: '', from: 1, to: 4 }] });
    const [all] = await store.readStream(`${tenantId}:number_sequence-receipt-all`, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
    expect(all).toMatchObject({ type: 'DocumentNumbersSummarised', revision: 2n, data: { lastSequence: 2, printed: [{ head: 'OLD-', width: 1, tail: '', from: 1, to: 2 }] } });
    const before = eventsRead();
    expect(await issue(store, tenantId, 'new-2')).toBe('REC-2026-000005');
    // The last event of the year's sequence and of the never-restarting one: nothing older.
    expect(eventsRead() - before).toBe(2);
  });

  it('a number that a sequence of another period kind printed before the upgrade is refused with DOCUMENT_NUMBER_TAKEN', async () => {
    const tenantId = h.newTenant();
    await givenVersion1(tenantId, '2026', ['REC-2026-000001']);
    // A never-restarting template with the year in its prefix once printed what the yearly one prints next.
    await givenVersion1(tenantId, 'all', ['REC-2026-000001', 'REC-2026-000002']);
    const error = await issue(h.ledger.services.store, tenantId, 'new-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'DOCUMENT_NUMBER_TAKEN', message: expect.stringMatching(/REC-2026-000002 was already given to document old-all-2/) });
    expect(await h.ledger.services.store.readStream(`${tenantId}:number_sequence-receipt-2026`)).toHaveLength(1);
    expect(await h.ledger.services.store.readStream(`${tenantId}:number_sequence-receipt-all`)).toHaveLength(2);
  });
});
