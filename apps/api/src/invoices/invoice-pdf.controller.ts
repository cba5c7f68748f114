import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderInvoiceDocument } from '../../../../libs/ledger-application/src/index.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { serveTenantPdf } from '../pdf/serve-tenant-pdf.js';

/**
 * GET /invoices/<id>.pdf: the invoice's PDF (libs/ledger-application/src/documents), with the same authentication and
 * tenant scope as receipts and credit notes. A draft prints too, marked DRAFT on every page and without a number, so
 * it can be checked before it is issued; a voided invoice is marked VOID. Another tenant's invoice answers 404
 * exactly like an unknown one.
 */
@Controller()
export class InvoicePdfController {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Get('invoices/:file')
  async pdf(@Param('file') file: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await serveTenantPdf(this.services, file, request, response, {
      kind: 'invoice',
      route: 'invoices',
      render: (tenantId, invoiceId) => renderInvoiceDocument(this.services, tenantId, invoiceId),
    });
  }
}
