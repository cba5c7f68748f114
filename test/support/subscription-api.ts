import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { encodePosition } from '../../libs/event-store/src/index.js';
import { postGraphQL, requireData, type GraphQLHttpResponse } from './graphql-http.client.js';
import { INVOICE_FIELDS, type InvoiceView, type MoneyView } from './invoice-api.documents.js';
import type { TestLedger } from './ledger-test-app.js';

/**
 * Subscriptions through the API, the way a client drives them: one fresh tenant per scenario, on its own test clock,
 * with its own catalog and customers. Every call speaks GraphQL over HTTP with the tenant's admin key.
 */

export interface ChargeLineView {
  readonly lineId: string;
  readonly kind: string;
  readonly itemId: string;
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly amount: MoneyView;
  readonly taxRate: string | null;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly fraction: { days: number; periodDays: number } | null;
}

export interface SubscriptionView {
  readonly id: string;
  readonly customerId: string;
  readonly status: string;
  readonly serviceStatus: string;
  readonly timeZone: string;
  readonly startDate: string;
  readonly currentPeriod: { start: string; end: string } | null;
  readonly nextBillDate: string | null;
  readonly items: readonly { itemId: string; role: string; planId: string; planVersion: number; quantity: string; unitPrice: MoneyView }[];
  readonly pendingChanges: readonly { itemId: string; planId: string; effectiveDate: string }[];
  readonly cancellation: { cancelAt: string; requestedOn: string } | null;
  readonly suspension: { since: string; policy: string; reason: string | null } | null;
  readonly terminatedOn: string | null;
}

export interface SubscriptionChargeView {
  readonly chargeId: string;
  readonly sequence: number;
  readonly reason: string;
  readonly invoiceId: string | null;
  readonly creditNoteId: string | null;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly charged: MoneyView;
  readonly credited: MoneyView;
  readonly total: MoneyView;
  readonly billedOn: string;
}

export interface PreviewLineView {
  readonly lineId: string;
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly taxRate: string | null;
  readonly amount: MoneyView;
  readonly taxAmount: MoneyView;
}

export interface UpcomingInvoiceView {
  readonly period: { start: string; end: string };
  readonly billDate: string;
  readonly billAt: string;
  readonly lines: readonly ChargeLineView[];
  readonly total: MoneyView;
  readonly invoice: {
    invoiceId: string;
    issueDate: string | null;
    dueDate: string | null;
    lines: readonly PreviewLineView[];
    subtotal: MoneyView;
    taxTotal: MoneyView;
    total: MoneyView;
    amountCredited: MoneyView;
    balanceDue: MoneyView;
  } | null;
  readonly creditNote: { creditNoteId: string; sourceInvoiceId: string | null; total: MoneyView; appliedToInvoice: MoneyView; toCustomerCredit: MoneyView } | null;
}

export interface CreditNoteView {
  readonly id: string;
  readonly number: string | null;
  readonly status: string;
  readonly type: string;
  readonly reason: string;
  readonly sourceInvoiceId: string | null;
  readonly total: MoneyView;
  readonly remaining: MoneyView;
  readonly applications: readonly { applicationType: string; invoiceId: string | null; amount: MoneyView }[];
}

/** An advance runs due work inside one request: far longer than a query may take (the client's default is 15 s). */
const ADVANCE_TIMEOUT_MS = 120_000;
const MONEY = 'amount currency';
const LINE_FIELDS = `lineId kind itemId description quantity unitPrice amount { ${MONEY} } taxRate periodStart periodEnd fraction { days periodDays }`;
const SUBSCRIPTION_FIELDS = `id customerId status serviceStatus timeZone startDate currentPeriod { start end } nextBillDate
  items { itemId role planId planVersion quantity unitPrice { ${MONEY} } } pendingChanges { itemId planId effectiveDate }
  cancellation { cancelAt requestedOn } suspension { since policy reason } terminatedOn`;
const CHARGE_FIELDS = `chargeId sequence reason invoiceId creditNoteId periodStart periodEnd charged { ${MONEY} } credited { ${MONEY} } total { ${MONEY} } billedOn`;
const PREVIEW_LINE = `lineId description quantity unitPrice taxRate amount { ${MONEY} } taxAmount { ${MONEY} }`;
const INVOICE_PREVIEW = `invoiceId issueDate dueDate lines { ${PREVIEW_LINE} } subtotal { ${MONEY} } taxTotal { ${MONEY} } total { ${MONEY} } amountCredited { ${MONEY} } balanceDue { ${MONEY} }`;
const CREDIT_NOTE_PREVIEW = `creditNoteId sourceInvoiceId total { ${MONEY} } appliedToInvoice { ${MONEY} } toCustomerCredit { ${MONEY} }`;

export const SUBSCRIPTION_DOCUMENTS = {
  createTestClock: 'mutation ($input: CreateTestClockInput!) { createTestClock(input: $input) { position } }',
  advanceTestClock: 'mutation ($input: AdvanceTestClockInput!) { advanceTestClock(input: $input) { position dueWork { steps done parked dropped } } }',
  upsertCustomer: 'mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { position } }',
  createProduct: 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { position } }',
  createPlan: 'mutation ($input: CreatePlanInput!) { createPlan(input: $input) { position } }',
  publishPlanVersion: 'mutation ($input: PublishPlanVersionInput!) { publishPlanVersion(input: $input) { position } }',
  setAutoApplyCredit: 'mutation ($input: SetAutoApplyCreditInput!) { setAutoApplyCredit(input: $input) { position } }',
  subscriptionMutation: (name: string, input: string) => `mutation ($input: ${input}!) { ${name}(input: $input) { position invoiceId creditNoteId subscription { ${SUBSCRIPTION_FIELDS} } } }`,
  subscription: `query ($id: ID!, $minPosition: String) { subscription(id: $id, minPosition: $minPosition) { ${SUBSCRIPTION_FIELDS} charges { ${CHARGE_FIELDS} } } }`,
  subscriptions: `query ($filter: SubscriptionFilter, $first: Int, $after: String, $minPosition: String) {
    subscriptions(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { id status nextBillDate } } pageInfo { hasNextPage endCursor } } }`,
  upcomingInvoice: `query ($id: ID!) { upcomingInvoice(subscriptionId: $id) { period { start end } billDate billAt lines { ${LINE_FIELDS} } total { ${MONEY} } invoice { ${INVOICE_PREVIEW} } creditNote { ${CREDIT_NOTE_PREVIEW} } } }`,
  previewSubscriptionChange: `query ($input: PreviewSubscriptionChangeInput!) { previewSubscriptionChange(input: $input) {
    effective effectiveDate direction invoicedNow lines { ${LINE_FIELDS} } invoice { ${INVOICE_PREVIEW} } creditNote { ${CREDIT_NOTE_PREVIEW} } } }`,
  invoice: `query ($id: ID!, $minPosition: String) { invoice(id: $id, minPosition: $minPosition) { ...InvoiceFields amountCredited { ${MONEY} } } } ${INVOICE_FIELDS}`,
  invoices: `query ($filter: InvoiceFilter, $first: Int, $after: String, $minPosition: String) {
    invoices(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { node { ...InvoiceFields } } pageInfo { hasNextPage endCursor } } } ${INVOICE_FIELDS}`,
  creditNote: `query ($id: ID!, $minPosition: String) { creditNote(id: $id, minPosition: $minPosition) {
    id number status type reason sourceInvoiceId total { ${MONEY} } remaining { ${MONEY} } applications { applicationType invoiceId amount { ${MONEY} } } } }`,
  customerBalance: `query ($customerId: String!, $minPosition: String) { customerBalance(customerId: $customerId, minPosition: $minPosition) { credit { ${MONEY} } } }`,
} as const;

export interface SubscriptionPayloadView {
  readonly position: string;
  readonly invoiceId: string | null;
  readonly creditNoteId: string | null;
  readonly subscription: SubscriptionView;
}

export interface PlanSpec {
  readonly planId: string;
  readonly price: string;
  readonly currency?: string;
  readonly kind?: 'BASE' | 'ADDON';
  readonly basePlanIds?: readonly string[];
  readonly cycle?: Record<string, unknown>;
  readonly timing?: 'IN_ADVANCE' | 'IN_ARREARS';
  readonly setupFee?: string;
  readonly trialDays?: number;
  readonly taxTreatment?: Record<string, unknown>;
}

/** One tenant on a test clock, with helpers for what subscription scenarios do. */
export class SubscriptionScenario {
  position = '';

  private constructor(
    readonly ledger: TestLedger,
    readonly tenantId: string,
    readonly key: string,
  ) {}

  /** A fresh tenant (admin key) whose test clock starts at `frozenTime`. */
  static async start(ledger: TestLedger, prefix: string, frozenTime: string): Promise<SubscriptionScenario> {
    const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
    const scenario = new SubscriptionScenario(ledger, tenantId, await ledger.createKey(tenantId, 'admin'));
    await scenario.ok('createTestClock', SUBSCRIPTION_DOCUMENTS.createTestClock, { input: { clockId: 'clock', name: 'Scenario', frozenTime } });
    return scenario;
  }

  send<Data>(document: string, variables: Record<string, unknown>): Promise<GraphQLHttpResponse<Data>> {
    return this.ledger.graphql<Data>(document, variables, this.key);
  }

  async ok<Data = Record<string, { position?: string }>>(name: string, document: string, variables: Record<string, unknown>): Promise<Data> {
    const data = requireData(await this.send<Data>(document, variables), name);
    const position = (data as Record<string, { position?: unknown } | null>)[name]?.position;
    if (typeof position === 'string') this.position = position;
    return data;
  }

  /**
   * Moves the clock (and runs every piece of due work up to `to`); answers what ran. One advance may run a year of
   * due work in one request (and the e-mails it causes run beside it): the request may take longer than a query.
   */
  async advance(to: string): Promise<{ steps: number; done: number; parked: number; dropped: number }> {
    const response = await postGraphQL<{ advanceTestClock: { position: string; dueWork: { steps: number; done: number; parked: number; dropped: number } } }>(this.ledger.url, {
      query: SUBSCRIPTION_DOCUMENTS.advanceTestClock,
      variables: { input: { clockId: 'clock', to } },
      apiKey: this.key,
      timeoutMs: ADVANCE_TIMEOUT_MS,
    });
    const data = requireData(response, 'advanceTestClock');
    // The last piece of work appended after the advance itself: read models are awaited up to the log's head.
    this.position = await this.head();
    return data.advanceTestClock.dueWork;
  }

  /**
   * The position of the last committed event, to wait for with minPosition. Not the store's headPosition, which is the
   * position every follower of $all may safely pass: it stays below a fresh commit while any older transaction of the
   * server is open (other test files share the server), so a read waiting for it could still miss this test's writes.
   */
  async head(): Promise<string> {
    const { rows } = await sql<{ commit: string; prepare: string }>`
      select transaction_id::text as commit, global_position::text as prepare from event_store.events
      order by transaction_id desc, global_position desc limit 1`.execute(this.ledger.services.db);
    const last = rows[0];
    return encodePosition(last ? { commit: BigInt(last.commit), prepare: BigInt(last.prepare) } : await this.ledger.services.store.headPosition());
  }

  async customer(customerId: string, autoApplyCredit = false): Promise<void> {
    const billingAddress = { line1: '1 Test Street', city: 'Testville', postalCode: '00000', country: 'US' };
    await this.ok('upsertCustomer', SUBSCRIPTION_DOCUMENTS.upsertCustomer, { input: { customerId, name: `Customer ${customerId}`, billingAddress, taxExempt: false } });
    if (autoApplyCredit) await this.ok('setAutoApplyCredit', SUBSCRIPTION_DOCUMENTS.setAutoApplyCredit, { input: { customerId, enabled: true } });
  }

  /** A product (once) and a plan of it with one price. */
  async plan(spec: PlanSpec): Promise<void> {
    if (!this.products.has('product')) {
      await this.ok('createProduct', SUBSCRIPTION_DOCUMENTS.createProduct, { input: { productId: 'product', name: 'Fibre', serviceType: 'BROADBAND' } });
      this.products.add('product');
    }
    const currency = spec.currency ?? 'USD';
    await this.ok('createPlan', SUBSCRIPTION_DOCUMENTS.createPlan, {
      input: {
        planId: spec.planId,
        productId: 'product',
        kind: spec.kind ?? 'BASE',
        name: `Plan ${spec.planId}`,
        terms: {
          cycle: spec.cycle ?? { kind: 'MONTHLY' },
          timing: spec.timing ?? 'IN_ADVANCE',
          prices: [{ currency, amount: spec.price }],
          setupFees: spec.setupFee === undefined ? null : [{ currency, amount: spec.setupFee }],
          trialDays: spec.trialDays ?? 0,
          taxTreatment: spec.taxTreatment ?? { kind: 'EXEMPT' },
          basePlanIds: spec.basePlanIds ?? null,
        },
      },
    });
  }

  private readonly products = new Set<string>();

  mutate(name: string, inputType: string, input: Record<string, unknown>): Promise<GraphQLHttpResponse<Record<string, SubscriptionPayloadView>>> {
    return this.send<Record<string, SubscriptionPayloadView>>(SUBSCRIPTION_DOCUMENTS.subscriptionMutation(name, inputType), { input });
  }

  async mutateOk(name: string, inputType: string, input: Record<string, unknown>): Promise<SubscriptionPayloadView> {
    const data = await this.ok<Record<string, SubscriptionPayloadView>>(name, SUBSCRIPTION_DOCUMENTS.subscriptionMutation(name, inputType), { input });
    return data[name] as SubscriptionPayloadView;
  }

  subscribe(input: Record<string, unknown>): Promise<SubscriptionPayloadView> {
    return this.mutateOk('createSubscription', 'CreateSubscriptionInput', { customerId: 'customer', currency: 'USD', ...input });
  }

  async subscription(id: string): Promise<(SubscriptionView & { charges: SubscriptionChargeView[] }) | null> {
    return (await this.ok<{ subscription: (SubscriptionView & { charges: SubscriptionChargeView[] }) | null }>('subscription', SUBSCRIPTION_DOCUMENTS.subscription, { id, minPosition: this.position })).subscription;
  }

  async upcoming(id: string): Promise<UpcomingInvoiceView | null> {
    return (await this.ok<{ upcomingInvoice: UpcomingInvoiceView | null }>('upcomingInvoice', SUBSCRIPTION_DOCUMENTS.upcomingInvoice, { id })).upcomingInvoice;
  }

  async invoice(id: string): Promise<InvoiceView & { amountCredited: MoneyView }> {
    const found = (await this.ok<{ invoice: (InvoiceView & { amountCredited: MoneyView }) | null }>('invoice', SUBSCRIPTION_DOCUMENTS.invoice, { id, minPosition: this.position })).invoice;
    if (found === null) throw new Error(`invoice ${id} not found`);
    return found;
  }

  /** Every invoice of a customer, oldest issue first (pages of 100). */
  async invoicesOf(customerId: string): Promise<InvoiceView[]> {
    const invoices: InvoiceView[] = [];
    for (let after: string | null = null; ; ) {
      const page: { invoices: { edges: { node: InvoiceView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await this.ok('invoices', SUBSCRIPTION_DOCUMENTS.invoices, {
        filter: { customerId },
        first: 100,
        after,
        minPosition: this.position,
      });
      invoices.push(...page.invoices.edges.map((edge) => edge.node));
      if (!page.invoices.pageInfo.hasNextPage) break;
      after = page.invoices.pageInfo.endCursor;
    }
    return invoices.sort((a, b) => (a.issuedAt ?? '').localeCompare(b.issuedAt ?? '') || (a.number ?? '').localeCompare(b.number ?? ''));
  }

  async creditNote(id: string): Promise<CreditNoteView> {
    const found = (await this.ok<{ creditNote: CreditNoteView | null }>('creditNote', SUBSCRIPTION_DOCUMENTS.creditNote, { id, minPosition: this.position })).creditNote;
    if (found === null) throw new Error(`credit note ${id} not found`);
    return found;
  }

  async customerCredit(customerId = 'customer'): Promise<readonly MoneyView[]> {
    return (await this.ok<{ customerBalance: { credit: MoneyView[] } }>('customerBalance', SUBSCRIPTION_DOCUMENTS.customerBalance, { customerId, minPosition: this.position })).customerBalance.credit;
  }
}
