import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { AssignDocumentNumber } from './number-sequence.commands.js';
import { assignedNumber, numberSequenceDecider, printedSequence, summarisesNumberSequence, type NumberSequenceState } from './number-sequence.decider.js';
import { numberSequenceEventSchemas, type DocumentNumberAssigned } from './number-sequence.events.js';
import { printedSequenceOf, withRecordedNumber, type PrintedRun } from './number-sequence.printed.js';

const spec = DeciderSpecification.for(numberSequenceDecider);
const now = '2024-01-15T09:30:00Z';

function assign(data: Partial<AssignDocumentNumber['data']> = {}): AssignDocumentNumber {
  return {
    type: 'AssignDocumentNumber',
    data: { documentKind: 'invoice', documentId: 'inv-1', template: '{prefix}-{year}-{sequence:06d}', prefix: 'INV', year: 2024, month: 1, ...data },
    metadata: { now },
  };
}

const yearlyRun = { head: 'INV-2024-', width: 6, tail: '' };

/** An assignment as the decider writes it (version 2): by default the runs are INV-2024-000001 up to its sequence. */
function assigned(data: Partial<DocumentNumberAssigned['data']> = {}): DocumentNumberAssigned {
  const sequence = data.sequence ?? 1;
  return {
    type: 'DocumentNumberAssigned',
    data: {
      documentKind: 'invoice',
      documentId: 'inv-1',
      periodKey: '2024',
      sequence,
      number: 'INV-2024-000001',
      assignedAt: now,
      printed: [{ ...yearlyRun, from: 1, to: sequence }],
      ...data,
    },
  };
}

/** An assignment as stored before the runs existed (version 1). */
function assignedV1(documentId: string, sequence: number, number: string, periodKey = '2024'): DocumentNumberAssigned {
  return { type: 'DocumentNumberAssigned', data: { documentKind: 'invoice', documentId, periodKey, sequence, number, assignedAt: now } };
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
    const [digits] = /0*1$/.exec(number) as RegExpExecArray;
    const printed = [{ head: number.slice(0, -digits.length), width: digits.length, tail: '', from: 1, to: 1 }];
    spec.given([]).when(assign({ template })).then([assigned({ number, periodKey, printed })]);
  });

  it('AssignDocumentNumber numbers receipts and credit notes too', () => {
    spec
      .given([])
      .when(assign({ documentKind: 'credit_note', documentId: 'cn-1', prefix: 'CN' }))
      .then([assigned({ documentKind: 'credit_note', documentId: 'cn-1', number: 'CN-2024-000001', printed: [{ head: 'CN-2024-', width: 6, tail: '', from: 1, to: 1 }] })]);
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

  it('AssignDocumentNumber takes the next sequence, with no gap, and its run grows', () => {
    spec.given(history).when(assign({ documentId: 'inv-3' })).then([assigned({ documentId: 'inv-3', sequence: 3, number: 'INV-2024-000003' })]);
  });

  it('a changed template within the same period continues the sequence, in a run of its own', () => {
    spec
      .given(history)
      .when(assign({ documentId: 'inv-3', template: '{prefix}/{year}/{sequence:04d}' }))
      .then([
        assigned({
          documentId: 'inv-3',
          sequence: 3,
          number: 'INV/2024/0003',
          printed: [
            { ...yearlyRun, from: 1, to: 2 },
            { head: 'INV/2024/', width: 4, tail: '', from: 3, to: 3 },
          ],
        }),
      ]);
  });

  it('the last event alone gives the state the whole stream gives: the next number needs nothing older', () => {
    const longer = [...history, assigned({ documentId: 'inv-3', sequence: 3, number: 'INV-2024-000003' })];
    const last = longer.at(-1) as DocumentNumberAssigned;
    expect(summarisesNumberSequence(last)).toBe(true);
    expect(fold(numberSequenceDecider, [last])).toEqual(fold(numberSequenceDecider, longer));
    expect(fold(numberSequenceDecider, longer)).toEqual({
      documentKind: 'invoice',
      periodKey: '2024',
      lastSequence: 3,
      last: { documentId: 'inv-3', number: 'INV-2024-000003' },
      printed: [{ ...yearlyRun, from: 1, to: 3 }],
      summarised: true,
    });
  });

  it('AssignDocumentNumber for the document numbered last changes nothing, and the state tells its number', () => {
    spec.given(history).when(assign({ documentId: 'inv-2' })).thenNothing();
    const state = fold(numberSequenceDecider, history);
    expect(assignedNumber(state, 'inv-2')).toBe('INV-2024-000002');
    expect(assignedNumber(state, 'inv-9')).toBeNull();
  });

  it('the state tells exactly which numbers the sequence printed, and at which sequence', () => {
    const state = fold(numberSequenceDecider, history);
    expect(printedSequence(state, 'INV-2024-000001')).toBe(1);
    expect(printedSequence(state, 'INV-2024-000002')).toBe(2);
    expect(printedSequence(state, 'INV-2024-000003')).toBeNull();
    expect(printedSequence(state, 'INV-2024-00002')).toBeNull();
    expect(printedSequence(state, 'INV-2024-0000002')).toBeNull();
    expect(printedSequence(state, 'INV-2024-00000x')).toBeNull();
    expect(printedSequence(state, 'XINV-2024-000002')).toBeNull();
  });

  it('treats document ids that are also Object property names as ordinary ids', () => {
    const state = fold(numberSequenceDecider, history);
    expect(assignedNumber(state, 'constructor')).toBeNull();
    expect(assignedNumber(state, '__proto__')).toBeNull();
    spec
      .given(history)
      .when(assign({ documentId: 'constructor' }))
      .then([assigned({ documentId: 'constructor', sequence: 3, number: 'INV-2024-000003' })]);
    spec.given(history).when(assign({ documentId: '__proto__' })).thenThrows('VALIDATION_FAILED', /documentId must start with a letter or a digit/);
  });

  it('a command for another period or document kind than the stream is a programmer error', () => {
    const state = fold(numberSequenceDecider, history);
    expect(() => numberSequenceDecider.decide(assign({ documentId: 'inv-3', year: 2025 }), state)).toThrow(/was asked for a invoice\/2025 number/);
    expect(() => numberSequenceDecider.decide(assign({ documentId: 'r-1', documentKind: 'receipt' }), state)).toThrow(/receipt\/2024/);
  });

  it('emits events that match the DocumentNumberAssigned schema (version 2), which still reads version 1 events', () => {
    const [event] = numberSequenceDecider.decide(assign({ documentId: 'inv-3' }), fold(numberSequenceDecider, history));
    const schema = numberSequenceEventSchemas.DocumentNumberAssigned;
    expect(schema.schemaVersion).toBe(2);
    expect(schema.data.parse(event?.data)).toEqual(event?.data);
    const v1 = assignedV1('inv-1', 1, 'INV-2024-000001').data;
    expect(schema.data.parse(v1)).toEqual(v1);
  });
});

describe('a sequence written before the runs existed (DocumentNumberAssigned version 1)', () => {
  const legacy = [assignedV1('inv-1', 1, 'INV-2024-000001'), assignedV1('inv-2', 2, 'INV-2024-000002'), assignedV1('inv-3', 3, 'INV-2024-000003')];

  it('is folded from its start: the runs are inferred from the numbers, and the state says it is not summarised', () => {
    const state = fold(numberSequenceDecider, legacy);
    expect(state).toEqual({
      documentKind: 'invoice',
      periodKey: '2024',
      lastSequence: 3,
      last: { documentId: 'inv-3', number: 'INV-2024-000003' },
      printed: [{ ...yearlyRun, from: 1, to: 3 }],
      summarised: false,
    });
    expect(summarisesNumberSequence(legacy[2] as DocumentNumberAssigned)).toBe(false);
  });

  it('its next number carries the runs of every number before it, so the stream is read by its last event from then on', () => {
    spec.given(legacy).when(assign({ documentId: 'inv-4' })).then([assigned({ documentId: 'inv-4', sequence: 4, number: 'INV-2024-000004' })]);
  });

  it('SummariseNumberSequence records its runs once; a summarised or empty sequence needs nothing', () => {
    const summarise = { type: 'SummariseNumberSequence' as const, data: { documentKind: 'invoice' as const, periodKey: '2024' }, metadata: { now } };
    const summarised = {
      type: 'DocumentNumbersSummarised' as const,
      data: { documentKind: 'invoice' as const, periodKey: '2024', lastSequence: 3, printed: [{ ...yearlyRun, from: 1, to: 3 }], summarisedAt: now },
    };
    spec.given(legacy).when(summarise).then([summarised]);
    spec.given([...legacy, summarised]).when(summarise).thenNothing();
    spec.given([]).when(summarise).thenNothing();
    spec.given([assigned()]).when(summarise).thenNothing();
    expect(summarisesNumberSequence(summarised)).toBe(true);
    const after: NumberSequenceState = fold(numberSequenceDecider, [summarised]);
    expect(after).toEqual({ ...fold(numberSequenceDecider, [...legacy, summarised]) });
    expect(after).toMatchObject({ lastSequence: 3, summarised: true, last: null });
    spec.given([...legacy, summarised]).when(assign({ documentId: 'inv-4' })).then([assigned({ documentId: 'inv-4', sequence: 4, number: 'INV-2024-000004' })]);
    expect(numberSequenceEventSchemas.DocumentNumbersSummarised.data.parse(summarised.data)).toEqual(summarised.data);
  });
});

describe('runs inferred from recorded numbers', () => {
  function runsOf(numbers: string[]): PrintedRun[] {
    return numbers.reduce<PrintedRun[]>((runs, number, index) => withRecordedNumber(runs, number, index + 1), []);
  }

  it.each<[string, string[], PrintedRun[]]>([
    ['a padded sequence', ['INV-2024-000001', 'INV-2024-000002', 'INV-2024-000003'], [{ head: 'INV-2024-', width: 6, tail: '', from: 1, to: 3 }]],
    ['a sequence before the year', ['1-2024', '2-2024', '3-2024'], [{ head: '', width: 1, tail: '-2024', from: 1, to: 3 }]],
    ['a sequence inside digits', ['2024010001', '2024010002'], [{ head: '202401', width: 4, tail: '', from: 1, to: 2 }]],
    [
      'a change of prefix',
      ['INV-2024-000001', 'INV-2024-000002', 'FAC-2024-000003', 'FAC-2024-000004'],
      [
        { head: 'INV-2024-', width: 6, tail: '', from: 1, to: 2 },
        { head: 'FAC-2024-', width: 6, tail: '', from: 3, to: 4 },
      ],
    ],
    ['a number without its sequence (kept as written)', ['SPECIAL'], [{ head: 'SPECIAL', width: 0, tail: '', from: 1, to: 1 }]],
  ])('%s', (_case, numbers, runs) => {
    expect(runsOf(numbers)).toEqual(runs);
  });

  it('runs always describe exactly the numbers recorded, however they were split', () => {
    const numbers = ['2020-1', '2020-2', 'X', '2020-4', '20200005', '20200006', ...Array.from({ length: 30 }, (_, index) => `A${index + 7}B`)];
    const runs = runsOf(numbers);
    numbers.forEach((number, index) => expect(printedSequenceOf(runs, number)).toBe(index + 1));
    for (const other of ['2020-3', '2020-0', '2020-01', '20200004', 'A6B', 'A37B', 'A07B', 'Y']) expect(printedSequenceOf(runs, other)).toBeNull();
    expect(runs.length).toBeLessThanOrEqual(6);
  });
});
