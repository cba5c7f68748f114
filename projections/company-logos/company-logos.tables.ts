import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * One row per tenant that has a logo: the image's bytes as uploaded (at most companyLogoLimits.byteLengthMax), which
 * the documents draw, so that rendering a PDF never reads the logo's stream (which keeps every logo ever uploaded).
 */
export async function createCompanyLogoTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.company_logos (
  tenant_id     text not null,
  content_type  text not null,
  content       bytea not null,
  byte_length   integer not null,
  width         integer not null,
  height        integer not null,
  uploaded_at   timestamptz not null,
  position      text not null,
  primary key (tenant_id)
);
`,
    )
    .execute(db);
}
