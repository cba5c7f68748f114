import type { BillingCycle } from '../billing-period/billing-period.types.js';

/** Billed at the start of each period (in advance) or at its end (in arrears). */
export type BillingTiming = 'in_advance' | 'in_arrears';

/**
 * The terms of one plan version in one currency: everything a subscription needs to bill it, copied into the
 * subscription when it is created or moved, so a later price change (a new plan version) never alters it.
 * `taxRate` is a percentage 0..100 as a decimal string, or null for no tax (the invoice's tax rules apply as for any line).
 */
export interface PlanTerms {
  planId: string;
  planVersion: number;
  productId: string;
  name: string;
  serviceType: 'broadband' | 'voice' | 'video' | 'bundle' | 'addon' | 'custom';
  cycle: BillingCycle;
  timing: BillingTiming;
  currency: string;
  /** Price per cycle per unit, a decimal string in the currency. */
  unitPrice: string;
  /** One-off fee billed with the first invoice, or null. */
  setupFee: string | null;
  trialDays: number;
  taxRate: string | null;
}
