/** Streams are named `<tenant>:<aggregate>-<id>`, so a tenant's events are one stream prefix (`<tenant>:`). */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function streamName(tenantId: string, aggregate: string, id: string): string {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error(`invalid tenant id ${JSON.stringify(tenantId)}`);
  return `${tenantId}:${aggregate}-${id}`;
}

export function tenantPrefix(tenantId: string): string {
  return `${tenantId}:`;
}

export function tenantOfStream(streamId: string): string {
  const separator = streamId.indexOf(':');
  if (separator <= 0) throw new Error(`stream ${streamId} carries no tenant`);
  return streamId.slice(0, separator);
}

export const streams = {
  invoice: (tenantId: string, invoiceId: string) => streamName(tenantId, 'invoice', invoiceId),
  numberSequence: (tenantId: string, documentKind: string, periodKey: string) => streamName(tenantId, 'number_sequence', `${documentKind}-${periodKey}`),
  /** A sequence by its id, `<documentKind>-<periodKey>`. */
  numberSequenceById: (tenantId: string, sequenceId: string) => streamName(tenantId, 'number_sequence', sequenceId),
  billingSettings: (tenantId: string) => streamName(tenantId, 'billing_settings', tenantId),
  exchangeRate: (tenantId: string, base: string, quote: string) => streamName(tenantId, 'exchange_rate', `${base}-${quote}`),
  /** A rate by its id, `<base>-<quote>`. */
  exchangeRateById: (tenantId: string, pairId: string) => streamName(tenantId, 'exchange_rate', pairId),
  customer: (tenantId: string, customerId: string) => streamName(tenantId, 'customer', customerId),
  receipt: (tenantId: string, receiptId: string) => streamName(tenantId, 'receipt', receiptId),
  paymentMethod: (tenantId: string, paymentMethodId: string) => streamName(tenantId, 'payment_method', paymentMethodId),
  payment: (tenantId: string, paymentId: string) => streamName(tenantId, 'payment', paymentId),
  /** Keyed by the NORMALISED reference (normalisePaymentReference), so a repeated notification meets the first. */
  paymentReference: (tenantId: string, normalisedReference: string) => streamName(tenantId, 'payment_reference', normalisedReference),
  creditNote: (tenantId: string, creditNoteId: string) => streamName(tenantId, 'credit_note', creditNoteId),
  customerAccount: (tenantId: string, customerId: string) => streamName(tenantId, 'customer_account', customerId),
  product: (tenantId: string, productId: string) => streamName(tenantId, 'product', productId),
  plan: (tenantId: string, planId: string) => streamName(tenantId, 'plan', planId),
  pricingRule: (tenantId: string, ruleId: string) => streamName(tenantId, 'pricing_rule', ruleId),
  subscription: (tenantId: string, subscriptionId: string) => streamName(tenantId, 'subscription', subscriptionId),
  /** One test clock per tenant: the stream's id is the tenant. */
  testClock: (tenantId: string) => streamName(tenantId, 'test_clock', tenantId),
  /** One stream per (endpoint, message): every attempt to deliver one public event to one webhook endpoint. Message ids are UUIDs. */
  webhookMessage: (tenantId: string, endpointId: string, messageId: string) => streamName(tenantId, 'webhook_message', `${endpointId}-${messageId}`),
  /** A message's stream by its id, `<endpointId>-<messageId>`. */
  webhookMessageById: (tenantId: string, deliveryId: string) => streamName(tenantId, 'webhook_message', deliveryId),
  /** One webhook endpoint's feed: where its messages start, and its replays. */
  webhookEndpointFeed: (tenantId: string, endpointId: string) => streamName(tenantId, 'webhook_endpoint', endpointId),
  /** One stream per email: what was asked and every attempt (libs/billing/src/email). */
  email: (tenantId: string, emailId: string) => streamName(tenantId, 'email', emailId),
  /** One company logo per tenant: the stream's id is the tenant. */
  companyLogo: (tenantId: string) => streamName(tenantId, 'company_logo', tenantId),
  /** A company bank account (libs/billing/src/banking). */
  bankAccount: (tenantId: string, bankAccountId: string) => streamName(tenantId, 'bank_account', bankAccountId),
  /** One per tenant: the default bank account of each currency. */
  bankAccountDefaults: (tenantId: string) => streamName(tenantId, 'bank_account_defaults', tenantId),
  /** One per tenant: every matching rule and its versions. */
  matchingRules: (tenantId: string) => streamName(tenantId, 'matching_rules', tenantId),
  /** One per bank account: every statement line of the account and every decision about it. */
  bankReconciliation: (tenantId: string, bankAccountId: string) => streamName(tenantId, 'bank_reconciliation', bankAccountId),
  /** One per bank account and period, keyed `<bankAccountId>-<YYYY-MM>`. */
  reconciliationSession: (tenantId: string, sessionId: string) => streamName(tenantId, 'reconciliation_session', sessionId),
};
