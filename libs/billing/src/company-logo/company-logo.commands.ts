import type { DomainCommand } from '../common/command.js';

/**
 * The tenant's company logo (one per tenant: its stream is keyed by the tenant), printed on invoices, receipts and
 * credit notes when `invoice.showLogo` is on. The image travels as base64 text, the way GraphQL carries bytes.
 */
export type UploadCompanyLogo = DomainCommand<
  'UploadCompanyLogo',
  {
    /** image/png or image/jpeg: checked against the bytes themselves. */
    contentType: string;
    /** Standard base64 of the file (line breaks allowed), at most companyLogoLimits.byteLengthMax bytes decoded. */
    contentBase64: string;
  }
>;

/** Removes the logo: documents print without one from then on. Removing when there is none decides nothing. */
export type RemoveCompanyLogo = DomainCommand<'RemoveCompanyLogo', Record<string, never>>;

export type CompanyLogoCommand = UploadCompanyLogo | RemoveCompanyLogo;
