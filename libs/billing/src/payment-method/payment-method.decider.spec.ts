import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import { containsCardNumber, passesLuhn } from './payment-method.card-data.js';
import type {
  AddPaymentMethod,
  DeactivatePaymentMethod,
  ExpirePaymentMethod,
  FailPaymentMethodVerification,
  PaymentMethodCommand,
  VerifyPaymentMethod,
} from './payment-method.commands.js';
import { describePaymentMethod, describePaymentMethodType, initialPaymentMethodState, paymentMethodDecider } from './payment-method.decider.js';
import {
  paymentMethodEventSchemas,
  type PaymentMethodAdded,
  type PaymentMethodDeactivated,
  type PaymentMethodEvent,
  type PaymentMethodExpired,
  type PaymentMethodVerificationFailed,
  type PaymentMethodVerified,
} from './payment-method.events.js';

const spec = DeciderSpecification.for(paymentMethodDecider);

const now = '2024-01-15T09:30:00.000Z';
const later = '2024-01-18T10:00:00.000Z';
// A card expiring 12/2026 is valid through 2026-12-31 (UTC) and expired from 2027-01-01.
const lastValidInstant = '2026-12-31T23:59:59.999Z';
const expiredInstant = '2027-01-01T00:00:00.000Z';
const paymentMethodId = 'pm-1';
/** Where the application stored the gateway token (the event names it; the token is never in an event). */
const TOKEN_REF = 'sec_8b3f2c1a-0d4e-5f6a-9b7c-1d2e3f4a5b6c';
const customerId = 'cus-1';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

function addCard(data: Partial<AddPaymentMethod['data']> = {}, at = now): AddPaymentMethod {
  return {
    type: 'AddPaymentMethod',
    data: {
      paymentMethodId,
      customerId,
      type: 'card',
      brand: 'Visa',
      last4: '4242',
      expiryMonth: 12,
      expiryYear: 2026,
      gatewayToken: 'pm_1OaBcDeFgHiJ',
      gatewayTokenRef: TOKEN_REF,
      holderName: 'Ada Lovelace',
      ...data,
    },
    metadata: { now: at },
  };
}
function addBankAccount(data: Partial<AddPaymentMethod['data']> = {}): AddPaymentMethod {
  return {
    type: 'AddPaymentMethod',
    data: { paymentMethodId, customerId, type: 'bank_account', last4: '6789', gatewayToken: 'ba_1XyZ', gatewayTokenRef: TOKEN_REF, holderName: 'Acme Fibre Inc.', ...data },
    metadata: { now },
  };
}
function verify(at = later): VerifyPaymentMethod {
  return { type: 'VerifyPaymentMethod', data: { paymentMethodId }, metadata: { now: at } };
}
function failVerification(reason = 'Micro-deposit amounts did not match', at = later): FailPaymentMethodVerification {
  return { type: 'FailPaymentMethodVerification', data: { paymentMethodId, reason }, metadata: { now: at } };
}
function expire(at = expiredInstant): ExpirePaymentMethod {
  return { type: 'ExpirePaymentMethod', data: { paymentMethodId }, metadata: { now: at } };
}
function deactivate(reason: string | null = 'Removed by the customer', at = later): DeactivatePaymentMethod {
  return { type: 'DeactivatePaymentMethod', data: { paymentMethodId, reason }, metadata: { now: at } };
}

function cardAdded(data: Partial<PaymentMethodAdded['data']> = {}): PaymentMethodAdded {
  return {
    type: 'PaymentMethodAdded',
    data: {
      paymentMethodId,
      customerId,
      type: 'card',
      brand: 'visa',
      last4: '4242',
      expiryMonth: 12,
      expiryYear: 2026,
      gatewayTokenRef: TOKEN_REF,
      holderName: 'Ada Lovelace',
      status: 'active',
      verificationStatus: null,
      addedAt: now,
      ...data,
    },
  };
}
function bankAccountAdded(): PaymentMethodAdded {
  return cardAdded({
    type: 'bank_account',
    brand: null,
    last4: '6789',
    expiryMonth: null,
    expiryYear: null,
    holderName: 'Acme Fibre Inc.',
    status: 'requires_verification',
    verificationStatus: 'pending',
  });
}
function verified(): PaymentMethodVerified {
  return { type: 'PaymentMethodVerified', data: { paymentMethodId, verifiedAt: later } };
}
function verificationFailed(): PaymentMethodVerificationFailed {
  return { type: 'PaymentMethodVerificationFailed', data: { paymentMethodId, reason: 'Micro-deposit amounts did not match', failedAt: later } };
}
function expired(): PaymentMethodExpired {
  return { type: 'PaymentMethodExpired', data: { paymentMethodId, expiryMonth: 12, expiryYear: 2026, expiredAt: expiredInstant } };
}
function deactivated(reason: string | null = 'Removed by the customer'): PaymentMethodDeactivated {
  return { type: 'PaymentMethodDeactivated', data: { paymentMethodId, reason, deactivatedAt: later } };
}

const activeCard: PaymentMethodEvent[] = [cardAdded()];
const awaitingVerification: PaymentMethodEvent[] = [bankAccountAdded()];
const verifiedBankAccount: PaymentMethodEvent[] = [...awaitingVerification, verified()];
const failedVerification: PaymentMethodEvent[] = [...awaitingVerification, verificationFailed()];
const expiredCard: PaymentMethodEvent[] = [...activeCard, expired()];
const inactiveCard: PaymentMethodEvent[] = [...activeCard, deactivated()];

/** The error decide throws, for checks the spec helper does not make (here: what the message leaves out). */
function errorOf(command: PaymentMethodCommand, history: PaymentMethodEvent[] = []): { code: unknown; message: string; details: unknown } {
  try {
    paymentMethodDecider.decide(command, fold(paymentMethodDecider, history));
  } catch (error) {
    const domainError = error as { code?: unknown; message: string; details?: unknown };
    return { code: domainError.code, message: domainError.message, details: domainError.details };
  }
  throw new Error('expected decide to throw');
}

describe('no payment method', () => {
  it('AddPaymentMethod adds a card as active, brand in lower case, no verification needed', () => {
    spec.given([]).when(addCard()).then([cardAdded()]);
  });

  it('AddPaymentMethod adds a bank account as requiring verification (pending)', () => {
    spec.given([]).when(addBankAccount()).then([bankAccountAdded()]);
  });

  it('AddPaymentMethod adds a digital wallet with only a token, as active', () => {
    spec
      .given([])
      .when({ type: 'AddPaymentMethod', data: { paymentMethodId, customerId, type: 'digital_wallet', brand: 'Apple Pay', gatewayToken: 'tok_wallet', gatewayTokenRef: TOKEN_REF }, metadata: { now } })
      .then([
        cardAdded({ type: 'digital_wallet', brand: 'apple pay', last4: null, expiryMonth: null, expiryYear: null, holderName: null }),
      ]);
  });

  it('AddPaymentMethod records where the token is stored, never the token (event schema version 2)', () => {
    const events = paymentMethodDecider.decide(addCard(), initialPaymentMethodState);
    expect(JSON.stringify(events)).not.toContain('pm_1OaBcDeFgHiJ');
    expect(paymentMethodEventSchemas.PaymentMethodAdded.schemaVersion).toBe(2);
    for (const event of events) expect(paymentMethodEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
    expect(fold(paymentMethodDecider, events)).toMatchObject({ gatewayTokenRef: TOKEN_REF });
  });

  it('AddPaymentMethod does not scan the reference the ledger made for card numbers (only the caller\'s input)', () => {
    spec.given([]).when(addCard({ gatewayTokenRef: 'sec_4242-4242-4242-4242' })).then([cardAdded({ gatewayTokenRef: 'sec_4242-4242-4242-4242' })]);
  });

  it('AddPaymentMethod accepts a card in its last valid instant', () => {
    spec.given([]).when(addCard({}, lastValidInstant)).then([cardAdded({ addedAt: lastValidInstant })]);
  });

  it.each([
    ['a card number in holderName', { holderName: '4242 4242 4242 4242' }, 'holderName'],
    ['a card number with dashes in the gateway token', { gatewayToken: 'tok-5555-5555-5555-4444' }, 'gatewayToken'],
    ['a 15-digit Amex number in brand', { brand: 'amex 378282246310005' }, 'brand'],
    ['a card number in last4', { last4: '4111111111111111' }, 'last4'],
    ['a 12-digit number passing Luhn', { holderName: 'ref 123456789015' }, 'holderName'],
    ['a 19-digit number passing Luhn', { gatewayToken: 'x1234567890123456785' }, 'gatewayToken'],
    ['a card number sent as a JavaScript number', { last4: unchecked<string>(4242424242424242) }, 'last4'],
  ])('AddPaymentMethod with %s fails VALIDATION_FAILED without repeating the digits', (_case, data, field) => {
    const error = errorOf(addCard(data));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(new RegExp(`^${field} looks like a full card number: card numbers are never stored`));
    expect(error.details).toEqual({ field });
    expect(JSON.stringify(error)).not.toMatch(/\d{5}/);
  });

  it.each([
    ['cvv', { cvv: '123' }, 'cvv'],
    ['CVC2', { CVC2: '123' }, 'CVC2'],
    ['card_security_code', { card_security_code: '1234' }, 'card_security_code'],
    ['cardNumber (even without a valid number)', { cardNumber: '4242424242424241' }, 'cardNumber'],
  ])('AddPaymentMethod with a field named %s fails VALIDATION_FAILED without repeating it', (_case, extra, field) => {
    const error = errorOf(addCard(unchecked<Partial<AddPaymentMethod['data']>>(extra)));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe(`${field}: card security codes and card numbers are never sent to or stored by the ledger`);
    expect(JSON.stringify(error)).not.toMatch(/123|4242/);
  });

  it('AddPaymentMethod accepts digit runs that are not card numbers (fail Luhn, too short or too long)', () => {
    spec
      .given([])
      .when(addCard({ gatewayToken: 'tok_4242424242424241', holderName: 'Account 12345678903 / 123456789012345678906' }))
      .then([cardAdded({ holderName: 'Account 12345678903 / 123456789012345678906' })]);
  });

  it.each([
    ['a card without brand', { brand: null }, /A card needs brand, last4 and expiry: brand missing/],
    ['a card without last4 and expiry', { last4: undefined, expiryMonth: null, expiryYear: null }, /last4, expiryMonth and expiryYear missing/],
    ['last4 of 3 digits', { last4: '424' }, /last4 must be a string of exactly 4 digits/],
    ['last4 with a letter', { last4: '42a2' }, /last4 must be a string of exactly 4 digits/],
    ['last4 as a number', { last4: unchecked<string>(4242) }, /last4 must be a string of exactly 4 digits/],
    ['month 13', { expiryMonth: 13 }, /expiryMonth must be an integer from 1 to 12/],
    ['month 0', { expiryMonth: 0 }, /expiryMonth must be an integer from 1 to 12/],
    ['a two-digit year', { expiryYear: 26 }, /expiryYear must be an integer from 2000 to 2100/],
    ['year 2101', { expiryYear: 2101 }, /expiryYear must be an integer from 2000 to 2100/],
    ['a month without a year', { expiryYear: null }, /expiryMonth and expiryYear go together/],
    ['an expiry already past', { expiryMonth: 12, expiryYear: 2023 }, /The expiry 12\/2023 has passed: an expired method cannot be added/],
    ['a brand with punctuation', { brand: 'Visa!' }, /brand must start with a letter/],
    ['no gateway token', { gatewayToken: '' }, /gatewayToken is required/],
    ['no reference for the gateway token', { gatewayTokenRef: unchecked<string>(undefined) }, /gatewayTokenRef is required/],
    ['an unknown type', { type: unchecked<'card'>('voucher') }, /type must be one of/],
    ['no customer', { customerId: '' }, /customerId is required/],
  ])('AddPaymentMethod with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(addCard(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('AddPaymentMethod without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...addCard(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it.each<[string, PaymentMethodCommand]>([
    ['VerifyPaymentMethod', verify()],
    ['FailPaymentMethodVerification', failVerification()],
    ['ExpirePaymentMethod', expire()],
    ['DeactivatePaymentMethod', deactivate()],
  ])('%s fails NOT_FOUND', (_name, command) => {
    spec.given([]).when(command).thenThrows('NOT_FOUND', /Payment method "pm-1" does not exist/);
  });
});

describe('active', () => {
  it('is the state after PaymentMethodAdded of a card', () => {
    expect(fold(paymentMethodDecider, activeCard)).toMatchObject({ status: 'active', verificationStatus: null, brand: 'visa', last4: '4242' });
  });

  it('AddPaymentMethod again with the same data is acknowledged without an event', () => {
    spec.given(activeCard).when(addCard({}, later)).thenNothing();
  });

  it('AddPaymentMethod again with the token stored under another reference fails ALREADY_EXISTS', () => {
    spec.given(activeCard).when(addCard({ gatewayTokenRef: 'sec_other' }, later)).thenThrows('ALREADY_EXISTS', /with different data/);
  });

  it('AddPaymentMethod again with other data fails ALREADY_EXISTS', () => {
    spec.given(activeCard).when(addCard({ last4: '1111' })).thenThrows('ALREADY_EXISTS', /already exists \(status active\) with different data/);
  });

  it('AddPaymentMethod again with card data still fails VALIDATION_FAILED first', () => {
    spec.given(activeCard).when(addCard({ holderName: '4242424242424242' })).thenThrows('VALIDATION_FAILED', /holderName looks like a full card number/);
  });

  it('ExpirePaymentMethod once the expiry month is over expires it', () => {
    spec.given(activeCard).when(expire()).then([expired()]);
  });

  it('ExpirePaymentMethod during the expiry month fails PAYMENT_METHOD_NOT_EXPIRED', () => {
    spec.given(activeCard).when(expire(lastValidInstant)).thenThrows('PAYMENT_METHOD_NOT_EXPIRED', /is valid until 2027-01-01T00:00:00.000Z/);
  });

  it('ExpirePaymentMethod of a method without expiry fails PAYMENT_METHOD_NOT_EXPIRED', () => {
    spec.given(verifiedBankAccount).when(expire()).thenThrows('PAYMENT_METHOD_NOT_EXPIRED', /has no expiry date/);
  });

  it.each<[string, PaymentMethodCommand]>([
    ['VerifyPaymentMethod', verify()],
    ['FailPaymentMethodVerification', failVerification()],
  ])('%s of a card (nothing to verify) fails PAYMENT_METHOD_NOT_AWAITING_VERIFICATION', (_name, command) => {
    spec.given(activeCard).when(command).thenThrows('PAYMENT_METHOD_NOT_AWAITING_VERIFICATION', /is active/);
  });

  it('VerifyPaymentMethod of a verified bank account is acknowledged without an event', () => {
    spec.given(verifiedBankAccount).when(verify()).thenNothing();
  });

  it('DeactivatePaymentMethod deactivates it', () => {
    spec.given(activeCard).when(deactivate()).then([deactivated()]);
  });

  it('DeactivatePaymentMethod without a reason records null', () => {
    spec.given(activeCard).when(deactivate(null)).then([deactivated(null)]);
  });

  it('a command for another method, decided on this stream, is a programmer error', () => {
    const command: VerifyPaymentMethod = { ...verify(), data: { paymentMethodId: 'pm-2' } };
    expect(() => paymentMethodDecider.decide(command, fold(paymentMethodDecider, activeCard))).toThrow(/was decided on the stream of pm-1/);
  });
});

describe('requires verification', () => {
  it('is the state after PaymentMethodAdded of a bank account', () => {
    expect(fold(paymentMethodDecider, awaitingVerification)).toMatchObject({ status: 'requires_verification', verificationStatus: 'pending' });
  });

  it('VerifyPaymentMethod verifies it: active, verified', () => {
    spec.given(awaitingVerification).when(verify()).then([verified()]);
    expect(fold(paymentMethodDecider, verifiedBankAccount)).toMatchObject({ status: 'active', verificationStatus: 'verified', verifiedAt: later });
  });

  it('FailPaymentMethodVerification records the failure', () => {
    spec.given(awaitingVerification).when(failVerification()).then([verificationFailed()]);
  });

  it('FailPaymentMethodVerification without a reason fails VALIDATION_FAILED', () => {
    spec.given(awaitingVerification).when(failVerification('')).thenThrows('VALIDATION_FAILED', /reason is required/);
  });

  it('DeactivatePaymentMethod deactivates it', () => {
    spec.given(awaitingVerification).when(deactivate()).then([deactivated()]);
  });
});

describe('verification failed', () => {
  it('is the state after PaymentMethodVerificationFailed', () => {
    expect(fold(paymentMethodDecider, failedVerification)).toMatchObject({
      status: 'verification_failed',
      verificationStatus: 'failed',
      verificationFailureReason: 'Micro-deposit amounts did not match',
    });
  });

  it('VerifyPaymentMethod (a later attempt succeeded) verifies it', () => {
    spec.given(failedVerification).when(verify()).then([verified()]);
    expect(fold(paymentMethodDecider, [...failedVerification, verified()])).toMatchObject({ status: 'active', verificationFailureReason: null });
  });

  it('FailPaymentMethodVerification again is acknowledged without an event', () => {
    spec.given(failedVerification).when(failVerification()).thenNothing();
  });

  it('DeactivatePaymentMethod deactivates it', () => {
    spec.given(failedVerification).when(deactivate()).then([deactivated()]);
  });
});

describe('expired', () => {
  it('is the state after PaymentMethodExpired', () => {
    expect(fold(paymentMethodDecider, expiredCard)).toMatchObject({ status: 'expired', expiredAt: expiredInstant });
  });

  it('ExpirePaymentMethod again is acknowledged without an event', () => {
    spec.given(expiredCard).when(expire(later)).thenNothing();
  });

  it('VerifyPaymentMethod fails PAYMENT_METHOD_NOT_AWAITING_VERIFICATION', () => {
    spec.given(expiredCard).when(verify()).thenThrows('PAYMENT_METHOD_NOT_AWAITING_VERIFICATION', /is expired/);
  });

  it('DeactivatePaymentMethod deactivates it', () => {
    spec.given(expiredCard).when(deactivate()).then([deactivated()]);
  });
});

describe('inactive', () => {
  it('is the state after PaymentMethodDeactivated', () => {
    expect(fold(paymentMethodDecider, inactiveCard)).toMatchObject({ status: 'inactive', deactivationReason: 'Removed by the customer' });
  });

  it('DeactivatePaymentMethod again is acknowledged without an event', () => {
    spec.given(inactiveCard).when(deactivate()).thenNothing();
  });

  it.each<[string, PaymentMethodCommand]>([
    ['VerifyPaymentMethod', verify()],
    ['FailPaymentMethodVerification', failVerification()],
    ['ExpirePaymentMethod', expire()],
  ])('%s fails PAYMENT_METHOD_INACTIVE', (_name, command) => {
    spec.given(inactiveCard).when(command).thenThrows('PAYMENT_METHOD_INACTIVE', /was deactivated/);
  });
});

describe('describePaymentMethod and the card-number check', () => {
  it.each([
    ['a card', activeCard, 'visa ****4242'],
    ['a bank account', awaitingVerification, 'bank account ****6789'],
    ['a wallet with a brand and no digits', [cardAdded({ type: 'digital_wallet', brand: 'apple pay', last4: null })], 'apple pay'],
    ['a wallet with neither', [cardAdded({ type: 'digital_wallet', brand: null, last4: null })], 'digital wallet'],
  ])('describes %s', (_case, history, expected) => {
    expect(describePaymentMethod(fold(paymentMethodDecider, history))).toBe(expected);
  });

  it('names method types for payments without a method on file', () => {
    expect(['cash', 'check', 'wire_transfer'].map((type) => describePaymentMethodType(type as 'cash'))).toEqual(['cash', 'check', 'wire transfer']);
  });

  it('refuses to describe a method that was never added (a programmer error)', () => {
    expect(() => describePaymentMethod(paymentMethodDecider.initialState)).toThrow(/has not been added/);
  });

  it('passesLuhn and containsCardNumber agree with known test numbers', () => {
    expect(['4242424242424242', '4111111111111111', '378282246310005', '6011000990139424'].every(passesLuhn)).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(containsCardNumber('Card: 4242-4242-4242-4242, thanks')).toBe(true);
    expect(containsCardNumber('4242 4242 4242 4241')).toBe(false);
    expect(containsCardNumber('Invoice INV-2024-000001 of 2024-01-15')).toBe(false);
  });

  it('a derived id in the UUID layout is never taken for a card number, even when its digit groups pass Luhn', () => {
    // 41111111-1111-1111 reads as the 16-digit run 4111111111111111, which passes Luhn; as an id it is accepted.
    const id = '41111111-1111-1111-a111-111111111111';
    expect(containsCardNumber(id.slice(0, 18))).toBe(true);
    expect(containsCardNumber(id)).toBe(false);
    expect(() => paymentMethodDecider.decide(addCard({ paymentMethodId: id }), paymentMethodDecider.initialState)).not.toThrow();
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (PaymentMethodAdded at version 2, the others at 1)', () => {
    const emitted: PaymentMethodEvent[] = [];
    const run = (commands: PaymentMethodCommand[]): void => {
      let state = paymentMethodDecider.initialState;
      for (const command of commands) {
        for (const event of paymentMethodDecider.decide(command, state)) {
          emitted.push(event);
          state = paymentMethodDecider.evolve(state, event);
        }
      }
    };
    run([addBankAccount(), failVerification(), verify(), deactivate()]);
    run([addCard(), expire()]);
    expect(new Set(emitted.map((event) => event.type))).toEqual(new Set(Object.keys(paymentMethodEventSchemas)));
    for (const event of emitted) {
      const schema = paymentMethodEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(event.type === 'PaymentMethodAdded' ? 2 : 1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });
});
