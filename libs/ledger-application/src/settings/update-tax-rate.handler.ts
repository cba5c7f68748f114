import type { UpdateTaxRate } from '../../../billing/src/index.js';
import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { UpdateTaxRateCommandInput } from './settings.inputs.js';
import type { TaxRateOutcome } from './settings-outcome.js';

const updatableFields = ['name', 'type', 'rate', 'jurisdiction', 'inclusive', 'compound'] as const;

/** Changes the fields given (null counts as given, for the domain to refuse); the others keep their values. */
export function updateTaxRate(services: ApplicationServices, context: CommandContext, input: UpdateTaxRateCommandInput): Promise<TaxRateOutcome> {
  const data: Record<string, unknown> = { taxRateId: input.taxRateId };
  for (const field of updatableFields) if (input[field] !== undefined) data[field] = input[field];
  return executeCommand(services.store, context, aggregates.billingSettings.on(context.tenantId, {
    command: () => ({ type: 'UpdateTaxRate', data: data as UpdateTaxRate['data'] }),
  })).then(({ state, position }) => ({ taxRateId: input.taxRateId, state, position }));
}
