import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { CompanyLogoState } from '../../../../libs/billing/src/index.js';
import { encodePosition, START_POSITION, type Position } from '../../../../libs/event-store/src/index.js';
import { removeCompanyLogo, uploadCompanyLogo } from '../../../../libs/ledger-application/src/index.js';
import { CompanyLogoQueries } from '../../../../projections/company-logos/company-logos.queries.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels } from '../settings/read-your-writes.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { CompanyLogoPayloadType, CompanyLogoType, RemoveCompanyLogoInput, UploadCompanyLogoInput } from './company-logo.types.js';

/**
 * The company logo: uploaded and removed like the company settings (same roles, libs/access/src/operation-roles.ts),
 * read back without its bytes. Resolvers only translate (docs/architecture.md, Conventions 5).
 */
@Resolver(() => CompanyLogoType)
export class CompanyLogoResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => CompanyLogoPayloadType, { description: 'Uploads (replaces) the logo printed on documents when invoice.showLogo is on: a PNG or JPEG of at most 256 KB and 4000 x 4000 pixels' })
  uploadCompanyLogo(@Args('input', { type: () => UploadCompanyLogoInput }) input: UploadCompanyLogoInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'uploadCompanyLogo', input, (context) =>
      uploadCompanyLogo(this.services, context, { contentType: input.contentType, contentBase64: input.contentBase64 }).then(companyLogoPayload),
    );
  }

  @Mutation(() => CompanyLogoPayloadType, { description: 'Removes the logo: documents print the company name in its place' })
  removeCompanyLogo(@Args('input', { type: () => RemoveCompanyLogoInput, nullable: true }) input: RemoveCompanyLogoInput | null, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'removeCompanyLogo', input ?? {}, (context) => removeCompanyLogo(this.services, context).then(companyLogoPayload));
  }

  @Query(() => CompanyLogoType, { nullable: true, description: "The tenant's logo (without its bytes), or null when it has none" })
  async companyLogo(
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until the logo includes this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ): Promise<CompanyLogoType | null> {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, ['company_logos']);
    return (await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new CompanyLogoQueries(db, schema).summary(principal.tenantId), ['company_logos'])) ?? null;
  }
}

function companyLogoPayload({ state, position }: { readonly state: CompanyLogoState; readonly position: Position | undefined }): CompanyLogoPayloadType {
  const { logo } = state;
  return {
    companyLogo: logo === null ? null : { contentType: logo.contentType, byteLength: logo.byteLength, width: logo.width, height: logo.height, uploadedAt: logo.uploadedAt },
    position: encodePosition(position ?? START_POSITION),
  };
}
