import { waitForReadModels } from '../../../../libs/ledger-application/src/index.js';
import { ApplicationError } from '../graphql/application-error.js';
import type { LedgerServices } from '../ledger-services.js';

/**
 * Read your own write: with `minPosition` (a mutation's `position`), wait, bounded, until the named read models have
 * reached it, and fail with READ_MODEL_TIMEOUT rather than answer from older data.
 */
export async function awaitReadModels(services: LedgerServices, minPosition: string | null | undefined, projections: readonly string[]): Promise<void> {
  const timeoutMs = services.config.readYourWritesTimeoutMs;
  if (!(await waitForReadModels(services, minPosition, projections))) {
    throw new ApplicationError('READ_MODEL_TIMEOUT', `the read models did not reach position ${minPosition} within ${timeoutMs} ms; retry, or check that projections are running`);
  }
}

/** `first` of a connection: 1 to `maximum`, else VALIDATION_FAILED. */
export function requirePageSize(first: number, maximum: number): number {
  if (!Number.isInteger(first) || first < 1 || first > maximum) throw new ApplicationError('VALIDATION_FAILED', `first must be from 1 to ${maximum}, got ${first}`);
  return first;
}
