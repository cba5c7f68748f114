/** A refused access-management request, with a stable code the API maps like any domain error. */
export class AccessError extends Error {
  constructor(
    readonly code: 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'CONCURRENCY_CONFLICT' | 'API_KEY_NOT_ACTIVE',
    message: string,
  ) {
    super(message);
    this.name = 'AccessError';
  }
}
