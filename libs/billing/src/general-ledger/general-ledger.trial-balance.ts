import { Money, isCurrencyCode } from '../../../money/src/index.js';
import { requireInstant } from '../common/calendar-date.js';
import { translatingMoneyErrors } from '../common/domain-error.js';
import { validationFailed } from '../common/validation.js';
import { assertBalancedEntry, ledgerAccounts, type JournalEntry, type LedgerAccount } from './general-ledger.journal.js';

/**
 * One account's totals. `balance` = debit - credit: positive for accounts with a debit balance (receivables, cash,
 * refunds, bad debt), negative for those with a credit balance (revenue, tax payable, customer credit, credit notes).
 */
export interface TrialBalanceRow {
  account: LedgerAccount;
  debit: string;
  credit: string;
  balance: string;
}

export interface TrialBalance {
  currency: string;
  asOf: string;
  /** Every account of the chart, in its order, zero when nothing was posted to it. */
  rows: TrialBalanceRow[];
  totalDebit: string;
  totalCredit: string;
  /** The sum of the balances: always zero, because every entry balances. */
  total: string;
  /** How many entries were counted. */
  entryCount: number;
}

/**
 * The trial balance of one currency at an instant: every entry in `currency` whose occurredAt is at or before
 * `asOf`. Currencies are never added together (an entry is in exactly one currency; converting would need rates),
 * so a multi-currency ledger has one trial balance per currency. Each entry is re-checked as balanced, and the
 * total is asserted zero: a trial balance that does not balance is a bug, never a report.
 */
export function trialBalance(entries: readonly JournalEntry[], asOf: string, currency: string): TrialBalance {
  return translatingMoneyErrors(() => {
    const asOfInstant = requireInstant(asOf, 'asOf');
    if (!isCurrencyCode(currency)) {
      throw validationFailed(`currency must be a supported ISO 4217 currency code (got ${JSON.stringify(currency)})`, { field: 'currency' });
    }
    const asOfMilliseconds = Date.parse(asOfInstant);
    const debits = new Map<LedgerAccount, Money>(ledgerAccounts.map((account) => [account, Money.zero(currency)]));
    const credits = new Map<LedgerAccount, Money>(ledgerAccounts.map((account) => [account, Money.zero(currency)]));
    let entryCount = 0;
    for (const entry of entries) {
      if (entry.currency !== currency || Date.parse(entry.occurredAt) > asOfMilliseconds) continue;
      assertBalancedEntry(entry);
      entryCount += 1;
      for (const line of entry.lines) {
        debits.set(line.account, (debits.get(line.account) ?? Money.zero(currency)).plus(Money.parseComputed(line.debit, currency)));
        credits.set(line.account, (credits.get(line.account) ?? Money.zero(currency)).plus(Money.parseComputed(line.credit, currency)));
      }
    }
    const rows = ledgerAccounts.map((account): TrialBalanceRow => {
      const debit = debits.get(account) ?? Money.zero(currency);
      const credit = credits.get(account) ?? Money.zero(currency);
      return { account, debit: debit.toString(), credit: credit.toString(), balance: debit.minus(credit).toString() };
    });
    const totalDebit = Money.sum([...debits.values()], currency);
    const totalCredit = Money.sum([...credits.values()], currency);
    const total = Money.sum(
      rows.map((row) => Money.parseComputed(row.balance, currency)),
      currency,
    );
    if (!total.isZero() || !totalDebit.equals(totalCredit)) {
      throw new Error(`general ledger invariant broken: the ${currency} trial balance at ${asOf} does not balance (debits ${totalDebit.toString()}, credits ${totalCredit.toString()})`);
    }
    return { currency, asOf: asOfInstant, rows, totalDebit: totalDebit.toString(), totalCredit: totalCredit.toString(), total: total.toString(), entryCount };
  });
}
