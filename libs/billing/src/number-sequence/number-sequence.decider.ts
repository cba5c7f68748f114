import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import { requireIdentifier, requireOneOf } from '../common/validation.js';
import { formatDocumentNumber, sequencePeriodKey } from './document-number.format.js';
import { documentKinds, type AssignDocumentNumber, type NumberSequenceCommand } from './number-sequence.commands.js';
import type { NumberSequenceEvent } from './number-sequence.events.js';

/**
 * One gapless sequence: numbers go 1, 2, 3... with nothing skipped or reused. Gaplessness across concurrent issues
 * comes from the stream's expected revision: two deciders that both saw lastSequence 7 cannot both append 8.
 *
 * `documentKind` and `periodKey` are null until the first number; after it they pin the stream to one sequence.
 * `assigned` maps each document id to its number (an own-property lookup, see `assignedNumber`).
 */
export interface NumberSequenceState {
  documentKind: AssignDocumentNumber['data']['documentKind'] | null;
  periodKey: string | null;
  lastSequence: number;
  assigned: Record<string, string>;
}

export const initialNumberSequenceState: NumberSequenceState = {
  documentKind: null,
  periodKey: null,
  lastSequence: 0,
  assigned: {},
};

/** The number already assigned to `documentId`, or null. */
export function assignedNumber(state: NumberSequenceState, documentId: string): string | null {
  return Object.hasOwn(state.assigned, documentId) ? (state.assigned[documentId] ?? null) : null;
}

export function decideNumberSequence(command: NumberSequenceCommand, state: NumberSequenceState): NumberSequenceEvent[] {
  switch (command.type) {
    case 'AssignDocumentNumber':
      return assignDocumentNumber(command, state);
    default:
      return assertNever(command.type, 'number sequence command');
  }
}

function assignDocumentNumber({ data, metadata }: AssignDocumentNumber, state: NumberSequenceState): NumberSequenceEvent[] {
  const assignedAt = requireInstant(metadata?.now, 'metadata.now');
  const documentId = requireIdentifier(data.documentId, 'documentId');
  // A retry of an assignment that already happened: the caller reads the existing number with assignedNumber().
  if (assignedNumber(state, documentId) !== null) return [];
  const documentKind = requireOneOf(data.documentKind, 'documentKind', documentKinds);
  const periodKey = sequencePeriodKey(data.template, { year: data.year, month: data.month });
  if (state.periodKey !== null && (state.periodKey !== periodKey || state.documentKind !== documentKind)) {
    // The application names the stream after kind and period key: a mismatch means it loaded the wrong stream.
    throw new Error(
      `number sequence ${state.documentKind}/${state.periodKey} was asked for a ${documentKind}/${periodKey} number`,
    );
  }
  const sequence = state.lastSequence + 1;
  if (!Number.isSafeInteger(sequence)) throw new Error(`number sequence ${periodKey} has run out of safe integers`);
  const number = formatDocumentNumber(data.template, { prefix: data.prefix, year: data.year, month: data.month, sequence });
  return [{ type: 'DocumentNumberAssigned', data: { documentKind, documentId, periodKey, sequence, number, assignedAt } }];
}

/**
 * Copies `assigned` on every event to stay a pure value; a sequence stream holds one period's documents (or the
 * stream is closed and snapshotted when a template never resets), which keeps that copy affordable.
 */
export function evolveNumberSequence(state: NumberSequenceState, event: NumberSequenceEvent): NumberSequenceState {
  switch (event.type) {
    case 'DocumentNumberAssigned':
      return {
        documentKind: event.data.documentKind,
        periodKey: event.data.periodKey,
        lastSequence: event.data.sequence,
        assigned: { ...state.assigned, [event.data.documentId]: event.data.number },
      };
    default:
      return assertNever(event.type, 'number sequence event');
  }
}

export const numberSequenceDecider: Decider<NumberSequenceCommand, NumberSequenceEvent, NumberSequenceState> = {
  decide: decideNumberSequence,
  evolve: evolveNumberSequence,
  initialState: initialNumberSequenceState,
};
