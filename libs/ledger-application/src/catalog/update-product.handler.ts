import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { UpdateProductCommandInput } from './catalog.inputs.js';
import type { ProductOutcome } from './catalog-outcome.js';

/** Replaces the product's name and description (a description left out is removed); the same again appends nothing. */
export function updateProduct(services: ApplicationServices, context: CommandContext, input: UpdateProductCommandInput): Promise<ProductOutcome> {
  const productId = requireIdentifier(input.productId, 'productId');
  const { idempotencyKey: _key, ...data } = input;
  return executeCommand(services.store, context, aggregates.product.on(productId, { command: () => ({ type: 'UpdateProduct', data }) }));
}
