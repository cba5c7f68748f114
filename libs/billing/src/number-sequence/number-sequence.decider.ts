import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import { requireIdentifier, requireOneOf } from '../common/validation.js';
import { documentNumberLayout, formatDocumentNumber, sequencePeriodKey } from './document-number.format.js';
import { documentKinds, type AssignDocumentNumber, type NumberSequenceCommand, type SummariseNumberSequence } from './number-sequence.commands.js';
import type { NumberSequenceEvent } from './number-sequence.events.js';
import { printedSequenceOf, withPrinted, withRecordedNumber, type PrintedRun } from './number-sequence.printed.js';

/**
 * One gapless sequence: numbers go 1, 2, 3... with nothing skipped or reused. Gaplessness across concurrent issues
 * comes from the stream's expected revision: two deciders that both saw lastSequence 7 cannot both append 8.
 *
 * The state is what the next number needs, and every event since DocumentNumberAssigned v2 carries all of it, so the
 * state after a stream's last event is that event's alone (`evolve` ignores the state before it): the application
 * reads one event per number, however many the period holds. Only a stream ending in a version 1 event (written
 * before the runs existed) is folded from its start, and `summarised` is then false until an event carries the runs.
 *
 * `documentKind` and `periodKey` are null until the first number; after it they pin the stream to one sequence.
 * `last` is the latest document numbered, `printed` every number printed (as runs, see number-sequence.printed.ts).
 */
export interface NumberSequenceState {
  documentKind: AssignDocumentNumber['data']['documentKind'] | null;
  periodKey: string | null;
  lastSequence: number;
  last: { documentId: string; number: string } | null;
  printed: readonly PrintedRun[];
  summarised: boolean;
}

export const initialNumberSequenceState: NumberSequenceState = {
  documentKind: null,
  periodKey: null,
  lastSequence: 0,
  last: null,
  printed: [],
  summarised: true,
};

/**
 * The number assigned to `documentId` by the latest assignment, or null. A document retried after that finds its
 * number on its own stream: its number is appended there in the same atomic append, and the issuers read the
 * document (and the command id) before they take a number, so an issued document never asks for another.
 */
export function assignedNumber(state: NumberSequenceState, documentId: string): string | null {
  return state.last !== null && state.last.documentId === documentId ? state.last.number : null;
}

/** The sequence at which this stream printed `number`, or null: what DOCUMENT_NUMBER_TAKEN is checked against. */
export function printedSequence(state: NumberSequenceState, number: string): number | null {
  return printedSequenceOf(state.printed, number);
}

export function decideNumberSequence(command: NumberSequenceCommand, state: NumberSequenceState): NumberSequenceEvent[] {
  switch (command.type) {
    case 'AssignDocumentNumber':
      return assignDocumentNumber(command, state);
    case 'SummariseNumberSequence':
      return summariseNumberSequence(command, state);
    default:
      return assertNever(command, 'number sequence command');
  }
}

function requireSequenceOf(state: NumberSequenceState, documentKind: string, periodKey: string): void {
  if (state.periodKey !== null && (state.periodKey !== periodKey || state.documentKind !== documentKind)) {
    // The application names the stream after kind and period key: a mismatch means it loaded the wrong stream.
    throw new Error(`number sequence ${state.documentKind}/${state.periodKey} was asked for a ${documentKind}/${periodKey} number`);
  }
}

function assignDocumentNumber({ data, metadata }: AssignDocumentNumber, state: NumberSequenceState): NumberSequenceEvent[] {
  const assignedAt = requireInstant(metadata?.now, 'metadata.now');
  const documentId = requireIdentifier(data.documentId, 'documentId');
  // A retry of the assignment just made: the caller reads the existing number with assignedNumber().
  if (assignedNumber(state, documentId) !== null) return [];
  const documentKind = requireOneOf(data.documentKind, 'documentKind', documentKinds);
  const periodKey = sequencePeriodKey(data.template, { year: data.year, month: data.month });
  requireSequenceOf(state, documentKind, periodKey);
  const sequence = state.lastSequence + 1;
  if (!Number.isSafeInteger(sequence)) throw new Error(`number sequence ${periodKey} has run out of safe integers`);
  const values = { prefix: data.prefix, year: data.year, month: data.month, sequence };
  const number = formatDocumentNumber(data.template, values);
  const printed = withPrinted(state.printed, documentNumberLayout(data.template, values), sequence);
  return [{ type: 'DocumentNumberAssigned', data: { documentKind, documentId, periodKey, sequence, number, assignedAt, printed } }];
}

function summariseNumberSequence({ data, metadata }: SummariseNumberSequence, state: NumberSequenceState): NumberSequenceEvent[] {
  const summarisedAt = requireInstant(metadata?.now, 'metadata.now');
  if (state.summarised || state.documentKind === null || state.periodKey === null) return [];
  requireSequenceOf(state, data.documentKind, data.periodKey);
  return [
    {
      type: 'DocumentNumbersSummarised',
      data: { documentKind: state.documentKind, periodKey: state.periodKey, lastSequence: state.lastSequence, printed: [...state.printed], summarisedAt },
    },
  ];
}

export function evolveNumberSequence(state: NumberSequenceState, event: NumberSequenceEvent): NumberSequenceState {
  switch (event.type) {
    case 'DocumentNumberAssigned': {
      const { documentKind, documentId, periodKey, sequence, number, printed } = event.data;
      const last = { documentId, number };
      if (printed !== undefined) return { documentKind, periodKey, lastSequence: sequence, last, printed, summarised: true };
      // Version 1: the runs so far, continued by this number.
      return { documentKind, periodKey, lastSequence: sequence, last, printed: withRecordedNumber(state.printed, number, sequence), summarised: false };
    }
    case 'DocumentNumbersSummarised': {
      const { documentKind, periodKey, lastSequence, printed } = event.data;
      return { documentKind, periodKey, lastSequence, last: null, printed, summarised: true };
    }
    default:
      return assertNever(event, 'number sequence event');
  }
}

/** True when the state after `event` is the event's alone, so that a stream ending in it is read by that event only. */
export function summarisesNumberSequence(event: NumberSequenceEvent): boolean {
  return event.type === 'DocumentNumbersSummarised' || event.data.printed !== undefined;
}

export const numberSequenceDecider: Decider<NumberSequenceCommand, NumberSequenceEvent, NumberSequenceState> = {
  decide: decideNumberSequence,
  evolve: evolveNumberSequence,
  initialState: initialNumberSequenceState,
};
