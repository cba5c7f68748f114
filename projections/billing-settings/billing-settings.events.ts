import { billingSettingsEventSchemas, type BillingSettingsEvent } from '../../libs/billing/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';

/** Parses one stored settings event through its zod contract; any other type here is a broken invariant. */
export function parseBillingSettingsEvent(recorded: RecordedEvent): BillingSettingsEvent {
  const schema = billingSettingsEventSchemas[recorded.type as keyof typeof billingSettingsEventSchemas];
  if (!schema) throw new Error(`not a billing settings event: ${recorded.type}`);
  return { type: recorded.type, data: schema.data.parse(recorded.data) } as BillingSettingsEvent;
}
