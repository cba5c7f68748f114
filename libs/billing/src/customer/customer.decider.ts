import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { optionalText, requireIdentifier, requireText, validationFailed } from '../common/validation.js';
import { isCountryCode } from '../tax/country-codes.js';
import { isRegionCode } from '../tax/tax-rate.js';
import type { CustomerCommand, SetCustomerSegment, UpsertCustomer } from './customer.commands.js';
import type { BillingAddress, CustomerDetails, CustomerEvent } from './customer.events.js';

/** Bounds on every text of a customer. */
export const customerLimits = {
  nameLengthMax: 200,
  emailLengthMax: 254,
  addressLineLengthMax: 200,
  cityLengthMax: 100,
  postalCodeLengthMax: 20,
  /** A segment is an identifier (requireIdentifier: what pricing rules name segments with), shorter than most. */
  segmentLengthMax: 64,
} as const;

/**
 * 'none' is a stream without events: a customer id that was never registered. `segment` is the pricing segment, null
 * until a CustomerSegmentSet gives one (so streams recorded before segments existed read as "no segment").
 * `updatedAt` is the last change of any kind, details or segment.
 */
export interface CustomerState {
  status: 'none' | 'registered';
  customerId: string | null;
  details: CustomerDetails | null;
  segment: string | null;
  registeredAt: string | null;
  updatedAt: string | null;
}

export const initialCustomerState: CustomerState = { status: 'none', customerId: null, details: null, segment: null, registeredAt: null, updatedAt: null };

/**
 * Order of checks: the metadata, then the command's data (every field, so that a bad update is refused whole),
 * then the comparison with the state. The same values again decide no event, so a retried upsert is harmless.
 */
export function decideCustomer(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'UpsertCustomer':
      return upsertCustomer(command, state);
    case 'SetCustomerSegment':
      return setCustomerSegment(command, state);
    default:
      return assertNever(command, 'customer command');
  }
}

export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { customerId, registeredAt, ...details } = event.data;
      return { status: 'registered', customerId, details, segment: null, registeredAt, updatedAt: registeredAt };
    }
    case 'CustomerUpdated': {
      const { customerId, updatedAt, previous: _previous, ...details } = event.data;
      return { ...state, status: 'registered', customerId, details, updatedAt };
    }
    case 'CustomerSegmentSet':
      return { ...state, segment: event.data.segment, updatedAt: event.data.setAt };
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

/**
 * Order of checks: the id and the segment (VALIDATION_FAILED), then the customer (NOT_FOUND when never registered),
 * then the comparison: the segment it already has decides no event, so a retry appends nothing.
 */
function setCustomerSegment({ data, metadata }: SetCustomerSegment, state: CustomerState): CustomerEvent[] {
  const customerId = requireIdentifier(data?.customerId, 'customerId');
  assertDecidedOnOwnStream('customer', customerId, state.customerId);
  const segment = optionalSegment(data.segment);
  if (state.status !== 'registered') {
    throw new DomainError('NOT_FOUND', `Customer ${customerId} is not registered: register it before setting its segment`, { field: 'customerId', customerId });
  }
  if (segment === state.segment) return [];
  return [{ type: 'CustomerSegmentSet', data: { customerId, segment, previous: state.segment, setAt: metadata.now } }];
}

/** Null (or absent) clears the segment; otherwise an identifier of at most customerLimits.segmentLengthMax characters. */
function optionalSegment(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const segment = requireIdentifier(value, 'segment');
  if (segment.length > customerLimits.segmentLengthMax) {
    throw validationFailed(`segment must be at most ${customerLimits.segmentLengthMax} characters (got ${segment.length})`, { field: 'segment' });
  }
  return segment;
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
