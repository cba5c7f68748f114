import {
  assertNever,
  billingSettingsEventTypes,
  defaultBillingSettings,
  resetSectionValues,
  type BillingSettings,
  type BillingSettingsEvent,
  type BillingSettingsSection,
} from '../../libs/billing/src/index.js';
import { tenantOfStream } from '../../libs/application/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { parseBillingSettingsEvent } from './billing-settings.events.js';
import { createBillingSettingsHistoryTables } from './billing-settings.tables.js';
import { redactSecrets } from './secret-redaction.js';
import { insertRows } from '../common/batch-rows.js';

/**
 * `billing_settings_history`: one row per settings event, the audit trail (docs/domain.md, "Settings": every change an
 * event with its actor): which sections, who (the actor of the event metadata), when (the instant in the event), and
 * the new and previous values, redacted. Webhook endpoints carry references to their secrets, never a secret (the
 * events do not hold any since version 2, and older events are upcast as they are parsed); the redaction walk stays
 * as a second guard.
 */
export const billingSettingsHistoryProjection: Projection = {
  name: 'billing_settings_history',
  // 2: endpoints name their secrets by reference (settings events of version 2, older ones upcast).
  version: 2,
  eventTypes: billingSettingsEventTypes,
  tables: ['billing_settings_history'],
  createTables: createBillingSettingsHistoryTables,
  applyBatch: applyBillingSettingsHistoryBatch,
};

export interface BillingSettingsChange {
  readonly sections: BillingSettingsSection[];
  readonly changedAt: string;
  readonly values: Record<string, unknown>;
  readonly previous: Record<string, unknown> | null;
}

/** What one event changed, before redaction. */
export function billingSettingsChangeOf(event: BillingSettingsEvent): BillingSettingsChange {
  switch (event.type) {
    case 'BillingSettingsSectionUpdated':
      return { sections: [event.data.section], changedAt: event.data.updatedAt, values: event.data.values, previous: event.data.previous };
    case 'BillingSettingsReset': {
      // A reset carries the sections it changed and their previous values; the new values are the defaults, except
      // that the tax section keeps its rates (resetSectionValues), which the previous tax section names.
      const before = { ...defaultBillingSettings, ...event.data.previous } as BillingSettings;
      const values = Object.fromEntries(event.data.sections.map((section) => [section, resetSectionValues(before, section)]));
      return { sections: event.data.sections, changedAt: event.data.resetAt, values, previous: event.data.previous };
    }
    case 'TaxRateCreated':
      return { sections: ['tax'], changedAt: event.data.createdAt, values: { taxRate: event.data.taxRate }, previous: null };
    case 'TaxRateUpdated':
      return { sections: ['tax'], changedAt: event.data.updatedAt, values: { taxRate: event.data.taxRate }, previous: { taxRate: event.data.previous } };
    case 'TaxRateDeactivated':
      return { sections: ['tax'], changedAt: event.data.deactivatedAt, values: { taxRateId: event.data.taxRateId, active: false }, previous: null };
    case 'WebhookEndpointDisabled':
      return {
        sections: ['notifications'],
        changedAt: event.data.disabledAt,
        values: { endpointId: event.data.endpointId, enabled: false, reason: event.data.reason },
        previous: { endpointId: event.data.endpointId, enabled: true },
      };
    default:
      return assertNever(event, 'billing settings event');
  }
}

/** One row per event, the whole batch in one multi-row INSERT. */
async function applyBillingSettingsHistoryBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const rows = events.map((recorded) => {
    const change = billingSettingsChangeOf(parseBillingSettingsEvent(recorded));
    const actor = typeof recorded.metadata.actor === 'string' ? recorded.metadata.actor : 'unknown';
    return {
      tenant_id: tenantOfStream(recorded.streamId),
      commit_position: recorded.position.commit.toString(),
      prepare_position: recorded.position.prepare.toString(),
      position: encodePosition(recorded.position),
      event_id: recorded.eventId,
      type: recorded.type,
      sections: change.sections,
      actor,
      changed_at: change.changedAt,
      values: redactSecrets(change.values),
      previous: change.previous === null ? null : redactSecrets(change.previous),
    };
  });
  await insertRows(context, 'billing_settings_history', rows);
}
