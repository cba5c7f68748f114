import { Inject } from '@nestjs/common';
import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { BillingSettingsSection } from '../../../../libs/billing/src/index.js';
import { BILLING_SETTINGS_HISTORY_PAGE_SIZE_MAX, BillingSettingsQueries } from '../../../../projections/billing-settings/billing-settings.queries.js';
import { ApplicationError } from '../graphql/application-error.js';
import { disableWebhookEndpoint, enableWebhookEndpoint, resetBillingSettings, updateBillingSettingsSection } from '../../../../libs/ledger-application/src/index.js';
import { sectionValuesFromInput } from './billing-settings.input-merge.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { validateBillingSettingsChange } from './queries/validate-billing-settings.query.js';
import { awaitReadModels, requirePageSize } from './read-your-writes.js';
import {
  BillingSettingsChangeConnectionType,
  BillingSettingsPayloadType,
  BillingSettingsType,
  BillingSettingsValidationType,
  CompanySettingsInput,
  DisableWebhookEndpointInput,
  EnableWebhookEndpointInput,
  FeatureSettingsInput,
  InvoiceSettingsInput,
  NotificationSettingsInput,
  PaymentSettingsInput,
  ResetBillingSettingsInput,
  SubscriptionSettingsInput,
  TaxSettingsInput,
  TenantProfileInput,
  UpdateCompanySettingsInput,
  UpdateFeatureSettingsInput,
  UpdateInvoiceSettingsInput,
  UpdateNotificationSettingsInput,
  UpdatePaymentSettingsInput,
  UpdateSubscriptionSettingsInput,
  UpdateTaxSettingsInput,
  UpdateTenantProfileInput,
  type BillingSettingsSectionInputs,
} from './billing-settings.types.js';
import { billingSettingsChangeView, billingSettingsPayload, billingSettingsView } from './billing-settings.view.js';
import { BillingSettingsSectionEnum } from './settings.enums.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' } as const;

/** Resolvers only turn input into a command or a query (docs/architecture.md, Conventions 5). */
@Resolver(() => BillingSettingsType)
export class BillingSettingsResolver {
  private readonly queries: BillingSettingsQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new BillingSettingsQueries(services.db);
  }

  @Query(() => BillingSettingsType, { description: 'Every section and the tenant profile; webhook secrets are never returned' })
  async billingSettings(
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, ['billing_settings']);
    const record = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new BillingSettingsQueries(db, schema).current(principal.tenantId), ['billing_settings']);
    return billingSettingsView(record.settings, record.updatedAt);
  }

  @Query(() => BillingSettingsValidationType, { description: 'What saving these values into the section would give (errors and warnings); writes nothing' })
  async validateBillingSettings(
    @Args('section', { type: () => BillingSettingsSectionEnum }) section: BillingSettingsSection,
    @Args('company', { type: () => CompanySettingsInput, nullable: true }) company: CompanySettingsInput | null,
    @Args('invoice', { type: () => InvoiceSettingsInput, nullable: true }) invoice: InvoiceSettingsInput | null,
    @Args('payment', { type: () => PaymentSettingsInput, nullable: true }) payment: PaymentSettingsInput | null,
    @Args('tax', { type: () => TaxSettingsInput, nullable: true }) tax: TaxSettingsInput | null,
    @Args('notifications', { type: () => NotificationSettingsInput, nullable: true }) notifications: NotificationSettingsInput | null,
    @Args('features', { type: () => FeatureSettingsInput, nullable: true }) features: FeatureSettingsInput | null,
    @Args('tenant', { type: () => TenantProfileInput, nullable: true }) tenant: TenantProfileInput | null,
    @Args('subscriptions', { type: () => SubscriptionSettingsInput, nullable: true }) subscriptions: SubscriptionSettingsInput | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ) {
    const principal = requireReader(request);
    const inputs: Partial<Record<BillingSettingsSection, unknown>> = { company, invoice, payment, tax, notifications, features, subscriptions, tenant };
    const given = Object.entries(inputs).filter(([, value]) => value !== null && value !== undefined).map(([name]) => name);
    if (given.length !== 1 || given[0] !== section) {
      throw new ApplicationError('VALIDATION_FAILED', `validateBillingSettings takes the values of the section it names: pass the argument ${section} and no other section (got ${given.join(', ') || 'none'})`);
    }
    await awaitReadModels(this.services, minPosition, ['billing_settings']);
    return validateBillingSettingsChange(this.queries, principal.tenantId, section, inputs[section] as BillingSettingsSectionInputs[typeof section]);
  }

  @Query(() => BillingSettingsChangeConnectionType, { description: 'Every settings change, newest first, with who made it; secrets masked' })
  async billingSettingsHistory(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('section', { type: () => BillingSettingsSectionEnum, nullable: true }) section: BillingSettingsSection | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, BILLING_SETTINGS_HISTORY_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, ['billing_settings_history']);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new BillingSettingsQueries(db, schema).history(principal.tenantId, section ?? null, first, after ?? null), [
      'billing_settings_history',
    ]);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: billingSettingsChangeView(edge.node) })), pageInfo: page.pageInfo };
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Changes the company fields given' })
  updateCompanySettings(@Args('input', { type: () => UpdateCompanySettingsInput }) input: UpdateCompanySettingsInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateCompanySettings', input, (context) =>
      updateBillingSettingsSection(this.services, context, 'company', (current) => sectionValuesFromInput(current, 'company', input)).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Changes the invoice fields given' })
  updateInvoiceSettings(@Args('input', { type: () => UpdateInvoiceSettingsInput }) input: UpdateInvoiceSettingsInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateInvoiceSettings', input, (context) =>
      updateBillingSettingsSection(this.services, context, 'invoice', (current) => sectionValuesFromInput(current, 'invoice', input)).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Changes the payment fields given' })
  updatePaymentSettings(@Args('input', { type: () => UpdatePaymentSettingsInput }) input: UpdatePaymentSettingsInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updatePaymentSettings', input, (context) =>
      updateBillingSettingsSection(this.services, context, 'payment', (current) => sectionValuesFromInput(current, 'payment', input)).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Changes the tax options given; rates change through createTaxRate, updateTaxRate, deactivateTaxRate' })
  updateTaxSettings(@Args('input', { type: () => UpdateTaxSettingsInput }) input: UpdateTaxSettingsInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateTaxSettings', input, (context) =>
      updateBillingSettingsSection(this.services, context, 'tax', (current) => sectionValuesFromInput(current, 'tax', input)).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Changes the notification fields given; webhooks, when given, is the complete list (secrets are write-only: see WebhookEndpointInput.secret)' })
  updateNotificationSettings(@Args('input', { type: () => UpdateNotificationSettingsInput }) input: UpdateNotificationSettingsInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateNotificationSettings', input, (context) =>
      updateBillingSettingsSection(this.services, context, 'notifications', (current) => sectionValuesFromInput(current, 'notifications', input)).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Switches a webhook endpoint on again (e.g. after the ledger disabled it on 410 Gone); its secret is kept' })
  enableWebhookEndpoint(@Args('input', { type: () => EnableWebhookEndpointInput }) input: EnableWebhookEndpointInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'enableWebhookEndpoint', input, (context) =>
      enableWebhookEndpoint(this.services, context, { endpointId: input.endpointId }).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Switches a webhook endpoint off, with why (recorded in the settings history); nothing is delivered to it until it is enabled' })
  disableWebhookEndpoint(@Args('input', { type: () => DisableWebhookEndpointInput }) input: DisableWebhookEndpointInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'disableWebhookEndpoint', input, (context) =>
      disableWebhookEndpoint(this.services, context, { endpointId: input.endpointId, reason: input.reason }).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Turns the features given on or off' })
  updateFeatureSettings(@Args('input', { type: () => UpdateFeatureSettingsInput }) input: UpdateFeatureSettingsInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateFeatureSettings', input, (context) =>
      updateBillingSettingsSection(this.services, context, 'features', (current) => sectionValuesFromInput(current, 'features', input)).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Changes the subscription fields given (credit unused time on cancel, billing while suspended)' })
  updateSubscriptionSettings(@Args('input', { type: () => UpdateSubscriptionSettingsInput }) input: UpdateSubscriptionSettingsInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateSubscriptionSettings', input, (context) =>
      updateBillingSettingsSection(this.services, context, 'subscriptions', (current) => sectionValuesFromInput(current, 'subscriptions', input)).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Changes the tenant profile fields given (name, time zone, country, locale)' })
  updateTenantProfile(@Args('input', { type: () => UpdateTenantProfileInput }) input: UpdateTenantProfileInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateTenantProfile', input, (context) =>
      updateBillingSettingsSection(this.services, context, 'tenant', (current) => sectionValuesFromInput(current, 'tenant', input)).then(({ state, position }) => billingSettingsPayload(state, position)),
    );
  }

  @Mutation(() => BillingSettingsPayloadType, { description: 'Puts one section, or every section when none is named, back to the defaults; tax rates are kept' })
  resetBillingSettings(@Args('input', { type: () => ResetBillingSettingsInput }) input: ResetBillingSettingsInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'resetBillingSettings', input, (context) => resetBillingSettings(this.services, context, input).then(({ state, position }) => billingSettingsPayload(state, position)));
  }
}
