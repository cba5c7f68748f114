import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type {
  ApplyCreditNote,
  CreateCreditNote,
  CreditNoteCommand,
  CreditNoteLineInput,
  IssueCreditNote,
  VoidCreditNote,
} from './credit-note.commands.js';
import { creditNoteDecider } from './credit-note.decider.js';
import {
  creditNoteEventSchemas,
  type CreditNoteApplied,
  type CreditNoteDrafted,
  type CreditNoteEvent,
  type CreditNoteIssued,
  type CreditNoteLine,
  type CreditNoteVoided,
} from './credit-note.events.js';

const spec = DeciderSpecification.for(creditNoteDecider);

const now = '2024-02-01T10:00:00.000Z';
const later = '2024-02-05T12:00:00.000Z';
const creditNoteId = 'cn-1';
const customerId = 'cus-1';

const unchecked = <T>(value: unknown): T => value as T;

// 2 x 19.99 = 39.98; 20% = 7.996 -> 8.00.  1 x 10.00 untaxed.  Subtotal 49.98, tax 8.00, total 57.98.
const serviceInput: CreditNoteLineInput = { lineId: 'L1', description: 'Broadband outage, 2 days', quantity: '2', unitPrice: '19.99', taxRate: '20' };
const service: CreditNoteLine = { ...serviceInput, taxRate: '20', amount: '39.98', taxAmount: '8.00' };
const feeInput: CreditNoteLineInput = { lineId: 'L2', description: 'Late fee waived', quantity: '1', unitPrice: '10.00' };
const fee: CreditNoteLine = { ...feeInput, taxRate: null, amount: '10.00', taxAmount: '0.00' };
const figures = {
  currency: 'USD',
  subtotal: '49.98',
  taxTotal: '8.00',
  total: '57.98',
  taxBreakdown: [{ rate: '20', name: '20%', taxableAmount: '39.98', taxAmount: '8.00' }],
};

function create(data: Partial<CreateCreditNote['data']> = {}): CreateCreditNote {
  return {
    type: 'CreateCreditNote',
    data: {
      creditNoteId,
      customerId,
      currency: 'USD',
      type: 'error_correction',
      reason: 'billing_error',
      lines: [serviceInput, feeInput],
      sourceInvoiceId: 'inv-1',
      creditableOnSource: '71.96',
      ...data,
    },
    metadata: { now },
  };
}
function issue(data: Partial<IssueCreditNote['data']> = {}): IssueCreditNote {
  return { type: 'IssueCreditNote', data: { creditNoteId, number: 'CN-2024-000001', ...data }, metadata: { now } };
}
function apply(data: Partial<ApplyCreditNote['data']> = {}): ApplyCreditNote {
  return {
    type: 'ApplyCreditNote',
    data: { creditNoteId, applicationId: 'app-1', applicationType: 'invoice', invoiceId: 'inv-1', amount: '20.00', ...data },
    metadata: { now: later },
  };
}
function voidNote(reason = 'Drafted against the wrong invoice'): VoidCreditNote {
  return { type: 'VoidCreditNote', data: { creditNoteId, reason }, metadata: { now: later } };
}

function drafted(data: Partial<CreditNoteDrafted['data']> = {}): CreditNoteDrafted {
  return {
    type: 'CreditNoteDrafted',
    data: {
      creditNoteId,
      customerId,
      type: 'error_correction',
      reason: 'billing_error',
      lines: [service, fee],
      ...figures,
      sourceInvoiceId: 'inv-1',
      creditableOnSource: '71.96',
      draftedAt: now,
      ...data,
    },
  };
}
function issued(data: Partial<CreditNoteIssued['data']> = {}): CreditNoteIssued {
  return {
    type: 'CreditNoteIssued',
    data: { creditNoteId, customerId, number: 'CN-2024-000001', ...figures, sourceInvoiceId: 'inv-1', issuedAt: now, ...data },
  };
}
function applied(data: Partial<CreditNoteApplied['data']> = {}): CreditNoteApplied {
  return {
    type: 'CreditNoteApplied',
    data: {
      creditNoteId,
      customerId,
      applicationId: 'app-1',
      applicationType: 'invoice',
      invoiceId: 'inv-1',
      currency: 'USD',
      amount: '20.00',
      remaining: '37.98',
      status: 'partially_applied',
      appliedAt: later,
      ...data,
    },
  };
}
function voided(data: Partial<CreditNoteVoided['data']> = {}): CreditNoteVoided {
  return {
    type: 'CreditNoteVoided',
    data: { creditNoteId, customerId, reason: 'Drafted against the wrong invoice', statusBefore: 'draft', ...figures, voidedAt: later, ...data },
  };
}

const fullyApplied = applied({ amount: '57.98', remaining: '0.00', status: 'applied' });

describe('no credit note', () => {
  it('CreateCreditNote drafts it with lines priced like invoice lines, totals and the tax by rate', () => {
    spec.given([]).when(create()).then([drafted()]);
  });

  it('CreateCreditNote rounds each line half-up to the minor unit before tax, and taxes per line', () => {
    // 3 x 0.125 = 0.375 -> 0.38; 20% of 0.38 = 0.076 -> 0.08. JPY: 3 x 33.5 = 100.5 -> 101; 10% = 10.1 -> 10.
    spec
      .given([])
      .when(create({ lines: [{ lineId: 'L1', description: 'Data', quantity: '3', unitPrice: '0.125', taxRate: '20.00' }], sourceInvoiceId: null, creditableOnSource: null }))
      .then([
        drafted({
          lines: [{ lineId: 'L1', description: 'Data', quantity: '3', unitPrice: '0.125', taxRate: '20.00', amount: '0.38', taxAmount: '0.08' }],
          subtotal: '0.38',
          taxTotal: '0.08',
          total: '0.46',
          taxBreakdown: [{ rate: '20', name: '20%', taxableAmount: '0.38', taxAmount: '0.08' }],
          sourceInvoiceId: null,
          creditableOnSource: null,
        }),
      ]);
    const [jpy] = creditNoteDecider.decide(
      create({ currency: 'JPY', lines: [{ lineId: 'L1', description: 'Calls', quantity: '3', unitPrice: '33.5', taxRate: '10' }], creditableOnSource: '111' }),
      creditNoteDecider.initialState,
    );
    expect(jpy?.data).toMatchObject({ currency: 'JPY', subtotal: '101', taxTotal: '10', total: '111' });
  });

  it('CreateCreditNote accepts a total exactly equal to what is creditable on the source invoice', () => {
    spec.given([]).when(create({ creditableOnSource: '57.98' })).then([drafted({ creditableOnSource: '57.98' })]);
  });

  it('CreateCreditNote over what is still creditable on the source invoice fails AMOUNT_EXCEEDS_CREDITABLE', () => {
    spec.given([]).when(create({ creditableOnSource: '57.97' })).thenThrows('AMOUNT_EXCEEDS_CREDITABLE', /57\.98 USD exceeds the 57\.97 still creditable on invoice inv-1/);
  });

  it('CreateCreditNote with a source invoice but no creditable amount, or a creditable amount without a source, fails VALIDATION_FAILED', () => {
    spec.given([]).when(create({ creditableOnSource: undefined })).thenThrows('VALIDATION_FAILED', /creditableOnSource is required/);
    spec.given([]).when(create({ sourceInvoiceId: null })).thenThrows('VALIDATION_FAILED', /only meaningful with a sourceInvoiceId/);
    spec.given([]).when(create({ creditableOnSource: '-1.00' })).thenThrows('VALIDATION_FAILED', /must not be negative/);
    spec.given([]).when(create({ creditableOnSource: '71.961' })).thenThrows('VALIDATION_FAILED', /creditableOnSource/);
  });

  it('CreateCreditNote refuses bad enumerations, currencies, lines and an empty or zero credit', () => {
    spec.given([]).when(create({ type: unchecked('gift') })).thenThrows('VALIDATION_FAILED', /type must be one of/);
    spec.given([]).when(create({ reason: unchecked('whim') })).thenThrows('VALIDATION_FAILED', /reason must be one of/);
    spec.given([]).when(create({ currency: 'XXX' })).thenThrows('VALIDATION_FAILED', /currency/);
    spec.given([]).when(create({ lines: [] })).thenThrows('VALIDATION_FAILED', /at least one line/);
    spec.given([]).when(create({ lines: [serviceInput, { ...feeInput, lineId: 'L1' }] })).thenThrows('VALIDATION_FAILED', /already used/);
    spec.given([]).when(create({ lines: [{ ...serviceInput, quantity: '0' }] })).thenThrows('VALIDATION_FAILED', /quantity must be greater than 0/);
    spec.given([]).when(create({ lines: [{ ...serviceInput, unitPrice: '-1.00' }] })).thenThrows('VALIDATION_FAILED', /unitPrice must not be negative/);
    spec.given([]).when(create({ lines: [{ ...serviceInput, unitPrice: unchecked(19.99) }] })).thenThrows('VALIDATION_FAILED', /decimal string/);
    spec.given([]).when(create({ lines: [{ ...serviceInput, taxRate: '101' }] })).thenThrows('VALIDATION_FAILED', /taxRate must be a percentage/);
    spec.given([]).when(create({ lines: [{ ...feeInput, unitPrice: '0.00' }] })).thenThrows('VALIDATION_FAILED', /must credit something/);
  });

  it('IssueCreditNote, ApplyCreditNote and VoidCreditNote fail NOT_FOUND', () => {
    spec.given([]).when(issue()).thenThrows('NOT_FOUND', /does not exist/);
    spec.given([]).when(apply()).thenThrows('NOT_FOUND', /does not exist/);
    spec.given([]).when(voidNote()).thenThrows('NOT_FOUND', /does not exist/);
  });

  it('rejects a command whose metadata.now is not an instant', () => {
    spec.given([]).when({ ...create(), metadata: { now: 'yesterday' } }).thenThrows('VALIDATION_FAILED', /metadata\.now/);
  });
});

describe('draft', () => {
  it('grants no credit yet', () => {
    expect(fold(creditNoteDecider, [drafted()])).toMatchObject({ status: 'draft', total: '57.98', remaining: '0.00', amountApplied: '0.00' });
  });

  it('CreateCreditNote again fails ALREADY_EXISTS', () => {
    spec.given([drafted()]).when(create()).thenThrows('ALREADY_EXISTS');
  });

  it('IssueCreditNote issues it with its number and figures', () => {
    spec.given([drafted()]).when(issue()).then([issued()]);
  });

  it('IssueCreditNote checks again what is creditable on the source invoice when the application passes it', () => {
    spec.given([drafted()]).when(issue({ creditableOnSource: '60.00' })).then([issued()]);
    spec.given([drafted()]).when(issue({ creditableOnSource: '50.00' })).thenThrows('AMOUNT_EXCEEDS_CREDITABLE', /50\.00 still creditable/);
    spec
      .given([drafted({ sourceInvoiceId: null, creditableOnSource: null })])
      .when(issue({ creditableOnSource: '60.00' }))
      .thenThrows('VALIDATION_FAILED', /source invoice/);
  });

  it('IssueCreditNote without a number fails VALIDATION_FAILED', () => {
    spec.given([drafted()]).when(issue({ number: ' ' })).thenThrows('VALIDATION_FAILED', /number/);
  });

  it('ApplyCreditNote fails CREDIT_NOTE_NOT_OPEN: a draft must be issued first', () => {
    spec.given([drafted()]).when(apply()).thenThrows('CREDIT_NOTE_NOT_OPEN', /draft/);
  });

  it('VoidCreditNote voids it; nothing had been granted', () => {
    spec.given([drafted()]).when(voidNote()).then([voided()]);
  });

  it('VoidCreditNote without a reason fails VALIDATION_FAILED', () => {
    spec.given([drafted()]).when(voidNote('')).thenThrows('VALIDATION_FAILED', /reason/);
  });

  it('a command for another note than the loaded stream is a programmer error, not a domain error', () => {
    expect(() => creditNoteDecider.decide({ ...issue(), data: { creditNoteId: 'cn-2', number: 'CN-2' } }, fold(creditNoteDecider, [drafted()]))).toThrow(
      /decided on the stream of cn-1/,
    );
  });
});

describe('issued', () => {
  it('has its whole total remaining', () => {
    expect(fold(creditNoteDecider, [drafted(), issued()])).toMatchObject({ status: 'issued', number: 'CN-2024-000001', remaining: '57.98' });
  });

  it('ApplyCreditNote of part of the credit to an invoice leaves the rest remaining, exactly', () => {
    spec.given([drafted(), issued()]).when(apply()).then([applied()]);
  });

  it('ApplyCreditNote of the whole credit makes it applied', () => {
    spec.given([drafted(), issued()]).when(apply({ amount: '57.98' })).then([fullyApplied]);
  });

  it('ApplyCreditNote to the customer account or as a refund needs no invoice', () => {
    spec
      .given([drafted(), issued()])
      .when(apply({ applicationType: 'customer_account', invoiceId: undefined }))
      .then([applied({ applicationType: 'customer_account', invoiceId: null })]);
    spec
      .given([drafted(), issued()])
      .when(apply({ applicationType: 'refund', invoiceId: null, amount: '0.01' }))
      .then([applied({ applicationType: 'refund', invoiceId: null, amount: '0.01', remaining: '57.97' })]);
  });

  it('ApplyCreditNote of more than remains fails AMOUNT_EXCEEDS_REMAINING_CREDIT', () => {
    spec.given([drafted(), issued()]).when(apply({ amount: '57.99' })).thenThrows('AMOUNT_EXCEEDS_REMAINING_CREDIT', /57\.98 USD of credit remaining/);
  });

  it('ApplyCreditNote with bad data fails VALIDATION_FAILED', () => {
    spec.given([drafted(), issued()]).when(apply({ invoiceId: undefined })).thenThrows('VALIDATION_FAILED', /invoiceId/);
    spec.given([drafted(), issued()]).when(apply({ applicationType: 'refund' })).thenThrows('VALIDATION_FAILED', /only for applications to an invoice/);
    spec.given([drafted(), issued()]).when(apply({ applicationType: unchecked('cash') })).thenThrows('VALIDATION_FAILED', /applicationType/);
    spec.given([drafted(), issued()]).when(apply({ amount: '0.00' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given([drafted(), issued()]).when(apply({ amount: '-5.00' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given([drafted(), issued()]).when(apply({ amount: '1.001' })).thenThrows('VALIDATION_FAILED', /decimal place/);
    spec.given([drafted(), issued()]).when(apply({ applicationId: '' })).thenThrows('VALIDATION_FAILED', /applicationId/);
  });

  it('IssueCreditNote again fails CREDIT_NOTE_NOT_DRAFT', () => {
    spec.given([drafted(), issued()]).when(issue()).thenThrows('CREDIT_NOTE_NOT_DRAFT', /issued/);
  });

  it('VoidCreditNote voids it and carries the figures the void reverses', () => {
    spec.given([drafted(), issued()]).when(voidNote()).then([voided({ statusBefore: 'issued' })]);
  });
});

describe('partially applied', () => {
  const history = [drafted(), issued(), applied()];

  it('tracks what was applied and what remains', () => {
    expect(fold(creditNoteDecider, history)).toMatchObject({ status: 'partially_applied', amountApplied: '20.00', remaining: '37.98' });
  });

  it('ApplyCreditNote of exactly what remains makes it applied', () => {
    spec
      .given(history)
      .when(apply({ applicationId: 'app-2', applicationType: 'refund', invoiceId: null, amount: '37.98' }))
      .then([applied({ applicationId: 'app-2', applicationType: 'refund', invoiceId: null, amount: '37.98', remaining: '0.00', status: 'applied' })]);
  });

  it('ApplyCreditNote of another part stays partially applied', () => {
    spec
      .given(history)
      .when(apply({ applicationId: 'app-2', amount: '0.98' }))
      .then([applied({ applicationId: 'app-2', amount: '0.98', remaining: '37.00' })]);
  });

  it('ApplyCreditNote with an applicationId already applied changes nothing, whatever its amount', () => {
    spec.given(history).when(apply()).thenNothing();
    spec.given(history).when(apply({ amount: '999.00' })).thenNothing();
  });

  it('ApplyCreditNote of more than remains fails AMOUNT_EXCEEDS_REMAINING_CREDIT', () => {
    spec.given(history).when(apply({ applicationId: 'app-2', amount: '37.99' })).thenThrows('AMOUNT_EXCEEDS_REMAINING_CREDIT', /37\.98/);
  });

  it('VoidCreditNote fails CREDIT_NOTE_HAS_APPLICATIONS: an applied part is never silently undone', () => {
    spec.given(history).when(voidNote()).thenThrows('CREDIT_NOTE_HAS_APPLICATIONS', /20\.00 USD applied/);
  });

  it('IssueCreditNote fails CREDIT_NOTE_NOT_DRAFT', () => {
    spec.given(history).when(issue()).thenThrows('CREDIT_NOTE_NOT_DRAFT');
  });
});

describe('applied', () => {
  const history = [drafted(), issued(), fullyApplied];

  it('has nothing remaining and remembers every application', () => {
    expect(fold(creditNoteDecider, history)).toMatchObject({
      status: 'applied',
      remaining: '0.00',
      amountApplied: '57.98',
      applications: [{ applicationId: 'app-1', applicationType: 'invoice', invoiceId: 'inv-1', amount: '57.98', appliedAt: later }],
    });
  });

  it('ApplyCreditNote of any new amount fails AMOUNT_EXCEEDS_REMAINING_CREDIT', () => {
    spec.given(history).when(apply({ applicationId: 'app-2', amount: '0.01' })).thenThrows('AMOUNT_EXCEEDS_REMAINING_CREDIT', /0\.00 USD of credit remaining/);
  });

  it('ApplyCreditNote re-delivered for an application already made changes nothing', () => {
    spec.given(history).when(apply({ amount: '57.98' })).thenNothing();
  });

  it('VoidCreditNote fails CREDIT_NOTE_HAS_APPLICATIONS', () => {
    spec.given(history).when(voidNote()).thenThrows('CREDIT_NOTE_HAS_APPLICATIONS');
  });
});

describe('voided', () => {
  const fromDraft = [drafted(), voided()];
  const fromIssued = [drafted(), issued(), voided({ statusBefore: 'issued' })];

  it('grants no credit and keeps its number', () => {
    expect(fold(creditNoteDecider, fromIssued)).toMatchObject({ status: 'voided', number: 'CN-2024-000001', remaining: '0.00', voidReason: 'Drafted against the wrong invoice' });
    expect(fold(creditNoteDecider, fromDraft)).toMatchObject({ status: 'voided', number: null });
  });

  it('ApplyCreditNote fails CREDIT_NOTE_NOT_OPEN', () => {
    spec.given(fromIssued).when(apply()).thenThrows('CREDIT_NOTE_NOT_OPEN', /voided/);
  });

  it('VoidCreditNote again fails CREDIT_NOTE_NOT_OPEN', () => {
    spec.given(fromDraft).when(voidNote()).thenThrows('CREDIT_NOTE_NOT_OPEN', /already voided/);
  });

  it('IssueCreditNote fails CREDIT_NOTE_NOT_DRAFT', () => {
    spec.given(fromDraft).when(issue()).thenThrows('CREDIT_NOTE_NOT_DRAFT', /voided/);
  });

  it('CreateCreditNote fails ALREADY_EXISTS', () => {
    spec.given(fromDraft).when(create()).thenThrows('ALREADY_EXISTS');
  });
});

describe('event contracts', () => {
  it('every event type is at schema version 1', () => {
    expect(Object.fromEntries(Object.entries(creditNoteEventSchemas).map(([type, schema]) => [type, schema.schemaVersion]))).toEqual({
      CreditNoteDrafted: 1,
      CreditNoteIssued: 1,
      CreditNoteApplied: 1,
      CreditNoteVoided: 1,
    });
  });

  it('every event the decider emits matches its zod schema', () => {
    const commands: CreditNoteCommand[] = [
      create(),
      issue(),
      apply(),
      apply({ applicationId: 'app-2', applicationType: 'customer_account', invoiceId: null, amount: '30.00' }),
      apply({ applicationId: 'app-3', applicationType: 'refund', invoiceId: null, amount: '7.98' }),
    ];
    let state = creditNoteDecider.initialState;
    const emitted: CreditNoteEvent[] = [];
    for (const command of commands) {
      for (const event of creditNoteDecider.decide(command, state)) {
        emitted.push(event);
        state = creditNoteDecider.evolve(state, event);
      }
    }
    emitted.push(...creditNoteDecider.decide(voidNote(), fold(creditNoteDecider, [drafted(), issued()])));
    expect(emitted.map((event) => event.type)).toEqual([
      'CreditNoteDrafted',
      'CreditNoteIssued',
      'CreditNoteApplied',
      'CreditNoteApplied',
      'CreditNoteApplied',
      'CreditNoteVoided',
    ]);
    for (const event of emitted) expect(creditNoteEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
    expect(state).toMatchObject({ status: 'applied', remaining: '0.00', amountApplied: '57.98' });
  });

  it('the schemas reject amounts that are not decimal strings', () => {
    expect(creditNoteEventSchemas.CreditNoteApplied.data.safeParse({ ...applied().data, amount: 20 }).success).toBe(false);
  });
});
