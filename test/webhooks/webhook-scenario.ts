import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { encodePosition } from '../../libs/event-store/src/index.js';
import { requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { issuedInvoice, type TestLedger } from '../support/ledger-test-app.js';

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function signingSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export const WEBHOOK_DELIVERY_FIELDS = `id endpointId messageId round eventType sourcePosition status attempts responseStatus durationMs error nextAttemptAt abandonReason
  firstAttemptedAt lastAttemptedAt deliveredAt attemptLog { attempt status responseStatus durationMs error attemptedAt nextAttemptAt }`;

export const WEBHOOK_DOCUMENTS = {
  updateNotifications: `mutation ($input: UpdateNotificationSettingsInput!) {
    updateNotificationSettings(input: $input) { position settings { notifications { webhooks { id enabled secretSet } } } } }`,
  updateFeatures: 'mutation ($input: UpdateFeatureSettingsInput!) { updateFeatureSettings(input: $input) { position } }',
  deliveries: `query ($filter: WebhookDeliveryFilter, $first: Int, $after: String, $minPosition: String) {
    webhookDeliveries(filter: $filter, first: $first, after: $after, minPosition: $minPosition) { edges { cursor node { ${WEBHOOK_DELIVERY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
  replay: `mutation ($input: ReplayWebhookEndpointInput!) { replayWebhookEndpoint(input: $input) { endpointId round fromPosition position } }`,
  status: `query ($endpointId: ID!, $minPosition: String) { webhookEndpointStatus(endpointId: $endpointId, minPosition: $minPosition) {
    endpointId enabled webhooksEnabled feed { round startedFrom cursor startReason startedAt replayRequestedAt updatedAt } } }`,
  settings: 'query ($minPosition: String) { billingSettings(minPosition: $minPosition) { notifications { webhooks { id enabled } } } }',
  createTestClock: 'mutation ($input: CreateTestClockInput!) { createTestClock(input: $input) { position } }',
  advanceTestClock: 'mutation ($input: AdvanceTestClockInput!) { advanceTestClock(input: $input) { position dueWork { steps done parked dropped } } }',
  voidInvoice: 'mutation ($input: VoidInvoiceInput!) { voidInvoice(input: $input) { position } }',
} as const;

export interface WebhookAttemptView {
  attempt: number;
  status: 'DELIVERED' | 'FAILED' | 'GAVE_UP';
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  attemptedAt: string;
  nextAttemptAt: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  messageId: string;
  round: number;
  eventType: string;
  sourcePosition: string;
  status: 'DELIVERED' | 'FAILED' | 'GAVE_UP';
  attempts: number;
  responseStatus: number | null;
  durationMs: number | null;
  error: string | null;
  nextAttemptAt: string | null;
  abandonReason: string | null;
  firstAttemptedAt: string;
  lastAttemptedAt: string;
  deliveredAt: string | null;
  attemptLog: WebhookAttemptView[];
}

/** An endpoint as updateNotificationSettings takes it (GraphQL enum names). */
export interface EndpointInput {
  id: string;
  url: string;
  events: readonly string[];
  authType: 'SIGNATURE' | 'BEARER_TOKEN' | 'BASIC_AUTH' | 'API_KEY' | 'NONE';
  secret?: string | null;
  enabled?: boolean;
}

/** One tenant of the test ledger (admin key), optionally on a test clock, with what webhook scenarios do. */
export class WebhookTenant {
  position = '';

  private constructor(
    readonly ledger: TestLedger,
    readonly tenantId: string,
    readonly key: string,
  ) {}

  static async start(ledger: TestLedger, prefix: string, options: { testClockAt?: string } = {}): Promise<WebhookTenant> {
    const tenantId = `${prefix}-${randomUUID().slice(0, 8)}`;
    const tenant = new WebhookTenant(ledger, tenantId, await ledger.createKey(tenantId, 'admin'));
    if (options.testClockAt !== undefined) await tenant.ok('createTestClock', WEBHOOK_DOCUMENTS.createTestClock, { input: { clockId: 'clock', name: 'Webhooks', frozenTime: options.testClockAt } });
    return tenant;
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

  /** Replaces the tenant's endpoints; answers the position of the settings event. */
  async endpoints(endpoints: readonly EndpointInput[]): Promise<string> {
    await this.ok('updateNotificationSettings', WEBHOOK_DOCUMENTS.updateNotifications, { input: { webhooks: endpoints } });
    return this.position;
  }

  async features(webhooks: boolean): Promise<string> {
    await this.ok('updateFeatureSettings', WEBHOOK_DOCUMENTS.updateFeatures, { input: { webhooks } });
    return this.position;
  }

  /** Creates and issues an invoice (one `invoice.created` message); answers its id and the position. */
  async invoice(): Promise<{ invoiceId: string; position: string }> {
    const issued = await issuedInvoice(this.ledger, { customerId: `customer-${randomUUID().slice(0, 6)}` }, this.key);
    this.position = issued.position;
    return { invoiceId: issued.invoice.id, position: issued.position };
  }

  async advance(to: string): Promise<{ steps: number; done: number; parked: number; dropped: number }> {
    const data = await this.ok<{ advanceTestClock: { dueWork: { steps: number; done: number; parked: number; dropped: number } } }>('advanceTestClock', WEBHOOK_DOCUMENTS.advanceTestClock, {
      input: { clockId: 'clock', to },
    });
    return data.advanceTestClock.dueWork;
  }

  /** The deliveries (newest first) once the read model has reached the log's last committed event. */
  async deliveries(filter: Record<string, unknown> = {}, first = 100): Promise<WebhookDeliveryView[]> {
    const data = requireData(
      await this.send<{ webhookDeliveries: { edges: { node: WebhookDeliveryView }[] } }>(WEBHOOK_DOCUMENTS.deliveries, { filter, first, minPosition: await this.head() }),
      'webhookDeliveries',
    );
    return data.webhookDeliveries.edges.map((edge) => edge.node);
  }

  /** Polls the deliveries until `done` says so (the first attempts are made asynchronously, by the dispatcher's lanes). */
  async waitForDeliveries(done: (deliveries: WebhookDeliveryView[]) => boolean, filter: Record<string, unknown> = {}, timeoutMs = 15_000): Promise<WebhookDeliveryView[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const deliveries = await this.deliveries(filter);
      if (done(deliveries)) return deliveries;
      if (Date.now() > deadline) throw new Error(`webhook deliveries did not settle within ${timeoutMs} ms: ${JSON.stringify(deliveries.map((delivery) => [delivery.eventType, delivery.status, delivery.attempts]))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The position of the last committed event of the server (not the store's safe head: see SubscriptionScenario.head). */
  async head(): Promise<string> {
    const { rows } = await sql<{ commit: string; prepare: string }>`
      select transaction_id::text as commit, global_position::text as prepare from event_store.events
      order by transaction_id desc, global_position desc limit 1`.execute(this.ledger.services.db);
    const last = rows[0];
    return encodePosition(last ? { commit: BigInt(last.commit), prepare: BigInt(last.prepare) } : await this.ledger.services.store.headPosition());
  }
}
