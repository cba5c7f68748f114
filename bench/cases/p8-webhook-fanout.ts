/**
 * P8, webhook fan-out (docs/webhooks.md): N issued invoices (2,000; --quick 200), each an `invoice.created` message, to E
 * endpoints (4) of one tenant on a local HTTP receiver (node:http, 127.0.0.1, answers 204 at once). The invoices and the
 * endpoints are written first (not measured) and every read model catches up; then a ProjectionRunner with the webhook
 * dispatcher starts (the read models keep running beside it, as in the projector), and the run lasts until the receiver has had N x E requests and N x E attempt records are
 * in the store. Each message is mapped from its event, signed (`whsec_`), POSTed with the ledger's sender, and recorded
 * as a WebhookDeliveryAttempted event after its message stream was read: the whole first-attempt path.
 *
 * The reference, in the same run and process, to the same receiver: the same N x E messages as plain signed POSTs
 * (signWebhook + sendWebhookRequest, the same keep-alive pools), E at a time, each endpoint's one after another: what
 * the network part alone costs at the dispatcher's concurrency (one lane per endpoint).
 *
 *   BENCH_P8_INVOICES=2000 BENCH_P8_ENDPOINTS=4
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import type { CommandContext } from '../../libs/application/src/index.js';
import { connectDatabase } from '../../libs/database/src/index.js';
import { PostgresEventStore } from '../../libs/event-store/src/index.js';
import { createInvoice, issueInvoice, updateBillingSettingsSection, upsertCustomer, type ApplicationServices } from '../../libs/ledger-application/src/index.js';
import { stopWebhookDelivery, webhookDispatcher, webhookServicesOf } from '../../libs/ledger-application/src/webhooks/index.js';
import { ProjectionRunner, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { silentLog } from '../../libs/runtime/src/index.js';
import { EventStoreTenantClock } from '../../libs/scheduler/src/index.js';
import { InMemorySecretStore } from '../../libs/secrets/src/index.js';
import { sendWebhookRequest, webhookRequestHeaders } from '../../libs/webhooks/src/index.js';
import { allProjections } from '../../projections/index.js';
import { caseDatabase, integerFromEnv, type CaseContext } from '../lib/context.js';
import { waitForCheckpoints } from '../lib/ledger-api.js';
import { table, type CaseReport } from '../lib/report.js';
import { formatNumber, round, sleep } from '../lib/stats.js';

const TENANT = 'bench';
const SEED_WRITERS = 8;
const RUN_TIMEOUT_MS = 600_000;

export async function runP8(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const invoices = context.quick ? 200 : integerFromEnv('BENCH_P8_INVOICES', 2_000, 10);
  const endpoints = integerFromEnv('BENCH_P8_ENDPOINTS', 4, 1);
  const messages = invoices * endpoints;

  let received = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

  const connectionString = await caseDatabase(context, 'webhooks');
  const store = new PostgresEventStore({ connectionString });
  await store.migrate();
  const { db, close } = connectDatabase<ReadModelDatabase>(connectionString, { poolSize: 10, applicationName: 'bench-p8' });
  const clock = () => new Date();
  const services: ApplicationServices = { store, db, clock, tenantClock: new EventStoreTenantClock(store, clock), log: silentLog, config: { readYourWritesTimeoutMs: 5_000 }, secrets: new InMemorySecretStore() };
  const commandContext = (): CommandContext => {
    const commandId = randomUUID();
    return { tenantId: TENANT, actor: 'bench', commandId, correlationId: commandId, causationId: commandId, now: clock().toISOString() };
  };
  const secrets = Array.from({ length: endpoints }, () => `whsec_${randomBytes(32).toString('base64')}`);
  const dispatcher = webhookDispatcher({ ...webhookServicesOf({ ...services, log: silentLog }), agents }, { fromStart: true, name: 'bench_webhook_dispatcher' });
  // The read models in one runner, caught up before the run; the dispatcher alone in another, started for the run.
  const readModels = new ProjectionRunner({ store, db, connectionString, projections: [...allProjections] });
  const runner = new ProjectionRunner({ store, db, connectionString, projections: [dispatcher] });
  try {
    // Seed (not measured): the endpoints, then the customers and the issued invoices.
    await updateBillingSettingsSection(services, commandContext(), 'notifications', (current) => ({
      ...current.notifications,
      webhooks: secrets.map((secret, index) => ({ id: `endpoint-${index}`, url: `${url}?endpoint=${index}`, events: ['invoice.created'], authType: 'signature', secret, enabled: true })),
    }));
    const address = { line1: '1 Bench Street', line2: null, city: 'Benchville', region: null, postalCode: '00000', country: 'US' };
    for (let index = 0; index < 20; index += 1) {
      await upsertCustomer(services, commandContext(), { customerId: `customer-${index}`, name: `Customer ${index}`, email: null, billingAddress: address, taxExempt: false });
    }
    const seedStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SEED_WRITERS }, async () => {
        for (let index = next++; index < invoices; index = next++) {
          const draft = await createInvoice(services, commandContext(), { customerId: `customer-${index % 20}`, currency: 'USD', lines: [{ description: 'Fibre 100', quantity: '1', unitPrice: '39.99', taxRate: '20' }] });
          await issueInvoice(services, commandContext(), { invoiceId: draft.state.invoiceId as string });
        }
      }),
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    console.log(`P8: seeded ${invoices} issued invoices and ${endpoints} endpoints in ${formatNumber(seedSeconds, 1)} s`);

    await readModels.start();
    await waitForCheckpoints({ db, store }, allProjections.map((projection) => projection.name), RUN_TIMEOUT_MS);

    // The run: the dispatcher from the start of the log, until every message is received and recorded.
    const runStarted = Date.now();
    await runner.start();
    const recorded = async () => {
      const { rows } = await sql<{ count: string }>`select count(*)::text as count from event_store.events where type = 'WebhookDeliveryAttempted'`.execute(db);
      return Number(rows[0]?.count ?? 0);
    };
    let receivedAtMs = 0;
    for (;;) {
      if (receivedAtMs === 0 && received >= messages) receivedAtMs = Date.now() - runStarted;
      if (received >= messages && (await recorded()) >= messages) break;
      if (Date.now() - runStarted > RUN_TIMEOUT_MS) throw new Error(`P8: ${received} of ${messages} messages received, ${await recorded()} recorded, after ${RUN_TIMEOUT_MS} ms`);
      await sleep(20);
    }
    const runMs = Date.now() - runStarted;
    const perSecond = round((messages / runMs) * 1000, 1);
    console.log(`P8: ${messages} messages delivered and recorded in ${formatNumber(runMs / 1000, 2)} s: ${formatNumber(perSecond, 1)} messages/s`);
    await runner.stop();
    await stopWebhookDelivery(store);

    // The reference: the same messages as plain signed POSTs, one sequence per endpoint, endpoints side by side.
    const body = JSON.stringify({ type: 'invoice.created', timestamp: new Date().toISOString(), data: { invoiceId: randomUUID(), total: '47.99' } });
    const receivedBefore = received;
    const referenceStarted = Date.now();
    await Promise.all(
      secrets.map(async (secret, index) => {
        for (let count = 0; count < invoices; count += 1) {
          const headers = webhookRequestHeaders({ messageId: randomUUID(), timestampSeconds: Math.floor(Date.now() / 1000), body, authType: 'signature', secret, previousSecret: null });
          const result = await sendWebhookRequest({ url: `${url}?endpoint=${index}`, headers, body }, { timeoutMs: 15_000, agents });
          if (result.kind !== 'response' || result.status !== 204) throw new Error(`P8 reference: ${JSON.stringify(result)}`);
        }
      }),
    );
    const referenceMs = Date.now() - referenceStarted;
    if (received - receivedBefore !== messages) throw new Error(`P8 reference: ${received - receivedBefore} of ${messages} received`);
    const referencePerSecond = round((messages / referenceMs) * 1000, 1);
    const ratio = round(perSecond / referencePerSecond, 3);
    console.log(`P8: reference ${messages} plain signed POSTs in ${formatNumber(referenceMs / 1000, 2)} s: ${formatNumber(referencePerSecond, 1)} messages/s; ratio ${ratio}`);

    const summary = table(
      ['run', 'messages', 'seconds', 'messages/s'],
      [
        [`dispatcher: map, read the message stream, sign, POST, record (${endpoints} lanes)`, messages, formatNumber(runMs / 1000, 2), formatNumber(perSecond, 1)],
        [`reference: plain signed POSTs, ${endpoints} sequences side by side`, messages, formatNumber(referenceMs / 1000, 2), formatNumber(referencePerSecond, 1)],
      ],
      [false, true, true, true],
    );
    const markdown = `${invoices} issued invoices of one tenant with ${endpoints} signature endpoints subscribed to \`invoice.created\`, on a local
HTTP receiver that answers 204 at once; written first (${formatNumber(seedSeconds, 1)} s, not measured), every read model caught up.
Then the webhook dispatcher starts from the start of the log, the read models running beside it in the same process, until all ${messages} messages are received and
their attempts recorded (the receiver had them all after ${formatNumber(receivedAtMs / 1000, 2)} s). The reference, in the same run
and process: the same number of plain signed POSTs to the same receiver with the same sender and pools, one sequence per
endpoint, endpoints side by side.

${summary}

Each of our messages costs, besides the POST, a read of its message stream and one append (the attempt record), and
shares the database with every projection; the ratio says what delivery's bookkeeping costs over the network part.
`;
    return {
      id: 'P8',
      title: 'webhook fan-out',
      seeded: `${invoices} issued invoices and ${endpoints} webhook endpoints of one tenant, written through the handlers.`,
      bars: [
        { name: 'webhook fan-out (messages/s)', value: perSecond, unit: '/s', comparison: '>=', detail: `${invoices} events x ${endpoints} endpoints, delivered and recorded` },
        { name: 'fan-out ÷ plain signed POSTs, same run', value: ratio, unit: 'x', comparison: '>=', detail: 'no bar yet' },
      ],
      markdown,
      data: { settings: { invoices, endpoints }, runMs, receivedAtMs, perSecond, referenceMs, referencePerSecond, ratio },
      durationSeconds: round((Date.now() - started) / 1000, 1),
      generatedAt: new Date().toISOString(),
      quick: context.quick,
    };
  } finally {
    await runner.stop().catch(() => undefined);
    await readModels.stop().catch(() => undefined);
    await stopWebhookDelivery(store);
    agents.http.destroy();
    agents.https.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await close();
    await store.close();
  }
}
