import type { DomainCommand } from '../common/command.js';
import type { TaxType } from '../tax/tax-rate.js';
import type { BillingSettingsSection, BillingSettingsSectionInput } from './billing-settings.js';

/**
 * Commands of a tenant's billing settings. The stream is one per tenant; the application names it after the
 * tenant and records the acting user in the event metadata, so neither appears here.
 */

/** One section of the settings in one command, e.g. { section: 'payment', values: {...} }. */
export type BillingSettingsSectionUpdate = {
  [Section in BillingSettingsSection]: { section: Section; values: BillingSettingsSectionInput<Section> };
}[BillingSettingsSection];

/** Replaces one whole section (every field of it) after validation. Tax rates are not part of the tax values. */
export type UpdateBillingSettingsSection = DomainCommand<'UpdateBillingSettingsSection', BillingSettingsSectionUpdate>;

/** Puts one section, or every section when `section` is absent, back to `defaultBillingSettings`. */
export type ResetBillingSettings = DomainCommand<'ResetBillingSettings', { section?: BillingSettingsSection | null }>;

/** A new tax rate, active from the start. The id comes from the caller, so a retried command is recognised. */
export type CreateTaxRate = DomainCommand<
  'CreateTaxRate',
  {
    taxRateId: string;
    name: string;
    type: TaxType;
    /** Percentage, decimal string ("20", "9.975"). */
    rate: string;
    /** "DE" or "CA-QC". */
    jurisdiction: string;
    /** Defaults to false. */
    inclusive?: boolean;
    /** Defaults to false. */
    compound?: boolean;
  }
>;

/** Changes the given fields of an active tax rate; fields left out keep their values. */
export type UpdateTaxRate = DomainCommand<
  'UpdateTaxRate',
  {
    taxRateId: string;
    name?: string;
    type?: TaxType;
    rate?: string;
    jurisdiction?: string;
    inclusive?: boolean;
    compound?: boolean;
  }
>;

/** Retires a tax rate: it applies to no new document, but stays in the settings so past documents can name it. */
export type DeactivateTaxRate = DomainCommand<'DeactivateTaxRate', { taxRateId: string }>;

/**
 * Switches an endpoint off, with why (the webhook sender on HTTP 410 Gone). An endpoint already disabled changes
 * nothing; an unknown one is NOT_FOUND. Enabling it again is a notifications update (enableWebhookEndpoint).
 */
export type DisableWebhookEndpoint = DomainCommand<'DisableWebhookEndpoint', { endpointId: string; reason: string }>;

export type BillingSettingsCommand =
  | UpdateBillingSettingsSection
  | ResetBillingSettings
  | CreateTaxRate
  | UpdateTaxRate
  | DeactivateTaxRate
  | DisableWebhookEndpoint;
