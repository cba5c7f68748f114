import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../graphql/scalars.js';

/**
 * The company logo printed on invoices, receipts and credit notes when invoice.showLogo is on (docs/documents.md,
 * "The logo"). The bytes travel as base64; the API shows what the logo is, never the bytes.
 */

@ObjectType('CompanyLogo', { description: "The tenant's logo as the documents print it" })
export class CompanyLogoType {
  @Field(() => String, { description: 'image/png or image/jpeg' }) contentType!: string;
  @Field(() => Int, { description: 'The size of the image file in bytes (at most 262144)' }) byteLength!: number;
  @Field(() => Int, { description: 'Pixels (at most 4000)' }) width!: number;
  @Field(() => Int, { description: 'Pixels (at most 4000)' }) height!: number;
  @Field(() => DateTimeScalar) uploadedAt!: string;
}

@ObjectType('CompanyLogoPayload')
export class CompanyLogoPayloadType {
  @Field(() => CompanyLogoType, { nullable: true, description: 'The logo after the change; null once removed' }) companyLogo!: CompanyLogoType | null;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

@InputType('UploadCompanyLogoInput')
export class UploadCompanyLogoInput {
  @Field(() => String, { description: 'image/png or image/jpeg: it must match the bytes' }) contentType!: string;
  @Field(() => String, {
    description:
      'The image file as standard base64 (line breaks allowed; no data: prefix): a complete PNG or JPEG, at most 256 KB and 4000 x 4000 pixels. Anything else is LOGO_INVALID with details.reason',
  })
  contentBase64!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('RemoveCompanyLogoInput')
export class RemoveCompanyLogoInput {
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}
