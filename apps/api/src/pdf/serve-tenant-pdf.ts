import type { Request, Response } from 'express';
import type { LedgerServices } from '../ledger-services.js';
import { authorizeOperation } from '../../../../libs/access/src/operation-roles.js';
import { requestIdentity } from '../platform/request-scope.middleware.js';
import { textProblem } from '../graphql/limits/well-formed-text.js';
import type { RenderedDocument } from '../../../../libs/ledger-application/src/index.js';

const PDF_FILE_PATTERN = /^(.{1,200})\.pdf$/;

/** What a PDF endpoint serves: which documents, and how to render one of a tenant (libs/ledger-application/src/documents). */
export interface TenantPdf {
  /** Named in the 404 message: `no ${kind} <file>`. */
  kind: string;
  /** The route's first segment (`invoices`, `receipts`, `credit-notes`): its entry in the roles table is `GET /<route>/:id.pdf`. */
  route: string;
  /** The document of the tenant as a PDF, or undefined when the tenant has no such document. */
  render(tenantId: string, id: string): Promise<RenderedDocument | undefined>;
}

/**
 * GET /<documents>/<id>.pdf with the same authentication as GraphQL (the API key chooses the tenant): 401 without a
 * valid key, 400 VALIDATION_FAILED for an id that is not text (a NUL, a lone surrogate: PostgreSQL would refuse
 * it), 404 for an unknown document and for another tenant's alike (ids reveal nothing across tenants), otherwise
 * the PDF inline. Never cached (a shared cache must not keep one tenant's document), never content-sniffed.
 */
export async function serveTenantPdf(services: LedgerServices, file: string, request: Request, response: Response, pdf: TenantPdf): Promise<void> {
  response.set({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  // Authenticated by the request-scope middleware, which also put the rest of this request in the key's tenant scope.
  const { principal } = requestIdentity(request);
  const decision = authorizeOperation(principal, 'http', [`GET /${pdf.route}/:id.pdf`]);
  if (!decision.allowed || !principal) {
    const refused = decision.allowed ? { code: 'UNAUTHENTICATED', message: 'a valid API key is required' } : decision;
    response.status(refused.code === 'UNAUTHENTICATED' ? 401 : 403).json({ code: refused.code, message: refused.message });
    return;
  }
  const id = PDF_FILE_PATTERN.exec(file)?.[1];
  const problem = id === undefined ? undefined : textProblem(id);
  if (problem) {
    response.status(400).json({ code: 'VALIDATION_FAILED', message: `the document id ${problem}` });
    return;
  }
  const document = id === undefined ? undefined : await pdf.render(principal.tenantId, id);
  if (!document) {
    response.status(404).json({ code: 'NOT_FOUND', message: `no ${pdf.kind} ${file}` });
    return;
  }
  const fileName = document.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  response
    .status(200)
    .set({ 'content-type': document.contentType, 'content-disposition': `inline; filename="${fileName}"`, 'content-length': String(document.bytes.length) })
    .end(document.bytes);
}
