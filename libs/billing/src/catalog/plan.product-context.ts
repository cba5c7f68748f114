import type { PlanProductContext } from './plan.commands.js';
import type { ProductState } from './product.decider.js';

/** What CreatePlan carries of the product, from the product's folded stream; null for a product never created. */
export function planProductContextOf(product: ProductState): PlanProductContext | null {
  if (product.status === 'none' || product.productId === null || product.serviceType === null) return null;
  return { productId: product.productId, serviceType: product.serviceType, status: product.status };
}
