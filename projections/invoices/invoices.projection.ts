import type Big from 'big.js';
import { Money, parseComputedDecimal } from '../../libs/money/src/index.js';
import type { InvoiceEvent, InvoiceLine, LineTax } from '../../libs/billing/src/index.js';
import { explicitlyPricedLine, invoiceEventTypes, pricedInvoiceTotals, taxBreakdownOf } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createInvoiceTables } from './invoices.tables.js';
import { deleteRows, insertRows, keyOf, loadRows, upsertRows, type Row, type RowKey } from '../common/batch-rows.js';

/** The `invoices` read model: one row per invoice with its lines, totals, payments, balance and status. */
export const invoicesProjection: Projection = {
  name: 'invoices',
  // Version 2: a draft's balance_due is zero (version 1 showed the draft total), so stored read models rebuild.
  // Version 3: lines carry their net and their taxes, invoices their tax breakdown and locked exchange rate.
  // Version 4: payments applied from the Payment aggregate, credits, refunds, write-offs and the creditable amount.
  // Version 5: when the invoice became overdue, and the payment reminders that fell due.
  version: 5,
  eventTypes: invoiceEventTypes,
  tables: ['invoices', 'invoice_lines', 'invoice_payments', 'invoice_payment_applications', 'invoice_credit_applications'],
  createTables: createInvoiceTables,
  applyBatch: applyInvoiceBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parseInvoiceEvent = aggregates.invoice.parse;

const INVOICE_KEY = ['tenant_id', 'invoice_id'];
const LINE_KEY = ['tenant_id', 'invoice_id', 'line_id'];
const APPLICATION_KEY = ['tenant_id', 'invoice_id', 'sort_order'];

/**
 * The batch folded in memory, then written with a constant number of statements however many events it holds: at most
 * four reads (the invoices it touches, and the lines, payment applications and credit applications of the invoices
 * whose events need them) and six writes (invoices upserted, lines deleted and upserted, payments inserted, payment
 * applications upserted, credit applications inserted). Each event is applied in log order with the rules the
 * per-event projection had, so any split of the log into batches gives the same rows.
 */
async function applyInvoiceBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ tenantId: tenantOfStream(recorded.streamId), event: parseInvoiceEvent(recorded), at: recorded.recordedAt }));
  const fold = await InvoiceBatch.load(context, parsed);
  for (const { tenantId, event, at } of parsed) fold.apply(tenantId, event, at);
  await fold.write(context);
}

interface ParsedInvoiceEvent {
  readonly tenantId: string;
  readonly event: InvoiceEvent;
  readonly at: Date;
}

/** One invoice's rows while the batch is folded: its row, its present lines and its applications, each in sort order. */
interface InvoiceRows {
  row: Row | undefined;
  /** By line id, in insertion order; sorted by sort_order where order matters. */
  readonly lines: Map<string, Row>;
  readonly paymentApplications: Row[];
  readonly creditApplications: Row[];
}

class InvoiceBatch {
  private readonly invoices = new Map<string, InvoiceRows>();
  private readonly touchedInvoices = new Set<string>();
  /** Line keys as stored before the batch: those no longer present at the end are deleted. */
  private readonly storedLines = new Set<string>();
  private readonly changedLines = new Set<string>();
  private readonly changedPaymentApplications = new Set<string>();
  private readonly newCreditApplications: Row[] = [];
  private readonly newPayments: Row[] = [];
  /** Invoices whose InvoiceDrafted is in this batch: none of their rows can exist yet, so none is loaded. */
  private readonly draftedHere = new Set<string>();
  /**
   * Drafts whose lines changed since their figures were last computed, with the instant of the latest change: the
   * figures are computed once, before the next event of another kind for that invoice or at the end of the batch,
   * instead of after every line (which made drafting n lines cost n² line reads).
   */
  private readonly staleDraftFigures = new Map<string, { tenantId: string; invoiceId: string; at: Date }>();

  /** Every row the batch will read, one statement per table, keyed by the invoices whose events need that table. */
  static async load(context: ProjectionContext, parsed: readonly ParsedInvoiceEvent[]): Promise<InvoiceBatch> {
    const all: RowKey[] = [];
    const withLines: RowKey[] = [];
    const withPayments: RowKey[] = [];
    const withCredits: RowKey[] = [];
    const batch = new InvoiceBatch();
    for (const { tenantId, event } of parsed) {
      // An invoice's first event is its draft, and the checkpoint commits with the rows, so an invoice drafted in
      // this batch has no stored row: live batches of new invoices read nothing before they write.
      if (event.type === 'InvoiceDrafted') batch.draftedHere.add(keyOf(tenantId, event.data.invoiceId));
      if (batch.draftedHere.has(keyOf(tenantId, event.data.invoiceId))) continue;
      const key = [tenantId, event.data.invoiceId];
      all.push(key);
      if (event.type === 'InvoiceLineAdded' || event.type === 'InvoiceLineRemoved' || event.type === 'InvoiceTaxCalculated') withLines.push(key);
      if (event.type === 'InvoicePaymentRecorded' || event.type === 'InvoicePaymentApplied' || event.type === 'InvoicePaymentRefunded') withPayments.push(key);
      if (event.type === 'InvoiceCreditApplied') withCredits.push(key);
    }
    for (const row of await loadRows(context, 'invoices', INVOICE_KEY, all)) batch.rowsOf(row.tenant_id as string, row.invoice_id as string).row = row;
    for (const row of bySortOrder(await loadRows(context, 'invoice_lines', INVOICE_KEY, withLines))) {
      batch.rowsOf(row.tenant_id as string, row.invoice_id as string).lines.set(row.line_id as string, row);
      batch.storedLines.add(keyOf(row.tenant_id as string, row.invoice_id as string, row.line_id as string));
    }
    for (const row of bySortOrder(await loadRows(context, 'invoice_payment_applications', INVOICE_KEY, withPayments))) {
      batch.rowsOf(row.tenant_id as string, row.invoice_id as string).paymentApplications.push(row);
    }
    for (const row of bySortOrder(await loadRows(context, 'invoice_credit_applications', INVOICE_KEY, withCredits))) {
      batch.rowsOf(row.tenant_id as string, row.invoice_id as string).creditApplications.push(row);
    }
    return batch;
  }

  private rowsOf(tenantId: string, invoiceId: string): InvoiceRows {
    const key = keyOf(tenantId, invoiceId);
    let rows = this.invoices.get(key);
    if (rows === undefined) {
      rows = { row: undefined, lines: new Map(), paymentApplications: [], creditApplications: [] };
      this.invoices.set(key, rows);
    }
    return rows;
  }

  /** The invoice's row changed by `values`; an invoice never drafted changes nothing, as an UPDATE of no row did. */
  private update(tenantId: string, invoiceId: string, values: Row): void {
    const rows = this.rowsOf(tenantId, invoiceId);
    if (rows.row === undefined) return;
    rows.row = { ...rows.row, ...values };
    this.touchedInvoices.add(keyOf(tenantId, invoiceId));
  }

  apply(tenantId: string, event: InvoiceEvent, at: Date): void {
    if (event.type !== 'InvoiceLineAdded' && event.type !== 'InvoiceLineRemoved') this.refreshStaleDraftFigures(keyOf(tenantId, event.data.invoiceId));
    switch (event.type) {
      case 'InvoiceDrafted': {
        const { data } = event;
        const rows = this.rowsOf(tenantId, data.invoiceId);
        // Drafted once: a second draft fails the batch, as the one-row INSERT did.
        if (rows.row !== undefined) throw new Error(`invoices: invoice ${data.invoiceId} of ${tenantId} is drafted already`);
        rows.row = {
          tenant_id: tenantId,
          invoice_id: data.invoiceId,
          customer_id: data.customerId,
          number: null,
          status: 'draft',
          currency: data.currency,
          subtotal: '0',
          tax_total: '0',
          total: '0',
          amount_paid: '0',
          amount_credited: '0',
          amount_refunded: '0',
          amount_written_off: '0',
          creditable_amount: '0',
          balance_due: '0',
          payment_terms_days: data.paymentTermsDays,
          requested_due_date: data.dueDate,
          issue_date: null,
          issued_at: null,
          due_date: null,
          drafted_at: data.draftedAt,
          voided_at: null,
          void_reason: null,
          written_off_at: null,
          write_off_reason: null,
          line_count: 0,
          tax_breakdown: [],
          reporting_currency: null,
          exchange_rate: null,
          reporting_total: null,
          became_overdue_at: null,
          payment_reminders: [],
          last_event_at: at,
        };
        this.touchedInvoices.add(keyOf(tenantId, data.invoiceId));
        for (const [index, line] of data.lines.entries()) this.addLine(tenantId, data.invoiceId, line, index);
        this.refreshDraftFigures(tenantId, data.invoiceId, at);
        return;
      }
      case 'InvoiceLineAdded': {
        const { lines } = this.rowsOf(tenantId, event.data.invoiceId);
        // The next sort order after the lines present now (a removed last line leaves its number free), as before.
        const next = lines.size === 0 ? 0 : Math.max(...[...lines.values()].map((line) => line.sort_order as number)) + 1;
        this.addLine(tenantId, event.data.invoiceId, event.data.line, next);
        this.refreshDraftFigures(tenantId, event.data.invoiceId, at);
        return;
      }
      case 'InvoiceLineRemoved':
        this.rowsOf(tenantId, event.data.invoiceId).lines.delete(event.data.lineId);
        this.refreshDraftFigures(tenantId, event.data.invoiceId, at);
        return;
      case 'InvoiceTaxCalculated': {
        const { data } = event;
        const { lines } = this.rowsOf(tenantId, data.invoiceId);
        for (const line of data.lines) {
          const row = lines.get(line.lineId);
          if (row === undefined) continue;
          lines.set(line.lineId, { ...row, net_amount: line.netAmount, tax_amount: line.taxAmount, taxes: line.taxes });
          this.changedLines.add(keyOf(tenantId, data.invoiceId, line.lineId));
        }
        this.update(tenantId, data.invoiceId, { subtotal: data.subtotal, tax_total: data.taxTotal, total: data.total, tax_breakdown: data.breakdown, last_event_at: at });
        return;
      }
      case 'InvoiceIssued': {
        const { data } = event;
        this.update(tenantId, data.invoiceId, {
          number: data.number,
          status: parseComputedDecimal(data.total).eq(0) ? 'paid' : 'open',
          subtotal: data.subtotal,
          tax_total: data.taxTotal,
          total: data.total,
          balance_due: data.total,
          creditable_amount: data.total,
          issue_date: data.issueDate,
          issued_at: data.issuedAt,
          due_date: data.dueDate,
          // Invoices issued before breakdowns existed keep the one derived from their lines.
          ...(data.taxBreakdown === undefined ? {} : { tax_breakdown: data.taxBreakdown }),
          reporting_currency: data.reportingCurrency ?? null,
          exchange_rate: data.exchangeRate ?? null,
          reporting_total: data.reportingTotal ?? null,
          last_event_at: at,
        });
        return;
      }
      case 'InvoicePaymentRecorded': {
        // Legacy: a payment recorded on the invoice itself; its applied part counts as paid like an applied payment.
        const { data } = event;
        this.addPaidPayment(tenantId, {
          invoiceId: data.invoiceId,
          paymentId: data.paymentId,
          method: data.method,
          reference: data.reference,
          currency: data.currency,
          amount: data.amount,
          appliedAmount: data.appliedAmount,
          excessAmount: data.excessAmount,
          recordedAt: data.recordedAt,
        }, at);
        return;
      }
      case 'InvoicePaymentApplied': {
        // Listed with the legacy payments (as evolveInvoice does): the whole payment, the part applied here, and the
        // rest (other invoices or the customer's credit) as its excess.
        const { data } = event;
        this.addPaidPayment(tenantId, {
          invoiceId: data.invoiceId,
          paymentId: data.paymentId,
          method: data.method,
          reference: data.reference,
          currency: data.currency,
          amount: data.paymentAmount,
          appliedAmount: data.amount,
          excessAmount: Money.of(data.paymentAmount, data.currency).minus(Money.of(data.amount, data.currency)).toString(),
          recordedAt: data.appliedAt,
        }, at);
        return;
      }
      case 'InvoiceCreditApplied': {
        const { data } = event;
        const { creditApplications } = this.rowsOf(tenantId, data.invoiceId);
        const row = {
          tenant_id: tenantId,
          invoice_id: data.invoiceId,
          sort_order: nextSortOrder(creditApplications),
          application_id: data.applicationId,
          source: data.source,
          source_id: data.sourceId,
          amount: data.amount,
          applied_at: data.appliedAt,
        };
        creditApplications.push(row);
        this.newCreditApplications.push(row);
        this.changeFigures(tenantId, data.invoiceId, 'amount_credited', data.amount, at);
        return;
      }
      case 'InvoicePaymentRefunded': {
        // A refund reopens the balance; after a write-off too (the status then follows the balance again).
        const { data } = event;
        this.reopenPaymentApplications(tenantId, data.invoiceId, data.paymentId, data.amount, data.currency);
        this.changeFigures(tenantId, data.invoiceId, 'amount_refunded', data.amount, at);
        return;
      }
      case 'InvoiceWrittenOff': {
        const { data } = event;
        this.changeFigures(tenantId, data.invoiceId, 'amount_written_off', data.amount, at);
        this.update(tenantId, data.invoiceId, { status: 'written_off', written_off_at: data.writtenOffAt, write_off_reason: data.reason });
        return;
      }
      case 'InvoiceCreditNoteRegistered':
      case 'InvoiceCreditNoteReleased': {
        // An issued note takes its total from what is creditable; its void gives the unapplied part back. The balance
        // does not move until a note is applied (InvoiceCreditApplied).
        const { data } = event;
        const row = this.rowsOf(tenantId, data.invoiceId).row;
        if (row === undefined) return;
        const creditable = decimal(row.creditable_amount);
        const change = event.type === 'InvoiceCreditNoteRegistered' ? creditable.minus(decimal(data.amount)) : creditable.plus(decimal(data.amount));
        this.update(tenantId, data.invoiceId, { creditable_amount: change.toFixed(), last_event_at: at });
        return;
      }
      case 'InvoiceVoided':
        this.update(tenantId, event.data.invoiceId, { status: 'void', voided_at: event.data.voidedAt, void_reason: event.data.reason, balance_due: '0', last_event_at: at });
        return;
      case 'InvoiceBecameOverdue':
        // The settlement status stays (see invoices.tables.ts): the status shown becomes overdue while a balance is left.
        this.update(tenantId, event.data.invoiceId, { became_overdue_at: event.data.becameOverdueAt, last_event_at: at });
        return;
      case 'InvoicePaymentReminderDue': {
        const { data } = event;
        const row = this.rowsOf(tenantId, data.invoiceId).row;
        if (row === undefined) return;
        const reminders = [...(row.payment_reminders as { daysBeforeDue: number; dueAt: string }[]), { daysBeforeDue: data.daysBeforeDue, dueAt: data.dueAt }];
        this.update(tenantId, data.invoiceId, { payment_reminders: reminders, last_event_at: at });
        return;
      }
      default:
        assertNever(event);
    }
  }

  private addLine(tenantId: string, invoiceId: string, line: InvoiceLine, sortOrder: number): void {
    const { lines } = this.rowsOf(tenantId, invoiceId);
    // A line id present already fails the batch, as the one-row INSERT did.
    if (lines.has(line.lineId)) throw new Error(`invoices: line ${line.lineId} of invoice ${invoiceId} of ${tenantId} exists already`);
    // A line's own figures: net = amount, tax at its explicit rate. An InvoiceTaxCalculated that follows replaces them.
    const priced = explicitlyPricedLine(line);
    lines.set(line.lineId, {
      tenant_id: tenantId,
      invoice_id: invoiceId,
      line_id: line.lineId,
      sort_order: sortOrder,
      description: line.description,
      quantity: line.quantity,
      unit_price: line.unitPrice,
      tax_rate: line.taxRate,
      amount: line.amount,
      net_amount: priced.netAmount,
      tax_amount: priced.taxAmount,
      taxes: priced.taxes,
    });
    this.changedLines.add(keyOf(tenantId, invoiceId, line.lineId));
  }

  /**
   * While draft, totals and the tax breakdown follow the lines' figures, in sort order. They are computed with the
   * same functions as the decider's state (pricedInvoiceTotals, taxBreakdownOf), so both always agree. The amounts go
   * through Money.of at the currency's scale, as they did when read back from numeric(38, 12).
   */
  private refreshDraftFigures(tenantId: string, invoiceId: string, at: Date): void {
    this.staleDraftFigures.set(keyOf(tenantId, invoiceId), { tenantId, invoiceId, at });
  }

  private refreshStaleDraftFigures(key: string): void {
    const stale = this.staleDraftFigures.get(key);
    if (stale === undefined) return;
    this.staleDraftFigures.delete(key);
    this.computeDraftFigures(stale.tenantId, stale.invoiceId, stale.at);
  }

  private computeDraftFigures(tenantId: string, invoiceId: string, at: Date): void {
    const rows = this.rowsOf(tenantId, invoiceId);
    if (rows.row === undefined) throw new Error(`invoices: invoice ${invoiceId} of ${tenantId} has lines but was never drafted`);
    const currency = rows.row.currency as string;
    const lines = bySortOrder([...rows.lines.values()]).map((row) => ({
      netAmount: Money.of(row.net_amount as string, currency).toString(),
      taxAmount: Money.of(row.tax_amount as string, currency).toString(),
      taxes: row.taxes as LineTax[],
    }));
    const totals = pricedInvoiceTotals(lines, currency);
    this.update(tenantId, invoiceId, { subtotal: totals.subtotal, tax_total: totals.taxTotal, total: totals.total, tax_breakdown: taxBreakdownOf(lines, currency), line_count: lines.length, last_event_at: at });
  }

  /** A payment (legacy recorded or applied) lists on the invoice, opens an application and counts its applied part as paid. */
  private addPaidPayment(tenantId: string, payment: PaidPayment, at: Date): void {
    this.newPayments.push({
      tenant_id: tenantId,
      invoice_id: payment.invoiceId,
      payment_id: payment.paymentId,
      method: payment.method,
      reference: payment.reference,
      currency: payment.currency,
      amount: payment.amount,
      applied_amount: payment.appliedAmount,
      excess_amount: payment.excessAmount,
      recorded_at: payment.recordedAt,
    });
    const { paymentApplications } = this.rowsOf(tenantId, payment.invoiceId);
    const sortOrder = nextSortOrder(paymentApplications);
    paymentApplications.push({
      tenant_id: tenantId,
      invoice_id: payment.invoiceId,
      sort_order: sortOrder,
      payment_id: payment.paymentId,
      applied_amount: payment.appliedAmount,
      reopened_amount: Money.zero(payment.currency).toString(),
      applied_at: payment.recordedAt,
    });
    this.changedPaymentApplications.add(keyOf(tenantId, payment.invoiceId, String(sortOrder)));
    this.changeFigures(tenantId, payment.invoiceId, 'amount_paid', payment.appliedAmount, at);
  }

  /**
   * A payment, a credit, a refund or a write-off added `amount` to one of the invoice's figures. The balance and status
   * then follow from the figures exactly as in evolveInvoice (invoiceBalanceOf, settledStatusOf): balance = total -
   * paid - credited + refunded - written off; nothing due is paid, something due with money paid (net of refunds) or
   * credit applied is partially paid, otherwise open. Exact decimal arithmetic, as PostgreSQL's was: nothing rounds
   * here, and the column keeps its scale.
   */
  private changeFigures(tenantId: string, invoiceId: string, figure: 'amount_paid' | 'amount_credited' | 'amount_refunded' | 'amount_written_off', amount: string, at: Date): void {
    const row = this.rowsOf(tenantId, invoiceId).row;
    if (row === undefined) return;
    const figures = { ...row, [figure]: decimal(row[figure]).plus(decimal(amount)).toFixed() };
    const paid = decimal(figures.amount_paid);
    const credited = decimal(figures.amount_credited);
    const refunded = decimal(figures.amount_refunded);
    const balance = decimal(figures.total).minus(paid).minus(credited).plus(refunded).minus(decimal(figures.amount_written_off));
    const status = balance.eq(0) ? 'paid' : paid.minus(refunded).gt(0) || credited.gt(0) ? 'partially_paid' : 'open';
    this.update(tenantId, invoiceId, { [figure]: figures[figure], last_event_at: at, balance_due: balance.toFixed(), status });
  }

  /** A refund reopens the payment's applications here oldest first, each at most what it applied less what was reopened (as evolveInvoice). */
  private reopenPaymentApplications(tenantId: string, invoiceId: string, paymentId: string, amount: string, currency: string): void {
    const { paymentApplications } = this.rowsOf(tenantId, invoiceId);
    let left = Money.of(amount, currency);
    for (const [index, application] of paymentApplications.entries()) {
      if (application.payment_id !== paymentId) continue;
      if (left.isZero()) break;
      const reopened = Money.of(application.reopened_amount as string, currency);
      const taken = Money.min(Money.of(application.applied_amount as string, currency).minus(reopened), left);
      left = left.minus(taken);
      paymentApplications[index] = { ...application, reopened_amount: reopened.plus(taken).toString() };
      this.changedPaymentApplications.add(keyOf(tenantId, invoiceId, String(application.sort_order)));
    }
  }

  /** Each touched row once: one statement per table that has something to write. */
  async write(context: ProjectionContext): Promise<void> {
    for (const key of [...this.staleDraftFigures.keys()]) this.refreshStaleDraftFigures(key);
    const invoices: Row[] = [];
    const draftedInvoices: Row[] = [];
    const lines: Row[] = [];
    const removedLines: RowKey[] = [];
    const paymentApplications: Row[] = [];
    for (const [key, rows] of this.invoices) {
      if (this.touchedInvoices.has(key) && rows.row !== undefined) (this.draftedHere.has(key) ? draftedInvoices : invoices).push(rows.row);
      for (const line of rows.lines.values()) {
        if (this.changedLines.has(keyOf(line.tenant_id as string, line.invoice_id as string, line.line_id as string))) lines.push(line);
      }
      for (const application of rows.paymentApplications) {
        if (this.changedPaymentApplications.has(keyOf(application.tenant_id as string, application.invoice_id as string, String(application.sort_order)))) paymentApplications.push(application);
      }
    }
    for (const stored of this.storedLines) {
      const [tenantId, invoiceId, lineId] = stored.split('\u0000') as [string, string, string];
      if (!this.rowsOf(tenantId, invoiceId).lines.has(lineId)) removedLines.push([tenantId, invoiceId, lineId]);
    }
    // New invoices are inserted, so that a second draft of one still fails the batch as a one-row INSERT did.
    await insertRows(context, 'invoices', draftedInvoices);
    await upsertRows(context, 'invoices', INVOICE_KEY, invoices);
    await deleteRows(context, 'invoice_lines', LINE_KEY, removedLines);
    await upsertRows(context, 'invoice_lines', LINE_KEY, lines);
    await insertRows(context, 'invoice_payments', this.newPayments);
    await upsertRows(context, 'invoice_payment_applications', APPLICATION_KEY, paymentApplications);
    await insertRows(context, 'invoice_credit_applications', this.newCreditApplications);
  }
}

interface PaidPayment {
  invoiceId: string;
  paymentId: string;
  method: string;
  reference: string | null;
  currency: string;
  /** The whole payment. */
  amount: string;
  /** The part of it applied to this invoice. */
  appliedAmount: string;
  /** The rest (other invoices or the customer's credit). */
  excessAmount: string;
  recordedAt: string;
}

/** The next sort order after `rows` (0 for none), as `coalesce(max(sort_order) + 1, 0)` gave it. */
function nextSortOrder(rows: readonly Row[]): number {
  return rows.reduce((next, row) => Math.max(next, (row.sort_order as number) + 1), 0);
}

function bySortOrder(rows: Row[]): Row[] {
  return rows.sort((a, b) => (a.sort_order as number) - (b.sort_order as number));
}

/** A stored or event decimal (a numeric column reads back as a string). */
function decimal(value: unknown): Big {
  return parseComputedDecimal(value as string);
}
