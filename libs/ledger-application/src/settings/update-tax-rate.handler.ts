import type { UpdateTaxRate } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { UpdateTaxRateCommandInput } from './settings.inputs.js';
import { executeBillingSettingsCommand, type TaxRateOutcome } from './settings-command.support.js';

const updatableFields = ['name', 'type', 'rate', 'jurisdiction', 'inclusive', 'compound'] as const;

/** Changes the fields given (null counts as given, for the domain to refuse); the others keep their values. */
export function updateTaxRate(services: ApplicationServices, context: CommandContext, input: UpdateTaxRateCommandInput): Promise<TaxRateOutcome> {
  const data: Record<string, unknown> = { taxRateId: input.taxRateId };
  for (const field of updatableFields) if (input[field] !== undefined) data[field] = input[field];
  return executeBillingSettingsCommand(
    services,
    context,
    () => ({ type: 'UpdateTaxRate', data: data as UpdateTaxRate['data'], metadata: { now: context.now } }),
  ).then(({ state, position }) => ({ taxRateId: input.taxRateId, state, position }));
}
