import { sql, type Kysely } from 'kysely';
import { defaultBillingSettings, withDefaultSections, type BillingSettingsSection, type TaxRate } from '../../libs/billing/src/index.js';
import { decodePosition } from '../../libs/event-store/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { emptyUntilCreated } from './read-model-absence.js';
import { redactBillingSettings, type RedactedBillingSettings } from './secret-redaction.js';
import { connectionOf } from '../common/opaque-cursor.js';

export interface BillingSettingsRecord {
  readonly settings: RedactedBillingSettings;
  /** When the settings last changed; null while the tenant has the untouched defaults. */
  readonly updatedAt: string | null;
}

export interface BillingSettingsChangeRecord {
  readonly position: string;
  readonly type: string;
  readonly sections: BillingSettingsSection[];
  readonly actor: string;
  readonly changedAt: string;
  readonly values: Record<string, unknown>;
  readonly previous: Record<string, unknown> | null;
}

export const BILLING_SETTINGS_HISTORY_PAGE_SIZE_MAX = 100;

/** Reads of the billing_settings and billing_settings_history read models; every query names its tenant. */
export class BillingSettingsQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  async current(tenantId: string): Promise<BillingSettingsRecord> {
    const read = () => this.db.withSchema(this.schema).selectFrom('billing_settings').select(['settings', 'updated_at']).where('tenant_id', '=', tenantId).executeTakeFirst();
    const row = (await emptyUntilCreated(read, undefined)) as { settings: RedactedBillingSettings; updated_at: Date } | undefined;
    if (!row) return { settings: redactBillingSettings(defaultBillingSettings), updatedAt: null };
    // A row written before a section existed holds no such section: the tenant has its defaults (withDefaultSections).
    return { settings: withDefaultSections(row.settings) as RedactedBillingSettings, updatedAt: row.updated_at.toISOString() };
  }

  async taxRates(tenantId: string, activeOnly: boolean): Promise<TaxRate[]> {
    const { settings } = await this.current(tenantId);
    return settings.tax.rates.filter((rate) => !activeOnly || rate.active);
  }

  /** Newest first, keyset-paginated on the log position (the cursor is the position of the last change seen). */
  async history(tenantId: string, section: BillingSettingsSection | null, first: number, after: string | null) {
    let query = this.db
      .withSchema(this.schema)
      .selectFrom('billing_settings_history')
      .select(['position', 'type', 'sections', 'actor', 'changed_at', 'values', 'previous'])
      .where('tenant_id', '=', tenantId);
    if (section !== null) query = query.where(sql<boolean>`sections @> array[${section}]::text[]`);
    if (after !== null) {
      // A position is a cursor already; a malformed one is VALIDATION_FAILED (InvalidPositionError).
      const cursor = decodePosition(after);
      query = query.where(sql<boolean>`(commit_position, prepare_position) < (${cursor.commit.toString()}::numeric, ${cursor.prepare.toString()}::numeric)`);
    }
    const rows = (await emptyUntilCreated(() => query.orderBy('commit_position', 'desc').orderBy('prepare_position', 'desc').limit(first + 1).execute(), [])) as {
      position: string;
      type: string;
      sections: BillingSettingsSection[];
      actor: string;
      changed_at: Date;
      values: Record<string, unknown>;
      previous: Record<string, unknown> | null;
    }[];
    const edges = rows.slice(0, first).map((row) => ({
      cursor: row.position,
      node: { position: row.position, type: row.type, sections: row.sections, actor: row.actor, changedAt: row.changed_at.toISOString(), values: row.values, previous: row.previous } satisfies BillingSettingsChangeRecord,
    }));
    return connectionOf(edges, rows.length > first);
  }
}

