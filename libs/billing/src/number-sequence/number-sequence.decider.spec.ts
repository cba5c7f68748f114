import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { AssignDocumentNumber } from './number-sequence.commands.js';
import { assignedNumber, numberSequenceDecider } from './number-sequence.decider.js';
import { numberSequenceEventSchemas, type DocumentNumberAssigned } from './number-sequence.events.js';

const spec = DeciderSpecification.for(numberSequenceDecider);
const now = '2024-01-15T09:30:00Z';

function assign(data: Partial<AssignDocumentNumber['data']> = {}): AssignDocumentNumber {
  return {
    type: 'AssignDocumentNumber',
    data: { documentKind: 'invoice', documentId: 'inv-1', template: '{prefix}-{year}-{sequence:06d}', prefix: 'INV', year: 2024, month: 1, ...data },
    metadata: { now },
  };
}

function assigned(data: Partial<DocumentNumberAssigned['data']> = {}): DocumentNumberAssigned {
  return {
    type: 'DocumentNumberAssigned',
    data: { documentKind: 'invoice', documentId: 'inv-1', periodKey: '2024', sequence: 1, number: 'INV-2024-000001', assignedAt: now, ...data },
  };
}

describe('no number assigned yet', () => {
  it('AssignDocumentNumber takes sequence 1', () => {
    spec.given([]).when(assign()).then([assigned()]);
  });

  it.each([
    ['{prefix}/{year}/{sequence:04d}', 'INV/2024/0001', '2024'],
    ['{prefix}-{sequence:08d}', 'INV-00000001', 'all'],
    ['{year}{month:02d}-{sequence:04d}', '202401-0001', '2024-01'],
    ['{prefix}_{year}_{month:02d}_{sequence:04d}', 'INV_2024_01_0001', '2024-01'],
  ])('AssignDocumentNumber with %s gives %s in period %s', (template, number, periodKey) => {
    spec.given([]).when(assign({ template })).then([assigned({ number, periodKey })]);
  });

  it('AssignDocumentNumber numbers receipts and credit notes too', () => {
    spec
      .given([])
      .when(assign({ documentKind: 'credit_note', documentId: 'cn-1', prefix: 'CN' }))
      .then([assigned({ documentKind: 'credit_note', documentId: 'cn-1', number: 'CN-2024-000001' })]);
  });

  it.each<[string, Partial<AssignDocumentNumber['data']>, RegExp]>([
    ['an unknown placeholder', { template: '{prefix}-{seq}' }, /unknown placeholder \{seq\}/],
    ['no {sequence}', { template: '{prefix}-{year}' }, /must name \{sequence\} exactly once/],
    ['an unknown document kind', { documentKind: 'quote' as AssignDocumentNumber['data']['documentKind'] }, /documentKind must be one of invoice, receipt, credit_note/],
    ['an empty documentId', { documentId: '' }, /documentId is required/],
    ['a month of 0', { month: 0 }, /month must be an integer from 1 to 12/],
  ])('AssignDocumentNumber with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(assign(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('rejects a command whose metadata.now is not an instant', () => {
    spec.given([]).when({ ...assign(), metadata: { now: 'yesterday' } }).thenThrows('VALIDATION_FAILED', /metadata\.now/);
  });
});

describe('numbers already assigned', () => {
  const history = [assigned(), assigned({ documentId: 'inv-2', sequence: 2, number: 'INV-2024-000002' })];

  it('AssignDocumentNumber takes the next sequence, with no gap', () => {
    spec.given(history).when(assign({ documentId: 'inv-3' })).then([assigned({ documentId: 'inv-3', sequence: 3, number: 'INV-2024-000003' })]);
  });

  it('a changed template within the same period continues the sequence', () => {
    spec
      .given(history)
      .when(assign({ documentId: 'inv-3', template: '{prefix}/{year}/{sequence:04d}' }))
      .then([assigned({ documentId: 'inv-3', sequence: 3, number: 'INV/2024/0003' })]);
  });

  it('AssignDocumentNumber for a document that already has a number changes nothing, and the state tells its number', () => {
    spec.given(history).when(assign({ documentId: 'inv-2' })).thenNothing();
    const state = fold(numberSequenceDecider, history);
    expect(state).toEqual({
      documentKind: 'invoice',
      periodKey: '2024',
      lastSequence: 2,
      assigned: { 'inv-1': 'INV-2024-000001', 'inv-2': 'INV-2024-000002' },
    });
    expect(assignedNumber(state, 'inv-2')).toBe('INV-2024-000002');
    expect(assignedNumber(state, 'inv-9')).toBeNull();
  });

  it('treats document ids that are also Object property names as ordinary ids', () => {
    const state = fold(numberSequenceDecider, history);
    expect(assignedNumber(state, 'constructor')).toBeNull();
    expect(assignedNumber(state, '__proto__')).toBeNull();
    // "__proto__" is no acceptable id (ids start with a letter or a digit), but a recorded one must still fold safely.
    spec
      .given(history)
      .when(assign({ documentId: 'constructor' }))
      .then([assigned({ documentId: 'constructor', sequence: 3, number: 'INV-2024-000003' })]);
    spec.given(history).when(assign({ documentId: '__proto__' })).thenThrows('VALIDATION_FAILED', /documentId must start with a letter or a digit/);
    const after = fold(numberSequenceDecider, [assigned({ documentId: '__proto__', sequence: 3, number: 'INV-2024-000003' })], state);
    expect(assignedNumber(after, '__proto__')).toBe('INV-2024-000003');
    expect(Object.getPrototypeOf(after.assigned)).toBe(Object.prototype);
  });

  it('a command for another period or document kind than the stream is a programmer error', () => {
    const state = fold(numberSequenceDecider, history);
    expect(() => numberSequenceDecider.decide(assign({ documentId: 'inv-3', year: 2025 }), state)).toThrow(/was asked for a invoice\/2025 number/);
    expect(() => numberSequenceDecider.decide(assign({ documentId: 'r-1', documentKind: 'receipt' }), state)).toThrow(/receipt\/2024/);
  });

  it('emits events that match the DocumentNumberAssigned schema (version 1)', () => {
    const [event] = numberSequenceDecider.decide(assign({ documentId: 'inv-3' }), fold(numberSequenceDecider, history));
    const schema = numberSequenceEventSchemas.DocumentNumberAssigned;
    expect(schema.schemaVersion).toBe(1);
    expect(schema.data.parse(event?.data)).toEqual(event?.data);
  });
});
