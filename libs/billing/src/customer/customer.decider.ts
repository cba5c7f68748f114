import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { optionalText, requireIdentifier, requireText, validationFailed } from '../common/validation.js';
import { isCountryCode } from '../tax/country-codes.js';
import { isRegionCode } from '../tax/tax-rate.js';
import type { CustomerCommand, UpsertCustomer } from './customer.commands.js';
import type { BillingAddress, CustomerDetails, CustomerEvent } from './customer.events.js';

/** Bounds on every text of a customer. */
export const customerLimits = {
  nameLengthMax: 200,
  emailLengthMax: 254,
  addressLineLengthMax: 200,
  cityLengthMax: 100,
  postalCodeLengthMax: 20,
} as const;

/** 'none' is a stream without events: a customer id that was never registered. */
export interface CustomerState {
  status: 'none' | 'registered';
  customerId: string | null;
  details: CustomerDetails | null;
  registeredAt: string | null;
  updatedAt: string | null;
}

export const initialCustomerState: CustomerState = { status: 'none', customerId: null, details: null, registeredAt: null, updatedAt: null };

/**
 * Order of checks: the metadata, then the command's data (every field, so that a bad update is refused whole),
 * then the comparison with the state. The same values again decide no event, so a retried upsert is harmless.
 */
export function decideCustomer(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'UpsertCustomer':
      return upsertCustomer(command, state);
    default:
      return assertNever(command.type, 'customer command');
  }
}

export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { customerId, registeredAt, ...details } = event.data;
      return { status: 'registered', customerId, details, registeredAt, updatedAt: registeredAt };
    }
    case 'CustomerUpdated': {
      const { customerId, updatedAt, previous: _previous, ...details } = event.data;
      return { ...state, status: 'registered', customerId, details, updatedAt };
    }
    default:
      return assertNever(event, 'customer event');
  }
}

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = {
  decide: decideCustomer,
  evolve: evolveCustomer,
  initialState: initialCustomerState,
};

function upsertCustomer({ data, metadata }: UpsertCustomer, state: CustomerState): CustomerEvent[] {
  const customerId = requireIdentifier(data?.customerId, 'customerId');
  assertDecidedOnOwnStream('customer', customerId, state.customerId);
  const details: CustomerDetails = {
    name: requireText(data.name, 'name', customerLimits.nameLengthMax),
    email: optionalEmail(data.email),
    billingAddress: requireBillingAddress(data.billingAddress),
    taxExempt: requireBoolean(data.taxExempt, 'taxExempt'),
  };
  if (state.details === null) return [{ type: 'CustomerRegistered', data: { customerId, ...details, registeredAt: metadata.now } }];
  if (sameDetails(details, state.details)) return [];
  return [{ type: 'CustomerUpdated', data: { customerId, ...details, previous: state.details, updatedAt: metadata.now } }];
}

function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw validationFailed(`${field} must be true or false (got ${JSON.stringify(value)})`, { field });
  return value;
}

/** Deliberately loose (one "@", something on each side, no spaces): the mailbox is proven by sending to it, not by a pattern. */
const emailPattern = /^[^\s@]+@[^\s@]+$/;

function optionalEmail(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const email = requireText(value, 'email', customerLimits.emailLengthMax);
  if (!emailPattern.test(email)) throw validationFailed(`email must look like name@example.com (got ${JSON.stringify(email)})`, { field: 'email' });
  return email;
}

function requireBillingAddress(value: unknown): BillingAddress {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationFailed('billingAddress must be an object with line1, city, postalCode and country', { field: 'billingAddress' });
  }
  const address = value as Record<string, unknown>;
  const country = address.country;
  if (!isCountryCode(country)) {
    throw validationFailed(`billingAddress.country must be an ISO 3166-1 alpha-2 code such as "CA" (got ${JSON.stringify(country)})`, {
      field: 'billingAddress.country',
    });
  }
  const region = address.region === undefined || address.region === null ? null : address.region;
  if (region !== null && !isRegionCode(region)) {
    throw validationFailed(
      `billingAddress.region must be the ISO 3166-2 subdivision without the country, such as "QC" for Québec (got ${JSON.stringify(region)})`,
      { field: 'billingAddress.region' },
    );
  }
  return {
    line1: requireText(address.line1, 'billingAddress.line1', customerLimits.addressLineLengthMax),
    line2: optionalText(address.line2, 'billingAddress.line2', customerLimits.addressLineLengthMax),
    city: requireText(address.city, 'billingAddress.city', customerLimits.cityLengthMax),
    region,
    postalCode: requireText(address.postalCode, 'billingAddress.postalCode', customerLimits.postalCodeLengthMax),
    country,
  };
}

function sameDetails(a: CustomerDetails, b: CustomerDetails): boolean {
  const addressKeys = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;
  return (
    a.name === b.name &&
    a.email === b.email &&
    a.taxExempt === b.taxExempt &&
    addressKeys.every((key) => a.billingAddress[key] === b.billingAddress[key])
  );
}
