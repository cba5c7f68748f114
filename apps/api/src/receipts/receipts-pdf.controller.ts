import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderReceiptDocument } from '../../../../libs/ledger-application/src/index.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { serveTenantPdf } from '../pdf/serve-tenant-pdf.js';

/**
 * GET /receipts/<id>.pdf: the receipt's PDF (libs/ledger-application/src/documents), with the same authentication as
 * GraphQL (the API key chooses the tenant). Another tenant's receipt answers 404 exactly like an unknown one, so ids
 * reveal nothing across tenants.
 */
@Controller()
export class ReceiptsPdfController {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Get('receipts/:file')
  async pdf(@Param('file') file: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await serveTenantPdf(this.services, file, request, response, {
      kind: 'receipt',
      route: 'receipts',
      render: (tenantId, receiptId) => renderReceiptDocument(this.services, tenantId, receiptId),
    });
  }
}
