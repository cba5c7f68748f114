import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import type { ReservePaymentReference } from './payment-reference.commands.js';
import { normalisePaymentReference, paymentReferenceDecider } from './payment-reference.decider.js';
import { paymentReferenceEventSchemas, type PaymentReferenceReserved } from './payment-reference.events.js';

const spec = DeciderSpecification.for(paymentReferenceDecider);

const now = '2024-01-15T09:30:00.000Z';
const later = '2024-01-15T09:30:05.000Z';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

function reserve(data: Partial<ReservePaymentReference['data']> = {}, at = now): ReservePaymentReference {
  return { type: 'ReservePaymentReference', data: { reference: 'ch_3NxA1', paymentId: 'pay-1', amount: '100.00', currency: 'USD', ...data }, metadata: { now: at } };
}

function reserved(data: Partial<PaymentReferenceReserved['data']> = {}): PaymentReferenceReserved {
  return {
    type: 'PaymentReferenceReserved',
    data: { reference: 'ch_3nxa1', receivedReference: 'ch_3NxA1', paymentId: 'pay-1', amount: '100.00', currency: 'USD', reservedAt: now, ...data },
  };
}

describe('no reference', () => {
  it('ReservePaymentReference reserves the normalised reference for the payment', () => {
    spec.given([]).when(reserve()).then([reserved()]);
  });

  it('ReservePaymentReference keeps the reference as received next to its normalised key', () => {
    spec
      .given([])
      .when(reserve({ reference: '  TRF 2024  0042 ', amount: '1500' }))
      .then([reserved({ reference: 'trf 2024 0042', receivedReference: '  TRF 2024  0042 ', amount: '1500.00' })]);
  });

  it.each([
    ['a blank reference', { reference: '   ' }, /reference is required/],
    ['a reference over 200 characters', { reference: 'r'.repeat(201) }, /reference must be at most 200/],
    ['no payment id', { paymentId: '' }, /paymentId is required/],
    ['a zero amount', { amount: '0' }, /amount must be greater than 0/],
    ['a float amount', { amount: unchecked<string>(100) }, /amount must be a decimal string/],
    ['an unknown currency', { currency: 'usd' }, /currency must be a supported ISO 4217/],
  ])('ReservePaymentReference with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(reserve(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('ReservePaymentReference without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...reserve(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });
});

describe('reserved', () => {
  it('is the state after PaymentReferenceReserved', () => {
    expect(fold(paymentReferenceDecider, [reserved()])).toEqual({
      status: 'reserved',
      reference: 'ch_3nxa1',
      paymentId: 'pay-1',
      amount: '100.00',
      currency: 'USD',
      reservedAt: now,
    });
  });

  it('ReservePaymentReference by the same payment (a retried command) is acknowledged without an event', () => {
    spec.given([reserved()]).when(reserve({ reference: ' CH_3NXA1 ' }, later)).thenNothing();
  });

  it('ReservePaymentReference by another payment for the same amount fails DUPLICATE_PAYMENT naming the existing payment', () => {
    spec.given([reserved()]).when(reserve({ paymentId: 'pay-2', amount: '100' })).thenThrows('DUPLICATE_PAYMENT', /already recorded as payment pay-1 for the same amount/);
    const state = fold(paymentReferenceDecider, [reserved()]);
    let error: unknown;
    try {
      paymentReferenceDecider.decide(reserve({ paymentId: 'pay-2', reference: 'CH_3NXA1' }), state);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).details).toEqual({ reference: 'ch_3nxa1', existingPaymentId: 'pay-1', paymentId: 'pay-2' });
  });

  it('ReservePaymentReference by another payment for another amount fails PAYMENT_REFERENCE_CONFLICT', () => {
    spec
      .given([reserved()])
      .when(reserve({ paymentId: 'pay-2', amount: '99.99' }))
      .thenThrows('PAYMENT_REFERENCE_CONFLICT', /already belongs to payment pay-1 for 100.00 USD, not 99.99 USD/);
  });

  it('ReservePaymentReference by another payment in another currency fails PAYMENT_REFERENCE_CONFLICT', () => {
    spec.given([reserved()]).when(reserve({ paymentId: 'pay-2', currency: 'EUR' })).thenThrows('PAYMENT_REFERENCE_CONFLICT', /not 100.00 EUR/);
  });

  it('a reference decided on the stream of another reference is a programmer error', () => {
    expect(() => paymentReferenceDecider.decide(reserve({ reference: 'ch_other' }), fold(paymentReferenceDecider, [reserved()]))).toThrow(
      /was decided on the stream of "ch_3nxa1"/,
    );
  });
});

describe('normalisePaymentReference', () => {
  it.each([
    ['ch_3NxA1', 'ch_3nxa1'],
    ['  CH_3NXA1\t', 'ch_3nxa1'],
    ['TRF   2024 \n 0042', 'trf 2024 0042'],
    ['ＣＨ１\u00a0２', 'ch1 2'],
    ['already normal', 'already normal'],
  ])('%j -> %j', (input, expected) => {
    expect(normalisePaymentReference(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = normalisePaymentReference('  Wire  REF-Ⅻ 9 ');
    expect(normalisePaymentReference(once)).toBe(once);
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const events = paymentReferenceDecider.decide(reserve({ reference: ' Bank ref 77 ' }), paymentReferenceDecider.initialState);
    expect(events.map((event) => event.type)).toEqual(['PaymentReferenceReserved']);
    for (const event of events) {
      const schema = paymentReferenceEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });
});
