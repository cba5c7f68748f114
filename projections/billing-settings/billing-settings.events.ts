import { recordedEventParser } from '../../libs/application/src/index.js';
import { billingSettingsEventSchemas, type BillingSettingsEvent } from '../../libs/billing/src/index.js';

/** Parses one stored settings event through its zod contract; any other type here is a broken invariant. */
export const parseBillingSettingsEvent = recordedEventParser<BillingSettingsEvent>(billingSettingsEventSchemas, 'billing settings');
