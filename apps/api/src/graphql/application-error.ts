/** Errors raised by the API layer itself (not the domain), with the same stable codes. */
export type ApplicationErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONCURRENCY_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'READ_MODEL_TIMEOUT';

export class ApplicationError extends Error {
  override readonly name = 'ApplicationError';
  constructor(
    readonly code: ApplicationErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
