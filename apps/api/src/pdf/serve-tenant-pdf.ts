import type { Request, Response } from 'express';
import type { LedgerServices } from '../ledger-services.js';
import { bearerToken } from '../platform/api-keys.service.js';

const PDF_FILE_PATTERN = /^(.{1,200})\.pdf$/;

/** What a PDF endpoint serves: how to find the document of a tenant, and how to print it. */
export interface TenantPdf<Document> {
  /** Named in the 404 message: `no ${kind} <file>`. */
  kind: string;
  find(tenantId: string, id: string): Promise<Document | undefined>;
  render(tenantId: string, document: Document): Promise<Buffer>;
  /** The file name without `.pdf`; characters other than letters, digits, `.`, `_` and `-` become `_`. */
  fileName(document: Document): string;
}

/**
 * GET /<documents>/<id>.pdf with the same authentication as GraphQL (the API key chooses the tenant): 401 without a
 * valid key, 404 for an unknown document and for another tenant's alike (ids reveal nothing across tenants),
 * otherwise the PDF inline.
 */
export async function serveTenantPdf<Document>(services: LedgerServices, file: string, request: Request, response: Response, pdf: TenantPdf<Document>): Promise<void> {
  const key = bearerToken(request.headers.authorization);
  const principal = key ? await services.apiKeys.authenticate(key) : undefined;
  if (!principal) {
    response.status(401).json({ code: 'UNAUTHENTICATED', message: 'a valid API key is required: send "Authorization: Bearer <key>"' });
    return;
  }
  const id = PDF_FILE_PATTERN.exec(file)?.[1];
  const document = id === undefined ? undefined : await pdf.find(principal.tenantId, id);
  if (!document) {
    response.status(404).json({ code: 'NOT_FOUND', message: `no ${pdf.kind} ${file}` });
    return;
  }
  const bytes = await pdf.render(principal.tenantId, document);
  const fileName = pdf.fileName(document).replace(/[^A-Za-z0-9._-]/g, '_');
  response
    .status(200)
    .set({ 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${fileName}.pdf"`, 'content-length': String(bytes.length) })
    .end(bytes);
}
