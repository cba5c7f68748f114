import Big from 'big.js';
import { sql } from 'kysely';
import { createCreditNote } from '../support/credit-note-mutations.js';
import { applyCreditNote } from '../../libs/ledger-application/src/credit-notes/apply-credit-note.handler.js';
import { issueCreditNote } from '../support/credit-note-mutations.js';
import { voidCreditNote } from '../../libs/ledger-application/src/credit-notes/void-credit-note.handler.js';
import type { ApplyCreditNoteInput, CreateCreditNoteInput } from '../../apps/api/src/credit-notes/credit-note.types.js';
import { applyCredit } from '../../libs/ledger-application/src/customer-credit/apply-credit.handler.js';
import { createInvoice, issueInvoice } from '../support/invoice-mutations.js';
import { voidInvoice } from '../../libs/ledger-application/src/invoices/void-invoice.handler.js';
import { writeOffInvoice } from '../../libs/ledger-application/src/invoices/write-off-invoice.handler.js';
import { createPayment, refundPayment } from '../support/payment-mutations.js';
import type { CreatePaymentInput, RefundPaymentInput } from '../../apps/api/src/payments/payment.types.js';
import type { CommandContext } from '../../libs/application/src/index.js';
import { isDomainError } from '../../libs/billing/src/index.js';
import { allProjections } from '../../projections/index.js';
import { waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { commandContext, waitForEarlierTransactions, type TestLedger } from '../support/ledger-test-app.js';
import { expectEqualAmount, expectTrue, type LedgerFolds } from './ledger-model.checks.js';
import { LoggedEventFolds, type ActionResult, type LedgerDomainEvent, type LoggedEvent } from './ledger-model.in-memory.js';
import { modelCurrencies, modelCustomers, type Action, type LedgerModel } from './ledger-model.reference.js';

/**
 * The same actions run through the REAL application handlers (apps/api/src/...) on a test ledger with its embedded
 * PostgreSQL event store and read models, one tenant per sequence. Handlers are called as the GraphQL resolvers call
 * them (services, a command context, the input), so everything below the resolver is what is tested. The model's
 * ids are mapped to the ids the handlers derive.
 */
export class ApplicationLedger {
  /** The model's id of an invoice, payment or credit note -> the id the application gave it. */
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly ledger: TestLedger,
    readonly tenantId: string,
  ) {}

  private context(): CommandContext {
    return commandContext(this.ledger, this.tenantId, 'test:property');
  }

  private real(modelId: string): string {
    const id = this.ids.get(modelId);
    if (id === undefined) throw new Error(`application ledger: nothing was created for ${modelId}`);
    return id;
  }

  realIdOf(modelId: string): string | undefined {
    return this.ids.get(modelId);
  }

  /** The application's id -> the model's. */
  modelIds(): Map<string, string> {
    return new Map([...this.ids].map(([modelId, realId]) => [realId, modelId]));
  }

  async execute(action: Action): Promise<ActionResult> {
    try {
      await this.run(action);
      return { outcome: 'ok' };
    } catch (error) {
      if (isDomainError(error)) return { outcome: 'refused', code: error.code, message: error.message };
      throw error;
    }
  }

  private async run(action: Action): Promise<void> {
    const { services } = this.ledger;
    switch (action.kind) {
      case 'issueInvoice': {
        const draft = await createInvoice(services, this.context(), {
          customerId: action.customerId,
          currency: action.currency,
          lines: action.lines.map((line) => ({ description: line.description, quantity: line.quantity, unitPrice: line.unitPrice, taxRate: line.taxRate })),
          paymentTermsDays: action.paymentTermsDays,
        });
        this.ids.set(action.invoiceId, draft.invoice.id);
        await issueInvoice(services, this.context(), { invoiceId: draft.invoice.id });
        return;
      }
      case 'recordPayment': {
        const input = {
          customerId: action.customerId,
          amount: action.amount,
          currency: action.currency,
          method: 'cash',
          reference: `${this.tenantId}-${action.reference}`,
          allocations: action.allocation.kind === 'explicit' ? action.allocation.invoices.map((asked) => ({ invoiceId: this.real(asked.invoiceId), amount: asked.amount })) : null,
        } as CreatePaymentInput;
        const payload = await createPayment(services, this.context(), input);
        this.ids.set(action.paymentId, payload.payment.id);
        return;
      }
      case 'refundPayment':
        await refundPayment(services, this.context(), { paymentId: this.real(action.paymentId), amount: action.amount, method: action.method, reason: 'Customer asked for a refund' } as RefundPaymentInput);
        return;
      case 'issueCreditNote': {
        const created = await createCreditNote(services, this.context(), {
          customerId: action.customerId,
          currency: action.currency,
          type: 'adjustment',
          reason: 'billing_error',
          lines: action.lines,
          sourceInvoiceId: action.sourceInvoiceId === null ? null : this.real(action.sourceInvoiceId),
        } as CreateCreditNoteInput);
        this.ids.set(action.creditNoteId, created.creditNote.id);
        await issueCreditNote(services, this.context(), { creditNoteId: created.creditNote.id });
        return;
      }
      case 'applyCreditNote':
        await applyCreditNote(services, this.context(), {
          creditNoteId: this.real(action.creditNoteId),
          applicationType: action.applicationType,
          invoiceId: action.invoiceId === null ? null : this.real(action.invoiceId),
          amount: action.amount,
        } as ApplyCreditNoteInput);
        return;
      case 'applyCustomerCredit':
        await applyCredit(services, this.context(), { customerId: action.customerId, invoiceId: this.real(action.invoiceId), amount: action.amount, currency: action.currency });
        return;
      case 'writeOffInvoice':
        await writeOffInvoice(services, this.context(), { invoiceId: this.real(action.invoiceId), reason: action.reason });
        return;
      case 'voidInvoice':
        await voidInvoice(services, this.context(), { invoiceId: this.real(action.invoiceId), reason: action.reason });
        return;
      case 'voidCreditNote':
        await voidCreditNote(services, this.context(), { creditNoteId: this.real(action.creditNoteId), reason: action.reason });
        return;
      default:
        throw new Error(`application ledger: unknown action ${JSON.stringify(action)}`);
    }
  }

  /**
   * How many events the tenant's money streams hold (invoices, payments, references, credit notes, customer accounts
   * and the invoice and credit-note number sequences). Receipts and their numbers are left out: the receipt process
   * manager appends them on its own schedule.
   */
  async moneyEventCount(): Promise<number> {
    const pattern = `^${this.tenantId}:(invoice|payment|payment_reference|credit_note|customer_account|number_sequence-invoice|number_sequence-credit_note)-`;
    const { rows } = await sql<{ count: string }>`select count(*)::text as count from event_store.events where stream_id ~ ${pattern}`.execute(this.ledger.services.db);
    return Number(rows[0]?.count ?? '0');
  }

  /** Every event of the tenant's invoices, payments, credit notes and customer accounts, in log order. */
  async storedEvents(): Promise<LoggedEvent[]> {
    const { rows } = await sql<{ stream_id: string; event_id: string; type: string; data: Record<string, unknown>; recorded_at: Date }>`
      select stream_id, event_id::text as event_id, type, data, recorded_at from event_store.events
      where stream_id like ${`${this.tenantId}:%`} order by global_position`.execute(this.ledger.services.db);
    const modelIds = this.modelIds();
    const logged: LoggedEvent[] = [];
    for (const row of rows) {
      const [kind, ...rest] = row.stream_id.slice(this.tenantId.length + 1).split('-');
      const realId = rest.join('-');
      if (kind !== 'invoice' && kind !== 'payment' && kind !== 'credit_note' && kind !== 'customer_account') continue;
      const id = kind === 'customer_account' ? realId : modelIds.get(realId);
      if (id === undefined) throw new Error(`application ledger: stream ${row.stream_id} belongs to nothing the model made`);
      logged.push({
        streamId: `${kind === 'customer_account' ? 'account' : kind}-${id}`,
        event: { type: row.type, data: row.data } as unknown as LedgerDomainEvent,
        eventId: row.event_id,
        recordedAt: new Date(row.recorded_at).toISOString(),
      });
    }
    return logged;
  }
}

/** The folds of stored events (decider evolve over each stream), keyed by the model's ids. */
export class StoredFolds extends LoggedEventFolds implements LedgerFolds {
  constructor(
    readonly log: readonly LoggedEvent[],
    private readonly modelIds: ReadonlyMap<string, string> = new Map(),
  ) {
    super();
    for (const logged of log) this.fold(logged);
  }

  override modelIdOf(storedId: string): string {
    return this.modelIds.get(storedId) ?? storedId;
  }
}

const READ_MODEL_WAIT_MS = 20_000;

/** Waits until every read model has caught up with the log as it is now. */
export async function waitForReadModels(ledger: TestLedger): Promise<void> {
  // $all shows an event only once every transaction older than it ended: wait for those, then take the head.
  await waitForEarlierTransactions(ledger.services.db);
  const head = await ledger.services.store.headPosition();
  const names = allProjections.map((projection) => projection.name);
  if (!(await waitForProjections(ledger.services.db, names, head, READ_MODEL_WAIT_MS))) {
    throw new Error(`the read models did not reach the head of the log within ${READ_MODEL_WAIT_MS} ms`);
  }
}

const amount = (value: unknown): Big => new Big(String(value));

/**
 * The read models equal the folds of the streams they were projected from: every invoice's figures and status, every
 * credit note's, every payment's, every customer's credit per currency, and the general ledger entry by entry (postingsFor over the
 * stored events, with the same deterministic entry ids) and thus its trial balance.
 */
export async function checkReadModels(ledger: TestLedger, application: ApplicationLedger, folds: StoredFolds, model: LedgerModel): Promise<void> {
  const { db } = ledger.services;
  const tenantId = application.tenantId;
  const invoices = await sql<Record<string, unknown>>`
    select invoice_id, status, total::text, amount_paid::text, amount_credited::text, amount_refunded::text, amount_written_off::text,
           creditable_amount::text, balance_due::text
    from read_models.invoices where tenant_id = ${tenantId}`.execute(db);
  const invoiceRows = new Map(invoices.rows.map((row) => [String(row.invoice_id), row]));
  for (const expected of model.invoices) {
    const realId = application.realIdOf(expected.id) as string;
    const row = invoiceRows.get(realId);
    const fold = folds.invoiceState(expected.id);
    const what = `invoices read model ${expected.id} (${realId})`;
    expectTrue(row !== undefined, `${what}: no row`);
    const view = row as Record<string, unknown>;
    expectTrue(view.status === fold.status, `${what}: status ${String(view.status)}, the fold says ${fold.status}`);
    expectEqualAmount(amount(view.total), fold.total, `${what} total`);
    expectEqualAmount(amount(view.amount_paid), fold.amountPaid, `${what} amount_paid`);
    expectEqualAmount(amount(view.amount_credited), fold.amountCredited, `${what} amount_credited`);
    expectEqualAmount(amount(view.amount_refunded), fold.amountRefunded, `${what} amount_refunded`);
    expectEqualAmount(amount(view.amount_written_off), fold.amountWrittenOff, `${what} amount_written_off`);
    expectEqualAmount(amount(view.creditable_amount), fold.creditableAmount, `${what} creditable_amount`);
    expectEqualAmount(amount(view.balance_due), fold.balanceDue, `${what} balance_due`);
  }

  const notes = await sql<Record<string, unknown>>`
    select credit_note_id, status, total::text, amount_applied::text, remaining::text from read_models.credit_notes where tenant_id = ${tenantId}`.execute(db);
  const noteRows = new Map(notes.rows.map((row) => [String(row.credit_note_id), row]));
  for (const expected of model.notes) {
    const realId = application.realIdOf(expected.id) as string;
    const row = noteRows.get(realId);
    const fold = folds.noteState(expected.id);
    const what = `credit_notes read model ${expected.id} (${realId})`;
    expectTrue(row !== undefined, `${what}: no row`);
    const view = row as Record<string, unknown>;
    expectTrue(view.status === fold.status, `${what}: status ${String(view.status)}, the fold says ${fold.status}`);
    expectEqualAmount(amount(view.total), fold.total, `${what} total`);
    expectEqualAmount(amount(view.amount_applied), fold.amountApplied, `${what} amount_applied`);
    expectEqualAmount(amount(view.remaining), fold.remaining, `${what} remaining`);
  }

  const payments = await sql<Record<string, unknown>>`
    select payment_id, status, amount::text, refunded_total::text, refundable::text, credit_amount::text from read_models.payments where tenant_id = ${tenantId}`.execute(db);
  const paymentRows = new Map(payments.rows.map((row) => [String(row.payment_id), row]));
  for (const expected of model.payments) {
    const realId = application.realIdOf(expected.id) as string;
    const row = paymentRows.get(realId);
    const fold = folds.paymentState(expected.id);
    const what = `payments read model ${expected.id} (${realId})`;
    expectTrue(row !== undefined, `${what}: no row`);
    const view = row as Record<string, unknown>;
    expectTrue(view.status === fold.status, `${what}: status ${String(view.status)}, the fold says ${fold.status}`);
    expectEqualAmount(amount(view.amount), fold.amount, `${what} amount`);
    expectEqualAmount(amount(view.refunded_total), fold.refundedTotal, `${what} refunded_total`);
    expectEqualAmount(amount(view.refundable), new Big(fold.amount).minus(fold.refundedTotal), `${what} refundable`);
    expectEqualAmount(amount(view.credit_amount ?? '0'), fold.allocation?.creditAmount ?? '0', `${what} credit_amount`);
  }

  const balances = await sql<{ customer_id: string; currency: string; credit_balance: string; account_balance: string }>`
    select customer_id, currency, credit_balance::text, account_balance::text from read_models.customer_balances where tenant_id = ${tenantId}`.execute(db);
  for (const customerId of modelCustomers) {
    const account = folds.accountState(customerId);
    for (const code of modelCurrencies) {
      const row = balances.rows.find((candidate) => candidate.customer_id === customerId && candidate.currency.trim() === code);
      const expected = account.balances[code] ?? '0';
      expectEqualAmount(row?.credit_balance ?? '0', expected, `customer_balances ${customerId} ${code} credit_balance`);
      expectEqualAmount(row?.account_balance ?? '0', expected, `customer_balances ${customerId} ${code} account_balance`);
    }
  }

  const lines = await sql<{ entry_id: string; currency: string; account: string; debit: string; credit: string }>`
    select e.entry_id, e.currency, l.account, l.debit::text as debit, l.credit::text as credit
    from read_models.journal_entries e join read_models.journal_lines l on l.tenant_id = e.tenant_id and l.entry_id = e.entry_id
    where e.tenant_id = ${tenantId}`.execute(db);
  const stored = canonicalLines(lines.rows.map((row) => ({ entryId: row.entry_id, currency: row.currency.trim(), account: row.account, debit: row.debit, credit: row.credit })));
  const folded = canonicalLines(
    folds.entries.flatMap((entry) => entry.lines.map((line) => ({ entryId: entry.entryId, currency: entry.currency, account: line.account, debit: line.debit, credit: line.credit }))),
  );
  const missing = folded.filter((line) => !stored.includes(line));
  const extra = stored.filter((line) => !folded.includes(line));
  expectTrue(missing.length === 0 && extra.length === 0, `general ledger read model vs postingsFor over the stored events: missing [${missing.slice(0, 5).join('; ')}], extra [${extra.slice(0, 5).join('; ')}]`);
}

/** Journal lines as comparable text, zero legs dropped (a projection may or may not store them). */
function canonicalLines(lines: readonly { entryId: string; currency: string; account: string; debit: string; credit: string }[]): string[] {
  const merged = new Map<string, Big>();
  for (const line of lines) {
    const key = `${line.entryId}|${line.currency}|${line.account}`;
    merged.set(key, (merged.get(key) ?? new Big(0)).plus(line.debit).minus(line.credit));
  }
  return [...merged.entries()].filter(([, net]) => !net.eq(0)).map(([key, net]) => `${key}|${net.toString()}`).sort();
}
