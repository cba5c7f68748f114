import { aggregates, executeCommand, type CommandContext, type StreamOutcome } from '../../../application/src/index.js';
import type { CompanyLogoState } from '../../../billing/src/index.js';
import { requireDrawableLogo } from '../../../documents/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { UploadCompanyLogoInput } from './company-logo.inputs.js';

/** The tenant's logo as a command left it, and the position of its events. */
export type CompanyLogoOutcome = StreamOutcome<CompanyLogoState>;

/**
 * Uploads (replaces) the tenant's company logo. Before anything is decided the image is decoded as the documents
 * will draw it (requireDrawableLogo: type, base64, structure, bounds, and for a PNG every pixel row), so an image
 * that would not draw is refused with LOGO_INVALID and nothing is appended; the decider checks the same structure
 * again and records the image. The same image again changes nothing.
 */
export function uploadCompanyLogo(services: Pick<ApplicationServices, 'store'>, context: CommandContext, input: UploadCompanyLogoInput): Promise<CompanyLogoOutcome> {
  requireDrawableLogo(input.contentType, input.contentBase64);
  return executeCommand(
    services.store,
    context,
    aggregates.companyLogo.on(context.tenantId, { command: () => ({ type: 'UploadCompanyLogo', data: { contentType: input.contentType, contentBase64: input.contentBase64 } }) }),
  );
}
