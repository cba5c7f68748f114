import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import type { CompanyLogoCommand, RemoveCompanyLogo, UploadCompanyLogo } from './company-logo.commands.js';
import type { CompanyLogoEvent } from './company-logo.events.js';
import { canonicalLogoBase64, decodeCanonicalBase64, inspectLogoImage, requireLogoContentType } from './company-logo.image.js';
import { evolveCompanyLogo, initialCompanyLogoState, type CompanyLogoState } from './company-logo.state.js';

/**
 * One logo per tenant, on a stream keyed by the tenant (`<tenant>:company_logo-<tenant>`). Order of checks: the
 * metadata, the content type, the base64 text, then the image (see inspectLogoImage); every refusal is LOGO_INVALID
 * with `details.reason` and appends nothing. The same image again (same type, same canonical base64) decides nothing,
 * so a retried upload is harmless; so is removing a logo that is not there.
 */
export function decideCompanyLogo(command: CompanyLogoCommand, state: CompanyLogoState): CompanyLogoEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  switch (command.type) {
    case 'UploadCompanyLogo':
      return uploadCompanyLogo(command, state);
    case 'RemoveCompanyLogo':
      return removeCompanyLogo(command, state);
    default:
      return assertNever(command, 'company logo command');
  }
}

export const companyLogoDecider: Decider<CompanyLogoCommand, CompanyLogoEvent, CompanyLogoState> = {
  decide: decideCompanyLogo,
  evolve: evolveCompanyLogo,
  initialState: initialCompanyLogoState,
};

function uploadCompanyLogo({ data, metadata }: UploadCompanyLogo, state: CompanyLogoState): CompanyLogoEvent[] {
  const contentType = requireLogoContentType(data?.contentType);
  const contentBase64 = canonicalLogoBase64(data.contentBase64);
  const bytes = decodeCanonicalBase64(contentBase64);
  const image = inspectLogoImage(bytes, contentType);
  if (state.logo !== null && state.logo.contentType === contentType && state.logo.contentBase64 === contentBase64) return [];
  return [{ type: 'CompanyLogoUploaded', data: { contentType, contentBase64, byteLength: bytes.length, width: image.width, height: image.height, uploadedAt: metadata.now } }];
}

function removeCompanyLogo({ metadata }: RemoveCompanyLogo, state: CompanyLogoState): CompanyLogoEvent[] {
  if (state.logo === null) return [];
  return [{ type: 'CompanyLogoRemoved', data: { contentType: state.logo.contentType, removedAt: metadata.now } }];
}
