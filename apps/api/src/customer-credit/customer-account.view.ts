import type { CustomerAccountState } from '../../../../libs/billing/src/index.js';
import { money } from '../graphql/common.types.js';
import type { CustomerAccountType } from './customer-credit.types.js';

/** The account as just decided; currencies in code order so the list is stable. */
export function customerAccountView(customerId: string, state: CustomerAccountState): CustomerAccountType {
  return {
    customerId,
    autoApplyCredit: state.autoApplyCredit,
    credit: Object.keys(state.balances)
      .sort()
      .map((currency) => money(state.balances[currency] as string, currency)),
  };
}
