import type { DomainCommand } from '../common/command.js';

/** A billing address as the caller sends it. Optional parts may be absent or null (both mean "not set"). */
export interface BillingAddressInput {
  line1: string;
  line2?: string | null;
  city: string;
  /** The ISO 3166-2 subdivision without the country ("QC" for Québec, "NY"): what regional tax rates match on. */
  region?: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2 ("CA"). */
  country: string;
}

/**
 * Registers a customer, or replaces every field of one already registered (an upsert: the caller sends the whole
 * customer each time). The id comes from the caller (the CRM's id), so a retried command is recognised.
 */
export type UpsertCustomer = DomainCommand<
  'UpsertCustomer',
  {
    customerId: string;
    name: string;
    email?: string | null;
    billingAddress: BillingAddressInput;
    /** A tax-exempt customer pays no tax on automatically taxed lines (see tax/invoice-tax.ts). */
    taxExempt: boolean;
  }
>;

/**
 * Puts the customer in a pricing segment ("enterprise", "non-profit"), or takes it out of any (null). Pricing rules
 * may be conditioned on segments (pricing/price-item.ts): quotes and subscriptions price a customer with the segment
 * it has when they are priced. Kept apart from UpsertCustomer, whose caller (a CRM sync) sends the whole customer
 * each time and knows nothing of segments: an upsert leaves the segment as it is.
 */
export type SetCustomerSegment = DomainCommand<
  'SetCustomerSegment',
  {
    customerId: string;
    /** An identifier of at most 64 characters (see customerLimits.segmentLengthMax), or null for no segment. */
    segment: string | null;
  }
>;

export type CustomerCommand = UpsertCustomer | SetCustomerSegment;
