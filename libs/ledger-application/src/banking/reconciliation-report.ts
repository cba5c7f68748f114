import { DomainError, calendarDateInZone, reconciliationFigures, type ReconciliationFigures } from '../../../billing/src/index.js';
import { Money } from '../../../money/src/index.js';
import { aggregates, load } from '../../../application/src/index.js';
import {
  ReconciliationQueries,
  type MatchRecord,
  type ReconciliationPaymentRecord,
  type ReconciliationSessionRecord,
  type StatementLineRecord,
} from '../../../../projections/reconciliation/reconciliation.queries.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { requireBankAccount } from './bank-accounts.handlers.js';

/** A period 'YYYY-MM' as its first and last day (inclusive). */
export interface PeriodDates {
  readonly period: string;
  readonly fromDate: string;
  readonly toDate: string;
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** 'YYYY-MM' to its first and last calendar day; VALIDATION_FAILED otherwise. */
export function periodDates(period: unknown, field = 'period'): PeriodDates {
  const match = typeof period === 'string' ? PERIOD.exec(period) : null;
  if (match === null) throw new DomainError('VALIDATION_FAILED', `${field} must be a month as YYYY-MM`, { field });
  const year = Number(match[1]);
  const month = Number(match[2]);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { period: period as string, fromDate: `${period as string}-01`, toDate: `${period as string}-${String(lastDay).padStart(2, '0')}` };
}

/** What is open or odd in an account's period (docs/reconciliation.md, "Discrepancies"). */
export interface ReconciliationDiscrepancies {
  readonly bankAccountId: string;
  readonly period: string;
  /** Lines booked in the period with no payment and no resolution. */
  readonly unmatchedLines: readonly StatementLineRecord[];
  /** Payments of the account received up to the period's end with no statement line (and not resolved). */
  readonly unmatchedPayments: readonly ReconciliationPaymentRecord[];
  /** Active matches of the period whose difference waits in suspense. */
  readonly amountMismatches: readonly MatchRecord[];
  /** Active matches of the period whose line is days away from the payment (shown, never posted). */
  readonly dateMismatches: readonly MatchRecord[];
  /** Active matches of the period whose difference went to bank fees (processor fees, reclassified differences). */
  readonly fees: readonly MatchRecord[];
  /** Lines of the period booked straight to bank fees. */
  readonly feeLines: readonly StatementLineRecord[];
}

/** The discrepancies of an account's period, from the reconciliation read model (NOT_FOUND for an unknown account). */
export async function reconciliationDiscrepancies(services: ApplicationServices, tenantId: string, bankAccountId: string, period: string): Promise<ReconciliationDiscrepancies> {
  const dates = periodDates(period);
  const account = await requireBankAccount(services, tenantId, bankAccountId);
  const currency = account.account?.currency as string;
  const queries = new ReconciliationQueries(services.db);
  const [defaults, settings, lines, matches] = await Promise.all([
    load(services.store, aggregates.bankAccountDefaults, tenantId, tenantId),
    loadBillingSettings(services, tenantId),
    queries.linesBooked(tenantId, bankAccountId, dates.fromDate, dates.toDate),
    queries.matchesBooked(tenantId, bankAccountId, dates.fromDate, dates.toDate),
  ]);
  const isDefault = defaults.state.defaults[currency] === bankAccountId;
  const payments = await queries.unmatchedPayments(tenantId, { id: bankAccountId, currency, isDefault });
  const zero = (amount: string) => Money.parseComputed(amount, currency).isZero();
  return {
    bankAccountId,
    period: dates.period,
    unmatchedLines: lines.filter((line) => line.status === 'UNMATCHED'),
    unmatchedPayments: payments.filter((payment) => calendarDateInZone(payment.receivedAt, settings.tenant.timeZone) <= dates.toDate),
    amountMismatches: matches.filter((match) => !zero(match.difference) && match.differenceAccount === 'reconciliation_suspense'),
    dateMismatches: matches.filter((match) => match.dateGapDays > 0),
    fees: matches.filter((match) => !zero(match.difference) && match.differenceAccount === 'bank_fees'),
    feeLines: lines.filter((line) => line.status === 'RESOLVED' && line.resolutionAccount === 'bank_fees'),
  };
}

/** The statement's closing balance against the ledger's cash balance of the account for a period. */
export interface ReconciliationReport extends ReconciliationFigures {
  readonly bankAccountId: string;
  readonly currency: string;
  readonly dates: PeriodDates;
  /** statementClosingBalance - ledgerBalance; null without a statement ending in the period. */
  readonly difference: string | null;
  readonly lineCounts: { readonly unmatched: number; readonly matched: number; readonly resolved: number };
  readonly session: ReconciliationSessionRecord | null;
  readonly discrepancies: ReconciliationDiscrepancies;
}

/**
 * The figures a session would complete with, computed by the domain (reconciliationFigures) on the account's
 * reconciliation stream, with the read model's counts and discrepancies for the period.
 */
export async function reconciliationReport(services: ApplicationServices, tenantId: string, bankAccountId: string, period: string): Promise<ReconciliationReport> {
  const dates = periodDates(period);
  const account = await requireBankAccount(services, tenantId, bankAccountId);
  const currency = account.account?.currency as string;
  const queries = new ReconciliationQueries(services.db);
  const [reconciliation, discrepancies, lines, session] = await Promise.all([
    load(services.store, aggregates.bankReconciliation, tenantId, bankAccountId),
    reconciliationDiscrepancies(services, tenantId, bankAccountId, period),
    queries.linesBooked(tenantId, bankAccountId, dates.fromDate, dates.toDate),
    queries.session(tenantId, `${bankAccountId}-${dates.period}`),
  ]);
  const figures = reconciliationFigures(reconciliation.state, account.account?.openingBalance as string, dates, currency);
  const count = (status: StatementLineRecord['status']) => lines.filter((line) => line.status === status).length;
  return {
    ...figures,
    bankAccountId,
    currency,
    dates,
    difference: figures.statementClosingBalance === null ? null : Money.parseComputed(figures.statementClosingBalance, currency).minus(Money.parseComputed(figures.ledgerBalance, currency)).toString(),
    lineCounts: { unmatched: count('UNMATCHED'), matched: count('MATCHED'), resolved: count('RESOLVED') },
    session: session ?? null,
    discrepancies,
  };
}
