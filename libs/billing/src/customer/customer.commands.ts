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

export type CustomerCommand = UpsertCustomer;
