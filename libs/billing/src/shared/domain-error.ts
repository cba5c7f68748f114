import { MoneyError } from '../../../money/src/index.js';

/**
 * Stable codes callers may rely on (the API maps them once to `extensions.code`). Add a code here when a new rule
 * needs one; never change the meaning of an existing code.
 */
export const domainErrorCodes = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'INVOICE_NOT_DRAFT',
  'INVOICE_NOT_OPEN',
  'INVOICE_HAS_PAYMENTS',
  'CURRENCY_MISMATCH',
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];

/**
 * A handled error (house rule 10): the command broke a business rule or carried bad input. Broken invariants are
 * not DomainErrors: they are assertions that crash.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** The same rule broken, seen through the domain's single error type: same code, same message. */
export function domainErrorFromMoneyError(error: MoneyError): DomainError {
  return new DomainError(error.code, error.message, { ...error.details, reason: error.reason });
}

/**
 * Runs domain work and rethrows any MoneyError (bad decimal, unknown currency, mixed currencies) as a DomainError,
 * so that callers of a decider only ever catch one error type. Every other error passes through untouched.
 */
export function translatingMoneyErrors<Result>(work: () => Result): Result {
  try {
    return work();
  } catch (error) {
    if (error instanceof MoneyError) throw domainErrorFromMoneyError(error);
    throw error;
  }
}
