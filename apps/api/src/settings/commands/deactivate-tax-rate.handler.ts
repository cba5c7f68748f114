import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { DeactivateTaxRateInput, TaxRatePayloadType } from '../billing-settings.types.js';
import { executeBillingSettingsCommand } from './settings-command.support.js';
import { taxRatePayload } from './tax-rate-payload.js';

/** Retires a tax rate: it stays in the settings (documents that used it still name it) but applies to nothing new. */
export function deactivateTaxRate(services: LedgerServices, context: CommandContext, input: DeactivateTaxRateInput): Promise<TaxRatePayloadType> {
  return executeBillingSettingsCommand(
    services,
    context,
    () => ({ type: 'DeactivateTaxRate', data: { taxRateId: input.taxRateId }, metadata: { now: context.now } }),
    (state, position) => taxRatePayload(input.taxRateId, state, position),
  );
}
