import { aggregates, executeCommand, uuidV5, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { CreateTaxRateCommandInput } from './settings.inputs.js';
import type { TaxRateOutcome } from './settings-outcome.js';

/** A new, active tax rate. Without an id from the caller, the id derives from the command id (retries name the same rate). */
export function createTaxRate(services: ApplicationServices, context: CommandContext, input: CreateTaxRateCommandInput): Promise<TaxRateOutcome> {
  const taxRateId = input.id ?? uuidV5(`${context.commandId}:tax-rate`);
  return executeCommand(services.store, context, aggregates.billingSettings.on(context.tenantId, {
    command: () => ({
      type: 'CreateTaxRate',
      data: {
        taxRateId,
        name: input.name,
        type: input.type,
        rate: input.rate,
        jurisdiction: input.jurisdiction,
        ...(input.inclusive === undefined || input.inclusive === null ? {} : { inclusive: input.inclusive }),
        ...(input.compound === undefined || input.compound === null ? {} : { compound: input.compound }),
      },
    }),
  })).then(({ state, position }) => ({ taxRateId: taxRateId, state, position }));
}
