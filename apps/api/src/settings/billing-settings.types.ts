import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { BillingSettingsSection, InvoiceColorScheme, PaymentMethodType, SuspensionPolicy, TaxRounding, TaxType, WebhookAuthType, WebhookEvent } from '../../../../libs/billing/src/index.js';
import { GraphQLJSONObject } from '../events/json.scalar.js';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';
import { PaymentMethodType as PaymentMethodTypeEnum } from '../invoices/invoice.types.js';
import { BillingSettingsSectionEnum, InvoiceColorSchemeEnum, SuspensionPolicyEnum, TaxRoundingEnum, TaxTypeEnum, WebhookAuthTypeEnum, WebhookEventEnum } from './settings.enums.js';

/**
 * The billing settings as the API shows them (docs/domain.md, "Settings"). Optional text is null when unset. A webhook
 * secret is never shown (it is in the secret store, docs/secrets.md): only whether one is set, its last four
 * characters, and until when a replaced one is still valid.
 */

@ObjectType('PostalAddress')
export class PostalAddressType {
  @Field(() => String, { nullable: true }) line1!: string | null;
  @Field(() => String, { nullable: true }) line2!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => String, { nullable: true }) state!: string | null;
  @Field(() => String, { nullable: true }) postalCode!: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' }) country!: string | null;
}

@ObjectType('CompanySettings')
export class CompanySettingsType {
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) legalName!: string | null;
  @Field(() => String, { nullable: true }) taxId!: string | null;
  @Field(() => String, { nullable: true }) registrationNumber!: string | null;
  @Field(() => PostalAddressType) address!: PostalAddressType;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) website!: string | null;
  @Field(() => String, { nullable: true }) logoUrl!: string | null;
  @Field(() => String, { description: '#RRGGBB' }) brandColor!: string;
}

@ObjectType('PaymentInstructions')
export class PaymentInstructionsType {
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => String, { nullable: true }) text!: string | null;
}

@ObjectType('InvoiceSettings')
export class InvoiceSettingsType {
  @Field(() => String) numberPrefix!: string;
  @Field(() => String, { description: 'e.g. {prefix}-{year}-{sequence:06d}' }) numberFormat!: string;
  @Field(() => String) receiptNumberPrefix!: string;
  @Field(() => String) receiptNumberFormat!: string;
  @Field(() => String) creditNoteNumberPrefix!: string;
  @Field(() => String) creditNoteNumberFormat!: string;
  @Field(() => Int, { description: 'Days from the issue date to the due date' }) defaultDueDays!: number;
  @Field(() => PaymentInstructionsType) paymentInstructions!: PaymentInstructionsType;
  @Field(() => String, { nullable: true }) footer!: string | null;
  @Field(() => String, { nullable: true }) termsAndConditions!: string | null;
  @Field(() => Boolean) showLogo!: boolean;
  @Field(() => InvoiceColorSchemeEnum) colorScheme!: InvoiceColorScheme;
  @Field(() => Boolean) sendInvoiceEmails!: boolean;
  @Field(() => Boolean) sendPaymentReminders!: boolean;
  @Field(() => [Int], { description: 'Days before the due date on which reminders go out, e.g. [7, 3, 1]' }) reminderScheduleDays!: number[];
}

@ObjectType('PaymentSettings')
export class PaymentSettingsType {
  @Field(() => [PaymentMethodTypeEnum]) enabledMethods!: PaymentMethodType[];
  @Field(() => String) defaultCurrency!: string;
  @Field(() => [String]) supportedCurrencies!: string[];
  @Field(() => String, { description: 'As printed on documents, e.g. "Net 30"' }) defaultPaymentTerms!: string;
  @Field(() => DecimalScalar, { description: 'Percent of the overdue balance' }) lateFeePercentage!: string;
  @Field(() => Boolean) retryFailedPayments!: boolean;
  @Field(() => Int) maxRetryAttempts!: number;
  @Field(() => Int) retryIntervalHours!: number;
}

@ObjectType('TaxRegistration')
export class TaxRegistrationType {
  @Field(() => String, { description: '"DE" or "CA-QC"' }) jurisdiction!: string;
  @Field(() => String) number!: string;
}

@ObjectType('TaxRate')
export class TaxRateType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => TaxTypeEnum) type!: TaxType;
  @Field(() => DecimalScalar, { description: 'Percent, e.g. "19" or "9.975"' }) rate!: string;
  @Field(() => String) jurisdiction!: string;
  @Field(() => Boolean, { description: 'The tax is already inside the prices it applies to' }) inclusive!: boolean;
  @Field(() => Boolean, { description: 'Applied to the net plus the taxes computed before it' }) compound!: boolean;
  @Field(() => Boolean, { description: 'A deactivated rate applies to no new document' }) active!: boolean;
}

@ObjectType('TaxSettings')
export class TaxSettingsType {
  @Field(() => Boolean) calculateAutomatically!: boolean;
  @Field(() => Boolean, { description: 'Tax-inclusive pricing' }) pricesIncludeTax!: boolean;
  @Field(() => DecimalScalar, { description: 'Percent' }) defaultRate!: string;
  @Field(() => [TaxRegistrationType]) registrations!: TaxRegistrationType[];
  @Field(() => [TaxRateType], { description: 'Changed only by createTaxRate, updateTaxRate and deactivateTaxRate' }) rates!: TaxRateType[];
  @Field(() => TaxRoundingEnum) rounding!: TaxRounding;
}

@ObjectType('EmailNotificationSettings')
export class EmailNotificationSettingsType {
  @Field(() => Boolean) invoices!: boolean;
  @Field(() => Boolean) paymentConfirmations!: boolean;
  @Field(() => Boolean) overdueNotices!: boolean;
  @Field(() => Boolean) receipts!: boolean;
}

@ObjectType('WebhookEndpoint')
export class WebhookEndpointType {
  @Field(() => ID) id!: string;
  @Field(() => String) url!: string;
  @Field(() => [WebhookEventEnum]) events!: WebhookEvent[];
  @Field(() => WebhookAuthTypeEnum) authType!: WebhookAuthType;
  @Field(() => Boolean, { description: 'Whether a secret is stored. The secret itself is never returned.' }) secretSet!: boolean;
  @Field(() => String, { nullable: true, description: 'The last 4 characters of a stored secret of 16 characters or more; null otherwise' }) secretLast4!: string | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'After a secret changed, the replaced one stays valid for 24 hours (deliveries carry both signatures): until when; null when no replaced secret is valid',
  })
  previousSecretExpiresAt!: string | null;
  @Field(() => Boolean, { description: 'False when switched off by hand or by the ledger (the endpoint answered 410 Gone); enableWebhookEndpoint switches it on' }) enabled!: boolean;
}

@ObjectType('NotificationSettings')
export class NotificationSettingsType {
  @Field(() => EmailNotificationSettingsType) email!: EmailNotificationSettingsType;
  @Field(() => [WebhookEndpointType]) webhooks!: WebhookEndpointType[];
}

@ObjectType('FeatureSettings')
export class FeatureSettingsType {
  @Field(() => Boolean) invoicing!: boolean;
  @Field(() => Boolean) payments!: boolean;
  @Field(() => Boolean) creditNotes!: boolean;
  @Field(() => Boolean) receipts!: boolean;
  @Field(() => Boolean) taxCalculation!: boolean;
  @Field(() => Boolean) webhooks!: boolean;
  @Field(() => Boolean) reporting!: boolean;
}

@ObjectType('SubscriptionSettings')
export class SubscriptionSettingsType {
  @Field(() => Boolean, { description: 'Cancelling a subscription now credits the unused days of the period already billed (default true)' })
  creditUnusedTimeOnCancel!: boolean;
  @Field(() => SuspensionPolicyEnum, { description: 'Whether billing continues (the default: dunning suspends for non-payment and the debt keeps running) or pauses while a subscription is suspended' })
  suspensionPolicy!: SuspensionPolicy;
}

@ObjectType('TenantProfile')
export class TenantProfileType {
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { description: 'IANA time zone, e.g. Europe/Berlin' }) timeZone!: string;
  @Field(() => String, { description: 'ISO 3166-1 alpha-2' }) country!: string;
  @Field(() => String, { description: 'BCP-47, e.g. de-DE' }) locale!: string;
}

@ObjectType('BillingSettings')
export class BillingSettingsType {
  @Field(() => CompanySettingsType) company!: CompanySettingsType;
  @Field(() => InvoiceSettingsType) invoice!: InvoiceSettingsType;
  @Field(() => PaymentSettingsType) payment!: PaymentSettingsType;
  @Field(() => TaxSettingsType) tax!: TaxSettingsType;
  @Field(() => NotificationSettingsType) notifications!: NotificationSettingsType;
  @Field(() => FeatureSettingsType) features!: FeatureSettingsType;
  @Field(() => SubscriptionSettingsType) subscriptions!: SubscriptionSettingsType;
  @Field(() => TenantProfileType) tenant!: TenantProfileType;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the settings last changed; null while they are the defaults' }) updatedAt!: string | null;
}

@ObjectType('BillingSettingsPayload')
export class BillingSettingsPayloadType {
  @Field(() => BillingSettingsType) settings!: BillingSettingsType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

@ObjectType('TaxRatePayload')
export class TaxRatePayloadType {
  @Field(() => TaxRateType) taxRate!: TaxRateType;
  @Field(() => BillingSettingsType) settings!: BillingSettingsType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

@ObjectType('SettingsViolation')
export class SettingsViolationType {
  @Field(() => String, { description: 'e.g. payment.maxRetryAttempts or notifications.webhooks[0].secret' }) path!: string;
  @Field(() => String, { description: 'A stable code per constraint, e.g. out_of_range, invalid_color, secret_required' }) code!: string;
  @Field(() => String) message!: string;
}

@ObjectType('SettingsWarning')
export class SettingsWarningType {
  @Field(() => String) path!: string;
  @Field(() => String) message!: string;
}

@ObjectType('BillingSettingsValidation')
export class BillingSettingsValidationType {
  @Field(() => Boolean, { description: 'True when saving these values would succeed' }) valid!: boolean;
  @Field(() => [SettingsViolationType]) errors!: SettingsViolationType[];
  @Field(() => [SettingsWarningType], { description: 'Advice that does not block saving' }) warnings!: SettingsWarningType[];
}

@ObjectType('BillingSettingsChange')
export class BillingSettingsChangeType {
  @Field(() => String, { description: 'The event-log position of the change' }) position!: string;
  @Field(() => String, { description: 'The event type, e.g. BillingSettingsSectionUpdated' }) type!: string;
  @Field(() => BillingSettingsSectionEnum, { nullable: true, description: 'The section changed; null when a reset changed several (see sections)' }) section!: BillingSettingsSection | null;
  @Field(() => [BillingSettingsSectionEnum]) sections!: BillingSettingsSection[];
  @Field(() => String, { description: 'Who made the change, e.g. api-key:<key id>' }) actor!: string;
  @Field(() => DateTimeScalar) changedAt!: string;
  @Field(() => GraphQLJSONObject, { description: 'The new values, webhook secrets masked' }) values!: Record<string, unknown>;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The values before the change, webhook secrets masked' }) previous!: Record<string, unknown> | null;
}

export const BillingSettingsChangeConnectionType = Connection(BillingSettingsChangeType, 'BillingSettingsChange');

/*
 * Inputs. A section update changes the fields it names: a field left out keeps its value, null clears an optional
 * field, and a list given replaces the whole list. Nested objects (address, payment instructions, email toggles)
 * merge the same way. The merged section is then validated as a whole by the domain.
 */

@InputType('PostalAddressInput')
export class PostalAddressInput {
  @Field(() => String, { nullable: true }) line1?: string | null;
  @Field(() => String, { nullable: true }) line2?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => String, { nullable: true }) postalCode?: string | null;
  @Field(() => String, { nullable: true }) country?: string | null;
}

@InputType('CompanySettingsInput')
export class CompanySettingsInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) legalName?: string | null;
  @Field(() => String, { nullable: true }) taxId?: string | null;
  @Field(() => String, { nullable: true }) registrationNumber?: string | null;
  @Field(() => PostalAddressInput, { nullable: true }) address?: PostalAddressInput | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) website?: string | null;
  @Field(() => String, { nullable: true }) logoUrl?: string | null;
  @Field(() => String, { nullable: true, description: '#RRGGBB' }) brandColor?: string | null;
}

@InputType('PaymentInstructionsInput')
export class PaymentInstructionsInput {
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => String, { nullable: true }) text?: string | null;
}

@InputType('InvoiceSettingsInput')
export class InvoiceSettingsInput {
  @Field(() => String, { nullable: true }) numberPrefix?: string | null;
  @Field(() => String, { nullable: true }) numberFormat?: string | null;
  @Field(() => String, { nullable: true }) receiptNumberPrefix?: string | null;
  @Field(() => String, { nullable: true }) receiptNumberFormat?: string | null;
  @Field(() => String, { nullable: true }) creditNoteNumberPrefix?: string | null;
  @Field(() => String, { nullable: true }) creditNoteNumberFormat?: string | null;
  @Field(() => Int, { nullable: true }) defaultDueDays?: number | null;
  @Field(() => PaymentInstructionsInput, { nullable: true }) paymentInstructions?: PaymentInstructionsInput | null;
  @Field(() => String, { nullable: true }) footer?: string | null;
  @Field(() => String, { nullable: true }) termsAndConditions?: string | null;
  @Field(() => Boolean, { nullable: true }) showLogo?: boolean | null;
  @Field(() => InvoiceColorSchemeEnum, { nullable: true }) colorScheme?: InvoiceColorScheme | null;
  @Field(() => Boolean, { nullable: true }) sendInvoiceEmails?: boolean | null;
  @Field(() => Boolean, { nullable: true }) sendPaymentReminders?: boolean | null;
  @Field(() => [Int], { nullable: true }) reminderScheduleDays?: number[] | null;
}

@InputType('PaymentSettingsInput')
export class PaymentSettingsInput {
  @Field(() => [PaymentMethodTypeEnum], { nullable: true }) enabledMethods?: PaymentMethodType[] | null;
  @Field(() => String, { nullable: true }) defaultCurrency?: string | null;
  @Field(() => [String], { nullable: true }) supportedCurrencies?: string[] | null;
  @Field(() => String, { nullable: true }) defaultPaymentTerms?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) lateFeePercentage?: string | null;
  @Field(() => Boolean, { nullable: true }) retryFailedPayments?: boolean | null;
  @Field(() => Int, { nullable: true, description: '1 to 10' }) maxRetryAttempts?: number | null;
  @Field(() => Int, { nullable: true, description: '1 to 168' }) retryIntervalHours?: number | null;
}

@InputType('TaxRegistrationInput')
export class TaxRegistrationInput {
  @Field(() => String) jurisdiction!: string;
  @Field(() => String) number!: string;
}

@InputType('TaxSettingsInput', { description: 'The tax options; rates change only through the tax rate mutations' })
export class TaxSettingsInput {
  @Field(() => Boolean, { nullable: true }) calculateAutomatically?: boolean | null;
  @Field(() => Boolean, { nullable: true }) pricesIncludeTax?: boolean | null;
  @Field(() => DecimalScalar, { nullable: true }) defaultRate?: string | null;
  @Field(() => [TaxRegistrationInput], { nullable: true }) registrations?: TaxRegistrationInput[] | null;
  @Field(() => TaxRoundingEnum, { nullable: true }) rounding?: TaxRounding | null;
}

@InputType('EmailNotificationSettingsInput')
export class EmailNotificationSettingsInput {
  @Field(() => Boolean, { nullable: true }) invoices?: boolean | null;
  @Field(() => Boolean, { nullable: true }) paymentConfirmations?: boolean | null;
  @Field(() => Boolean, { nullable: true }) overdueNotices?: boolean | null;
  @Field(() => Boolean, { nullable: true }) receipts?: boolean | null;
}

@InputType('WebhookEndpointInput')
export class WebhookEndpointInput {
  @Field(() => ID, { description: 'Chosen by the caller; an endpoint keeps its secret across updates by its id' }) id!: string;
  @Field(() => String) url!: string;
  @Field(() => [WebhookEventEnum]) events!: WebhookEvent[];
  @Field(() => WebhookAuthTypeEnum) authType!: WebhookAuthType;
  @Field(() => String, {
    nullable: true,
    description:
      'Write-only, never returned. SIGNATURE: a Standard Webhooks secret, "whsec_" and the base64 of 24 to 64 random bytes; BASIC_AUTH: "user:password"; ' +
      'BEARER_TOKEN, API_KEY: 16 to 256 characters. Left out: the endpoint keeps its stored secret while it keeps its auth type and URL origin. null: no secret. ' +
      'A new secret replaces the stored one, which stays valid for 24 hours beside it.',
  })
  secret?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Default: the stored value, or true for a new endpoint' }) enabled?: boolean | null;
}

@InputType('NotificationSettingsInput')
export class NotificationSettingsInput {
  @Field(() => EmailNotificationSettingsInput, { nullable: true }) email?: EmailNotificationSettingsInput | null;
  @Field(() => [WebhookEndpointInput], { nullable: true, description: 'The complete list of endpoints' }) webhooks?: WebhookEndpointInput[] | null;
}

@InputType('FeatureSettingsInput')
export class FeatureSettingsInput {
  @Field(() => Boolean, { nullable: true }) invoicing?: boolean | null;
  @Field(() => Boolean, { nullable: true }) payments?: boolean | null;
  @Field(() => Boolean, { nullable: true }) creditNotes?: boolean | null;
  @Field(() => Boolean, { nullable: true }) receipts?: boolean | null;
  @Field(() => Boolean, { nullable: true }) taxCalculation?: boolean | null;
  @Field(() => Boolean, { nullable: true }) webhooks?: boolean | null;
  @Field(() => Boolean, { nullable: true }) reporting?: boolean | null;
}

@InputType('SubscriptionSettingsInput')
export class SubscriptionSettingsInput {
  @Field(() => Boolean, { nullable: true, description: 'Cancelling now credits the unused days of the period already billed' }) creditUnusedTimeOnCancel?: boolean | null;
  @Field(() => SuspensionPolicyEnum, { nullable: true, description: 'Billing while a subscription is suspended: continue or pause' }) suspensionPolicy?: SuspensionPolicy | null;
}

@InputType('TenantProfileInput')
export class TenantProfileInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'IANA time zone' }) timeZone?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' }) country?: string | null;
  @Field(() => String, { nullable: true, description: 'BCP-47 in canonical form, e.g. de-DE' }) locale?: string | null;
}

@InputType('UpdateCompanySettingsInput')
export class UpdateCompanySettingsInput extends CompanySettingsInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdateInvoiceSettingsInput')
export class UpdateInvoiceSettingsInput extends InvoiceSettingsInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdatePaymentSettingsInput')
export class UpdatePaymentSettingsInput extends PaymentSettingsInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdateTaxSettingsInput')
export class UpdateTaxSettingsInput extends TaxSettingsInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdateNotificationSettingsInput')
export class UpdateNotificationSettingsInput extends NotificationSettingsInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdateFeatureSettingsInput')
export class UpdateFeatureSettingsInput extends FeatureSettingsInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdateSubscriptionSettingsInput')
export class UpdateSubscriptionSettingsInput extends SubscriptionSettingsInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdateTenantProfileInput')
export class UpdateTenantProfileInput extends TenantProfileInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ResetBillingSettingsInput')
export class ResetBillingSettingsInput {
  @Field(() => BillingSettingsSectionEnum, { nullable: true, description: 'Left out: every section. Tax rates survive a reset.' }) section?: BillingSettingsSection | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('EnableWebhookEndpointInput')
export class EnableWebhookEndpointInput {
  @Field(() => ID) endpointId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('DisableWebhookEndpointInput')
export class DisableWebhookEndpointInput {
  @Field(() => ID) endpointId!: string;
  @Field(() => String, { description: 'Why; recorded in the settings history' }) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('CreateTaxRateInput')
export class CreateTaxRateInput {
  @Field(() => ID, { nullable: true, description: 'Chosen by the caller (e.g. "de-vat-19"); derived from the request when left out' }) id?: string | null;
  @Field(() => String) name!: string;
  @Field(() => TaxTypeEnum) type!: TaxType;
  @Field(() => DecimalScalar, { description: 'Percent, e.g. "19"' }) rate!: string;
  @Field(() => String, { description: '"DE" or "CA-QC"' }) jurisdiction!: string;
  @Field(() => Boolean, { nullable: true }) inclusive?: boolean | null;
  @Field(() => Boolean, { nullable: true }) compound?: boolean | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UpdateTaxRateInput', { description: 'Changes the fields given; the others keep their values' })
export class UpdateTaxRateInput {
  @Field(() => ID) taxRateId!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => TaxTypeEnum, { nullable: true }) type?: TaxType | null;
  @Field(() => DecimalScalar, { nullable: true }) rate?: string | null;
  @Field(() => String, { nullable: true }) jurisdiction?: string | null;
  @Field(() => Boolean, { nullable: true }) inclusive?: boolean | null;
  @Field(() => Boolean, { nullable: true }) compound?: boolean | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('DeactivateTaxRateInput')
export class DeactivateTaxRateInput {
  @Field(() => ID) taxRateId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

/** The section inputs by section, as the update handler and the validate query receive them. */
export interface BillingSettingsSectionInputs {
  company: CompanySettingsInput;
  invoice: InvoiceSettingsInput;
  payment: PaymentSettingsInput;
  tax: TaxSettingsInput;
  notifications: NotificationSettingsInput;
  features: FeatureSettingsInput;
  subscriptions: SubscriptionSettingsInput;
  tenant: TenantProfileInput;
}
