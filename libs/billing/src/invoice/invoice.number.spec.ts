import { describe, expect, it } from '@jest/globals';
import { initialNumberSequenceState, type NumberSequenceState } from '../number-sequence/number-sequence.decider.js';
import { DomainError } from '../common/domain-error.js';
import { requireUnusedDocumentNumber, sequencePeriodKeysOf, sequencesThatPrinted } from './invoice.number.js';

const yearly: NumberSequenceState = {
  documentKind: 'invoice',
  periodKey: '2024',
  lastSequence: 2,
  last: { documentId: 'inv-2', number: 'INV-2024-2' },
  printed: [{ head: 'INV-2024-', width: 1, tail: '', from: 1, to: 2 }],
  summarised: true,
};

describe('sequencePeriodKeysOf', () => {
  it('names the sequences of every period kind that count in a month: never, the year, the month', () => {
    expect(sequencePeriodKeysOf({ year: 2024, month: 3 })).toEqual(['all', '2024', '2024-03']);
  });
});

describe('sequencesThatPrinted', () => {
  it('finds no sequence for a number no sequence of the period has printed', () => {
    expect(sequencesThatPrinted('INV-2024-3', [yearly, initialNumberSequenceState])).toEqual([]);
    expect(sequencesThatPrinted('INV-2024-02', [yearly])).toEqual([]);
  });

  it('names each sequence that printed the number, and at which sequence, whatever its period kind', () => {
    expect(sequencesThatPrinted('INV-2024-1', [initialNumberSequenceState, yearly])).toEqual([{ index: 1, sequence: 1 }]);
  });
});

describe('requireUnusedDocumentNumber', () => {
  it('accepts a number nobody holds', () => {
    expect(() => requireUnusedDocumentNumber('INV-2024-3', 'inv-3', [])).not.toThrow();
  });

  it('accepts the number already given to the same document (a retried issue)', () => {
    expect(() => requireUnusedDocumentNumber('INV-2024-2', 'inv-2', ['inv-2'])).not.toThrow();
  });

  it('refuses a number another document holds with DOCUMENT_NUMBER_TAKEN, naming it', () => {
    const issue = () => requireUnusedDocumentNumber('INV-2024-1', 'inv-9', ['inv-1']);
    expect(issue).toThrow(DomainError);
    expect(issue).toThrow(/Number INV-2024-1 was already given to document inv-1/);
    try {
      issue();
    } catch (error) {
      expect((error as DomainError).code).toBe('DOCUMENT_NUMBER_TAKEN');
    }
  });
});
