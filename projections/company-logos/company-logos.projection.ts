import { companyLogoEventTypes, decodeCanonicalBase64 } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { deleteRows, upsertRows, type Row } from '../common/batch-rows.js';
import { createCompanyLogoTables } from './company-logos.tables.js';

/** The `company_logos` read model: each tenant's current logo, from its events only (a rebuild gives the same rows). */
export const companyLogosProjection: Projection = {
  name: 'company_logos',
  version: 1,
  eventTypes: companyLogoEventTypes,
  tables: ['company_logos'],
  createTables: createCompanyLogoTables,
  applyBatch: applyCompanyLogoBatch,
};

/**
 * The batch folded in memory: each tenant's last event decides its row (an upload writes it whole, a removal deletes
 * it), so a batch writes each tenant once. The bytes go in as bytea hex text, which jsonb_populate_recordset converts.
 */
async function applyCompanyLogoBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const latest = new Map<string, Row | null>();
  for (const recorded of events) {
    const tenantId = tenantOfStream(recorded.streamId);
    const event = aggregates.companyLogo.parse(recorded);
    switch (event.type) {
      case 'CompanyLogoUploaded': {
        const { data } = event;
        latest.set(tenantId, {
          tenant_id: tenantId,
          content_type: data.contentType,
          content: `\\x${Buffer.from(decodeCanonicalBase64(data.contentBase64)).toString('hex')}`,
          byte_length: data.byteLength,
          width: data.width,
          height: data.height,
          uploaded_at: data.uploadedAt,
          position: encodePosition(recorded.position),
        });
        break;
      }
      case 'CompanyLogoRemoved':
        latest.set(tenantId, null);
        break;
      default:
        assertNever(event, 'company logo event');
    }
  }
  const removed = [...latest.entries()].filter(([, row]) => row === null).map(([tenantId]) => [tenantId]);
  await deleteRows(context, 'company_logos', ['tenant_id'], removed);
  await upsertRows(context, 'company_logos', ['tenant_id'], [...latest.values()].filter((row): row is Row => row !== null));
}
