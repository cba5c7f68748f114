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
  'TAX_RATE_INACTIVE',
  'EXCHANGE_RATE_NOT_FOUND',
  'FEATURE_DISABLED',
  'CURRENCY_NOT_SUPPORTED',
  'PAYMENT_METHOD_DISABLED',
  'DOCUMENT_NUMBER_TAKEN',
  'CREDIT_NOTE_NOT_DRAFT',
  'CREDIT_NOTE_NOT_OPEN',
  'CREDIT_NOTE_HAS_APPLICATIONS',
  'AMOUNT_EXCEEDS_CREDITABLE',
  'AMOUNT_EXCEEDS_REMAINING_CREDIT',
  'INSUFFICIENT_CREDIT',
  'PAYMENT_NOT_PENDING',
  'PAYMENT_NOT_SUCCEEDED',
  'PAYMENT_NOT_FAILED',
  'PAYMENT_ALREADY_ALLOCATED',
  'AMOUNT_EXCEEDS_REFUNDABLE',
  'RETRY_NOT_DUE',
  'RETRIES_EXHAUSTED',
  'DUPLICATE_PAYMENT',
  'PAYMENT_REFERENCE_CONFLICT',
  'PAYMENT_METHOD_NOT_AWAITING_VERIFICATION',
  'PAYMENT_METHOD_NOT_EXPIRED',
  'PAYMENT_METHOD_INACTIVE',
  'RECEIPT_IMMUTABLE',
  'PAYMENT_NOT_ALLOCATED',
  'AMOUNT_EXCEEDS_BALANCE',
  'INVOICE_NOT_WRITABLE_OFF',
  'AMOUNT_OUT_OF_RANGE',
  // Recurring billing: catalog, pricing rules, subscriptions, test clocks.
  'PLAN_NOT_ACTIVE',
  'PLAN_VERSION_NOT_FOUND',
  'PRICE_NOT_AVAILABLE_IN_CURRENCY',
  'ADDON_NOT_ALLOWED',
  'PRICING_RULE_NOT_ACTIVE',
  'SUBSCRIPTION_NOT_ACTIVE',
  'SUBSCRIPTION_NOT_SUSPENDED',
  'SUBSCRIPTION_TERMINATED',
  'SUBSCRIPTION_CANCELLATION_SCHEDULED',
  'PERIOD_NOT_DUE',
  'PERIOD_ALREADY_BILLED',
  'TEST_CLOCK_CANNOT_GO_BACK',
  'INVALID_STATE_TRANSITION',
  'PRODUCT_NOT_ACTIVE',
  'DUE_WORK_INCOMPLETE',
  // Email: sendInvoice refuses a draft or a voided invoice.
  'INVOICE_NOT_SENDABLE',
  // Documents: a company logo that is not an acceptable PNG or JPEG (details.reason says why).
  'LOGO_INVALID',
  // Overdue: an invoice's overdue mark or payment reminder asked for before its day (docs/overdue.md).
  'NOT_DUE_YET',
  // Reconciliation (docs/banking.md): completion with open statement lines; approval by the key that completed.
  'RECONCILIATION_UNRESOLVED',
  'FOUR_EYES_REQUIRED',
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];

/**
 * A handled error (docs/architecture.md, Conventions 10): the command broke a business rule or carried bad input.
 * Broken invariants are not DomainErrors: they are assertions that crash.
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
