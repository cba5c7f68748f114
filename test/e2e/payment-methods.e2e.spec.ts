import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { collectSubscription, connectWebSocket } from '../support/graphql-ws.collector.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { eventCount, newTenant } from '../support/settings-effect.support.js';

/**
 * Payment methods on file over HTTP and WebSocket: the five mutations, the read model behind paymentMethod and
 * paymentMethods, full card data refused without an echo, and the gateway token never leaving the server.
 */

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

interface PaymentMethodView {
  id: string;
  customerId: string;
  type: string;
  status: string;
  verificationStatus: string | null;
  verificationFailureReason: string | null;
  brand: string | null;
  last4: string | null;
  expiryMonth: number | null;
  expiryYear: number | null;
  holderName: string | null;
  description: string;
  hasGatewayToken: boolean;
  addedAt: string;
  verifiedAt: string | null;
  expiredAt: string | null;
  deactivatedAt: string | null;
  deactivationReason: string | null;
}
interface Payload {
  paymentMethod: PaymentMethodView;
  position: string;
}
interface Connection {
  edges: { cursor: string; node: PaymentMethodView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const FIELDS = `id customerId type status verificationStatus verificationFailureReason brand last4 expiryMonth expiryYear holderName description
  hasGatewayToken addedAt verifiedAt expiredAt deactivatedAt deactivationReason`;
const MUTATIONS = {
  addPaymentMethod: 'AddPaymentMethodInput',
  verifyPaymentMethod: 'VerifyPaymentMethodInput',
  failPaymentMethodVerification: 'FailPaymentMethodVerificationInput',
  expirePaymentMethod: 'ExpirePaymentMethodInput',
  deactivatePaymentMethod: 'DeactivatePaymentMethodInput',
} as const;
type MutationName = keyof typeof MUTATIONS;
const mutationDocument = (name: MutationName) => `mutation ($input: ${MUTATIONS[name]}!) { ${name}(input: $input) { position paymentMethod { ${FIELDS} } } }`;
const METHOD_QUERY = `query ($id: ID!, $minPosition: String) { paymentMethod(id: $id, minPosition: $minPosition) { ${FIELDS} } }`;
const METHODS_QUERY = `
  query ($customerId: String, $status: PaymentMethodStatus, $first: Int, $after: String, $minPosition: String) {
    paymentMethods(customerId: $customerId, status: $status, first: $first, after: $after, minPosition: $minPosition) {
      edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage endCursor }
    }
  }`;

const GATEWAY_TOKEN = 'tok_pm_secret_9f3a71c0de';
const visa = { customerId: 'cust-1', type: 'CARD', brand: 'Visa', last4: '4242', expiryMonth: 12, expiryYear: 2028, gatewayToken: GATEWAY_TOKEN, holderName: 'Ada Lovelace' };
const bankAccount = { customerId: 'cust-1', type: 'BANK_ACCOUNT', last4: '6789', gatewayToken: `${GATEWAY_TOKEN}_bank`, holderName: 'Ada Lovelace' };

function mutate(name: MutationName, input: Record<string, unknown>, key: string): Promise<GraphQLHttpResponse<Record<string, Payload>>> {
  return ledger.graphql<Record<string, Payload>>(mutationDocument(name), { input }, key);
}

async function mutateOk(name: MutationName, input: Record<string, unknown>, key: string): Promise<Payload> {
  return requireData(await mutate(name, input, key), name)[name] as Payload;
}

async function readMethod(id: string, key: string, minPosition?: string): Promise<PaymentMethodView | null> {
  return requireData(await ledger.graphql<{ paymentMethod: PaymentMethodView | null }>(METHOD_QUERY, { id, minPosition }, key), 'paymentMethod').paymentMethod;
}

async function listMethods(variables: Record<string, unknown>, key: string): Promise<Connection> {
  return requireData(await ledger.graphql<{ paymentMethods: Connection }>(METHODS_QUERY, variables, key), 'paymentMethods').paymentMethods;
}

describe('addPaymentMethod', () => {
  it('puts a card on file, active, described as "visa ****4242", read back and listed for its customer', async () => {
    const { key } = await newTenant(ledger, 'pm');
    const payload = await mutateOk('addPaymentMethod', visa, key);
    expect(payload.paymentMethod).toEqual({
      id: expect.any(String),
      customerId: 'cust-1',
      type: 'CARD',
      status: 'ACTIVE',
      verificationStatus: null,
      verificationFailureReason: null,
      brand: 'visa',
      last4: '4242',
      expiryMonth: 12,
      expiryYear: 2028,
      holderName: 'Ada Lovelace',
      description: 'visa ****4242',
      hasGatewayToken: true,
      addedAt: expect.any(String),
      verifiedAt: null,
      expiredAt: null,
      deactivatedAt: null,
      deactivationReason: null,
    });
    expect(await readMethod(payload.paymentMethod.id, key, payload.position)).toEqual(payload.paymentMethod);
    const other = await mutateOk('addPaymentMethod', { ...visa, customerId: 'cust-2', gatewayToken: 'tok_other' }, key);
    const listed = await listMethods({ customerId: 'cust-1', minPosition: other.position }, key);
    expect(listed.edges.map((edge) => edge.node)).toEqual([payload.paymentMethod]);
    expect(listed.pageInfo).toEqual({ hasNextPage: false, endCursor: listed.edges[0]?.cursor });
  });

  it('pages newest first and filters on status', async () => {
    const { key } = await newTenant(ledger, 'pm');
    const first = await mutateOk('addPaymentMethod', visa, key);
    const second = await mutateOk('addPaymentMethod', { ...bankAccount }, key);
    const page1 = await listMethods({ customerId: 'cust-1', first: 1, minPosition: second.position }, key);
    expect(page1.edges.map((edge) => edge.node.id)).toEqual([second.paymentMethod.id]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await listMethods({ customerId: 'cust-1', first: 1, after: page1.pageInfo.endCursor }, key);
    expect(page2.edges.map((edge) => edge.node.id)).toEqual([first.paymentMethod.id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const pending = await listMethods({ status: 'REQUIRES_VERIFICATION' }, key);
    expect(pending.edges.map((edge) => edge.node.id)).toEqual([second.paymentMethod.id]);
    expect(firstErrorCode(await ledger.graphql(METHODS_QUERY, { after: 'not-a-cursor' }, key))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(METHODS_QUERY, { first: 0 }, key))).toBe('VALIDATION_FAILED');
  });

  it('the same idempotency key replays the same payload and appends nothing; another input with it is refused', async () => {
    const { tenantId, key } = await newTenant(ledger, 'pm');
    const once = await mutateOk('addPaymentMethod', { ...visa, idempotencyKey: 'add-visa-1' }, key);
    const before = await eventCount(ledger, tenantId);
    const again = await mutateOk('addPaymentMethod', { ...visa, idempotencyKey: 'add-visa-1' }, key);
    expect(again).toEqual(once);
    expect(await eventCount(ledger, tenantId)).toBe(before);
    expect(firstErrorCode(await mutate('addPaymentMethod', { ...visa, last4: '1111', idempotencyKey: 'add-visa-1' }, key))).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('verification', () => {
  it('a bank account requires verification; verify makes it ACTIVE and VERIFIED', async () => {
    const { key } = await newTenant(ledger, 'pm');
    const added = await mutateOk('addPaymentMethod', bankAccount, key);
    expect(added.paymentMethod).toMatchObject({ type: 'BANK_ACCOUNT', status: 'REQUIRES_VERIFICATION', verificationStatus: 'PENDING', description: 'bank account ****6789' });
    const verified = await mutateOk('verifyPaymentMethod', { paymentMethodId: added.paymentMethod.id }, key);
    expect(verified.paymentMethod).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED', verifiedAt: expect.any(String) });
    expect(await readMethod(added.paymentMethod.id, key, verified.position)).toEqual(verified.paymentMethod);
  });

  it('a failed verification leaves it VERIFICATION_FAILED with the reason', async () => {
    const { key } = await newTenant(ledger, 'pm');
    const added = await mutateOk('addPaymentMethod', bankAccount, key);
    const failed = await mutateOk('failPaymentMethodVerification', { paymentMethodId: added.paymentMethod.id, reason: 'micro-deposit amounts did not match' }, key);
    expect(failed.paymentMethod).toMatchObject({ status: 'VERIFICATION_FAILED', verificationStatus: 'FAILED', verificationFailureReason: 'micro-deposit amounts did not match' });
    expect(await readMethod(added.paymentMethod.id, key, failed.position)).toEqual(failed.paymentMethod);
    const failedOnes = await listMethods({ customerId: 'cust-1', status: 'VERIFICATION_FAILED' }, key);
    expect(failedOnes.edges.map((edge) => edge.node.id)).toEqual([added.paymentMethod.id]);
  });
});

describe('expiry and deactivation', () => {
  it('expires a card only once the test clock is past its expiry month', async () => {
    const { key } = await newTenant(ledger, 'pm');
    const added = await mutateOk('addPaymentMethod', { ...visa, expiryMonth: 6, expiryYear: 2027 }, key);
    expect(firstErrorCode(await mutate('expirePaymentMethod', { paymentMethodId: added.paymentMethod.id }, key))).toBe('PAYMENT_METHOD_NOT_EXPIRED');
    const restore = new Date(Date.parse(added.paymentMethod.addedAt) + 1_000).toISOString();
    ledger.clock.setInstant('2027-07-01T00:00:00.000Z');
    try {
      const expired = await mutateOk('expirePaymentMethod', { paymentMethodId: added.paymentMethod.id }, key);
      expect(expired.paymentMethod).toMatchObject({ status: 'EXPIRED', expiredAt: expect.stringMatching(/^2027-07-01T/) });
      expect(await readMethod(added.paymentMethod.id, key, expired.position)).toEqual(expired.paymentMethod);
    } finally {
      ledger.clock.setInstant(restore);
    }
  });

  it('deactivates for good: a second deactivation appends nothing, a verification is refused', async () => {
    const { tenantId, key } = await newTenant(ledger, 'pm');
    const added = await mutateOk('addPaymentMethod', bankAccount, key);
    const deactivated = await mutateOk('deactivatePaymentMethod', { paymentMethodId: added.paymentMethod.id, reason: 'customer removed it' }, key);
    expect(deactivated.paymentMethod).toMatchObject({ status: 'INACTIVE', deactivationReason: 'customer removed it', deactivatedAt: expect.any(String) });
    expect(await readMethod(added.paymentMethod.id, key, deactivated.position)).toEqual(deactivated.paymentMethod);
    const before = await eventCount(ledger, tenantId);
    expect((await mutateOk('deactivatePaymentMethod', { paymentMethodId: added.paymentMethod.id }, key)).paymentMethod.status).toBe('INACTIVE');
    expect(firstErrorCode(await mutate('verifyPaymentMethod', { paymentMethodId: added.paymentMethod.id }, key))).toBe('PAYMENT_METHOD_INACTIVE');
    expect(await eventCount(ledger, tenantId)).toBe(before);
  });
});

describe('full card data is refused and never echoed', () => {
  const PAN_FORMS = ['4242424242424242', '4242 4242 4242 4242', '4242-4242-4242-4242'];
  it.each([
    ['a PAN as brand', { brand: '4242 4242 4242 4242' }],
    ['a PAN in holderName', { holderName: 'Ada 4242424242424242' }],
    ['a PAN as gatewayToken', { gatewayToken: '4242-4242-4242-4242' }],
    ['a PAN as last4', { last4: '4242424242424242' }],
    ['a cvv field', { cvv: '737' }],
    ['a cardNumber field', { cardNumber: '4242424242424242' }],
  ])('%s: VALIDATION_FAILED, 0 events, the digits nowhere in the response or the logs', async (_case, change) => {
    const { tenantId, key } = await newTenant(ledger, 'pm');
    const logsBefore = ledger.logs.length;
    const response = await mutate('addPaymentMethod', { ...visa, ...change }, key);
    expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
    expect(response.data?.addPaymentMethod ?? null).toBeNull();
    for (const pan of PAN_FORMS) expect(response.rawBody.includes(pan)).toBe(false);
    if ('cvv' in change) expect(response.rawBody.includes('737')).toBe(false);
    expect(ledger.logs.slice(logsBefore).join('\n')).not.toMatch(/4242.?4242.?4242.?4242|737/);
    expect(await eventCount(ledger, tenantId)).toBe(0);
  });
});

describe('the gateway token never leaves the server', () => {
  it('is absent from payloads, queries, lists, the billingEvents subscription and the stored event (the secret store holds it)', async () => {
    const { tenantId, key } = await newTenant(ledger, 'pm');
    const connection = await connectWebSocket(ledger.url, key);
    const events = collectSubscription<{ type: string; data: Record<string, unknown> }>(
      connection,
      'billingEvents',
      'subscription ($types: [String!]) { billingEvents(types: $types) { type data } }',
      { types: ['PaymentMethodAdded'] },
    );
    try {
      const add = await mutate('addPaymentMethod', { ...visa, idempotencyKey: 'token-check' }, key);
      const payload = requireData(add, 'addPaymentMethod').addPaymentMethod as Payload;
      const replay = await mutate('addPaymentMethod', { ...visa, idempotencyKey: 'token-check' }, key);
      const read = await ledger.graphql(METHOD_QUERY, { id: payload.paymentMethod.id, minPosition: payload.position }, key);
      const list = await ledger.graphql(METHODS_QUERY, { customerId: 'cust-1' }, key);
      for (const body of [add.rawBody, replay.rawBody, read.rawBody, list.rawBody]) expect(body.includes(GATEWAY_TOKEN)).toBe(false);
      const [added] = await events.waitForCount(1);
      expect(added?.type).toBe('PaymentMethodAdded');
      expect(added?.data.gatewayToken).toBeUndefined();
      expect(added?.data.gatewayTokenRef).toMatch(/^sec_[0-9a-f-]{36}$/);
      expect(added?.data.last4).toBe('4242');
      expect(JSON.stringify(events.items).includes(GATEWAY_TOKEN)).toBe(false);
      expect(ledger.logs.join('\n').includes(GATEWAY_TOKEN)).toBe(false);
      // The event names the token by its reference (docs/secrets.md); the secret store gives the token back.
      const stored = (await ledger.tenantEvents(tenantId)).find((event) => event.type === 'PaymentMethodAdded');
      const data = stored?.data as { gatewayToken?: string; gatewayTokenRef: string };
      expect(data.gatewayToken).toBeUndefined();
      expect(JSON.stringify(stored?.data).includes(GATEWAY_TOKEN)).toBe(false);
      expect(await ledger.services.secrets.reveal(tenantId, data.gatewayTokenRef)).toBe(GATEWAY_TOKEN);
    } finally {
      events.stop();
      await connection.close();
    }
  });
});

describe('bad input gets its code and appends nothing', () => {
  it('per mutation', async () => {
    const { tenantId, key } = await newTenant(ledger, 'pm');
    const card = (await mutateOk('addPaymentMethod', visa, key)).paymentMethod.id;
    const bank = (await mutateOk('addPaymentMethod', bankAccount, key)).paymentMethod.id;
    const before = await eventCount(ledger, tenantId);
    const cases: [MutationName, Record<string, unknown>, string][] = [
      ['addPaymentMethod', { ...visa, brand: null }, 'VALIDATION_FAILED'],
      ['addPaymentMethod', { ...visa, last4: '42a2' }, 'VALIDATION_FAILED'],
      ['addPaymentMethod', { ...visa, expiryMonth: 13 }, 'VALIDATION_FAILED'],
      ['addPaymentMethod', { ...visa, expiryMonth: 1, expiryYear: 2026 }, 'VALIDATION_FAILED'],
      ['addPaymentMethod', { ...visa, type: 'PAYPAL' }, 'VALIDATION_FAILED'],
      ['addPaymentMethod', { ...visa, gatewayToken: '' }, 'VALIDATION_FAILED'],
      ['verifyPaymentMethod', { paymentMethodId: 'no-such-method' }, 'NOT_FOUND'],
      ['verifyPaymentMethod', { paymentMethodId: card }, 'PAYMENT_METHOD_NOT_AWAITING_VERIFICATION'],
      ['failPaymentMethodVerification', { paymentMethodId: bank, reason: '' }, 'VALIDATION_FAILED'],
      ['failPaymentMethodVerification', { paymentMethodId: card, reason: 'no' }, 'PAYMENT_METHOD_NOT_AWAITING_VERIFICATION'],
      ['expirePaymentMethod', { paymentMethodId: bank }, 'PAYMENT_METHOD_NOT_EXPIRED'],
      ['expirePaymentMethod', { paymentMethodId: card }, 'PAYMENT_METHOD_NOT_EXPIRED'],
      ['deactivatePaymentMethod', { paymentMethodId: 'no-such-method' }, 'NOT_FOUND'],
      ['deactivatePaymentMethod', { paymentMethodId: card, reason: 'x'.repeat(501) }, 'VALIDATION_FAILED'],
    ];
    for (const [name, input, code] of cases) {
      expect([name, input, firstErrorCode(await mutate(name, input, key))]).toEqual([name, input, code]);
    }
    expect(await eventCount(ledger, tenantId)).toBe(before);
  });
});

describe('roles and tenants', () => {
  it('an auditor reads but cannot add (FORBIDDEN)', async () => {
    const { tenantId, key } = await newTenant(ledger, 'pm');
    const auditor = await ledger.createKey(tenantId, 'auditor');
    const added = await mutateOk('addPaymentMethod', visa, key);
    expect(firstErrorCode(await mutate('addPaymentMethod', { ...visa, gatewayToken: 'tok_auditor' }, auditor))).toBe('FORBIDDEN');
    expect(firstErrorCode(await mutate('deactivatePaymentMethod', { paymentMethodId: added.paymentMethod.id }, auditor))).toBe('FORBIDDEN');
    expect(await readMethod(added.paymentMethod.id, auditor, added.position)).toEqual(added.paymentMethod);
    expect(await eventCount(ledger, tenantId)).toBe(1);
  });

  it('another tenant neither sees nor changes a method', async () => {
    const a = await newTenant(ledger, 'pm');
    const b = await newTenant(ledger, 'pm');
    const added = await mutateOk('addPaymentMethod', visa, a.key);
    expect(await readMethod(added.paymentMethod.id, b.key, added.position)).toBeNull();
    expect((await listMethods({ customerId: 'cust-1' }, b.key)).edges).toEqual([]);
    expect(firstErrorCode(await mutate('deactivatePaymentMethod', { paymentMethodId: added.paymentMethod.id }, b.key))).toBe('NOT_FOUND');
    expect((await readMethod(added.paymentMethod.id, a.key))?.status).toBe('ACTIVE');
    expect(await eventCount(ledger, b.tenantId)).toBe(0);
  });
});
