import type { z } from 'zod';
import {
  bankAccountEventSchemas,
  bankReconciliationEventSchemas,
  creditNoteEventSchemas,
  customerAccountEventSchemas,
  invoiceEventSchemas,
  paymentEventSchemas,
  postingsFor,
  type IssuedInvoiceFigures,
  type JournalEntry,
  type LedgerPostingContext,
  type LedgerSourceEvent,
  type MatchedLinesFigures,
} from '../../libs/billing/src/index.js';
import { encodePosition, type RecordedEvent } from '../../libs/event-store/src/index.js';
import { storedEventData, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { deleteRows, insertRows, keyOf, loadRows, upsertRows, type Row } from '../common/batch-rows.js';
import { createGeneralLedgerTables } from './general-ledger.tables.js';

/**
 * Every event the posting rules read (including those that post nothing), by stored type name: the invoice, payment,
 * credit note and customer account events. Exactly one event of each money movement posts (PaymentAllocated, not the
 * InvoicePaymentApplied it comes with; PaymentRefunded, not InvoicePaymentRefunded or CustomerAccountDebited; ...):
 * postingsFor decides, this projection only writes what it returns.
 */
// A statement import books nothing (its lines reach the books when matched or resolved) and carries every line of
// the file, so the ledger does not read it.
const { BankStatementImported: _importBooksNothing, ...bankDecisionEventSchemas } = bankReconciliationEventSchemas;

const ledgerEventSchemas: Record<string, { data: z.ZodTypeAny }> = {
  ...invoiceEventSchemas,
  ...paymentEventSchemas,
  ...creditNoteEventSchemas,
  ...customerAccountEventSchemas,
  // Banking (docs/banking.md): opening balances, statement matches and their undoing, resolutions.
  ...bankAccountEventSchemas,
  ...bankDecisionEventSchemas,
};

/**
 * The `general_ledger` read model: the balanced journal entries every financial event posts (libs/billing
 * general-ledger postingsFor), one row per entry and one per line. Rows are derived from the event only (ids from
 * the event id, times from the event), so a rebuild gives identical rows, and a redelivered event overwrites. A batch
 * costs at most six statements, however many events it holds, and at most five more when it holds banking events.
 */
export const generalLedgerProjection: Projection = {
  name: 'general_ledger',
  // Version 2: payment events (allocations, refunds) and invoice write-offs post, so stored ledgers rebuild from zero.
  // Version 3: the banking events post, on the new accounts and the bank sub-ledgers (gl_bank_lines, gl_bank_matches).
  version: 3,
  eventTypes: Object.keys(ledgerEventSchemas),
  tables: ['journal_entries', 'journal_lines', 'gl_issued_invoices', 'gl_bank_lines', 'gl_bank_matches'],
  createTables: createGeneralLedgerTables,
  applyBatch: applyLedgerBatch,
};

export function parseLedgerEvent(recorded: RecordedEvent): LedgerSourceEvent {
  const schema = ledgerEventSchemas[recorded.type];
  if (!schema) throw new Error(`general ledger: not a ledger event: ${recorded.type}`);
  return { type: recorded.type, data: storedEventData(schema, recorded), eventId: recorded.eventId, recordedAt: recorded.recordedAt.toISOString() } as LedgerSourceEvent;
}

/**
 * The batch folded in memory: the issued figures a void needs, and the match figures an unmatch needs, are loaded
 * once for the whole batch (and kept up to date by the batch's own issues and matches, in log order), every entry is posted in JavaScript, and the rows are written with
 * one statement per table. An entry posted twice (a redelivered event) keeps its last posting, as the per-event
 * delete-and-insert did.
 */
async function applyLedgerBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const parsed = events.map((recorded) => ({ recorded, tenantId: tenantOfStream(recorded.streamId), event: parseLedgerEvent(recorded) }));
  const voidedKeys = parsed.flatMap(({ tenantId, event }) => (event.type === 'InvoiceVoided' ? [[tenantId, event.data.invoiceId]] : []));
  const issued = new Map<string, IssuedInvoiceFigures>();
  for (const row of await loadRows(context, 'gl_issued_invoices', ['tenant_id', 'invoice_id'], voidedKeys)) {
    issued.set(keyOf(row.tenant_id as string, row.invoice_id as string), row.figures as IssuedInvoiceFigures);
  }
  const matchKeys = parsed.flatMap(({ tenantId, event }) =>
    event.type === 'StatementLinesUnmatched' || event.type === 'MatchDifferenceReclassified' ? [[tenantId, event.data.matchId]] : [],
  );
  const matches = new Map<string, MatchedLinesFigures>();
  for (const row of await loadRows(context, 'gl_bank_matches', ['tenant_id', 'match_id'], matchKeys)) {
    matches.set(keyOf(row.tenant_id as string, row.match_id as string), row.figures as MatchedLinesFigures);
  }
  const matchRows = new Map<string, Row>();
  const keepMatch = (tenantId: string, figures: MatchedLinesFigures): void => {
    matches.set(keyOf(tenantId, figures.matchId), figures);
    matchRows.set(keyOf(tenantId, figures.matchId), { tenant_id: tenantId, match_id: figures.matchId, figures });
  };
  const issuedRows = new Map<string, Row>();
  const entries = new Map<string, { tenantId: string; entry: JournalEntry; recorded: RecordedEvent }>();
  for (const { recorded, tenantId, event } of parsed) {
    const postingContext: LedgerPostingContext = {};
    if (event.type === 'InvoiceIssued') {
      const { invoiceId, customerId, number, currency, subtotal, taxTotal, total, taxBreakdown } = event.data;
      const figures: IssuedInvoiceFigures = { invoiceId, customerId, number, currency, subtotal, taxTotal, total, ...(taxBreakdown === undefined ? {} : { taxBreakdown }) };
      // What a later void reads back is the figures as stored, i.e. through JSON.
      issued.set(keyOf(tenantId, invoiceId), JSON.parse(JSON.stringify(figures)) as IssuedInvoiceFigures);
      issuedRows.set(keyOf(tenantId, invoiceId), { tenant_id: tenantId, invoice_id: invoiceId, figures });
    } else if (event.type === 'InvoiceVoided') {
      // A draft voided was never posted: there is nothing to reverse.
      postingContext.issuedInvoice = issued.get(keyOf(tenantId, event.data.invoiceId)) ?? null;
    } else if (event.type === 'StatementLinesMatched') {
      const { matchId, bankAccountId, currency, lineTotal, paymentTotal, difference, differenceAccount } = event.data;
      keepMatch(tenantId, { matchId, bankAccountId, currency, lineTotal, paymentTotal, difference, differenceAccount });
    } else if (event.type === 'StatementLinesUnmatched') {
      const match = matches.get(keyOf(tenantId, event.data.matchId));
      // Every match posted, and this projection saw it: a missing one is a broken invariant, not something to skip.
      if (match === undefined) throw new Error(`general ledger: StatementLinesUnmatched ${event.data.matchId} names a match the ledger never saw`);
      postingContext.match = match;
    } else if (event.type === 'MatchDifferenceReclassified') {
      const match = matches.get(keyOf(tenantId, event.data.matchId));
      if (match === undefined) throw new Error(`general ledger: MatchDifferenceReclassified ${event.data.matchId} names a match the ledger never saw`);
      // An unmatch after this reverses the difference from bank_fees, where it now is.
      keepMatch(tenantId, { ...match, differenceAccount: event.data.to });
    }
    // postingsFor asserts every entry balanced before it is returned.
    for (const entry of postingsFor(event, postingContext)) {
      const key = keyOf(tenantId, entry.entryId);
      // Re-posting replaces the entry: it takes the place (and position) of its last posting.
      entries.delete(key);
      entries.set(key, { tenantId, entry, recorded });
    }
  }
  await upsertRows(context, 'gl_issued_invoices', ['tenant_id', 'invoice_id'], [...issuedRows.values()]);
  await upsertRows(context, 'gl_bank_matches', ['tenant_id', 'match_id'], [...matchRows.values()]);
  const posted = [...entries.values()];
  // Only a redelivered event finds rows of its entries: they are replaced, never added to. A rebuild delivers each
  // event once into fresh tables, so it has nothing to delete.
  if (!context.rebuilding) {
    const entryKeys = posted.map(({ tenantId, entry }) => [tenantId, entry.entryId]);
    await deleteRows(context, 'journal_lines', ['tenant_id', 'entry_id'], entryKeys);
    // Postings are a function of the event, so only an entry posted with bank lines had bank lines before: a batch
    // without banking entries costs no statement here.
    const bankEntryKeys = posted.filter(({ entry }) => entry.lines.some((line) => line.bankAccountId !== undefined)).map(({ tenantId, entry }) => [tenantId, entry.entryId]);
    await deleteRows(context, 'gl_bank_lines', ['tenant_id', 'entry_id'], bankEntryKeys);
    await deleteRows(context, 'journal_entries', ['tenant_id', 'entry_id'], entryKeys);
  }
  await insertRows(context, 'journal_entries', posted.map(({ tenantId, entry, recorded }) => entryRow(tenantId, entry, recorded)));
  await insertRows(
    context,
    'journal_lines',
    posted.flatMap(({ tenantId, entry }) => lineRows(tenantId, entry)),
  );
  await insertRows(
    context,
    'gl_bank_lines',
    posted.flatMap(({ tenantId, entry }) => bankLineRows(tenantId, entry)),
  );
}

function entryRow(tenantId: string, entry: JournalEntry, recorded: RecordedEvent): Row {
  return {
    tenant_id: tenantId,
    entry_id: entry.entryId,
    source_event_id: entry.sourceEventId,
    source_event_type: entry.sourceEventType,
    source_id: entry.sourceId,
    customer_id: entry.customerId,
    currency: entry.currency,
    description: entry.description,
    occurred_at: entry.occurredAt,
    recorded_at: entry.recordedAt,
    position: encodePosition(recorded.position),
    commit_position: recorded.position.commit.toString(),
    prepare_position: recorded.position.prepare.toString(),
  };
}

function lineRows(tenantId: string, entry: JournalEntry): Row[] {
  return entry.lines.map((line, index) => ({
    tenant_id: tenantId,
    entry_id: entry.entryId,
    line_no: index,
    account: line.account,
    debit: line.debit,
    credit: line.credit,
    tax: line.tax === undefined ? null : line.tax,
  }));
}

function bankLineRows(tenantId: string, entry: JournalEntry): Row[] {
  return entry.lines.flatMap((line, index) =>
    line.bankAccountId === undefined ? [] : [{ tenant_id: tenantId, entry_id: entry.entryId, line_no: index, bank_account_id: line.bankAccountId }],
  );
}
