import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { TaxRateIdInput } from './settings.inputs.js';
import type { TaxRateOutcome } from './settings-outcome.js';

/** Retires a tax rate: it stays in the settings (documents that used it still name it) but applies to nothing new. */
export function deactivateTaxRate(services: ApplicationServices, context: CommandContext, input: TaxRateIdInput): Promise<TaxRateOutcome> {
  return executeCommand(services.store, context, aggregates.billingSettings.on(context.tenantId, {
    command: () => ({ type: 'DeactivateTaxRate', data: { taxRateId: input.taxRateId } }),
  })).then(({ state, position }) => ({ taxRateId: input.taxRateId, state, position }));
}
