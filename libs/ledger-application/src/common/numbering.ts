import {
  assignedNumber,
  documentNumberingOf,
  documentNumberingPeriodOf,
  requireUnusedDocumentNumber,
  sequencePeriodKey,
  sequencePeriodKeysOf,
  sequencesThatPrinted,
  summarisesNumberSequence,
  type BillingSettings,
  type DocumentKind,
  type NumberSequenceState,
} from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest, EventStore, ExpectedRevision } from '../../../event-store/src/index.js';

export interface TakenDocumentNumber {
  readonly number: string;
  /**
   * Append them in the same atomic append as the document's own events (gapless: no number without its document):
   * the sequence at the revision read and, once after an upgrade, the summary of a sibling sequence.
   */
  readonly appends: readonly AppendRequest[];
}

interface ReadSequence {
  readonly streamId: string;
  readonly state: NumberSequenceState;
  readonly expectedRevision: ExpectedRevision;
}

const { numberSequence } = aggregates;

/**
 * A sequence as its last event leaves it: that event carries everything the next number needs (the last sequence and
 * every number printed, as runs), so one event is read however many numbers the period holds. A stream whose last
 * event was written before the runs existed is folded from its start; the next event appended to it carries them.
 */
async function readSequence(store: EventStore, tenantId: string, sequenceId: string): Promise<ReadSequence> {
  const streamId = numberSequence.stream(tenantId, sequenceId);
  const [last] = await store.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
  if (last === undefined) return { streamId, state: numberSequence.decider.initialState, expectedRevision: 'no_stream' };
  const event = numberSequence.parse(last);
  if (summarisesNumberSequence(event)) return { streamId, state: numberSequence.decider.evolve(numberSequence.decider.initialState, event), expectedRevision: last.revision };
  const loaded = await load(store, numberSequence, tenantId, sequenceId);
  return { streamId, state: loaded.state, expectedRevision: loaded.expectedRevision };
}

const SCAN_PAGE = 1_000;

/**
 * The documents a sequence gave `number` to, at `sequence`. Read where that sequence's event is (its revision is the
 * sequence less one, or one more after a DocumentNumbersSummarised); the whole stream only if it is not there. Only a
 * refusal (DOCUMENT_NUMBER_TAKEN) comes here.
 */
async function holdersOf(store: EventStore, streamId: string, sequence: number, number: string): Promise<string[]> {
  const holdersIn = (events: Awaited<ReturnType<EventStore['readStream']>>) =>
    events.map((recorded) => numberSequence.parse(recorded)).flatMap((event) => (event.type === 'DocumentNumberAssigned' && event.data.number === number ? [event.data.documentId] : []));
  const near = holdersIn(await store.readStream(streamId, { fromRevision: BigInt(sequence - 1), maxCount: 2 }));
  if (near.length > 0) return near;
  const holders: string[] = [];
  for (let from = 0n; ; ) {
    const page = await store.readStream(streamId, { fromRevision: from, maxCount: SCAN_PAGE });
    holders.push(...holdersIn(page));
    const last = page.at(-1);
    if (page.length < SCAN_PAGE || last === undefined) break;
    from = last.revision + 1n;
  }
  if (holders.length === 0) throw new Error(`number sequence ${streamId} printed ${number} at ${sequence} but no event of it records that number`);
  return holders;
}

/**
 * The next number of a document kind from the tenant's template, in the period of `at` in the tenant's time zone.
 * Reads the last event of every sequence of that period (all, year, month), whose runs tell every number each has
 * printed, so that a number another template already printed is refused (DOCUMENT_NUMBER_TAKEN) rather than issued
 * twice; the sequence itself is appended at the revision read, so two issues racing for one number cannot both
 * succeed (the loser re-reads and re-decides).
 */
export async function takeDocumentNumber(
  store: EventStore,
  context: CommandContext,
  settings: BillingSettings,
  documentKind: DocumentKind,
  documentId: string,
  at: string,
): Promise<TakenDocumentNumber> {
  const { tenantId } = context;
  const { prefix, template } = documentNumberingOf(settings, documentKind);
  const period = documentNumberingPeriodOf(settings, at);
  const periodKey = sequencePeriodKey(template, period);
  const periodKeys = sequencePeriodKeysOf(period);
  const sequences = await Promise.all(periodKeys.map((key) => readSequence(store, tenantId, `${documentKind}-${key}`)));
  const sequence = sequences[periodKeys.indexOf(periodKey)];
  if (sequence === undefined) throw new Error(`period key ${periodKey} is not among the keys of its period (${periodKeys.join(', ')})`);
  const { decide, evolve } = numberSequence.decider;
  const sequenceEvents = decide(
    { type: 'AssignDocumentNumber', data: { documentKind, documentId, template, prefix, year: period.year, month: period.month }, metadata: { now: context.now } },
    sequence.state,
  );
  const number = assignedNumber(sequenceEvents.reduce(evolve, sequence.state), documentId) as string;
  const printedBy = sequencesThatPrinted(
    number,
    sequences.map((read) => read.state),
  );
  if (printedBy.length > 0) {
    const holders = await Promise.all(printedBy.map(({ index, sequence: printedAt }) => holdersOf(store, (sequences[index] as ReadSequence).streamId, printedAt, number)));
    requireUnusedDocumentNumber(number, documentId, holders.flat());
  }
  // A sibling sequence still ending in an event without runs is summarised now, so that it is read by one event next time.
  const summaries = sequences.flatMap((read, index) => {
    if (read === sequence) return [];
    const events = decide({ type: 'SummariseNumberSequence', data: { documentKind, periodKey: periodKeys[index] as string }, metadata: { now: context.now } }, read.state);
    return events.length === 0 ? [] : [{ streamId: read.streamId, expectedRevision: read.expectedRevision, events: storedEvents(events, context, read.streamId) }];
  });
  return {
    number,
    appends: [{ streamId: sequence.streamId, expectedRevision: sequence.expectedRevision, events: storedEvents(sequenceEvents, context, sequence.streamId) }, ...summaries],
  };
}
