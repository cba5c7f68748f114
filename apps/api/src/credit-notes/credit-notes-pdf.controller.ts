import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderCreditNoteDocument } from '../../../../libs/ledger-application/src/index.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { serveTenantPdf } from '../pdf/serve-tenant-pdf.js';

/**
 * GET /credit-notes/<id>.pdf: the note's PDF (libs/ledger-application/src/documents; a draft is marked DRAFT), with the
 * same authentication as GraphQL (the API key chooses the tenant), like a receipt's. Another tenant's note answers 404
 * exactly like an unknown one.
 */
@Controller()
export class CreditNotesPdfController {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Get('credit-notes/:file')
  async pdf(@Param('file') file: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await serveTenantPdf(this.services, file, request, response, {
      kind: 'credit note',
      route: 'credit-notes',
      render: (tenantId, creditNoteId) => renderCreditNoteDocument(this.services, tenantId, creditNoteId),
    });
  }
}
