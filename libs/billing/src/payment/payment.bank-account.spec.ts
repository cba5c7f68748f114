import { describe, expect, it } from '@jest/globals';
import type { RecordPayment } from './payment.commands.js';
import { decidePayment, paymentDecider } from './payment.decider.js';
import { paymentEventSchemas } from './payment.events.js';

/** RecordPayment carries the bank account the money was deposited to (issue 15, docs/banking.md). */

const now = '2026-03-02T09:00:00.000Z';
function record(data: Partial<RecordPayment['data']> = {}): RecordPayment {
  return {
    type: 'RecordPayment',
    data: { paymentId: 'pay-1', customerId: 'cus-1', amount: '100.00', currency: 'USD', method: 'wire_transfer', reference: 'INV-1', allocation: { kind: 'oldest_due_first' }, ...data },
    metadata: { now },
  };
}

describe('PaymentRecorded.bankAccountId', () => {
  it('names the bank account the handler resolved', () => {
    const [recorded] = decidePayment(record({ bankAccountId: 'ba_1' }), paymentDecider.initialState);
    expect(recorded).toMatchObject({ type: 'PaymentRecorded', data: { bankAccountId: 'ba_1' } });
    expect(paymentEventSchemas.PaymentRecorded.data.parse(recorded?.data)).toMatchObject({ bankAccountId: 'ba_1' });
  });

  it('is null when the tenant has no bank account in the currency', () => {
    const [recorded] = decidePayment(record({ bankAccountId: null }), paymentDecider.initialState);
    expect(recorded?.data).toMatchObject({ bankAccountId: null });
  });

  it('is absent when the command does not say (the shape of payments recorded before bank accounts)', () => {
    const [recorded] = decidePayment(record(), paymentDecider.initialState);
    expect(recorded?.data).not.toHaveProperty('bankAccountId');
    // Old events, without the field, still read.
    expect(paymentEventSchemas.PaymentRecorded.data.safeParse(recorded?.data).success).toBe(true);
  });

  it('a bank account id that is not an identifier is VALIDATION_FAILED', () => {
    expect(() => decidePayment(record({ bankAccountId: 'ba 1' }), paymentDecider.initialState)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
