import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { TaxRateIdInput } from './settings.inputs.js';
import { executeBillingSettingsCommand, type TaxRateOutcome } from './settings-command.support.js';

/** Retires a tax rate: it stays in the settings (documents that used it still name it) but applies to nothing new. */
export function deactivateTaxRate(services: ApplicationServices, context: CommandContext, input: TaxRateIdInput): Promise<TaxRateOutcome> {
  return executeBillingSettingsCommand(
    services,
    context,
    () => ({ type: 'DeactivateTaxRate', data: { taxRateId: input.taxRateId }, metadata: { now: context.now } }),
  ).then(({ state, position }) => ({ taxRateId: input.taxRateId, state, position }));
}
