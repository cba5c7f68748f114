import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import type { ReceivedMail, SmtpTestServer } from '../../libs/mail/src/testing/smtp-test-server.js';
import { requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { draftInput, type TestLedger } from '../support/ledger-test-app.js';

/** GraphQL documents of the email tests (docs/email.md): the email API, and the settings and clocks a scenario sets. */
export const EMAIL_DOCUMENTS = {
  upsertCustomer: 'mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { position } }',
  updateCompany: 'mutation ($input: UpdateCompanySettingsInput!) { updateCompanySettings(input: $input) { position } }',
  updateNotifications: 'mutation ($input: UpdateNotificationSettingsInput!) { updateNotificationSettings(input: $input) { position } }',
  updateInvoiceSettings: 'mutation ($input: UpdateInvoiceSettingsInput!) { updateInvoiceSettings(input: $input) { position } }',
  updateTenant: 'mutation ($input: UpdateTenantProfileInput!) { updateTenantProfile(input: $input) { position } }',
  createTestClock: 'mutation ($input: CreateTestClockInput!) { createTestClock(input: $input) { position } }',
  advanceTestClock: 'mutation ($input: AdvanceTestClockInput!) { advanceTestClock(input: $input) { position dueWork { steps done parked dropped } } }',
  sendInvoice: 'mutation ($input: SendInvoiceInput!) { sendInvoice(input: $input) { emailId status position } }',
  emails: `query ($filter: EmailFilterInput, $first: Int, $after: String, $minPosition: String) {
    emails(filter: $filter, first: $first, after: $after, minPosition: $minPosition) {
      edges { cursor node { id kind documentId customerId to subject status attempts messageId lastError nextAttemptAt sentAt createdAt updatedAt } }
      pageInfo { hasNextPage endCursor } } }`,
  invoiceEmails: `query ($invoiceId: ID!, $minPosition: String) {
    invoiceEmails(invoiceId: $invoiceId, minPosition: $minPosition) { id kind documentId customerId to subject status attempts messageId lastError nextAttemptAt sentAt createdAt updatedAt } }`,
} as const;

export interface EmailView {
  readonly id: string;
  readonly kind: string;
  readonly documentId: string;
  readonly customerId: string;
  readonly to: string | null;
  readonly subject: string | null;
  readonly status: 'PENDING' | 'RETRYING' | 'SENT' | 'FAILED';
  readonly attempts: number;
  readonly messageId: string | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly sentAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface EmailConnectionView {
  readonly edges: { cursor: string; node: EmailView }[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** One tenant of its own (admin key), with a company name and helpers; its customers' addresses are unique to it. */
export class EmailScenario {
  private constructor(
    readonly ledger: TestLedger,
    readonly server: SmtpTestServer,
    readonly tenantId: string,
    readonly key: string,
  ) {}

  static async start(ledger: TestLedger, server: SmtpTestServer, prefix: string, options: { testClockAt?: string; company?: string } = {}): Promise<EmailScenario> {
    const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
    const scenario = new EmailScenario(ledger, server, tenantId, await ledger.createKey(tenantId, 'admin'));
    if (options.testClockAt !== undefined) await scenario.ok('createTestClock', EMAIL_DOCUMENTS.createTestClock, { input: { clockId: 'clock', name: 'Email scenario', frozenTime: options.testClockAt } });
    await scenario.ok('updateCompanySettings', EMAIL_DOCUMENTS.updateCompany, { input: { name: options.company ?? 'Fibre Networks GmbH', email: 'accounts@fibre.example' } });
    return scenario;
  }

  send<Data>(document: string, variables: Record<string, unknown>, key: string = this.key): Promise<GraphQLHttpResponse<Data>> {
    return this.ledger.graphql<Data>(document, variables, key);
  }

  async ok<Data = Record<string, unknown>>(name: string, document: string, variables: Record<string, unknown>): Promise<Data> {
    return requireData(await this.send<Data>(document, variables), name);
  }

  /** An address of this tenant's own, so that the shared test server's messages can be told apart. */
  address(local: string): string {
    return `${local}+${this.tenantId}@acme.example`;
  }

  async customer(customerId: string, options: { name?: string; email?: string | null } = {}): Promise<void> {
    const email = options.email === undefined ? this.address(customerId) : options.email;
    await this.ok('upsertCustomer', EMAIL_DOCUMENTS.upsertCustomer, {
      input: { customerId, name: options.name ?? 'Acme Fibre Inc.', email, billingAddress: { line1: '1 Main Street', city: 'Springfield', postalCode: '62701', country: 'US' }, taxExempt: false },
    });
  }

  /** Creates and issues an invoice of 71.96 USD (3 x 19.99 + 20% tax) for the customer; returns its id and number. */
  async issueInvoice(customerId: string, overrides: Record<string, unknown> = {}): Promise<{ invoiceId: string; number: string }> {
    const draft = await this.ledger.mutateOk('createInvoice', draftInput({ customerId, ...overrides }), this.key);
    const issued = await this.ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, this.key);
    return { invoiceId: issued.invoice.id, number: issued.invoice.number as string };
  }

  async advance(to: string): Promise<void> {
    await this.ok('advanceTestClock', EMAIL_DOCUMENTS.advanceTestClock, { input: { clockId: 'clock', to } });
  }

  /** Every event of the tenant, once the process managers (email included) have caught up with the log. */
  events(): Promise<RecordedEvent[]> {
    return this.ledger.tenantEvents(this.tenantId);
  }

  async emailEvents(): Promise<RecordedEvent[]> {
    return (await this.events()).filter((event) => event.streamId.startsWith(`${this.tenantId}:email-`));
  }

  /** What the server received for this tenant's addresses (so far). */
  received(): ReceivedMail[] {
    return this.server.received.filter((mail) => mail.envelopeTo.some((address) => address.endsWith(`+${this.tenantId}@acme.example`)));
  }

  /** Waits until this tenant's addresses have received `count` messages, then checks that no more arrive after the process managers settle. */
  async receivedExactly(count: number, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received().length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages for tenant ${this.tenantId} within ${timeoutMs} ms, got ${this.received().length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.events();
    expect(this.received()).toHaveLength(count);
    return this.received();
  }

  async emails(variables: Record<string, unknown> = {}): Promise<EmailConnectionView> {
    const minPosition = await this.headPosition();
    return (await this.ok<{ emails: EmailConnectionView }>('emails', EMAIL_DOCUMENTS.emails, { minPosition, ...variables })).emails;
  }

  async invoiceEmails(invoiceId: string): Promise<EmailView[]> {
    const minPosition = await this.headPosition();
    return (await this.ok<{ invoiceEmails: EmailView[] }>('invoiceEmails', EMAIL_DOCUMENTS.invoiceEmails, { invoiceId, minPosition })).invoiceEmails;
  }

  /** The position of this tenant's last event (after the process managers settled): what the read models must reach. */
  async headPosition(): Promise<string> {
    const last = (await this.events()).at(-1);
    return last === undefined ? '0.0' : `${last.position.commit}.${last.position.prepare}`;
  }
}
