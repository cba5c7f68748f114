import type { Kysely } from 'kysely';
import type { CompanyLogoContentType } from '../../libs/billing/src/index.js';
import { LIVE_READ_MODEL_SCHEMA, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { emptyUntilCreated } from '../billing-settings/read-model-absence.js';

/** A tenant's logo as the documents draw it. */
export interface CompanyLogoRecord {
  readonly contentType: CompanyLogoContentType;
  readonly bytes: Buffer;
  readonly byteLength: number;
  readonly width: number;
  readonly height: number;
  readonly uploadedAt: string;
}

/** What the API shows of a logo: everything but the bytes. */
export type CompanyLogoSummary = Omit<CompanyLogoRecord, 'bytes'>;

/** Reads of the company_logos read model; every query names its tenant. */
export class CompanyLogoQueries {
  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly schema: string = LIVE_READ_MODEL_SCHEMA,
  ) {}

  /** The tenant's logo with its bytes, or undefined when it has none. */
  async logo(tenantId: string): Promise<CompanyLogoRecord | undefined> {
    const read = () =>
      this.db
        .withSchema(this.schema)
        .selectFrom('company_logos')
        .select(['content_type', 'content', 'byte_length', 'width', 'height', 'uploaded_at'])
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
    const row = (await emptyUntilCreated(read, undefined)) as
      | { content_type: CompanyLogoContentType; content: Buffer; byte_length: number; width: number; height: number; uploaded_at: Date }
      | undefined;
    if (!row) return undefined;
    return { contentType: row.content_type, bytes: row.content, byteLength: row.byte_length, width: row.width, height: row.height, uploadedAt: row.uploaded_at.toISOString() };
  }

  /** The tenant's logo without its bytes, or undefined when it has none. */
  async summary(tenantId: string): Promise<CompanyLogoSummary | undefined> {
    const read = () =>
      this.db.withSchema(this.schema).selectFrom('company_logos').select(['content_type', 'byte_length', 'width', 'height', 'uploaded_at']).where('tenant_id', '=', tenantId).executeTakeFirst();
    const row = (await emptyUntilCreated(read, undefined)) as { content_type: CompanyLogoContentType; byte_length: number; width: number; height: number; uploaded_at: Date } | undefined;
    if (!row) return undefined;
    return { contentType: row.content_type, byteLength: row.byte_length, width: row.width, height: row.height, uploadedAt: row.uploaded_at.toISOString() };
  }
}
