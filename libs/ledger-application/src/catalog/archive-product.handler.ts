import { requireIdentifier } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { ProductIdCommandInput } from './catalog.inputs.js';
import type { ProductOutcome } from './catalog-outcome.js';

/** Takes the product off sale (no new plans under it); archiving it again appends nothing. */
export function archiveProduct(services: ApplicationServices, context: CommandContext, input: ProductIdCommandInput): Promise<ProductOutcome> {
  const productId = requireIdentifier(input.productId, 'productId');
  return executeCommand(services.store, context, aggregates.product.on(productId, { command: () => ({ type: 'ArchiveProduct', data: { productId } }) }));
}
