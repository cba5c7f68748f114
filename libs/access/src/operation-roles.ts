import type { Principal, Role } from './principal.js';

/**
 * Which role may run each operation: the one table the API enforces, before any resolver runs, for HTTP and
 * WebSocket alike (and for the PDF routes). An operation missing from it is refused for every role, and a test
 * compares it with the live schema, so a new operation cannot ship without a decision here.
 *
 * - admin: everything in its tenant, including its API keys;
 * - finance: reads and writes the ledger; no key management;
 * - auditor: reads everything in its tenant, subscribes, changes nothing;
 * - service: subscribes and sends its allow-listed commands (payments from a gateway); reads nothing else.
 */
const everyone: readonly Role[] = ['admin', 'finance', 'auditor', 'service'];
const readers: readonly Role[] = ['admin', 'finance', 'auditor'];
const writers: readonly Role[] = ['admin', 'finance'];
const writersAndServices: readonly Role[] = ['admin', 'finance', 'service'];
const admins: readonly Role[] = ['admin'];

export type OperationKind = 'query' | 'mutation' | 'subscription' | 'http';

export const operationRoles: Readonly<Record<OperationKind, Readonly<Record<string, readonly Role[]>>>> = {
  query: {
    apiKeys: admins,
    apiKey: admins,
    arAging: readers,
    // Who did what (docs/audit-log.md): the auditors' first read, like every other read.
    auditLog: readers,
    auditTrail: readers,
    // The tamper-evident log (docs/audit-checkpoints.md): signed checkpoints and RFC 6962 proofs, read like the audit log.
    auditCheckpoints: readers,
    consistencyProof: readers,
    inclusionProof: readers,
    latestCheckpoint: readers,
    billingSettings: readers,
    billingSettingsHistory: readers,
    convertAmount: readers,
    creditNote: readers,
    creditNotes: readers,
    customer: readers,
    customerBalance: readers,
    companyLogo: readers,
    customers: readers,
    emails: readers,
    exchangeRate: readers,
    exchangeRates: readers,
    formatDate: readers,
    invoice: readers,
    invoiceEmails: readers,
    invoiceTotals: readers,
    invoices: readers,
    journalEntries: readers,
    payment: readers,
    paymentMethod: readers,
    paymentMethods: readers,
    payments: readers,
    plan: readers,
    plans: readers,
    previewSubscriptionChange: readers,
    priceQuote: readers,
    pricingRule: readers,
    pricingRules: readers,
    product: readers,
    products: readers,
    // Read-model checkpoints, lag and the tenant's state hashes (docs/rebuild.md): for auditors and admins.
    projectionState: ['admin', 'auditor'],
    projectionStates: ['admin', 'auditor'],
    receipt: readers,
    receipts: readers,
    subscription: readers,
    subscriptions: readers,
    taxRates: readers,
    tenantTime: readers,
    testClock: readers,
    trialBalance: readers,
    upcomingInvoice: readers,
    validateBillingSettings: readers,
    webhookDeliveries: readers,
    webhookEndpointStatus: readers,
    whoAmI: everyone,
    // Reconciliation and banking (docs/reconciliation.md): read like the rest of the ledger.
    bankAccount: readers,
    bankAccounts: readers,
    bankStatements: readers,
    matchingRules: readers,
    reconciliationDiscrepancies: readers,
    reconciliationReport: readers,
    reconciliationSessions: readers,
    statementLines: readers,
  },
  mutation: {
    // Reconciliation and banking (docs/reconciliation.md): finance and admins decide; auditors only read.
    approveReconciliation: writers,
    changeBankAccountVerification: writers,
    completeReconciliation: writers,
    defineMatchingRule: writers,
    importBankStatement: writers,
    matchStatementLines: writers,
    reclassifyMatchDifference: writers,
    registerBankAccount: writers,
    reopenReconciliation: writers,
    resolvePaymentDiscrepancy: writers,
    resolveStatementLine: writers,
    retireMatchingRule: writers,
    saveBankStatementCsvMapping: writers,
    setDefaultBankAccount: writers,
    startReconciliation: writers,
    unmatchStatementLines: writers,
    runMatchingRules: writers,
    activateSubscription: writers,
    addInvoiceLine: writers,
    // Test clocks move the whole tenant's time, for good (sandbox tenants): admins only.
    advanceTestClock: admins,
    addPaymentMethod: writers,
    applyCredit: writers,
    applyCreditNote: writers,
    archivePlan: writers,
    archiveProduct: writers,
    cancelPayment: writersAndServices,
    cancelSubscription: writers,
    changeSubscription: writers,
    createApiKey: admins,
    createCreditNote: writers,
    createInvoice: writers,
    createPayment: writersAndServices,
    createPlan: writers,
    createPricingRule: writers,
    createProduct: writers,
    createSubscription: writers,
    createTaxRate: writers,
    createTestClock: admins,
    deactivatePaymentMethod: writers,
    deactivatePricingRule: writers,
    deactivateTaxRate: writers,
    deleteTestClock: admins,
    // Webhook endpoints: switched off and on again like any notifications change.
    disableWebhookEndpoint: writers,
    enableWebhookEndpoint: writers,
    expirePaymentMethod: writers,
    failPaymentMethodVerification: writers,
    issueCreditNote: writers,
    issueInvoice: writers,
    markPaymentFailed: writersAndServices,
    markPaymentProcessing: writersAndServices,
    markPaymentSucceeded: writersAndServices,
    publishPlanVersion: writers,
    reactivatePricingRule: writers,
    recordExchangeRate: writers,
    recordPayment: writersAndServices,
    refundPayment: writers,
    // The logo is part of the company's branding: the same roles as updateCompanySettings.
    removeCompanyLogo: writers,
    removeInvoiceLine: writers,
    renamePlan: writers,
    resetBillingSettings: writers,
    resumeSubscription: writers,
    retryPayment: writersAndServices,
    revokeApiKey: admins,
    rotateApiKey: admins,
    setAutoApplyCredit: writers,
    sendInvoice: writers,
    setCustomerSegment: writers,
    suspendSubscription: writers,
    unarchivePlan: writers,
    updateCompanySettings: writers,
    uploadCompanyLogo: writers,
    updateFeatureSettings: writers,
    updateInvoiceSettings: writers,
    updateNotificationSettings: writers,
    updatePaymentSettings: writers,
    updatePricingRule: writers,
    updateSubscriptionSettings: writers,
    updateProduct: writers,
    updateTaxRate: writers,
    updateTaxSettings: writers,
    updateTenantProfile: writers,
    upsertCustomer: writers,
    verifyPaymentMethod: writers,
    voidCreditNote: writers,
    voidInvoice: writers,
    withdrawSubscriptionCancellation: writers,
    // Signs a statement about the log as it is and changes nothing in the ledger: an auditor may pin the log before a review.
    takeAuditCheckpoint: ['admin', 'auditor'],
    // Re-sends past events to a webhook endpoint (the same data the endpoint was configured to receive).
    replayWebhookEndpoint: writers,
    writeOffInvoice: writers,
  },
  subscription: {
    billingEvents: everyone,
    publicEvents: everyone,
  },
  http: {
    'GET /invoices/:id.pdf': readers,
    'GET /receipts/:id.pdf': readers,
    'GET /credit-notes/:id.pdf': readers,
    // The statement upload (docs/reconciliation.md): the importBankStatement mutation over a raw body, with its roles.
    'POST /bank-accounts/:bankAccountId/statements': writers,
  },
};

/** Schema meta fields: answerable without a credential where introspection is enabled at all. */
const metaFields = new Set(['__typename', '__schema', '__type']);

export type AccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN'; readonly message: string };

const ALLOWED: AccessDecision = { allowed: true };

/** Decides whether `principal` may run these root fields of one operation (all of them, or none runs). */
export function authorizeOperation(principal: Principal | undefined, kind: OperationKind, fields: readonly string[]): AccessDecision {
  const named = fields.filter((field) => !metaFields.has(field));
  if (named.length === 0) return ALLOWED;
  if (!principal) {
    return { allowed: false, code: 'UNAUTHENTICATED', message: 'a valid API key is required: send "Authorization: Bearer <key>" (HTTP) or { authorization: "Bearer <key>" } in connection_init (WebSocket)' };
  }
  const table = operationRoles[kind];
  for (const field of named) {
    const allowed = Object.hasOwn(table, field) ? table[field] : undefined;
    if (!allowed || !allowed.includes(principal.role)) {
      return { allowed: false, code: 'FORBIDDEN', message: `the ${principal.role} role may not run ${field}` };
    }
  }
  return ALLOWED;
}
