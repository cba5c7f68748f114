import type { DomainCommand } from '../common/command.js';
import type { ServiceType } from './service-type.js';

/**
 * Creates a product. The id comes from the caller, so a retried command is recognised: the same product again
 * decides nothing, another one under the same id is ALREADY_EXISTS. The service type is fixed from then on (plans
 * copy it into their terms).
 */
export type CreateProduct = DomainCommand<
  'CreateProduct',
  {
    productId: string;
    name: string;
    /** Absent and null both mean "no description". */
    description?: string | null;
    serviceType: ServiceType;
  }
>;

/** Replaces the name and the description (the caller sends both each time; a description left out is removed). */
export type UpdateProduct = DomainCommand<'UpdateProduct', { productId: string; name: string; description?: string | null }>;

/** Takes the product off sale: no new plans under it. Its plans, and the subscriptions to them, are not touched. */
export type ArchiveProduct = DomainCommand<'ArchiveProduct', { productId: string }>;

export type ProductCommand = CreateProduct | UpdateProduct | ArchiveProduct;
