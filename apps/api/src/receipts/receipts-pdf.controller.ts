import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ReceiptQueries } from '../../../../projections/receipts/receipts.queries.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { serveTenantPdf } from '../pdf/serve-tenant-pdf.js';
import { renderReceiptPdf } from './receipt.pdf.js';

/**
 * GET /receipts/<id>.pdf: the receipt's PDF, with the same authentication as GraphQL (the API key chooses the
 * tenant). Another tenant's receipt answers 404 exactly like an unknown one, so ids reveal nothing across tenants.
 */
@Controller()
export class ReceiptsPdfController {
  private readonly queries: ReceiptQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new ReceiptQueries(services.db);
  }

  @Get('receipts/:file')
  async pdf(@Param('file') file: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await serveTenantPdf(this.services, file, request, response, {
      kind: 'receipt',
      route: 'receipts',
      find: (tenantId, receiptId) => this.queries.getReceipt(tenantId, receiptId),
      render: (_tenantId, receipt) => renderReceiptPdf(receipt),
      fileName: (receipt) => receipt.number,
    });
  }
}
