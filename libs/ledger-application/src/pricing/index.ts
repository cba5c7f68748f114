export * from './pricing-rule.inputs.js';
export * from './pricing-rule-outcome.js';
export * from './create-pricing-rule.handler.js';
export * from './update-pricing-rule.handler.js';
export * from './deactivate-pricing-rule.handler.js';
export * from './reactivate-pricing-rule.handler.js';
export * from './price-items.js';
export * from './price-quote.js';
