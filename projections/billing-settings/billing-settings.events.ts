import { aggregates } from '../../libs/application/src/index.js';

/**
 * Parses one stored settings event through its zod contract (any other type here is a broken invariant): the
 * registry's parser (libs/application/src/aggregates.ts).
 */
export const parseBillingSettingsEvent = aggregates.billingSettings.parse;
