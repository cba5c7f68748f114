import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { CreateProductCommandInput } from './catalog.inputs.js';
import type { ProductOutcome } from './catalog-outcome.js';

/**
 * Creates a product under the caller's id (checked before its stream is read, so only valid ids name a stream). The
 * same product again appends nothing; another one under that id is ALREADY_EXISTS.
 */
export function createProduct(services: ApplicationServices, context: CommandContext, input: CreateProductCommandInput): Promise<ProductOutcome> {
  const productId = requireIdentifier(input.productId, 'productId');
  const { idempotencyKey: _key, ...data } = input;
  return executeCommand(services.store, context, aggregates.product.on(productId, { command: () => ({ type: 'CreateProduct', data }) }));
}
