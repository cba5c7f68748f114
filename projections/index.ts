import type { Projection } from '../libs/projection-runtime/src/index.js';
import { customerBalancesProjection } from './customer-balances/customer-balances.projection.js';
import { invoicesProjection } from './invoices/invoices.projection.js';
import { customersProjection } from './customers/customers.projection.js';
import { billingSettingsProjection } from './billing-settings/billing-settings.projection.js';
import { billingSettingsHistoryProjection } from './billing-settings/billing-settings-history.projection.js';
import { exchangeRatesProjection } from './exchange-rates/exchange-rates.projection.js';
import { generalLedgerProjection } from './general-ledger/general-ledger.projection.js';
import { receiptsProjection } from './receipts/receipts.projection.js';
import { paymentMethodsProjection } from './payment-methods/payment-methods.projection.js';
import { paymentsProjection } from './payments/payments.projection.js';
import { creditNotesProjection } from './credit-notes/credit-notes.projection.js';
import { productsProjection } from './catalog/products.projection.js';
import { plansProjection } from './catalog/plans.projection.js';
import { pricingRulesProjection } from './pricing-rules/pricing-rules.projection.js';
import { dueWorkSources } from './due-work-sources.js';
import { subscriptionsProjection } from './subscriptions/subscriptions.projection.js';
import { companyLogosProjection } from './company-logos/company-logos.projection.js';
import { emailsProjection } from './email-deliveries/emails.projection.js';
import { webhookDeliveriesProjection } from './webhook-deliveries/webhook-deliveries.projection.js';
import { auditLogProjection } from './audit-log/audit-log.projection.js';
import { auditMerkleProjection } from './audit-merkle/audit-merkle.projection.js';
import { reconciliationProjection } from './reconciliation/reconciliation.projection.js';

export { invoicesProjection, parseInvoiceEvent } from './invoices/invoices.projection.js';
export { customerBalancesProjection } from './customer-balances/customer-balances.projection.js';
export { customersProjection } from './customers/customers.projection.js';
export { billingSettingsProjection } from './billing-settings/billing-settings.projection.js';
export { billingSettingsHistoryProjection } from './billing-settings/billing-settings-history.projection.js';
export { exchangeRatesProjection } from './exchange-rates/exchange-rates.projection.js';
export { generalLedgerProjection } from './general-ledger/general-ledger.projection.js';
export { receiptsProjection } from './receipts/receipts.projection.js';
export { paymentMethodsProjection } from './payment-methods/payment-methods.projection.js';
export { paymentsProjection } from './payments/payments.projection.js';
export { creditNotesProjection } from './credit-notes/credit-notes.projection.js';
export { productsProjection } from './catalog/products.projection.js';
export { plansProjection } from './catalog/plans.projection.js';
export { pricingRulesProjection } from './pricing-rules/pricing-rules.projection.js';
export { dueWorkSources } from './due-work-sources.js';
export { subscriptionsProjection } from './subscriptions/subscriptions.projection.js';
export { companyLogosProjection } from './company-logos/company-logos.projection.js';
export { emailsProjection } from './email-deliveries/emails.projection.js';
export { webhookDeliveriesProjection } from './webhook-deliveries/webhook-deliveries.projection.js';
export { auditLogProjection } from './audit-log/audit-log.projection.js';
export { auditMerkleProjection } from './audit-merkle/audit-merkle.projection.js';
export { reconciliationProjection } from './reconciliation/reconciliation.projection.js';

/** Every read model the ledger maintains, in the order the runner starts them; the due-work projections last. */
export const allProjections: readonly Projection[] = [invoicesProjection, customerBalancesProjection, customersProjection, billingSettingsProjection, billingSettingsHistoryProjection, exchangeRatesProjection, generalLedgerProjection, paymentMethodsProjection, paymentsProjection, receiptsProjection, creditNotesProjection, productsProjection, plansProjection, pricingRulesProjection, subscriptionsProjection, companyLogosProjection, emailsProjection, webhookDeliveriesProjection, auditLogProjection, auditMerkleProjection, reconciliationProjection, ...dueWorkSources];

/** The worker-thread module of rebuildProjectionsInParallel for these projections (compiled JavaScript: dist/). */
export const rebuildWorkerModule: URL = new URL('./rebuild-worker.js', import.meta.url);
