import { Money } from '../../../money/src/index.js';

/**
 * The chart of accounts of the general ledger (docs/domain.md, "General ledger"). Normal balances:
 * - accounts_receivable: asset (debit): what customers owe on issued invoices.
 * - cash_clearing: asset (debit): money received from (or paid back to) customers, before bank reconciliation.
 * - revenue: income (credit): invoiced net amounts; credit notes and voids debit it back.
 * - tax_payable: liability (credit): tax collected for the tax authorities.
 * - customer_credit: liability (credit): credit customers may spend (overpayments, store credit, credit notes
 *   applied to the account).
 * - credit_notes: liability (credit): credit granted by issued credit notes and not yet applied; it returns to zero
 *   as each note is applied, so its balance is the credit still outstanding on notes.
 * - refunds: contra-income (debit): money or store credit given back that does not reopen a receivable.
 * - bad_debt: expense (debit): receivables written off.
 * - fx_gain_loss: income or expense: realised exchange differences; no rule posts to it yet (payments settle in the
 *   invoice's currency today), it is in the chart so reports and future rules agree on its name.
 * Banking (docs/banking.md), appended so that the older accounts keep their places in reports:
 * - bank: asset (debit): money on the company's bank accounts, one sub-ledger per account (JournalLine.bankAccountId,
 *   shown as `bank:<bankAccountId>`); statement lines reach it when matched or resolved.
 * - bank_fees: expense (debit): processor and bank charges (a payout less its fees, a line of bank charges).
 * - reconciliation_suspense: asset, clearing (debit): differences and unexplained lines parked until judged.
 * - other_income: income (credit): money in with no payment behind it (interest).
 * - opening_balance_equity: equity (credit): the other side of a bank account's opening balance.
 */
export const ledgerAccounts = [
  'accounts_receivable',
  'revenue',
  'tax_payable',
  'cash_clearing',
  'customer_credit',
  'refunds',
  'bad_debt',
  'fx_gain_loss',
  'credit_notes',
  'bank',
  'bank_fees',
  'reconciliation_suspense',
  'other_income',
  'opening_balance_equity',
] as const;
export type LedgerAccount = (typeof ledgerAccounts)[number];

/** Which tax a tax_payable line is, when the source document broke its tax down by rate. */
export interface JournalTaxDetail {
  /** The tenant's tax rate id; null for an explicit percentage on a line. */
  rateId: string | null;
  name: string;
  /** Percentage ("20", "8.875"). */
  rate: string;
  jurisdiction: string | null;
}

/**
 * One line of a journal entry: exactly one of `debit` and `credit` is positive, the other zero. Both are decimal
 * strings fixed to the entry currency's minor unit ("12.50", "0.00"; "1000", "0" for JPY).
 */
export interface JournalLine {
  account: LedgerAccount;
  debit: string;
  credit: string;
  /** Only on tax_payable lines of a document with a tax breakdown: one line per rate. */
  tax?: JournalTaxDetail;
  /** On `bank` lines only, always: the bank account (the sub-ledger) the money is on. */
  bankAccountId?: string;
}

/**
 * A balanced journal entry in one currency: the sum of the debits equals the sum of the credits. Entries are derived
 * from events only, so the same event always yields the same entries: `entryId` is `<source event id>:<index>`, the
 * index counting the entries that event posts (from 0), and re-posting a redelivered event overwrites, never adds.
 */
export interface JournalEntry {
  entryId: string;
  /** When the financial fact happened: the instant the event's data names (issuedAt, a payment's recordedAt, appliedAt, voidedAt, ...). */
  occurredAt: string;
  currency: string;
  description: string;
  sourceEventType: string;
  sourceEventId: string;
  /** When the source event was stored: for audit ("what did the ledger know when"), not for dating the entry. */
  recordedAt: string;
  /** The document the entry comes from: the invoice, payment, credit note, refund or write-off id. */
  sourceId: string;
  /**
   * Whose account it touches: the key of the receivable and customer-credit sub-ledgers. '' for the banking entries,
   * which touch no customer's sub-ledger (the GraphQL field is non-null, so there is no null to give).
   */
  customerId: string;
  lines: JournalLine[];
}

/**
 * Crashes when an entry does not balance or has a malformed line: a posting rule produced it, so it is a bug in
 * the rules (or an event whose figures contradict each other), never something a caller can correct
 * (docs/architecture.md, Conventions 10).
 */
export function assertBalancedEntry(entry: JournalEntry): void {
  const fail = (problem: string): never => {
    throw new Error(`general ledger invariant broken: entry ${entry.entryId} (${entry.sourceEventType}) ${problem}`);
  };
  if (entry.lines.length < 2) fail(`has ${entry.lines.length} line(s): a double entry has at least two`);
  let debits = Money.zero(entry.currency);
  let credits = Money.zero(entry.currency);
  entry.lines.forEach((line, index) => {
    const debit = Money.parseComputed(line.debit, entry.currency, `lines[${index}].debit`);
    const credit = Money.parseComputed(line.credit, entry.currency, `lines[${index}].credit`);
    if (debit.isNegative() || credit.isNegative()) fail(`line ${index} (${line.account}) has a negative amount`);
    if (debit.isPositive() === credit.isPositive()) fail(`line ${index} (${line.account}) must have exactly one of debit and credit positive`);
    if ((line.account === 'bank') !== (line.bankAccountId !== undefined)) fail(`line ${index} (${line.account}): a bank account is named on bank lines, and only there`);
    debits = debits.plus(debit);
    credits = credits.plus(credit);
  });
  if (!debits.equals(credits)) fail(`does not balance: debits ${debits.toString()} != credits ${credits.toString()} ${entry.currency}`);
}

/** One side of a posting as a rule states it, before zero amounts are dropped. */
export interface PostingLeg {
  account: LedgerAccount;
  amount: Money;
  tax?: JournalTaxDetail;
  bankAccountId?: string;
}

/** What a rule says about one entry; `journalEntryOf` turns it into a checked JournalEntry. */
export interface PostingDraft {
  source: { eventId: string; eventType: string; recordedAt: string };
  index: number;
  occurredAt: string;
  currency: string;
  description: string;
  sourceId: string;
  customerId: string;
  debits: PostingLeg[];
  credits: PostingLeg[];
}

/**
 * Builds the entry: legs of zero are left out (a zero-tax invoice posts no tax line), and an entry with nothing left
 * on either side posts nothing at all (null). Every entry built is asserted balanced.
 */
export function journalEntryOf(draft: PostingDraft): JournalEntry | null {
  const zero = Money.zero(draft.currency).toString();
  const line = (leg: PostingLeg, side: 'debit' | 'credit'): JournalLine => {
    const amount = leg.amount.toString();
    return {
      account: leg.account,
      debit: side === 'debit' ? amount : zero,
      credit: side === 'credit' ? amount : zero,
      ...(leg.tax === undefined ? {} : { tax: leg.tax }),
      ...(leg.bankAccountId === undefined ? {} : { bankAccountId: leg.bankAccountId }),
    };
  };
  const lines = [
    ...draft.debits.filter((leg) => !leg.amount.isZero()).map((leg) => line(leg, 'debit')),
    ...draft.credits.filter((leg) => !leg.amount.isZero()).map((leg) => line(leg, 'credit')),
  ];
  if (lines.length === 0) return null;
  const entry: JournalEntry = {
    entryId: `${draft.source.eventId}:${draft.index}`,
    occurredAt: draft.occurredAt,
    currency: draft.currency,
    description: draft.description,
    sourceEventType: draft.source.eventType,
    sourceEventId: draft.source.eventId,
    recordedAt: draft.source.recordedAt,
    sourceId: draft.sourceId,
    customerId: draft.customerId,
    lines,
  };
  assertBalancedEntry(entry);
  return entry;
}
