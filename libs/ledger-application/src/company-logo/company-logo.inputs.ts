/** What uploadCompanyLogo takes: plain data, structurally what the GraphQL input carries. */
export interface UploadCompanyLogoInput {
  /** image/png or image/jpeg. */
  readonly contentType: string;
  /** Standard base64 of the file, at most 256 KB decoded (companyLogoLimits). */
  readonly contentBase64: string;
}
