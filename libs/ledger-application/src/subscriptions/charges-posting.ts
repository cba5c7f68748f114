import {
  creditableOnInvoice,
  decideCreditNote,
  decideCreditNoteApplication,
  decideCreditNoteDraft,
  decideInvoice,
  evolveCreditNote,
  evolveCustomerAccount,
  evolveInvoice,
  initialCreditNoteState,
  initialInvoiceState,
  invoiceSettingsContextOf,
  isDomainError,
  requireCreditNotesFeature,
  type BillingSettings,
  type ChargeLine,
  type CreditNoteEvent,
  type CreditNoteLineInput,
  type CreditNoteState,
  type CreditReason,
  type CustomerAccountEvent,
  type CustomerAccountState,
  type InvoiceEvent,
  type InvoiceState,
  type LineInput,
} from '../../../billing/src/index.js';
import { Money, parseComputedDecimal, type CurrencyCode } from '../../../money/src/index.js';
import { aggregates, load, storedAppend, streams, uuidV5, type CommandContext, type LoadedStream, type StreamReads } from '../../../application/src/index.js';
import type { AppendRequest, ExpectedRevision } from '../../../event-store/src/index.js';
import { chargeDocumentsOf, isCredit, type ChargeDocuments } from '../../../../projections/subscriptions/subscription-documents.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadInvoiceCustomerContext } from '../common/customer-context.js';
import { decideAutoAppliedCredit, decideInvoiceIssue } from '../common/invoice-issue.js';
import { takeDocumentNumber } from '../common/numbering.js';
import { chargeOf, type ChargedLine, type SubscriptionHistory } from './subscription-stream.js';

/**
 * A subscription's charges (a period's bill, a change invoiced now, the final lines of a cancellation or a
 * termination) turned into real documents, decided in the same attempt as the subscription's own event so that all
 * of it is ONE atomic multi-stream append (docs/domain.md, "Subscriptions"):
 *
 * 1. The non-negative lines make an invoice, drafted and issued through the same building blocks as any invoice
 *    (common/invoice-issue.ts): the tenant's settings and the customer's tax context, the next gapless number, the
 *    issue date in the tenant's zone, the locked exchange rate, the default due days. Each invoice line carries the
 *    charge line's id and figures: quantity x unit price when that is the line's amount, else one unit at the amount
 *    (a prorated line), so every invoice line nets exactly what the subscription decided.
 * 2. The negative lines (proration credits) cannot be invoice lines (an invoice refuses a negative price): they make
 *    one credit note (type adjustment; reason cancellation for a cancellation or termination, price_adjustment
 *    otherwise), drafted against the invoice that charged the credited days when one invoice did and its creditable
 *    amount holds the note (otherwise without a source invoice), issued with the next credit-note number (registered
 *    on its source in the same append), applied first to the new invoice (up to its balance) and the rest to the
 *    customer's account as customer credit. A net credit thus becomes customer credit, and the general ledger gets the
 *    credit through the credit-note postings.
 * 3. The new invoice's remaining balance then takes the customer's auto-applied credit, as any issue does.
 *
 * Every stream is written at the revision read (the new documents as new streams), so a retry or a concurrent
 * attempt conflicts and re-decides; the document ids derive from what is charged (subscription-documents.ts), so a
 * period can never be invoiced twice.
 */

/** What one charge event asks for. */
export interface Charges {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly currency: string;
  /** The invoice id the subscription's event names (for a credit-only charge, the credit note is named after it). */
  readonly invoiceId: string;
  readonly lines: readonly ChargeLine[];
  readonly reason: 'period' | 'change' | 'cancellation' | 'termination';
}

/** The documents posted and every stream's part of the append. */
export interface ChargesPosting {
  readonly documents: ChargeDocuments;
  readonly appends: readonly AppendRequest[];
  readonly invoice: InvoiceState | null;
  readonly creditNote: CreditNoteState | null;
}

/** Streams one posting reads, shared between the steps so that each is written once, at the revision first read. */
class PostingStreams {
  private readonly accountLoads = new Map<string, Promise<LoadedStream<CustomerAccountState>>>();

  constructor(
    private readonly services: ApplicationServices,
    private readonly context: CommandContext,
    private readonly reads: StreamReads | undefined,
  ) {}

  async invoice(invoiceId: string): Promise<LoadedStream<InvoiceState>> {
    const loaded = await load(this.services.store, aggregates.invoice, this.context.tenantId, invoiceId);
    return this.reads ? this.reads.track(streams.invoice(this.context.tenantId, invoiceId), loaded) : loaded;
  }

  account(customerId: string): Promise<LoadedStream<CustomerAccountState>> {
    let loading = this.accountLoads.get(customerId);
    if (loading === undefined) {
      loading = load(this.services.store, aggregates.customerAccount, this.context.tenantId, customerId).then((loaded) =>
        this.reads ? this.reads.track(streams.customerAccount(this.context.tenantId, customerId), loaded) : loaded,
      );
      this.accountLoads.set(customerId, loading);
    }
    return loading;
  }
}

/** The documents `charges` become and every append that posts them (see the header). */
export async function postCharges(
  services: ApplicationServices,
  context: CommandContext,
  settings: BillingSettings,
  history: SubscriptionHistory,
  charges: Charges,
  reads?: StreamReads,
): Promise<ChargesPosting> {
  const documents = chargeDocumentsOf(charges.invoiceId, charges.lines);
  const read = new PostingStreams(services, context, reads);
  const metadata = { now: context.now };
  const appends: AppendRequest[] = [];

  // 1. The invoice of the non-negative lines.
  let invoice: InvoiceState | null = null;
  const invoiceEvents: InvoiceEvent[] = [];
  const addInvoiceEvents = (events: readonly InvoiceEvent[]) => {
    invoiceEvents.push(...events);
    invoice = events.reduce(evolveInvoice, invoice ?? initialInvoiceState);
  };
  const charged = charges.lines.filter((line) => !isCredit(line));
  if (documents.invoiceId !== null) {
    const customer = await loadInvoiceCustomerContext(services, context.tenantId, charges.customerId);
    addInvoiceEvents(
      decideInvoice(
        {
          type: 'CreateInvoice',
          data: {
            invoiceId: documents.invoiceId,
            customerId: charges.customerId,
            currency: charges.currency,
            lines: charged.map((line) => invoiceLineOf(line, charges.currency)),
            dueDate: null,
            settings: invoiceSettingsContextOf(settings),
            customer,
          },
          metadata,
        },
        initialInvoiceState,
      ),
    );
    const issue = await decideInvoiceIssue(services, context, invoice ?? initialInvoiceState, documents.invoiceId, settings);
    appends.push(...issue.numberAppends);
    addInvoiceEvents(issue.events);
  }

  // 2. The credit note of the negative lines.
  let note: CreditNoteState | null = null;
  const accountEvents: CustomerAccountEvent[] = [];
  let account: LoadedStream<CustomerAccountState> | null = null;
  let accountState: CustomerAccountState | null = null;
  const sourceAppends: AppendRequest[] = [];
  if (documents.creditNoteId !== null) {
    requireCreditNotesFeature(settings);
    const creditNoteId = documents.creditNoteId;
    const credits = charges.lines.filter(isCredit);
    // A credit gives back days charged before it: by an earlier invoice, or by a line before it in this very charge (a
    // pending charge of an earlier change, billed now); never by the charge that replaces it, which comes after it.
    const chargedBefore = (credit: ChargeLine): ChargedLine[] => {
      const earlier = charges.lines.slice(0, charges.lines.indexOf(credit)).filter((line) => !isCredit(line));
      return [...history.charged, ...(documents.invoiceId === null ? [] : earlier.map((line) => ({ invoiceId: documents.invoiceId as string, line })))];
    };
    const sources = credits.map((credit) => chargeOf(credit, chargedBefore(credit)));
    // Every invoice that charged credited days, as read (the new one as decided so far), for the tax of the credit lines.
    const sourceInvoices = new Map<string, { state: InvoiceState; expectedRevision: ExpectedRevision | null }>();
    for (const invoiceId of new Set(sources.flatMap((source) => (source === null ? [] : [source.invoiceId])))) {
      if (invoiceId === documents.invoiceId) sourceInvoices.set(invoiceId, { state: invoice ?? initialInvoiceState, expectedRevision: null });
      else {
        const loaded = await read.invoice(invoiceId);
        sourceInvoices.set(invoiceId, { state: loaded.state, expectedRevision: loaded.expectedRevision });
      }
    }
    const lines = credits.map((credit, index) => creditNoteLineOf(credit, sources[index] ?? null, sourceInvoices, charges.currency));
    const single = new Set(sources.map((source) => source?.invoiceId ?? null));
    const candidate = single.size === 1 ? ([...single][0] ?? null) : null;
    const reason: CreditReason = charges.reason === 'cancellation' || charges.reason === 'termination' ? 'cancellation' : 'price_adjustment';
    const draft = (sourceInvoiceId: string | null): CreditNoteEvent[] =>
      decideCreditNoteDraft({
        settings,
        note: initialCreditNoteState,
        sourceInvoice: sourceInvoiceId === null ? null : (sourceInvoices.get(sourceInvoiceId)?.state ?? null),
        command: { creditNoteId, customerId: charges.customerId, currency: charges.currency, type: 'adjustment', reason, lines, sourceInvoiceId },
        now: context.now,
      });
    // Against the invoice that charged the days when it can still take the note (issued, creditable enough); else none.
    let sourceInvoiceId = candidate;
    let drafted: CreditNoteEvent[];
    try {
      drafted = draft(sourceInvoiceId);
    } catch (error) {
      if (sourceInvoiceId === null || !isDomainError(error) || !['AMOUNT_EXCEEDS_CREDITABLE', 'INVOICE_NOT_OPEN'].includes(error.code)) throw error;
      sourceInvoiceId = null;
      drafted = draft(null);
    }
    note = drafted.reduce(evolveCreditNote, initialCreditNoteState);
    const noteEvents: CreditNoteEvent[] = [...drafted];
    const source = sourceInvoiceId === null ? null : (sourceInvoices.get(sourceInvoiceId) ?? null);
    const creditableOnSource = source === null || sourceInvoiceId === null ? null : creditableOnInvoice(source.state, sourceInvoiceId);
    const issue = (number: string) => decideCreditNote({ type: 'IssueCreditNote', data: { creditNoteId, number, creditableOnSource }, metadata }, note as CreditNoteState);
    issue('provisional');
    const numbered = await takeDocumentNumber(services.store, context, settings, 'credit_note', creditNoteId, context.now);
    appends.push(...numbered.appends);
    const issued = issue(numbered.number);
    noteEvents.push(...issued);
    note = issued.reduce(evolveCreditNote, note);
    if (source !== null && sourceInvoiceId !== null) {
      const register = (state: InvoiceState) =>
        decideInvoice({ type: 'RegisterCreditNote', data: { invoiceId: sourceInvoiceId, creditNoteId, amount: (note as CreditNoteState).total, currency: charges.currency }, metadata }, state);
      if (sourceInvoiceId === documents.invoiceId) addInvoiceEvents(register(invoice ?? initialInvoiceState));
      else sourceAppends.push(storedAppend(context, streams.invoice(context.tenantId, sourceInvoiceId), source.expectedRevision ?? 'no_stream', register(source.state)));
    }
    // Applied first to the new invoice, up to its balance...
    const currency = charges.currency as CurrencyCode;
    const onInvoice = invoice === null ? Money.zero(currency) : Money.min(Money.of(note.remaining, currency), Money.of((invoice as InvoiceState).balanceDue, currency));
    if (onInvoice.isPositive() && documents.invoiceId !== null) {
      const applied = decideCreditNoteApplication({
        note,
        invoice,
        account: null,
        command: { creditNoteId, applicationType: 'invoice', invoiceId: documents.invoiceId, amount: onInvoice.toString() },
        ids: { applicationId: uuidV5(`${creditNoteId}:invoice`) },
        now: context.now,
      });
      noteEvents.push(...applied.note);
      note = applied.note.reduce(evolveCreditNote, note);
      addInvoiceEvents(applied.invoice);
    }
    // ...and the rest to the customer's account.
    const rest = Money.of(note.remaining, currency);
    if (rest.isPositive()) {
      account = await read.account(charges.customerId);
      accountState = account.state;
      const applied = decideCreditNoteApplication({
        note,
        invoice: null,
        account: accountState,
        command: { creditNoteId, applicationType: 'customer_account', invoiceId: null, amount: rest.toString() },
        ids: { applicationId: uuidV5(`${creditNoteId}:customer-account`) },
        now: context.now,
      });
      noteEvents.push(...applied.note);
      note = applied.note.reduce(evolveCreditNote, note);
      accountEvents.push(...applied.account);
      accountState = applied.account.reduce(evolveCustomerAccount, accountState);
    }
    appends.push(storedAppend(context, streams.creditNote(context.tenantId, creditNoteId), 'no_stream', noteEvents));
  }

  // 3. The customer's auto-applied credit on what the invoice still owes.
  if (invoice !== null && Money.of((invoice as InvoiceState).balanceDue, charges.currency as CurrencyCode).isPositive()) {
    account ??= await read.account(charges.customerId);
    accountState ??= account.state;
    const autoApplied = decideAutoAppliedCredit(context, invoice, accountState);
    addInvoiceEvents(autoApplied.invoice);
    accountEvents.push(...autoApplied.account);
  }

  if (documents.invoiceId !== null) appends.push(storedAppend(context, streams.invoice(context.tenantId, documents.invoiceId), 'no_stream', invoiceEvents));
  appends.push(...sourceAppends);
  if (account !== null && accountEvents.length > 0) {
    appends.push(storedAppend(context, streams.customerAccount(context.tenantId, charges.customerId), account.expectedRevision, accountEvents));
  }
  return { documents, appends, invoice, creditNote: note };
}

/**
 * An invoice line netting exactly the charge line's amount: the item's quantity and unit price when their product
 * rounds to the amount (a whole period), else one unit at the amount (a prorated part, whose amount is the
 * subscription's own rounding of unit price x quantity x days / period days).
 */
export function invoiceLineOf(line: ChargeLine, currency: string): LineInput {
  const amount = parseComputedDecimal(line.amount, 'amount');
  const product = Money.of(parseComputedDecimal(line.quantity, 'quantity').times(parseComputedDecimal(line.unitPrice, 'unitPrice')), currency as CurrencyCode, 'half_up');
  const whole = product.equals(Money.of(amount, currency as CurrencyCode));
  return {
    lineId: line.lineId,
    description: line.description,
    quantity: whole ? line.quantity : '1',
    unitPrice: whole ? line.unitPrice : Money.of(amount, currency as CurrencyCode).toString(),
    taxRate: line.taxRate,
  };
}

/**
 * A credit note line giving back a credit line's amount with the tax that was charged on it: the line's explicit rate
 * when it has one; for a line left to the invoice's tax rules, the rates the invoice that charged the days applied to
 * its line (their sum; under tax-inclusive prices the credited amount is brought back to its net share first). A
 * credit whose days no invoice line of the subscription charged carries no tax.
 */
export function creditNoteLineOf(
  credit: ChargeLine,
  source: ChargedLine | null,
  invoices: ReadonlyMap<string, { state: InvoiceState }>,
  currency: string,
): CreditNoteLineInput {
  const code = currency as CurrencyCode;
  const amount = Money.of(parseComputedDecimal(credit.amount, 'amount').abs(), code);
  const plain = { lineId: credit.lineId, description: credit.description, quantity: '1', unitPrice: amount.toString(), taxRate: credit.taxRate };
  if (credit.taxRate !== null || source === null) return plain;
  const charged = invoices.get(source.invoiceId)?.state.lines.find((line) => line.lineId === source.line.lineId);
  if (charged === undefined || charged.taxes.length === 0) return plain;
  const rate = charged.taxes.reduce((sum, tax) => sum.plus(parseComputedDecimal(tax.rate, 'rate')), parseComputedDecimal('0'));
  const inclusive = charged.taxes.some((tax) => tax.inclusive);
  const grossCharged = parseComputedDecimal(charged.amount, 'amount');
  const net = inclusive && grossCharged.gt(0) ? Money.of(amount.amount.times(parseComputedDecimal(charged.netAmount, 'netAmount')).div(grossCharged), code, 'half_up') : amount;
  return { ...plain, unitPrice: net.toString(), taxRate: rate.toFixed() };
}
