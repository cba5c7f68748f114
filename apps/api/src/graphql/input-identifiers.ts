import { requireIdentifier } from '../../../../libs/billing/src/index.js';

/**
 * The input fields that name an id, wherever they sit in a mutation's input (`allocations[].invoiceId` too). Each is
 * checked with the domain's own rule (`requireIdentifier`: alphabet and length) before the handler loads any stream,
 * so a malformed id is VALIDATION_FAILED naming its field, never NOT_FOUND, and nothing is appended. The deciders
 * check the same ids again, which covers the command paths that do not come through GraphQL.
 */
const identifierFields: ReadonlySet<string> = new Set([
  'customerId',
  'invoiceId',
  'lineId',
  'paymentId',
  'creditNoteId',
  'sourceInvoiceId',
  'paymentMethodId',
  'taxRateId',
  'productId',
  'planId',
  'ruleId',
  'subscriptionId',
  'clockId',
]);

/** GraphQL inputs nest a few levels at most; the walk stops there rather than follow anything deeper. */
const INPUT_DEPTH_MAX = 6;

/**
 * VALIDATION_FAILED naming the field (`customerId`, `allocations[1].invoiceId`) of the first malformed id. A top-level
 * `id` is the id a caller chooses for what it creates (createTaxRate) and is checked too; nested `id`s (a webhook's,
 * inside the settings) are left to the settings validation, which reports every violation at once.
 */
export function requireInputIdentifiers(input: unknown, path = '', depth = 0): void {
  if (depth > INPUT_DEPTH_MAX || typeof input !== 'object' || input === null) return;
  if (Array.isArray(input)) {
    input.forEach((item: unknown, index) => requireInputIdentifiers(item, `${path}[${index}]`, depth + 1));
    return;
  }
  for (const [key, value] of Object.entries(input)) {
    const field = path === '' ? key : `${path}.${key}`;
    if (!identifierFields.has(key) && !(depth === 0 && key === 'id')) requireInputIdentifiers(value, field, depth + 1);
    else if (value !== null && value !== undefined) requireIdentifier(value, field);
  }
}
