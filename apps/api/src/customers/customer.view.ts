import type { CustomerState } from '../../../../libs/billing/src/index.js';
import type { CustomerType } from './customer.types.js';

/** The Customer as the API shows it, from the decider's state right after a command (mutation payloads). */
export function customerViewFromState(state: CustomerState): CustomerType {
  if (state.details === null || state.customerId === null || state.registeredAt === null || state.updatedAt === null) {
    throw new Error('a customer view was asked of a customer that is not registered');
  }
  return { id: state.customerId, ...state.details, segment: state.segment, registeredAt: state.registeredAt, updatedAt: state.updatedAt };
}
