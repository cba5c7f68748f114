import { randomUUID } from 'node:crypto';
import { loadBillingSettings } from '../../libs/ledger-application/src/common/billing-settings.js';
import { parseBillingSettingsEvent } from '../../projections/billing-settings/billing-settings.events.js';
import {
  billingSettingsDecider,
  billingSettingsEventSchemas,
  exchangeRateDecider,
  exchangeRateEventSchemas,
  type BillingSettings,
  type BillingSettingsCommand,
  type BillingSettingsSection,
  type BillingSettingsSectionInput,
  type CreateTaxRate,
  type ExchangeRateEvent,
} from '../../libs/billing/src/index.js';
import { loadStream, streams, toEventData } from '../../libs/application/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { requireData } from './graphql-http.client.js';
import type { MoneyView } from './invoice-api.documents.js';
import { commandContext, type TestLedger } from './ledger-test-app.js';

/**
 * Settings, tax rates and exchange rates written straight through their deciders (load, decide, append at the
 * revision read), as a settings command handler would: the settings GraphQL API is not what these suites test.
 */

export async function decideSettings(ledger: TestLedger, tenantId: string, command: (now: string) => BillingSettingsCommand): Promise<void> {
  const { services } = ledger;
  const streamId = streams.billingSettings(tenantId);
  const loaded = await loadStream(services.store, streamId, billingSettingsDecider, parseBillingSettingsEvent);
  const context = commandContext(ledger, tenantId, 'test:settings');
  const events = billingSettingsDecider.decide(command(context.now), loaded.state);
  if (events.length === 0) return;
  await services.store.appendToStreams([
    {
      streamId,
      expectedRevision: loaded.expectedRevision,
      events: events.map((event, index) => toEventData(event, context, streamId, index, billingSettingsEventSchemas[event.type].schemaVersion)),
    },
  ]);
}

/** Replaces the given fields of one section, keeping the others as the tenant has them. */
export async function updateSettings<Section extends BillingSettingsSection>(
  ledger: TestLedger,
  tenantId: string,
  section: Section,
  changes: Partial<BillingSettingsSectionInput<Section>>,
): Promise<BillingSettings> {
  const current = await loadBillingSettings(ledger.services, tenantId);
  let values: Record<string, unknown> = { ...current[section], ...changes };
  if (section === 'tax') {
    const { rates: _rates, ...withoutRates } = values;
    values = withoutRates;
  }
  await decideSettings(ledger, tenantId, (now) => ({ type: 'UpdateBillingSettingsSection', data: { section, values } as never, metadata: { now } }));
  return loadBillingSettings(ledger.services, tenantId);
}

export async function createTaxRate(ledger: TestLedger, tenantId: string, rate: CreateTaxRate['data']): Promise<void> {
  await decideSettings(ledger, tenantId, (now) => ({ type: 'CreateTaxRate', data: rate, metadata: { now } }));
}

function parseExchangeRateEvent(recorded: RecordedEvent): ExchangeRateEvent {
  return { type: 'ExchangeRateRecorded', data: exchangeRateEventSchemas.ExchangeRateRecorded.data.parse(recorded.data) };
}

export async function recordExchangeRate(
  ledger: TestLedger,
  tenantId: string,
  rate: { base: string; quote: string; rate: string; effectiveAt: string; source?: string },
): Promise<void> {
  const { services } = ledger;
  const streamId = streams.exchangeRate(tenantId, rate.base, rate.quote);
  const loaded = await loadStream(services.store, streamId, exchangeRateDecider, parseExchangeRateEvent);
  const context = commandContext(ledger, tenantId, 'test:settings');
  const events = exchangeRateDecider.decide({ type: 'RecordExchangeRate', data: { source: 'ECB', ...rate }, metadata: { now: context.now } }, loaded.state);
  await services.store.appendToStreams([{ streamId, expectedRevision: loaded.expectedRevision, events: events.map((event, index) => toEventData(event, context, streamId, index)) }]);
}

/** A tenant of its own with an admin key, so that each case starts from default settings and empty sequences. */
export async function newTenant(ledger: TestLedger, prefix: string): Promise<{ tenantId: string; key: string }> {
  const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
  return { tenantId, key: await ledger.createKey(tenantId, 'admin') };
}

/** Counts a tenant's events, to show that a refused command appended nothing. */
export async function eventCount(ledger: TestLedger, tenantId: string): Promise<number> {
  return (await ledger.tenantEvents(tenantId)).length;
}

const MONEY = 'amount currency';

export interface TaxedLineView {
  readonly id: string;
  readonly amount: MoneyView;
  readonly netAmount: MoneyView;
  readonly taxAmount: MoneyView;
  readonly taxRate: string | null;
  readonly taxes: readonly { rateId: string | null; name: string; rate: string; jurisdiction: string | null; compound: boolean; inclusive: boolean; amount: MoneyView }[];
}

export interface TaxBreakdownView {
  readonly rateId: string | null;
  readonly name: string;
  readonly rate: string;
  readonly jurisdiction: string | null;
  readonly taxableAmount: MoneyView;
  readonly taxAmount: MoneyView;
}

export interface SettledInvoiceView {
  readonly id: string;
  readonly number: string | null;
  readonly status: string;
  readonly currency: string;
  readonly lines: readonly TaxedLineView[];
  readonly subtotal: MoneyView;
  readonly taxTotal: MoneyView;
  readonly total: MoneyView;
  readonly taxBreakdown: readonly TaxBreakdownView[];
  readonly exchangeRate: { base: string; quote: string; rate: string; effectiveAt: string; source: string; inverted: boolean } | null;
  readonly reportingTotal: MoneyView | null;
  readonly paymentTermsDays: number;
  readonly issueDate: string | null;
  readonly dueDate: string | null;
}

export const SETTLED_INVOICE_FIELDS = `
  fragment SettledInvoiceFields on Invoice {
    id number status currency paymentTermsDays issueDate dueDate
    lines { id taxRate amount { ${MONEY} } netAmount { ${MONEY} } taxAmount { ${MONEY} } taxes { rateId name rate jurisdiction compound inclusive amount { ${MONEY} } } }
    subtotal { ${MONEY} } taxTotal { ${MONEY} } total { ${MONEY} }
    taxBreakdown { rateId name rate jurisdiction taxableAmount { ${MONEY} } taxAmount { ${MONEY} } }
    exchangeRate { base quote rate effectiveAt source inverted }
    reportingTotal { ${MONEY} }
  }`;

export function settledMutationDocument(name: string, inputType: string): string {
  return `mutation Run($input: ${inputType}!) { ${name}(input: $input) { invoice { ...SettledInvoiceFields } position } } ${SETTLED_INVOICE_FIELDS}`;
}

export const SETTLED_INVOICE_QUERY = `
  query Invoice($id: ID!, $minPosition: String, $reportingCurrency: String) {
    invoice(id: $id, minPosition: $minPosition, reportingCurrency: $reportingCurrency) { ...SettledInvoiceFields }
  } ${SETTLED_INVOICE_FIELDS}`;

export interface SettledPayload {
  readonly invoice: SettledInvoiceView;
  readonly position: string;
}

/** createInvoice then issueInvoice for `key`'s tenant; returns both payloads with the tax and reporting fields. */
export async function createAndIssue(ledger: TestLedger, key: string, input: Record<string, unknown>): Promise<{ draft: SettledPayload; issued: SettledPayload }> {
  const draft = requireData(await ledger.graphql<{ createInvoice: SettledPayload }>(settledMutationDocument('createInvoice', 'CreateInvoiceInput'), { input }, key), 'createInvoice').createInvoice;
  const issued = requireData(
    await ledger.graphql<{ issueInvoice: SettledPayload }>(settledMutationDocument('issueInvoice', 'IssueInvoiceInput'), { input: { invoiceId: draft.invoice.id } }, key),
    'issueInvoice',
  ).issueInvoice;
  return { draft, issued };
}

/** The invoice from the read model, once it has reached `minPosition`. */
export async function readInvoice(ledger: TestLedger, key: string, id: string, minPosition: string, reportingCurrency?: string): Promise<SettledInvoiceView> {
  return requireData(await ledger.graphql<{ invoice: SettledInvoiceView }>(SETTLED_INVOICE_QUERY, { id, minPosition, reportingCurrency }, key), 'invoice').invoice;
}

export const UPSERT_CUSTOMER = `
  mutation Upsert($input: UpsertCustomerInput!) {
    upsertCustomer(input: $input) {
      position
      customer { id name email taxExempt registeredAt updatedAt billingAddress { line1 line2 city region postalCode country } }
    }
  }`;

/** Settings sections as a client changes them over GraphQL (setup for tests that need a company or currencies). */
export const UPDATE_COMPANY_SETTINGS = 'mutation ($input: UpdateCompanySettingsInput!) { updateCompanySettings(input: $input) { position } }';
export const UPDATE_PAYMENT_SETTINGS = 'mutation ($input: UpdatePaymentSettingsInput!) { updatePaymentSettings(input: $input) { position } }';

export async function registerCustomer(
  ledger: TestLedger,
  key: string,
  customerId: string,
  address: { country: string; region?: string | null },
  taxExempt = false,
): Promise<string> {
  const input = {
    customerId,
    name: `Customer ${customerId}`,
    billingAddress: { line1: '1 Main Street', city: 'Somewhere', postalCode: '00001', ...address },
    taxExempt,
  };
  return requireData(await ledger.graphql<{ upsertCustomer: { position: string } }>(UPSERT_CUSTOMER, { input }, key), 'upsertCustomer').upsertCustomer.position;
}
