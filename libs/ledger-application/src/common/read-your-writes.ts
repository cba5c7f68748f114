import { decodePosition } from '../../../event-store/src/index.js';
import { waitForProjections } from '../../../projection-runtime/src/index.js';
import type { ApplicationServices } from './application-services.js';

/**
 * Read your own write: with `minPosition` (a mutation's `position`), wait, bounded by the configured timeout, until
 * the named read models have reached it. True when they have (or when there is nothing to wait for); the caller
 * decides what a timeout means to its client.
 */
export async function waitForReadModels(services: Pick<ApplicationServices, 'db' | 'config'>, minPosition: string | null | undefined, projections: readonly string[]): Promise<boolean> {
  if (!minPosition) return true;
  return waitForProjections(services.db, projections, decodePosition(minPosition), services.config.readYourWritesTimeoutMs);
}
