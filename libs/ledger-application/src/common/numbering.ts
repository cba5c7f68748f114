import {
  assignedNumber,
  decideNumberSequence,
  documentNumberingOf,
  documentNumberingPeriodOf,
  evolveNumberSequence,
  requireUnusedDocumentNumber,
  sequencePeriodKey,
  sequencePeriodKeysOf,
  type BillingSettings,
  type DocumentKind,
} from '../../../billing/src/index.js';
import { load, aggregates, storedEvents, streams, type CommandContext } from '../../../application/src/index.js';
import type { AppendRequest, EventStore } from '../../../event-store/src/index.js';


export interface TakenDocumentNumber {
  readonly number: string;
  /** Append it in the same atomic append as the document's own events (gapless: no number without its document). */
  readonly append: AppendRequest;
}

/**
 * The next number of a document kind from the tenant's template, in the period of `at` in the tenant's time zone.
 * Reads every sequence of that period (all, year, month) so that a number another template already printed is
 * refused (DOCUMENT_NUMBER_TAKEN) rather than issued twice; the sequence itself is appended at the revision read.
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
  const sequences = await Promise.all(periodKeys.map((key) => load(store, aggregates.numberSequence, tenantId, `${documentKind}-${key}`)));
  const sequence = sequences[periodKeys.indexOf(periodKey)];
  if (sequence === undefined) throw new Error(`period key ${periodKey} is not among the keys of its period (${periodKeys.join(', ')})`);
  const sequenceEvents = decideNumberSequence(
    { type: 'AssignDocumentNumber', data: { documentKind, documentId, template, prefix, year: period.year, month: period.month }, metadata: { now: context.now } },
    sequence.state,
  );
  const number = assignedNumber(sequenceEvents.reduce(evolveNumberSequence, sequence.state), documentId) as string;
  requireUnusedDocumentNumber(number, documentId, sequences.map((loaded) => loaded.state));
  const streamId = streams.numberSequence(tenantId, documentKind, periodKey);
  return { number, append: { streamId, expectedRevision: sequence.expectedRevision, events: storedEvents(sequenceEvents, context, streamId) } };
}
