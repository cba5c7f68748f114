import { DomainError, defaultBankAccountOf, requireIdentifier } from '../../../billing/src/index.js';
import { validationFailed } from '../../../billing/src/common/validation.js';
import { aggregates, load } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';

/**
 * The company bank account a payment is deposited to (docs/reconciliation.md): the one named (NOT_FOUND when it is not
 * registered, VALIDATION_FAILED when it holds another currency), else the currency's default, else null (no account
 * in that currency yet). Read on every attempt of the recording, so a default set meanwhile is seen.
 */
export async function resolvePaymentBankAccount(services: ApplicationServices, tenantId: string, bankAccountId: string | null | undefined, currency: string): Promise<string | null> {
  if (bankAccountId !== null && bankAccountId !== undefined) {
    const account = await load(services.store, aggregates.bankAccount, tenantId, requireIdentifier(bankAccountId, 'bankAccountId'));
    const registered = account.state.account;
    if (registered === null) throw new DomainError('NOT_FOUND', `Bank account ${bankAccountId} is not registered`, { field: 'bankAccountId', bankAccountId });
    if (registered.currency !== currency) {
      throw validationFailed(`Bank account ${bankAccountId} holds ${registered.currency}, not ${currency}: a payment is deposited to an account of its currency`, {
        field: 'bankAccountId',
        bankAccountId,
        currency,
      });
    }
    return bankAccountId;
  }
  const defaults = await load(services.store, aggregates.bankAccountDefaults, tenantId, tenantId);
  return defaultBankAccountOf(defaults.state, currency);
}
