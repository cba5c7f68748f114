import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { taxRateSchema } from '../tax/tax-rate.js';
import { billingSettingsSchema, billingSettingsSectionSchemas, billingSettingsSections, type BillingSettingsSection } from './billing-settings.js';
import { eventFields } from '../common/event-fields.js';

const { instant } = eventFields;

/**
 * Settings events are the audit trail (docs/domain.md, "Settings": every change an event with its actor): each carries
 * the new values and the previous ones, so "who changed what from what to what" reads off one event. Who: the
 * application puts the acting user in the stored event's metadata.
 *
 * Version 2 of BillingSettingsSectionUpdated and BillingSettingsReset: a webhook endpoint carries `secretRef` (and
 * `secretLast4`, `previousSecretRef`, `previousSecretExpiresAt`) instead of the plaintext `secret` of version 1. The
 * secret lives in the secret store; version-1 events are upcast by billing-settings.upcast.ts.
 */


function sectionUpdate<Section extends BillingSettingsSection>(section: Section) {
  const values = billingSettingsSectionSchemas[section];
  return z.object({ section: z.literal(section), values, previous: values, updatedAt: instant });
}

/** One whole section replaced. For 'tax', `values` includes the (unchanged) tax rates. */
export const billingSettingsSectionUpdatedSchema = defineEventSchema(
  'BillingSettingsSectionUpdated',
  2,
  z.discriminatedUnion('section', [
    sectionUpdate('company'),
    sectionUpdate('invoice'),
    sectionUpdate('payment'),
    sectionUpdate('tax'),
    sectionUpdate('notifications'),
    sectionUpdate('features'),
    sectionUpdate('subscriptions'),
    sectionUpdate('tenant'),
  ]),
);

/**
 * Sections put back to their defaults; `sections` lists only those that differed. The tax section's rates survive
 * a reset (they are records with ids that documents refer to); only its options return to the defaults.
 */
export const billingSettingsResetSchema = defineEventSchema(
  'BillingSettingsReset',
  2,
  z.object({
    sections: z.array(z.enum(billingSettingsSections)).min(1),
    previous: billingSettingsSchema.partial(),
    resetAt: instant,
  }),
);

export const taxRateCreatedSchema = defineEventSchema('TaxRateCreated', 1, z.object({ taxRate: taxRateSchema, createdAt: instant }));

export const taxRateUpdatedSchema = defineEventSchema(
  'TaxRateUpdated',
  1,
  z.object({ taxRate: taxRateSchema, previous: taxRateSchema, updatedAt: instant }),
);

export const taxRateDeactivatedSchema = defineEventSchema(
  'TaxRateDeactivated',
  1,
  z.object({ taxRateId: z.string().min(1), deactivatedAt: instant }),
);

/**
 * An endpoint switched off by the ledger itself (the webhook sender, when the endpoint answered 410 Gone): it stays
 * in the settings, disabled, until someone enables it again (enableWebhookEndpoint, or a notifications update).
 */
export const webhookEndpointDisabledSchema = defineEventSchema(
  'WebhookEndpointDisabled',
  1,
  z.object({ endpointId: z.string().min(1), reason: z.string().min(1), disabledAt: instant }),
);

/** Every billing-settings event type, by its stored name. */
export const billingSettingsEventSchemas = {
  BillingSettingsSectionUpdated: billingSettingsSectionUpdatedSchema,
  BillingSettingsReset: billingSettingsResetSchema,
  TaxRateCreated: taxRateCreatedSchema,
  TaxRateUpdated: taxRateUpdatedSchema,
  TaxRateDeactivated: taxRateDeactivatedSchema,
  WebhookEndpointDisabled: webhookEndpointDisabledSchema,
} as const;

export type BillingSettingsEventType = keyof typeof billingSettingsEventSchemas;
export const billingSettingsEventTypes = Object.keys(billingSettingsEventSchemas) as BillingSettingsEventType[];

export type BillingSettingsSectionUpdated = DomainEvent<
  'BillingSettingsSectionUpdated',
  z.infer<typeof billingSettingsSectionUpdatedSchema.data>
>;
export type BillingSettingsReset = DomainEvent<'BillingSettingsReset', z.infer<typeof billingSettingsResetSchema.data>>;
export type TaxRateCreated = DomainEvent<'TaxRateCreated', z.infer<typeof taxRateCreatedSchema.data>>;
export type TaxRateUpdated = DomainEvent<'TaxRateUpdated', z.infer<typeof taxRateUpdatedSchema.data>>;
export type TaxRateDeactivated = DomainEvent<'TaxRateDeactivated', z.infer<typeof taxRateDeactivatedSchema.data>>;
export type WebhookEndpointDisabled = DomainEvent<'WebhookEndpointDisabled', z.infer<typeof webhookEndpointDisabledSchema.data>>;

export type BillingSettingsEvent =
  | BillingSettingsSectionUpdated
  | BillingSettingsReset
  | TaxRateCreated
  | TaxRateUpdated
  | TaxRateDeactivated
  | WebhookEndpointDisabled;
