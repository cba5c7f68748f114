import type { Projection } from '../libs/projection-runtime/src/index.js';
import { customerBalancesProjection } from './customer-balances/customer-balances.projection.js';
import { invoicesProjection } from './invoices/invoices.projection.js';

export { invoicesProjection, parseInvoiceEvent } from './invoices/invoices.projection.js';
export { customerBalancesProjection } from './customer-balances/customer-balances.projection.js';

/** Every read model the ledger maintains, in the order the runner starts them. */
export const allProjections: readonly Projection[] = [invoicesProjection, customerBalancesProjection];
