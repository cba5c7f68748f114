import { billingSettingsEventTypes, evolveBillingSettings, initialBillingSettingsState, withDefaultSections, type BillingSettingsEvent, type BillingSettingsState } from '../../libs/billing/src/index.js';
import { tenantOfStream } from '../../libs/application/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { parseBillingSettingsEvent } from './billing-settings.events.js';
import { createBillingSettingsTables } from './billing-settings.tables.js';
import { redactSecrets } from './secret-redaction.js';
import { loadRows, upsertRows, type Row } from '../common/batch-rows.js';

/**
 * `billing_settings`: one row per tenant with its current settings. Settings hold no secret: a webhook endpoint names
 * its secret by reference (secretRef, previousSecretRef) beside the last four characters the API shows; version-1
 * events, which held the plaintext, are upcast to references as they are parsed. Each event is still passed
 * through the redaction walk before it is folded with the domain's own evolve, as a second guard.
 */
export const billingSettingsProjection: Projection = {
  name: 'billing_settings',
  // 2: endpoints name their secrets by reference, with their last four characters (settings events of version 2).
  version: 2,
  eventTypes: billingSettingsEventTypes,
  tables: ['billing_settings'],
  createTables: createBillingSettingsTables,
  applyBatch: applyBillingSettingsBatch,
};

/**
 * The batch folded in memory: the rows of the tenants it names are loaded in one statement, each tenant's events are
 * redacted and folded in log order, and each tenant's row is written once (one statement). Between two events the
 * state is what the per-event projection read back from its row: the settings through JSON, the instant as a Date.
 * A row written before a section existed gets that section's defaults as it is loaded (what the stream folds to), so
 * the next event is folded onto complete settings without a rebuild.
 */
async function applyBillingSettingsBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const tenants = events.map((recorded) => tenantOfStream(recorded.streamId));
  const states = new Map<string, BillingSettingsState>();
  for (const row of await loadRows(context, 'billing_settings', ['tenant_id'], tenants.map((tenantId) => [tenantId]))) {
    states.set(row.tenant_id as string, { settings: withDefaultSections(row.settings as Partial<BillingSettingsState['settings']>), lastChangedAt: (row.updated_at as Date).toISOString() });
  }
  const written = new Map<string, Row>();
  for (const [index, recorded] of events.entries()) {
    const tenantId = tenants[index] as string;
    const event = parseBillingSettingsEvent(recorded);
    const redacted = { type: event.type, data: redactSecrets(event.data) } as BillingSettingsEvent;
    const next = evolveBillingSettings(states.get(tenantId) ?? initialBillingSettingsState, redacted);
    const settings = JSON.parse(JSON.stringify(next.settings)) as BillingSettingsState['settings'];
    const updatedAt = next.lastChangedAt ?? recorded.recordedAt.toISOString();
    states.set(tenantId, { settings, lastChangedAt: new Date(updatedAt).toISOString() });
    written.set(tenantId, { tenant_id: tenantId, settings, updated_at: updatedAt, position: encodePosition(recorded.position) });
  }
  await upsertRows(context, 'billing_settings', ['tenant_id'], [...written.values()]);
}
