import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { calendarDateInZone } from '../../../../libs/billing/src/index.js';
import { BillingSettingsQueries } from '../../../../projections/billing-settings/billing-settings.queries.js';
import { CreditNoteQueries, type CreditNoteRecord } from '../../../../projections/credit-notes/credit-notes.queries.js';
import { CustomerQueries } from '../../../../projections/customers/customers.queries.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { serveTenantPdf } from '../pdf/serve-tenant-pdf.js';
import { receiptCompanyOf } from '../../../../libs/ledger-application/src/receipts/issue-receipt.js';
import { tenantToday } from '../../../../libs/ledger-application/src/common/billing-settings.js';
import { renderCreditNotePdf } from './credit-note.pdf.js';
import type { CreditNoteTextContext } from './credit-note.text.js';

/**
 * GET /credit-notes/<id>.pdf: the note's PDF, with the same authentication as GraphQL (the API key chooses the
 * tenant), like a receipt's. Another tenant's note answers 404 exactly like an unknown one. Everything printed comes
 * from the read models of that tenant.
 */
@Controller()
export class CreditNotesPdfController {
  private readonly notes: CreditNoteQueries;
  private readonly customers: CustomerQueries;
  private readonly settings: BillingSettingsQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.notes = new CreditNoteQueries(services.db);
    this.customers = new CustomerQueries(services.db);
    this.settings = new BillingSettingsQueries(services.db);
  }

  @Get('credit-notes/:file')
  async pdf(@Param('file') file: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await serveTenantPdf(this.services, file, request, response, {
      kind: 'credit note',
      route: 'credit-notes',
      find: (tenantId, creditNoteId) => this.notes.getCreditNote(tenantId, creditNoteId),
      render: async (tenantId, note) => renderCreditNotePdf(note, await this.textContext(tenantId, note)),
      fileName: (note) => note.number ?? `credit-note-${note.creditNoteId}`,
    });
  }

  private async textContext(tenantId: string, note: CreditNoteRecord): Promise<CreditNoteTextContext> {
    const { settings } = await this.settings.current(tenantId);
    const customer = await this.customers.getCustomer(tenantId, note.customerId);
    const invoiceIds = new Set<string>();
    if (note.sourceInvoiceId !== null) invoiceIds.add(note.sourceInvoiceId);
    for (const application of note.applications) if (application.invoiceId !== null) invoiceIds.add(application.invoiceId);
    const today = await tenantToday(this.services, tenantId);
    const invoiceNumbers = new Map<string, string>();
    for (const invoiceId of invoiceIds) {
      const invoice = await this.services.invoiceQueries.getInvoice(tenantId, invoiceId, today);
      if (invoice?.number) invoiceNumbers.set(invoiceId, invoice.number);
    }
    return {
      issueDate: note.issuedAt === null ? null : calendarDateInZone(note.issuedAt, settings.tenant.timeZone),
      customerName: customer?.name ?? null,
      invoiceNumbers,
      company: receiptCompanyOf(settings, tenantId),
    };
  }
}
