import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import { optionalText, requireIdentifier, requireOneOf, requireText } from '../common/validation.js';
import type { ArchiveProduct, CreateProduct, ProductCommand, UpdateProduct } from './product.commands.js';
import type { ProductDescription, ProductEvent } from './product.events.js';
import { serviceTypes, type ServiceType } from './service-type.js';

/** Bounds on every text of a product. */
export const productLimits = {
  nameLengthMax: 200,
  descriptionLengthMax: 2000,
} as const;

/** 'none' is a stream without events: a product id that was never created. */
export interface ProductState {
  status: 'none' | 'active' | 'archived';
  productId: string | null;
  serviceType: ServiceType | null;
  name: string | null;
  description: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  archivedAt: string | null;
}

export const initialProductState: ProductState = {
  status: 'none',
  productId: null,
  serviceType: null,
  name: null,
  description: null,
  createdAt: null,
  updatedAt: null,
  archivedAt: null,
};

/**
 * Order of checks: the metadata, then the command's data (every field, so a bad command is refused whole), then the
 * comparison with the state. A command that changes nothing (the same product created again, the same name and
 * description, archiving an archived product) decides no event, so a retry is harmless. An archived product can
 * still be renamed: archiving only stops new plans (see plan.decide.ts).
 */
export function decideProduct(command: ProductCommand, state: ProductState): ProductEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'CreateProduct':
      return createProduct(command, state);
    case 'UpdateProduct':
      return updateProduct(command, state);
    case 'ArchiveProduct':
      return archiveProduct(command, state);
    default:
      return assertNever(command, 'product command');
  }
}

export function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductCreated': {
      const { productId, serviceType, name, description, createdAt } = event.data;
      return { ...initialProductState, status: 'active', productId, serviceType, name, description, createdAt, updatedAt: createdAt };
    }
    case 'ProductUpdated':
      return { ...state, name: event.data.name, description: event.data.description, updatedAt: event.data.updatedAt };
    case 'ProductArchived':
      return { ...state, status: 'archived', archivedAt: event.data.archivedAt, updatedAt: event.data.archivedAt };
    default:
      return assertNever(event, 'product event');
  }
}

export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = {
  decide: decideProduct,
  evolve: evolveProduct,
  initialState: initialProductState,
};

function createProduct({ data, metadata }: CreateProduct, state: ProductState): ProductEvent[] {
  const productId = requireIdentifier(data?.productId, 'productId');
  const described = requireDescription(data);
  const serviceType = requireOneOf(data.serviceType, 'serviceType', serviceTypes);
  assertDecidedOnOwnStream('product', productId, state.productId);
  if (state.status !== 'none') {
    if (state.serviceType === serviceType && sameDescription(described, state)) return [];
    throw new DomainError('ALREADY_EXISTS', `Product ${productId} already exists (status ${state.status}) with other data`, {
      productId,
      status: state.status,
    });
  }
  return [{ type: 'ProductCreated', data: { productId, ...described, serviceType, createdAt: metadata.now } }];
}

function updateProduct({ data, metadata }: UpdateProduct, state: ProductState): ProductEvent[] {
  const productId = requireIdentifier(data?.productId, 'productId');
  const described = requireDescription(data);
  const product = requireExisting(state, productId);
  if (sameDescription(described, product)) return [];
  const previous = { name: product.name, description: product.description };
  return [{ type: 'ProductUpdated', data: { productId, ...described, previous, updatedAt: metadata.now } }];
}

function archiveProduct({ data, metadata }: ArchiveProduct, state: ProductState): ProductEvent[] {
  const productId = requireIdentifier(data?.productId, 'productId');
  const product = requireExisting(state, productId);
  if (product.status === 'archived') return [];
  return [{ type: 'ProductArchived', data: { productId, archivedAt: metadata.now } }];
}

type ExistingProduct = ProductState & { status: 'active' | 'archived'; productId: string; name: string };

function requireExisting(state: ProductState, productId: string): ExistingProduct {
  if (state.status === 'none') throw new DomainError('NOT_FOUND', `Product ${productId} does not exist`, { productId });
  assertDecidedOnOwnStream('product', productId, state.productId);
  return state as ExistingProduct;
}

function requireDescription(data: { name?: unknown; description?: unknown }): ProductDescription {
  return {
    name: requireText(data.name, 'name', productLimits.nameLengthMax),
    description: optionalText(data.description, 'description', productLimits.descriptionLengthMax),
  };
}

function sameDescription(a: ProductDescription, b: Pick<ProductState, 'name' | 'description'>): boolean {
  return a.name === b.name && a.description === b.description;
}
