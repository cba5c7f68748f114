/**
 * The application layer: command handlers, process managers, stream loading through the registry, settings,
 * numbering and the read-your-writes wait. It imports no framework and nothing from apps/; apps/api and
 * apps/projector both import it (docs/architecture.md, "Layers").
 */
export * from './common/application-services.js';
export * from './common/billing-settings.js';
export * from './common/customer-context.js';
export * from './common/exchange-rates.js';
export * from './common/numbering.js';
export * from './common/read-your-writes.js';
export * from './payments/allocate-payment.js';
export * from './payments/payment.inputs.js';
export * from './payments/payment-outcome.js';
export * from './payments/record-new-payment.js';
export * from './payments/create-payment.handler.js';
export * from './payments/payment-gateway.handlers.js';
export * from './payments/refund-payment.handler.js';
export * from './payments/payment-allocator.process-manager.js';
export * from './receipts/issue-receipt.js';
export * from './receipts/receipt-issuer.process-manager.js';
export * from './process-managers.js';
export * from './customers/upsert-customer.handler.js';
export * from './exchange-rates/record-exchange-rate.handler.js';
export * from './credit-notes/credit-note.inputs.js';
export * from './credit-notes/credit-note-command.support.js';
export * from './credit-notes/create-credit-note.handler.js';
export * from './credit-notes/issue-credit-note.handler.js';
export * from './credit-notes/apply-credit-note.handler.js';
export * from './credit-notes/void-credit-note.handler.js';
export * from './customer-credit/apply-credit.handler.js';
export * from './customer-credit/set-auto-apply-credit.handler.js';
export * from './payment-methods/payment-method.inputs.js';
export * from './payment-methods/payment-method-outcome.js';
export * from './payment-methods/add-payment-method.handler.js';
export * from './payment-methods/verify-payment-method.handler.js';
export * from './payment-methods/fail-payment-method-verification.handler.js';
export * from './payment-methods/expire-payment-method.handler.js';
export * from './payment-methods/deactivate-payment-method.handler.js';
export * from './settings/settings.inputs.js';
export * from './settings/settings-outcome.js';
export * from './settings/create-tax-rate.handler.js';
export * from './settings/update-tax-rate.handler.js';
export * from './settings/deactivate-tax-rate.handler.js';
export * from './settings/reset-billing-settings.handler.js';
export * from './settings/update-billing-settings-section.handler.js';
export * from './common/invoice-outcome.js';
export * from './invoices/invoice.inputs.js';
export * from './invoices/create-invoice.handler.js';
export * from './invoices/add-invoice-line.handler.js';
export * from './invoices/remove-invoice-line.handler.js';
export * from './invoices/issue-invoice.handler.js';
export * from './invoices/void-invoice.handler.js';
export * from './invoices/write-off-invoice.handler.js';
export * from './payments/record-payment.handler.js';
