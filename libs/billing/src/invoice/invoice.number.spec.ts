import { describe, expect, it } from '@jest/globals';
import { initialNumberSequenceState, type NumberSequenceState } from '../number-sequence/number-sequence.decider.js';
import { DomainError } from '../common/domain-error.js';
import { requireUnusedDocumentNumber, sequencePeriodKeysOf } from './invoice.number.js';

const yearly: NumberSequenceState = { documentKind: 'invoice', periodKey: '2024', lastSequence: 2, assigned: { 'inv-1': 'INV-2024-1', 'inv-2': 'INV-2024-2' } };

describe('sequencePeriodKeysOf', () => {
  it('names the sequences of every period kind that count in a month: never, the year, the month', () => {
    expect(sequencePeriodKeysOf({ year: 2024, month: 3 })).toEqual(['all', '2024', '2024-03']);
  });
});

describe('requireUnusedDocumentNumber', () => {
  it('accepts a number no sequence of the period has given', () => {
    expect(() => requireUnusedDocumentNumber('INV-2024-3', 'inv-3', [yearly, initialNumberSequenceState])).not.toThrow();
  });

  it('accepts the number already given to the same document (a retried issue)', () => {
    expect(() => requireUnusedDocumentNumber('INV-2024-2', 'inv-2', [yearly])).not.toThrow();
  });

  it('refuses a number another document has, even from a sequence of another period kind, with DOCUMENT_NUMBER_TAKEN', () => {
    const issue = () => requireUnusedDocumentNumber('INV-2024-1', 'inv-9', [initialNumberSequenceState, yearly]);
    expect(issue).toThrow(DomainError);
    expect(issue).toThrow(/Number INV-2024-1 was already given to document inv-1/);
    try {
      issue();
    } catch (error) {
      expect((error as DomainError).code).toBe('DOCUMENT_NUMBER_TAKEN');
    }
  });
});
