import { validationFailed } from '../common/validation.js';

/**
 * Refuses a field this shape does not have (VALIDATION_FAILED naming it) rather than ignoring it: a misspelt optional
 * field ("setupFee" for "setupFees", "planId" for "planIds") would otherwise be dropped silently and leave a plan
 * without its fee or a pricing rule without its condition.
 */
export function requireKnownFields(record: Record<string, unknown>, known: readonly string[], field: string): void {
  const unknown = Object.keys(record).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw validationFailed(`${field} has an unknown field ${JSON.stringify(unknown)}: the fields are ${known.join(', ')}`, {
      field: `${field}.${unknown}`,
    });
  }
}
