import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { UpsertCustomer } from './customer.commands.js';
import { customerDecider } from './customer.decider.js';
import { customerEventSchemas, type CustomerRegistered, type CustomerUpdated } from './customer.events.js';

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
    expect(fold(customerDecider, [registered()])).toEqual({ status: 'registered', customerId, details: registeredDetails, registeredAt: now, updatedAt: now });
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

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const events = [...customerDecider.decide(upsert(), customerDecider.initialState)];
    events.push(...customerDecider.decide(upsert({ name: 'Acme Fibre Ltd.' }, later), fold(customerDecider, events)));
    expect(events.map((event) => event.type)).toEqual(['CustomerRegistered', 'CustomerUpdated']);
    for (const event of events) {
      const schema = customerEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });
});
