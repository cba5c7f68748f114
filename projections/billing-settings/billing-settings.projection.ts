import { sql } from 'kysely';
import { billingSettingsEventTypes, evolveBillingSettings, initialBillingSettingsState, type BillingSettingsEvent, type BillingSettingsState } from '../../libs/billing/src/index.js';
import { tenantOfStream } from '../../libs/application/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { parseBillingSettingsEvent } from './billing-settings.events.js';
import { createBillingSettingsTables } from './billing-settings.tables.js';
import { redactSecrets } from './secret-redaction.js';

/**
 * `billing_settings`: one row per tenant with its current settings, redacted. Each event is redacted first and then
 * folded with the domain's own evolve onto the stored (already redacted) settings, so the row is exactly the
 * decider's state with every secret masked, and the secret itself is never in memory next to a database write.
 */
export const billingSettingsProjection: Projection = {
  name: 'billing_settings',
  version: 1,
  eventTypes: billingSettingsEventTypes,
  tables: ['billing_settings'],
  createTables: createBillingSettingsTables,
  apply: applyBillingSettingsEvent,
};

async function applyBillingSettingsEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const event = parseBillingSettingsEvent(recorded);
  const redacted = { type: event.type, data: redactSecrets(event.data) } as BillingSettingsEvent;
  const db = trx.withSchema(schema);
  const row = (await db.selectFrom('billing_settings').select(['settings', 'updated_at']).where('tenant_id', '=', tenantId).executeTakeFirst()) as
    | { settings: BillingSettingsState['settings']; updated_at: Date }
    | undefined;
  const current: BillingSettingsState = row ? { settings: row.settings, lastChangedAt: row.updated_at.toISOString() } : initialBillingSettingsState;
  const next = evolveBillingSettings(current, redacted);
  const values = {
    tenant_id: tenantId,
    settings: sql`${JSON.stringify(next.settings)}::jsonb`,
    updated_at: next.lastChangedAt ?? recorded.recordedAt.toISOString(),
    position: encodePosition(recorded.position),
  };
  await db
    .insertInto('billing_settings')
    .values(values)
    .onConflict((conflict) => conflict.column('tenant_id').doUpdateSet({ settings: values.settings, updated_at: values.updated_at, position: values.position }))
    .execute();
}
