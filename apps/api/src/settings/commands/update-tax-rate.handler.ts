import type { UpdateTaxRate } from '../../../../../libs/billing/src/index.js';
import type { CommandContext } from '../../../../../libs/application/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { TaxRatePayloadType, UpdateTaxRateInput } from '../billing-settings.types.js';
import { executeBillingSettingsCommand } from './settings-command.support.js';
import { taxRatePayload } from './tax-rate-payload.js';

const updatableFields = ['name', 'type', 'rate', 'jurisdiction', 'inclusive', 'compound'] as const;

/** Changes the fields given (null counts as given, for the domain to refuse); the others keep their values. */
export function updateTaxRate(services: LedgerServices, context: CommandContext, input: UpdateTaxRateInput): Promise<TaxRatePayloadType> {
  const data: Record<string, unknown> = { taxRateId: input.taxRateId };
  for (const field of updatableFields) if (input[field] !== undefined) data[field] = input[field];
  return executeBillingSettingsCommand(
    services,
    context,
    () => ({ type: 'UpdateTaxRate', data: data as UpdateTaxRate['data'], metadata: { now: context.now } }),
    (state, position) => taxRatePayload(input.taxRateId, state, position),
  );
}
