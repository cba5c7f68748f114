import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { SetCustomerSegment, UpsertCustomer } from './customer.commands.js';
import { customerDecider, customerLimits } from './customer.decider.js';
import { customerEventSchemas, type CustomerRegistered, type CustomerSegmentSet, type CustomerUpdated } from './customer.events.js';

const spec = DeciderSpecification.for(customerDecider);

const now = '2024-01-15T09:30:00.000Z';
const later = '2024-02-01T10:00:00.000Z';
const customerId = 'cus-1';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

const montreal = { line1: '1 Rue Sainte-Catherine', city: 'Montréal', region: 'QC', postalCode: 'H3B 1A1', country: 'CA' };

function upsert(data: Partial<UpsertCustomer['data']> = {}, at = now): UpsertCustomer {
  return {
    type: 'UpsertCustomer',
    data: { customerId, name: 'Acme Fibre Inc.', email: 'billing@acme.example', billingAddress: montreal, taxExempt: false, ...data },
    metadata: { now: at },
  };
}

const registeredDetails = {
  name: 'Acme Fibre Inc.',
  email: 'billing@acme.example',
  billingAddress: { ...montreal, line2: null },
  taxExempt: false,
};

function registered(): CustomerRegistered {
  return { type: 'CustomerRegistered', data: { customerId, ...registeredDetails, registeredAt: now } };
}

describe('no customer', () => {
  it('UpsertCustomer registers it, optional parts null when absent', () => {
    spec.given([]).when(upsert()).then([registered()]);
  });

  it('UpsertCustomer without email or region registers nulls for them', () => {
    spec
      .given([])
      .when(upsert({ email: null, billingAddress: { line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' } }))
      .then([
        {
          type: 'CustomerRegistered',
          data: {
            customerId,
            name: 'Acme Fibre Inc.',
            email: null,
            billingAddress: { line1: 'Unter den Linden 1', line2: null, city: 'Berlin', region: null, postalCode: '10117', country: 'DE' },
            taxExempt: false,
            registeredAt: now,
          },
        },
      ]);
  });

  it.each([
    ['no name', { name: '  ' }, /name is required/],
    ['an email without "@"', { email: 'billing.acme.example' }, /email must look like/],
    ['a blank email', { email: '' }, /email is required and must not be empty/],
    ['a lower-case country', { billingAddress: { ...montreal, country: 'ca' } }, /billingAddress.country must be an ISO 3166-1 alpha-2 code/],
    ['an unknown country', { billingAddress: { ...montreal, country: 'XX' } }, /billingAddress.country/],
    ['a region with the country in it', { billingAddress: { ...montreal, region: 'CA-QC' } }, /billingAddress.region must be the ISO 3166-2 subdivision without the country/],
    ['no postal code', { billingAddress: { ...montreal, postalCode: '' } }, /billingAddress.postalCode is required/],
    ['no billing address', { billingAddress: unchecked<UpsertCustomer['data']['billingAddress']>(null) }, /billingAddress must be an object/],
    ['taxExempt as a string', { taxExempt: unchecked<boolean>('false') }, /taxExempt must be true or false/],
    ['a customer id with spaces around it', { customerId: ' cus-1 ' }, /customerId must not start or end with whitespace/],
  ])('UpsertCustomer with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(upsert(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('UpsertCustomer without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...upsert(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });
});

describe('registered', () => {
  it('holds the details and the registration instant', () => {
    expect(fold(customerDecider, [registered()])).toEqual({ status: 'registered', customerId, details: registeredDetails, segment: null, registeredAt: now, updatedAt: now });
  });

  it('UpsertCustomer with the same details decides nothing (a retry is harmless)', () => {
    spec.given([registered()]).when(upsert({}, later)).thenNothing();
  });

  it('UpsertCustomer with changed details records them with the values they replace', () => {
    const exempt: CustomerUpdated = {
      type: 'CustomerUpdated',
      data: { customerId, ...registeredDetails, taxExempt: true, billingAddress: { ...montreal, line2: 'Suite 400' }, previous: registeredDetails, updatedAt: later },
    };
    spec.given([registered()]).when(upsert({ taxExempt: true, billingAddress: { ...montreal, line2: 'Suite 400' } }, later)).then([exempt]);
    expect(fold(customerDecider, [registered(), exempt])).toMatchObject({ registeredAt: now, updatedAt: later, details: { taxExempt: true } });
  });

  it('UpsertCustomer that changes only the region is an update (regional tax rates depend on it)', () => {
    spec
      .given([registered()])
      .when(upsert({ billingAddress: { ...montreal, region: 'ON' } }, later))
      .then([
        {
          type: 'CustomerUpdated',
          data: { customerId, ...registeredDetails, billingAddress: { ...montreal, line2: null, region: 'ON' }, previous: registeredDetails, updatedAt: later },
        },
      ]);
  });

  it('UpsertCustomer with invalid details fails and records nothing, even if other fields changed', () => {
    spec.given([registered()]).when(upsert({ name: 'New name', email: 'not-an-email' }, later)).thenThrows('VALIDATION_FAILED', /email/);
  });

  it('a command for another customer on this stream is a programming error, not a domain error', () => {
    expect(() => customerDecider.decide(upsert({ customerId: 'cus-2' }), fold(customerDecider, [registered()]))).toThrow(/was decided on the stream of cus-1/);
  });
});

function setSegment(segment: unknown, at = later, id: string = customerId): SetCustomerSegment {
  return { type: 'SetCustomerSegment', data: { customerId: id, segment: unchecked<string | null>(segment) }, metadata: { now: at } };
}

function segmentSet(segment: string | null, previous: string | null, at = later): CustomerSegmentSet {
  return { type: 'CustomerSegmentSet', data: { customerId, segment, previous, setAt: at } };
}

const latest = '2024-03-01T08:00:00.000Z';

describe('SetCustomerSegment', () => {
  it('on a customer never registered fails NOT_FOUND and records nothing', () => {
    spec.given([]).when(setSegment('enterprise')).thenThrows('NOT_FOUND', /Customer cus-1 is not registered/);
  });

  it('clearing the segment of a customer never registered is NOT_FOUND too (not a silent no-op)', () => {
    spec.given([]).when(setSegment(null)).thenThrows('NOT_FOUND', /not registered/);
  });

  it('sets the segment of a registered customer, with no previous one', () => {
    spec.given([registered()]).when(setSegment('enterprise')).then([segmentSet('enterprise', null)]);
  });

  it('changes the segment, recording the one it replaces', () => {
    spec.given([registered(), segmentSet('enterprise', null)]).when(setSegment('non-profit', latest)).then([segmentSet('non-profit', 'enterprise', latest)]);
  });

  it('null clears the segment, recording the one it had', () => {
    spec.given([registered(), segmentSet('enterprise', null)]).when(setSegment(null, latest)).then([segmentSet(null, 'enterprise', latest)]);
  });

  it('an absent segment clears it like null (absent and null both mean "not set")', () => {
    const command: SetCustomerSegment = { type: 'SetCustomerSegment', data: unchecked<SetCustomerSegment['data']>({ customerId }), metadata: { now: latest } };
    spec.given([registered(), segmentSet('enterprise', null)]).when(command).then([segmentSet(null, 'enterprise', latest)]);
  });

  it.each([
    ['the segment it already has', [registered(), segmentSet('enterprise', null)], 'enterprise'],
    ['null when it has none', [registered()], null],
    ['null when its segment was cleared', [registered(), segmentSet('enterprise', null), segmentSet(null, 'enterprise', latest)], null],
  ])('setting %s decides nothing (a retry is harmless)', (_case, history, segment) => {
    spec.given(history).when(setSegment(segment, latest)).thenNothing();
  });

  it('accepts every character of the identifier alphabet and exactly 64 characters', () => {
    const longest = `A${'b'.repeat(customerLimits.segmentLengthMax - 1)}`;
    spec.given([registered()]).when(setSegment('tier:2.EU_smb-1')).then([segmentSet('tier:2.EU_smb-1', null)]);
    spec.given([registered()]).when(setSegment(longest)).then([segmentSet(longest, null)]);
  });

  it.each([
    ['an empty segment', '', /segment is required and must be a non-empty string/],
    ['65 characters', 'a'.repeat(65), /segment must be at most 64 characters \(got 65\)/],
    ['a space inside', 'big customer', /segment must start with a letter or a digit.*U\+0020/],
    ['spaces around it', ' enterprise ', /segment must not start or end with whitespace/],
    ['a leading "-" (pricing rules could never name it)', '-vip', /segment must start with a letter or a digit/],
    ['a non-ASCII letter', 'entreprisé', /segment must start with a letter or a digit/],
    ['a zero-width space', 'vip\u200B', /U\+200B/],
    ['a number', 42, /segment is required and must be a non-empty string/],
    ['a list', ['enterprise'], /segment is required and must be a non-empty string/],
  ])('with %s fails VALIDATION_FAILED and records nothing, even when the customer has another segment', (_case, segment, message) => {
    spec.given([registered(), segmentSet('enterprise', null)]).when(setSegment(segment)).thenThrows('VALIDATION_FAILED', message);
  });

  it('a bad segment on a customer never registered is VALIDATION_FAILED first (the input is checked before the state)', () => {
    spec.given([]).when(setSegment('not valid')).thenThrows('VALIDATION_FAILED', /segment/);
  });

  it.each([
    ['an empty customer id', '', /customerId is required/],
    ['a customer id with a line feed', 'cus-1\n', /customerId must not start or end with whitespace/],
  ])('with %s fails VALIDATION_FAILED', (_case, id, message) => {
    spec.given([registered()]).when(setSegment('enterprise', later, unchecked<string>(id))).thenThrows('VALIDATION_FAILED', message);
  });

  it('without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([registered()]).when({ ...setSegment('enterprise'), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it('a command for another customer on this stream is a programming error, not a domain error', () => {
    expect(() => customerDecider.decide(setSegment('enterprise', later, 'cus-2'), fold(customerDecider, [registered()]))).toThrow(/was decided on the stream of cus-1/);
  });
});

describe('the segment in the state', () => {
  it('is null for a stream recorded before segments existed (registered and updated only)', () => {
    const updated: CustomerUpdated = { type: 'CustomerUpdated', data: { customerId, ...registeredDetails, name: 'Acme Fibre Ltd.', previous: registeredDetails, updatedAt: later } };
    expect(fold(customerDecider, [registered(), updated])).toMatchObject({ segment: null, updatedAt: later });
  });

  it('is the last one set, and a set moves updatedAt but not the details', () => {
    const state = fold(customerDecider, [registered(), segmentSet('enterprise', null), segmentSet('non-profit', 'enterprise', latest)]);
    expect(state).toEqual({ status: 'registered', customerId, details: registeredDetails, segment: 'non-profit', registeredAt: now, updatedAt: latest });
  });

  it('survives an upsert: UpsertCustomer sends no segment and keeps the one the customer has', () => {
    const history = [registered(), segmentSet('enterprise', null)];
    const decided = customerDecider.decide(upsert({ name: 'Acme Fibre Ltd.' }, latest), fold(customerDecider, history));
    expect(decided.map((event) => event.type)).toEqual(['CustomerUpdated']);
    expect(fold(customerDecider, [...history, ...decided])).toMatchObject({ segment: 'enterprise', details: { name: 'Acme Fibre Ltd.' }, updatedAt: latest });
  });

  it('an upsert with the same details after a segment change still decides nothing', () => {
    spec.given([registered(), segmentSet('enterprise', null)]).when(upsert({}, latest)).thenNothing();
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const events = [...customerDecider.decide(upsert(), customerDecider.initialState)];
    events.push(...customerDecider.decide(upsert({ name: 'Acme Fibre Ltd.' }, later), fold(customerDecider, events)));
    events.push(...customerDecider.decide(setSegment('enterprise', later), fold(customerDecider, events)));
    events.push(...customerDecider.decide(setSegment(null, latest), fold(customerDecider, events)));
    expect(events.map((event) => event.type)).toEqual(['CustomerRegistered', 'CustomerUpdated', 'CustomerSegmentSet', 'CustomerSegmentSet']);
    for (const event of events) {
      const schema = customerEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });

  it('CustomerSegmentSet refuses an empty segment or previous (null, never "", means none)', () => {
    const data = segmentSet('enterprise', null).data;
    expect(customerEventSchemas.CustomerSegmentSet.data.safeParse({ ...data, segment: '' }).success).toBe(false);
    expect(customerEventSchemas.CustomerSegmentSet.data.safeParse({ ...data, previous: '' }).success).toBe(false);
    expect(customerEventSchemas.CustomerSegmentSet.data.safeParse({ ...data, setAt: '2024-02-01' }).success).toBe(false);
  });
});
