import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ReceiptQueries } from '../../../../projections/receipts/receipts.queries.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { bearerToken } from '../platform/api-keys.service.js';
import { renderReceiptPdf } from './receipt.pdf.js';

const PDF_FILE_PATTERN = /^(.{1,200})\.pdf$/;

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
    const key = bearerToken(request.headers.authorization);
    const principal = key ? await this.services.apiKeys.authenticate(key) : undefined;
    if (!principal) {
      response.status(401).json({ code: 'UNAUTHENTICATED', message: 'a valid API key is required: send "Authorization: Bearer <key>"' });
      return;
    }
    const receiptId = PDF_FILE_PATTERN.exec(file)?.[1];
    const receipt = receiptId === undefined ? undefined : await this.queries.getReceipt(principal.tenantId, receiptId);
    if (!receipt) {
      response.status(404).json({ code: 'NOT_FOUND', message: `no receipt ${file}` });
      return;
    }
    const pdf = await renderReceiptPdf(receipt);
    response
      .status(200)
      .set({ 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${receipt.number.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`, 'content-length': String(pdf.length) })
      .end(pdf);
  }
}
