import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { Money } from '../../libs/money/src/index.js';
import {
  arAging,
  arOpenItemOf,
  decideCreditNote,
  decideCustomerAccount,
  decideInvoice,
  decidePayment,
  evolveCreditNote,
  evolveCustomerAccount,
  evolveInvoice,
  evolvePayment,
  initialCreditNoteState,
  initialCustomerAccountState,
  initialInvoiceState,
  initialPaymentState,
  type CreditNoteCommand,
  type CreditNoteState,
  type CustomerAccountCommand,
  type CustomerAccountState,
  type InvoiceCommand,
  type InvoiceState,
  type PaymentCommand,
  type PaymentState,
} from '../../libs/billing/src/index.js';
import { streams, toEventData, uuidV5, type CommandContext, type DomainEventLike } from '../../libs/application/src/index.js';
import { connectDatabase, type DatabaseConnection } from '../../libs/database/src/index.js';
import { PostgresEventStore } from '../../libs/event-store/src/index.js';
import { ProjectionRunner, rebuildProjection, waitForProjections, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { customerBalancesProjection, generalLedgerProjection, invoicesProjection } from '../../projections/index.js';
import { InvoiceQueries } from '../../projections/invoices/invoices.queries.js';
import { GeneralLedgerQueries } from '../../projections/general-ledger/general-ledger.queries.js';
import { invoiceViewFromRecord, invoiceViewFromState } from '../../apps/api/src/invoices/invoice.view.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';

/**
 * The invoices, customer_balances and general_ledger read models on a real database, fed a history written through
 * the real deciders exactly as the command handlers write it (each money movement one multi-stream append at the
 * revisions read): payments allocated through the Payment aggregate with an overpayment, refunds that reopen
 * invoices and take back credit, credit notes issued, applied, voided, customer credit applied, write-offs, a void,
 * store-credit refunds, an adjustment, and legacy payments recorded on the invoice (one of whose excess was also
 * credited on the customer account). Each row must equal the fold of its stream; the ledger must agree with them.
 */

const TENANT = 'rm';
const PROJECTIONS = [invoicesProjection, customerBalancesProjection, generalLedgerProjection];
const NAMES = PROJECTIONS.map((projection) => projection.name);
const TODAY = '2026-03-20';

type Pending = { streamId: string; events: DomainEventLike[]; commit: () => void };

/** The history's aggregates as the deciders see them, and the revision of every stream written. */
class History {
  readonly invoices = new Map<string, InvoiceState>();
  readonly payments = new Map<string, PaymentState>();
  readonly accounts = new Map<string, CustomerAccountState>();
  readonly notes = new Map<string, CreditNoteState>();
  /** Legacy excess per customer and currency that the customer account never saw. */
  readonly legacyCredit = new Map<string, Money>();
  private readonly revisions = new Map<string, number>();
  private clock = Date.parse('2026-01-05T09:00:00.000Z');
  private operations = 0;

  constructor(private readonly store: PostgresEventStore) {}

  now(): string {
    this.clock += 3_600_000;
    return new Date(this.clock).toISOString();
  }

  invoice(invoiceId: string, commands: InvoiceCommand[]): Pending {
    let state = this.invoices.get(invoiceId) ?? initialInvoiceState;
    const events = [];
    for (const command of commands) {
      const decided = decideInvoice(command, state);
      state = decided.reduce(evolveInvoice, state);
      events.push(...decided);
    }
    return { streamId: streams.invoice(TENANT, invoiceId), events, commit: () => this.invoices.set(invoiceId, state) };
  }

  payment(paymentId: string, command: PaymentCommand): Pending {
    const before = this.payments.get(paymentId) ?? initialPaymentState;
    const events = decidePayment(command, before);
    return { streamId: streams.payment(TENANT, paymentId), events, commit: () => this.payments.set(paymentId, events.reduce(evolvePayment, before)) };
  }

  account(customerId: string, command: CustomerAccountCommand): Pending {
    const before = this.accounts.get(customerId) ?? initialCustomerAccountState;
    const events = decideCustomerAccount(command, before);
    return { streamId: streams.customerAccount(TENANT, customerId), events, commit: () => this.accounts.set(customerId, events.reduce(evolveCustomerAccount, before)) };
  }

  note(creditNoteId: string, commands: CreditNoteCommand[]): Pending {
    let state = this.notes.get(creditNoteId) ?? initialCreditNoteState;
    const events = [];
    for (const command of commands) {
      const decided = decideCreditNote(command, state);
      state = decided.reduce(evolveCreditNote, state);
      events.push(...decided);
    }
    return { streamId: streams.creditNote(TENANT, creditNoteId), events, commit: () => this.notes.set(creditNoteId, state) };
  }

  /** One atomic append of every stream's new events, each at the revision its state was read at. */
  async append(...pendings: Pending[]): Promise<void> {
    const written = pendings.filter((pending) => pending.events.length > 0);
    expect(new Set(written.map((pending) => pending.streamId)).size).toBe(written.length);
    this.operations += 1;
    const context: CommandContext = { tenantId: TENANT, actor: 'test', commandId: uuidV5(`read-models:${this.operations}`), correlationId: 'test', causationId: 'test', now: new Date(this.clock).toISOString() };
    await this.store.appendToStreams(
      written.map((pending) => {
        const revision = this.revisions.get(pending.streamId);
        return {
          streamId: pending.streamId,
          expectedRevision: revision === undefined ? ('no_stream' as const) : BigInt(revision),
          events: pending.events.map((event, index) => toEventData(event, context, pending.streamId, index)),
        };
      }),
    );
    for (const pending of written) {
      this.revisions.set(pending.streamId, (this.revisions.get(pending.streamId) ?? -1) + pending.events.length);
      pending.commit();
    }
  }

  state(invoiceId: string): InvoiceState {
    const state = this.invoices.get(invoiceId);
    if (!state) throw new Error(`no invoice ${invoiceId} in this history`);
    return state;
  }
}

let database: TestDatabase;
let connection: DatabaseConnection<ReadModelDatabase>;
let store: PostgresEventStore;
let runner: ProjectionRunner;
let history: History;
let invoiceQueries: InvoiceQueries;
let ledgerQueries: GeneralLedgerQueries;

let lineCount = 0;
const line = (description: string, quantity: string, unitPrice: string, taxRate: string | null = null) => ({ lineId: `line-${(lineCount += 1)}`, description, quantity, unitPrice, taxRate });

async function issue(invoiceId: string, customerId: string, currency: string, lines: ReturnType<typeof line>[], number: string, dueDate: string | null = null): Promise<void> {
  const now = history.now();
  await history.append(
    history.invoice(invoiceId, [
      { type: 'CreateInvoice', data: { invoiceId, customerId, currency, lines, dueDate }, metadata: { now } },
      { type: 'IssueInvoice', data: { invoiceId, number, issueDate: now.slice(0, 10) }, metadata: { now } },
    ]),
  );
}

/** A succeeded payment allocated as the allocator does: payment, each invoice and the overpayment, in one append. */
async function payAndAllocate(paymentId: string, customerId: string, currency: string, amount: string, allocations: { invoiceId: string; amount: string }[], creditAmount: string): Promise<void> {
  let now = history.now();
  await history.append(
    history.payment(paymentId, {
      type: 'RecordPayment',
      data: { paymentId, customerId, amount, currency, method: 'wire_transfer', reference: `ref-${paymentId}`, allocation: { kind: 'explicit', invoices: allocations } },
      metadata: { now },
    }),
  );
  now = history.now();
  const parts: Pending[] = [history.payment(paymentId, { type: 'AllocatePayment', data: { paymentId, allocations, creditAmount }, metadata: { now } })];
  for (const allocation of allocations) {
    parts.push(
      history.invoice(allocation.invoiceId, [
        {
          type: 'ApplyPaymentToInvoice',
          data: { invoiceId: allocation.invoiceId, paymentId, amount: allocation.amount, currency, method: 'wire_transfer', reference: `ref-${paymentId}`, paymentAmount: amount },
          metadata: { now },
        },
      ]),
    );
  }
  if (Money.parse(creditAmount, currency).isPositive()) {
    parts.push(
      history.account(customerId, {
        type: 'CreditCustomerAccount',
        data: { customerId, entryId: `${paymentId}-overpayment`, amount: creditAmount, currency, source: 'overpayment', sourceId: paymentId },
        metadata: { now },
      }),
    );
  }
  await history.append(...parts);
}

/** A refund as the refund handler makes it: the payment decides the split, the invoices and the account follow it. */
async function refund(paymentId: string, refundId: string, amount: string, method: 'original_payment' | 'store_credit'): Promise<void> {
  const now = history.now();
  const payment = history.payment(paymentId, { type: 'RefundPayment', data: { paymentId, refundId, amount, method, reason: 'customer asked' }, metadata: { now } });
  const refunded = payment.events[0] as { type: 'PaymentRefunded'; data: { customerId: string; currency: string; invoices: { invoiceId: string; amount: string }[]; fromCredit: string } };
  expect(refunded.type).toBe('PaymentRefunded');
  const { customerId, currency } = refunded.data;
  const parts: Pending[] = [payment];
  for (const part of refunded.data.invoices) {
    parts.push(history.invoice(part.invoiceId, [{ type: 'RefundInvoicePayment', data: { invoiceId: part.invoiceId, paymentId, refundId, amount: part.amount, currency }, metadata: { now } }]));
  }
  if (Money.parse(refunded.data.fromCredit, currency).isPositive()) {
    parts.push(
      history.account(customerId, {
        type: 'DebitCustomerAccount',
        data: { customerId, entryId: `${refundId}-debit`, amount: refunded.data.fromCredit, currency, reason: 'refund', sourceId: refundId },
        metadata: { now },
      }),
    );
  }
  if (method === 'store_credit') {
    parts.push(
      history.account(customerId, {
        type: 'CreditCustomerAccount',
        data: { customerId, entryId: `${refundId}-store-credit`, amount, currency, source: 'store_credit_refund', sourceId: refundId },
        metadata: { now },
      }),
    );
  }
  await history.append(...parts);
}

async function issueCreditNote(creditNoteId: string, customerId: string, currency: string, lines: ReturnType<typeof line>[], sourceInvoiceId: string | null, number: string): Promise<void> {
  const now = history.now();
  const creditableOnSource = sourceInvoiceId === null ? null : history.state(sourceInvoiceId).creditableAmount;
  await history.append(
    history.note(creditNoteId, [
      { type: 'CreateCreditNote', data: { creditNoteId, customerId, currency, type: 'adjustment', reason: 'billing_error', lines, sourceInvoiceId, creditableOnSource }, metadata: { now } },
    ]),
  );
  const issueNow = history.now();
  const note = history.note(creditNoteId, [{ type: 'IssueCreditNote', data: { creditNoteId, number, creditableOnSource }, metadata: { now: issueNow } }]);
  const issued = note.events[0] as { data: { total: string } };
  const parts = [note];
  if (sourceInvoiceId !== null) {
    parts.push(history.invoice(sourceInvoiceId, [{ type: 'RegisterCreditNote', data: { invoiceId: sourceInvoiceId, creditNoteId, amount: issued.data.total, currency }, metadata: { now: issueNow } }]));
  }
  await history.append(...parts);
}

async function writeHistory(): Promise<void> {
  // USD, customer c1. A: 100.00 + 20% = 120.00. B: 2 x 25.00 + 20% = 60.00.
  await issue('inv-a', 'c1', 'USD', [line('Fibre', '1', '100.00', '20')], 'INV-1', '2026-01-20');
  await issue('inv-b', 'c1', 'USD', [line('Static IP', '2', '25.00', '20')], 'INV-2', '2026-04-30');
  // P1 150.00: A 120.00, B 20.00, 10.00 overpayment to c1's credit.
  await payAndAllocate('pay-1', 'c1', 'USD', '150.00', [{ invoiceId: 'inv-a', amount: '120.00' }, { invoiceId: 'inv-b', amount: '20.00' }], '10.00');
  // R1 30.00: last allocated first, B's 20.00 then 10.00 of A. R2 115.00: the other 110.00 of A, then 5.00 of the credit.
  await refund('pay-1', 'ref-1', '30.00', 'original_payment');
  await refund('pay-1', 'ref-2', '115.00', 'original_payment');
  // CN1 on A: 50.00 + 20% = 60.00; 40.00 applied to A, the other 20.00 to c1's account.
  await issueCreditNote('cn-1', 'c1', 'USD', [line('Overbilled', '1', '50.00', '20')], 'inv-a', 'CN-1');
  let now = history.now();
  await history.append(
    history.note('cn-1', [{ type: 'ApplyCreditNote', data: { creditNoteId: 'cn-1', applicationId: 'cn-1-a', applicationType: 'invoice', invoiceId: 'inv-a', amount: '40.00' }, metadata: { now } }]),
    history.invoice('inv-a', [{ type: 'ApplyCreditToInvoice', data: { invoiceId: 'inv-a', applicationId: 'cn-1-a', source: 'credit_note', sourceId: 'cn-1', amount: '40.00', currency: 'USD' }, metadata: { now } }]),
  );
  now = history.now();
  await history.append(
    history.note('cn-1', [{ type: 'ApplyCreditNote', data: { creditNoteId: 'cn-1', applicationId: 'cn-1-account', applicationType: 'customer_account', amount: '20.00' }, metadata: { now } }]),
    history.account('c1', { type: 'CreditCustomerAccount', data: { customerId: 'c1', entryId: 'cn-1-account', amount: '20.00', currency: 'USD', source: 'credit_note', sourceId: 'cn-1' }, metadata: { now } }),
  );
  // c1's whole credit (5.00 + 20.00) applied to B.
  now = history.now();
  await history.append(
    history.account('c1', { type: 'ApplyCustomerCredit', data: { customerId: 'c1', applicationId: 'credit-b', invoiceId: 'inv-b', amount: '25.00', currency: 'USD' }, metadata: { now } }),
    history.invoice('inv-b', [{ type: 'ApplyCreditToInvoice', data: { invoiceId: 'inv-b', applicationId: 'credit-b', source: 'customer_credit', sourceId: 'c1', amount: '25.00', currency: 'USD' }, metadata: { now } }]),
  );
  // CN3 on B (10.00, no tax) issued, then voided: B's creditable amount comes back.
  await issueCreditNote('cn-3', 'c1', 'USD', [line('Typo', '1', '10.00')], 'inv-b', 'CN-2');
  now = history.now();
  const voided = history.note('cn-3', [{ type: 'VoidCreditNote', data: { creditNoteId: 'cn-3', reason: 'issued in error' }, metadata: { now } }]);
  await history.append(voided, history.invoice('inv-b', [{ type: 'ReleaseCreditNote', data: { invoiceId: 'inv-b', creditNoteId: 'cn-3', amount: '10.00', currency: 'USD' }, metadata: { now } }]));

  // USD, customer c2. C 80.00 written off; E issued then voided; a goodwill note issued then voided; an adjustment.
  await issue('inv-c', 'c2', 'USD', [line('Install', '1', '80.00')], 'INV-3', '2026-01-31');
  now = history.now();
  await history.append(history.invoice('inv-c', [{ type: 'WriteOffInvoice', data: { invoiceId: 'inv-c', reason: 'customer insolvent' }, metadata: { now } }]));
  await issue('inv-e', 'c2', 'USD', [line('Router', '1', '10.00')], 'INV-4');
  now = history.now();
  await history.append(history.invoice('inv-e', [{ type: 'VoidInvoice', data: { invoiceId: 'inv-e', reason: 'ordered twice' }, metadata: { now } }]));
  await issueCreditNote('cn-2', 'c2', 'USD', [line('Goodwill', '1', '15.00')], null, 'CN-3');
  now = history.now();
  await history.append(history.note('cn-2', [{ type: 'VoidCreditNote', data: { creditNoteId: 'cn-2', reason: 'not approved' }, metadata: { now } }]));
  now = history.now();
  await history.append(history.account('c2', { type: 'CreditCustomerAccount', data: { customerId: 'c2', entryId: 'adj-1', amount: '7.50', currency: 'USD', source: 'adjustment', sourceId: 'adj-1' }, metadata: { now } }));
  // D 70.00: P3 100.00 pays it, 30.00 overpaid; 20.00 refunded as store credit reopens D; D's 20.00 then written off.
  await issue('inv-d', 'c2', 'USD', [line('Voice', '1', '70.00')], 'INV-5', '2026-03-01');
  await payAndAllocate('pay-3', 'c2', 'USD', '100.00', [{ invoiceId: 'inv-d', amount: '70.00' }], '30.00');
  await refund('pay-3', 'ref-3', '20.00', 'store_credit');
  now = history.now();
  await history.append(history.invoice('inv-d', [{ type: 'WriteOffInvoice', data: { invoiceId: 'inv-d', reason: 'disputed, settled' }, metadata: { now } }]));
  // R4 60.00 of P3 after the write-off: D's unrefunded 50.00 reopen it (open again), 10.00 come out of c2's credit.
  await refund('pay-3', 'ref-4', '60.00', 'original_payment');

  // EUR, legacy payments recorded on the invoice. F: 200.00 + 10% = 220.00, paid 250.00 (30.00 excess, never on the
  // account). G: 40.00 paid 50.00, whose 10.00 excess was later credited on c4's account too (counted once).
  await issue('inv-f', 'c3', 'EUR', [line('Hosting', '1', '200.00', '10')], 'INV-6', '2026-02-10');
  now = history.now();
  await history.append(history.invoice('inv-f', [{ type: 'RecordInvoicePayment', data: { invoiceId: 'inv-f', paymentId: 'legacy-f', amount: '250.00', currency: 'EUR', method: 'card', reference: 'ch_f' }, metadata: { now } }]));
  history.legacyCredit.set('c3:EUR', Money.parse('30.00', 'EUR'));
  await issue('inv-g', 'c4', 'EUR', [line('Hosting', '1', '40.00')], 'INV-7', '2026-02-10');
  now = history.now();
  await history.append(history.invoice('inv-g', [{ type: 'RecordInvoicePayment', data: { invoiceId: 'inv-g', paymentId: 'legacy-g', amount: '50.00', currency: 'EUR', method: 'card', reference: 'ch_g' }, metadata: { now } }]));
  now = history.now();
  await history.append(history.account('c4', { type: 'CreditCustomerAccount', data: { customerId: 'c4', entryId: 'legacy-g-migrated', amount: '10.00', currency: 'EUR', source: 'overpayment', sourceId: 'legacy-g' }, metadata: { now } }));
  // K: the other order, the account credited for a legacy payment's excess before that payment's own event is read.
  await issue('inv-k', 'c5', 'EUR', [line('Hosting', '1', '20.00')], 'INV-9', '2026-02-10');
  now = history.now();
  await history.append(history.account('c5', { type: 'CreditCustomerAccount', data: { customerId: 'c5', entryId: 'legacy-k-migrated', amount: '5.00', currency: 'EUR', source: 'overpayment', sourceId: 'legacy-k' }, metadata: { now } }));
  now = history.now();
  await history.append(history.invoice('inv-k', [{ type: 'RecordInvoicePayment', data: { invoiceId: 'inv-k', paymentId: 'legacy-k', amount: '25.00', currency: 'EUR', method: 'card', reference: 'ch_k' }, metadata: { now } }]));
  // H 300.00 partly paid by P4 (100.00) through the Payment aggregate: 200.00 open and overdue.
  await issue('inv-h', 'c3', 'EUR', [line('Dark fibre', '1', '300.00')], 'INV-8', '2026-02-01');
  await payAndAllocate('pay-4', 'c3', 'EUR', '100.00', [{ invoiceId: 'inv-h', amount: '100.00' }], '0.00');
}

async function waitForReadModels(): Promise<void> {
  const head = await settledHead(store, TENANT);
  expect(await waitForProjections(connection.db, NAMES, head, 30_000)).toBe(true);
}

beforeAll(async () => {
  database = await createTestDatabase('readmodels');
  store = new PostgresEventStore({ connectionString: database.connectionString });
  await store.migrate();
  connection = connectDatabase(database.connectionString);
  runner = new ProjectionRunner({ store, db: connection.db, connectionString: database.connectionString, projections: PROJECTIONS });
  await runner.start();
  history = new History(store);
  invoiceQueries = new InvoiceQueries(connection.db);
  ledgerQueries = new GeneralLedgerQueries(connection.db);
  await writeHistory();
  await waitForReadModels();
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await store?.close();
  await connection?.close();
  await database?.drop();
});

describe('the invoices read model', () => {
  it('has, for every invoice, the row its events fold to (the API shows the same invoice from either)', async () => {
    expect(history.invoices.size).toBe(9);
    for (const [invoiceId, state] of history.invoices) {
      const record = await invoiceQueries.getInvoice(TENANT, invoiceId, TODAY);
      expect(record).toBeDefined();
      expect(invoiceViewFromRecord(record!)).toEqual(invoiceViewFromState(state, TODAY));
    }
    // The stored lifecycle status too (the views show the derived one, where overdue hides open vs partially paid).
    const { rows } = await sql<{ invoice_id: string; status: string; currency: string; amounts: string[] }>`
      select invoice_id, status, currency,
        array[amount_paid, amount_credited, amount_refunded, amount_written_off, balance_due, creditable_amount]::text[] as amounts
      from read_models.invoices where tenant_id = ${TENANT}`.execute(connection.db);
    expect(rows).toHaveLength(history.invoices.size);
    for (const row of rows) {
      const state = history.state(row.invoice_id);
      const amounts = row.amounts.map((amount) => Money.of(amount, row.currency).toString());
      expect([row.invoice_id, row.status, amounts]).toEqual([
        row.invoice_id,
        state.status,
        [state.amountPaid, state.amountCredited, state.amountRefunded, state.amountWrittenOff, state.balanceDue, state.creditableAmount],
      ]);
    }
  });

  it('shows the figures of payments, refunds, credits and write-offs, worked out by hand', async () => {
    const figures = async (invoiceId: string) => {
      const record = (await invoiceQueries.getInvoice(TENANT, invoiceId, TODAY))!;
      return [record.status, record.total, record.amountPaid, record.amountCredited, record.amountRefunded, record.amountWrittenOff, record.balanceDue, record.creditableAmount];
    };
    // A: 120 paid, all 120 refunded (reopened), 40 credited by CN1: 80 due; CN1's 60 taken from the creditable 120.
    expect(await figures('inv-a')).toEqual(['overdue', '120.00', '120.00', '40.00', '120.00', '0.00', '80.00', '60.00']);
    // B: 20 paid and refunded, 25 of customer credit applied: 35 due; CN3 registered then released.
    expect(await figures('inv-b')).toEqual(['partially_paid', '60.00', '20.00', '25.00', '20.00', '0.00', '35.00', '60.00']);
    expect(await figures('inv-c')).toEqual(['written_off', '80.00', '0.00', '0.00', '0.00', '80.00', '0.00', '80.00']);
    // D: 70 paid, 20 refunded as store credit (reopened), those 20 written off, then 50 more refunded: 50 due again.
    expect(await figures('inv-d')).toEqual(['overdue', '70.00', '70.00', '0.00', '70.00', '20.00', '50.00', '70.00']);
    expect((await figures('inv-e')).slice(0, 7)).toEqual(['void', '10.00', '0.00', '0.00', '0.00', '0.00', '0.00']);
    expect(await figures('inv-f')).toEqual(['paid', '220.00', '220.00', '0.00', '0.00', '0.00', '0.00', '220.00']);
    expect(await figures('inv-h')).toEqual(['overdue', '300.00', '100.00', '0.00', '0.00', '0.00', '200.00', '300.00']);
    const a = (await invoiceQueries.getInvoice(TENANT, 'inv-a', TODAY))!;
    expect(a.paymentApplications.map((application) => [application.paymentId, application.appliedAmount, application.reopenedAmount])).toEqual([['pay-1', '120.00', '120.00']]);
    // P1 (150.00) is listed among the invoice's payments too: 120.00 applied here, the other 30.00 (20.00 to B, 10.00 credit) its excess.
    expect(a.payments.map((payment) => [payment.paymentId, payment.method, payment.reference, payment.amount, payment.appliedAmount, payment.excessAmount])).toEqual([
      ['pay-1', 'wire_transfer', 'ref-pay-1', '150.00', '120.00', '30.00'],
    ]);
    expect(a.creditApplications.map((application) => [application.applicationId, application.source, application.sourceId, application.amount])).toEqual([['cn-1-a', 'credit_note', 'cn-1', '40.00']]);
    const b = (await invoiceQueries.getInvoice(TENANT, 'inv-b', TODAY))!;
    expect(b.creditApplications.map((application) => [application.source, application.sourceId, application.amount])).toEqual([['customer_credit', 'c1', '25.00']]);
    expect(b.payments.map((payment) => [payment.paymentId, payment.amount, payment.appliedAmount, payment.excessAmount])).toEqual([['pay-1', '150.00', '20.00', '130.00']]);
    const f = (await invoiceQueries.getInvoice(TENANT, 'inv-f', TODAY))!;
    expect(f.paymentApplications.map((application) => [application.paymentId, application.appliedAmount])).toEqual([['legacy-f', '220.00']]);
    expect(f.payments.map((payment) => [payment.paymentId, payment.amount, payment.excessAmount])).toEqual([['legacy-f', '250.00', '30.00']]);
    const writtenOff = await invoiceQueries.listInvoices(TENANT, { status: 'written_off' }, 10, null, TODAY);
    expect(writtenOff.edges.map((edge) => edge.node.id)).toEqual(['inv-c']);
    expect((await invoiceQueries.getInvoice(TENANT, 'inv-d', TODAY))?.writeOffReason).toBe('disputed, settled');
    expect((await invoiceQueries.getInvoice(TENANT, 'inv-c', TODAY))?.writeOffReason).toBe('customer insolvent');
  });
});

describe('the customer_balances read model', () => {
  it('is each customer account\'s fold, plus legacy excess never credited on the account, never negative', async () => {
    const expected = new Map<string, string>();
    for (const [customerId, account] of history.accounts) {
      for (const [currency, balance] of Object.entries(account.balances)) expected.set(`${customerId}:${currency}`, balance);
    }
    for (const [key, credit] of history.legacyCredit) expected.set(key, credit.plus(Money.parse(expected.get(key) ?? '0', credit.currency.code)).toString());
    const { rows } = await sql<{ customer_id: string; currency: string; credit_balance: string }>`
      select customer_id, currency, credit_balance::text from read_models.customer_balances where tenant_id = ${TENANT}`.execute(connection.db);
    const actual = new Map<string, string>();
    for (const row of rows) actual.set(`${row.customer_id}:${row.currency}`, Money.of(row.credit_balance, row.currency).toString());
    // Legacy rows: a payment without excess still shows the currency (at zero), as before the customer account existed.
    for (const [key, value] of actual) if (!expected.has(key)) expect(value).toMatch(/^0(\.0+)?$/);
    for (const [key, value] of expected) expect([key, actual.get(key)]).toEqual([key, value]);
    // By hand: c1 10 overpaid - 5 refunded + 20 from CN1 - 25 applied = 0; c2 7.50 + 30 overpaid + 20 store credit - 10;
    // c3 the legacy 30 (P4 left no excess); c4 and c5 their legacy excess once, whichever event came first.
    expect(await invoiceQueries.customerCredit(TENANT, 'c1')).toEqual([{ amount: '0.00', currency: 'USD' }]);
    expect(await invoiceQueries.customerCredit(TENANT, 'c2')).toEqual([{ amount: '47.50', currency: 'USD' }]);
    expect(await invoiceQueries.customerCredit(TENANT, 'c3')).toEqual([{ amount: '30.00', currency: 'EUR' }]);
    expect(await invoiceQueries.customerCredit(TENANT, 'c4')).toEqual([{ amount: '10.00', currency: 'EUR' }]);
    expect(await invoiceQueries.customerCredit(TENANT, 'c5')).toEqual([{ amount: '5.00', currency: 'EUR' }]);
  });
});

describe('the general ledger', () => {
  const balanceOf = (rows: { account: string; balance: string }[], account: string) => rows.find((row) => row.account === account)?.balance;

  for (const currency of ['USD', 'EUR']) {
    it(`${currency}: the trial balance is zero; receivables, customer credit and credit notes equal the read models and folds`, async () => {
      const trial = await ledgerQueries.trialBalance(TENANT, '2030-01-01T00:00:00.000Z', currency);
      const zero = Money.zero(currency);
      expect(Money.sum(trial.rows.map((row) => Money.parse(row.balance, currency)), currency).toString()).toBe(zero.toString());
      expect(trial.totalDebit).toBe(trial.totalCredit);

      const open = [...history.invoices.values()].filter((state) => state.currency === currency && !['draft', 'void', 'none'].includes(state.status));
      const receivable = Money.sum(open.map((state) => Money.parse(state.balanceDue, currency)), currency);
      expect(balanceOf(trial.rows, 'accounts_receivable')).toBe(receivable.toString());

      const aging = await ledgerQueries.arAging(TENANT, TODAY);
      expect(aging.totals.find((row) => row.currency === currency)?.total ?? zero.toString()).toBe(receivable.toString());

      const credits = [...history.accounts.values()].map((account) => Money.parse(account.balances[currency] ?? '0', currency));
      const legacy = [...history.legacyCredit.values()].filter((credit) => credit.currency.code === currency);
      const owed = Money.sum([...credits, ...legacy], currency);
      const { rows } = await sql<{ total: string | null }>`
        select sum(credit_balance)::text as total from read_models.customer_balances where tenant_id = ${TENANT} and currency = ${currency}`.execute(connection.db);
      expect(Money.of(rows[0]?.total ?? '0', currency).toString()).toBe(owed.toString());
      // customer_credit is a liability: its balance (debit - credit) is minus what the customers hold.
      expect(balanceOf(trial.rows, 'customer_credit')).toBe(zero.minus(owed).toString());

      const notesOwed = Money.sum(
        [...history.notes.values()].filter((note) => note.currency === currency).map((note) => Money.parse(note.remaining, currency)),
        currency,
      );
      expect(balanceOf(trial.rows, 'credit_notes')).toBe(zero.minus(notesOwed).toString());
    });
  }

  it('USD, by hand: receivables 165.00 (A 80 + B 35 + D 50), bad debt 100.00, cash 150 + 100 in less 145 + 60 paid back', async () => {
    const trial = await ledgerQueries.trialBalance(TENANT, '2030-01-01T00:00:00.000Z', 'USD');
    expect(balanceOf(trial.rows, 'accounts_receivable')).toBe('165.00');
    expect(balanceOf(trial.rows, 'bad_debt')).toBe('100.00');
    expect(balanceOf(trial.rows, 'cash_clearing')).toBe('45.00');
    const aging = await ledgerQueries.arAging(TENANT, TODAY);
    expect(aging.items.map((item) => [item.invoiceId, item.balanceDue]).sort()).toEqual([
      ['inv-a', '80.00'],
      ['inv-b', '35.00'],
      ['inv-d', '50.00'],
      ['inv-h', '200.00'],
    ]);
  });

  it('ages exactly the open items of the folded invoices', async () => {
    const items = [...history.invoices.values()].map(arOpenItemOf).filter((item) => item !== null);
    expect(items.length).toBe(4);
    expect(await ledgerQueries.arAging(TENANT, TODAY)).toEqual(arAging(items, TODAY));
  });

  it('posts each money movement once: the mirror events post nothing', async () => {
    const page = await ledgerQueries.journalEntries(TENANT, {}, 100, null);
    const types = new Set(page.edges.map((edge) => edge.node.sourceEventType));
    for (const mirror of ['InvoicePaymentApplied', 'InvoiceCreditApplied', 'InvoicePaymentRefunded', 'InvoiceCreditNoteRegistered', 'InvoiceCreditNoteReleased', 'CustomerAccountDebited']) {
      expect([mirror, types.has(mirror)]).toEqual([mirror, false]);
    }
    for (const poster of ['InvoiceIssued', 'PaymentAllocated', 'PaymentRefunded', 'InvoiceWrittenOff', 'CreditNoteIssued', 'CreditNoteApplied', 'CreditNoteVoided', 'CustomerCreditApplied', 'InvoiceVoided', 'InvoicePaymentRecorded']) {
      expect([poster, types.has(poster)]).toEqual([poster, true]);
    }
    const adjustments = page.edges.filter((edge) => edge.node.sourceEventType === 'CustomerAccountCredited');
    expect(adjustments.map((edge) => edge.node.sourceId)).toEqual(['adj-1']);
  });
});

describe('a rebuild from position zero', () => {
  it('gives the same rows as the live projections, table by table', async () => {
    for (const projection of PROJECTIONS) {
      const schema = `rebuilt_${projection.name}`;
      await rebuildProjection(store, connection.db, projection, { buildSchema: schema });
      const live = await readModelSnapshot(connection.db, 'read_models', [projection]);
      expect(Object.values(live).some((rows) => rows.length > 0)).toBe(true);
      expect(await readModelSnapshot(connection.db, schema, [projection])).toEqual(live);
    }
  });
});
