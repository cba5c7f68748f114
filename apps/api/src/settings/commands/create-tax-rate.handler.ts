import { uuidV5, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { CreateTaxRateInput, TaxRatePayloadType } from '../billing-settings.types.js';
import { executeBillingSettingsCommand } from './settings-command.support.js';
import { taxRatePayload } from './tax-rate-payload.js';

/** A new, active tax rate. Without an id from the caller, the id derives from the command id (retries name the same rate). */
export function createTaxRate(services: LedgerServices, context: CommandContext, input: CreateTaxRateInput): Promise<TaxRatePayloadType> {
  const taxRateId = input.id ?? uuidV5(`${context.commandId}:tax-rate`);
  return executeBillingSettingsCommand(
    services,
    context,
    () => ({
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
      metadata: { now: context.now },
    }),
    (state, position) => taxRatePayload(taxRateId, state, position),
  );
}
