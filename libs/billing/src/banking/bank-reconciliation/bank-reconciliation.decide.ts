import { Money } from '../../../../money/src/index.js';
import { daysBetween } from '../../billing-period/calendar-days.js';
import { assertNever } from '../../common/assert-never.js';
import { compareCalendarDates, requireCalendarDate, requireInstant } from '../../common/calendar-date.js';
import { assertDecidedOnOwnStream } from '../../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../../common/domain-error.js';
import { requireCurrency, requireIdentifier, requireIntegerInRange, requireList, requireOneOf, requireRecord, requireText, validationFailed } from '../../common/validation.js';
import { bankingLimits, optionalLineText, requireReason, requireSignedAmount } from '../banking.common.js';
import { matchDifferenceAccounts, type MatchDifferenceAccount } from '../matching-rules/matching-rules.criteria.js';
import type {
  BankReconciliationCommand,
  ImportStatement,
  MatchManually,
  ReclassifyMatchDifference,
  RecordMatches,
  ResolveLine,
  ResolvePaymentDiscrepancy,
  RuleMatchInput,
  Unmatch,
} from './bank-reconciliation.commands.js';
import {
  lineResolutionAccounts,
  paymentDiscrepancyResolutions,
  statementFormats,
  type BankReconciliationEvent,
  type MatchDecision,
  type StatementLine,
  type StatementLinesMatched,
} from './bank-reconciliation.events.js';
import { isKnownLineKey, matchOf, paymentStatusOf, statementLineOf, statementOf, statementOfFile, type BankReconciliationState, type ReconciliationLine } from './bank-reconciliation.state.js';

/** The largest date gap a match may record: a century, far beyond any window a rule allows (31 days). */
const dateGapDaysMax = 36_500;
const lineKeyLengthMax = 300;

/**
 * Order of checks, for every command: metadata, the command's data (VALIDATION_FAILED, AMOUNT_OUT_OF_RANGE), the
 * account's currency (CURRENCY_MISMATCH), then the state: NOT_FOUND for an unknown line or match, ALREADY_EXISTS for a
 * match id taken, INVALID_STATE_TRANSITION for a line or payment already matched or resolved, a match already undone.
 * A refused command decides no event; RecordMatches is all or nothing.
 */
export function decideBankReconciliation(command: BankReconciliationCommand, state: BankReconciliationState): BankReconciliationEvent[] {
  requireInstant(command.metadata?.now, 'metadata.now');
  return translatingMoneyErrors(() => {
    switch (command.type) {
      case 'ImportStatement':
        return importStatement(command, state);
      case 'RecordMatches':
        return recordMatches(command, state);
      case 'MatchManually':
        return matchManually(command, state);
      case 'Unmatch':
        return unmatch(command, state);
      case 'ResolveLine':
        return resolveLine(command, state);
      case 'ResolvePaymentDiscrepancy':
        return resolvePaymentDiscrepancy(command, state);
      case 'ReclassifyMatchDifference':
        return reclassifyMatchDifference(command, state);
      default:
        return assertNever(command, 'bank reconciliation command');
    }
  });
}

function accountOf(data: { bankAccountId?: unknown } | undefined, state: BankReconciliationState): string {
  const bankAccountId = requireIdentifier(data?.bankAccountId, 'bankAccountId');
  assertDecidedOnOwnStream('bank reconciliation', bankAccountId, state.bankAccountId);
  return bankAccountId;
}

/** The account's currency, as the command says it; it must agree with the statements already imported. */
function accountCurrencyOf(value: unknown, state: BankReconciliationState): string {
  const currency = requireCurrency(value, 'accountCurrency');
  if (state.currency !== null && state.currency !== currency) {
    throw new DomainError('CURRENCY_MISMATCH', `The account's statements are in ${state.currency}, not ${currency}`, { field: 'accountCurrency', currency: state.currency });
  }
  return currency;
}

function requireSameCurrency(currency: string, accountCurrency: string, field: string): void {
  if (currency !== accountCurrency) {
    throw new DomainError('CURRENCY_MISMATCH', `${field} is ${currency} but the bank account holds ${accountCurrency}`, { field, currency, accountCurrency });
  }
}

// ---- Import ----

function importStatement({ data, metadata }: ImportStatement, state: BankReconciliationState): BankReconciliationEvent[] {
  const bankAccountId = accountOf(data, state);
  const accountCurrency = accountCurrencyOf(data.accountCurrency, state);
  const currency = requireCurrency(data.currency, 'currency');
  requireSameCurrency(currency, accountCurrency, 'currency');
  const statementId = requireIdentifier(data.statementId, 'statementId');
  const format = requireOneOf(data.format, 'format', statementFormats);
  const fileSha256 = data.fileSha256;
  if (typeof fileSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(fileSha256)) throw validationFailed('fileSha256 must be a lowercase sha256 hex digest', { field: 'fileSha256' });
  const statementRef = optionalLineText(data.statementRef, 'statementRef', bankingLimits.statementRefLengthMax);
  const fileName = optionalLineText(data.fileName ?? null, 'fileName', bankingLimits.fileNameLengthMax);
  const openingBalance = requireSignedAmount(data.openingBalance, currency, 'openingBalance');
  const closingBalance = requireSignedAmount(data.closingBalance, currency, 'closingBalance');
  const fromDate = requireCalendarDate(data.fromDate, 'fromDate');
  const toDate = requireCalendarDate(data.toDate, 'toDate');
  if (compareCalendarDates(fromDate, toDate) > 0) throw validationFailed(`fromDate ${fromDate} is after toDate ${toDate}`, { field: 'fromDate' });
  const lines = requireList(data.lines, 'lines', bankingLimits.statementLinesMax).map((line, index) => importedLineOf(line, index, currency));
  const sum = lines.reduce((total, line) => total.plus(Money.parse(line.amount, currency)), openingBalance);
  if (!sum.equals(closingBalance)) {
    throw validationFailed(
      `The statement does not add up: opening ${openingBalance.toString()} + its lines = ${sum.toString()}, but its closing balance is ${closingBalance.toString()} ${currency}`,
      { field: 'closingBalance', expected: sum.toString(), closingBalance: closingBalance.toString() },
    );
  }
  // The same file again is nothing to add, whatever statement id the caller chose this time.
  if (statementOfFile(state, fileSha256) !== null) return [];
  if (statementOf(state, statementId) !== null) {
    throw new DomainError('ALREADY_EXISTS', `Statement ${statementId} was already imported from another file`, { field: 'statementId', statementId });
  }
  const seen = new Set<string>();
  const added: StatementLine[] = [];
  for (const line of lines) {
    if (seen.has(line.lineKey) || isKnownLineKey(state, line.lineKey)) continue;
    seen.add(line.lineKey);
    added.push({ ...line, lineId: `${statementId}-${added.length + 1}` });
  }
  if (added.length === 0) return [];
  // A statement id long enough to push a line id past the identifier bound is refused up front, not crashed on.
  requireIdentifier(added.at(-1)?.lineId, 'statementId (with its line numbers)');
  return [
    {
      type: 'BankStatementImported',
      data: {
        statementId,
        bankAccountId,
        format,
        fileSha256,
        statementRef,
        fileName,
        currency,
        openingBalance: openingBalance.toString(),
        closingBalance: closingBalance.toString(),
        fromDate,
        toDate,
        lines: added,
        duplicateLineCount: lines.length - added.length,
        importedAt: metadata.now,
      },
    },
  ];
}

function importedLineOf(value: unknown, index: number, currency: string): Omit<StatementLine, 'lineId'> {
  const field = `lines[${index}]`;
  const line = requireRecord(value, field, 'lineKey, bookingDate, valueDate and amount');
  const lineKey = requireText(line.lineKey, `${field}.lineKey`, lineKeyLengthMax);
  return {
    lineKey,
    bookingDate: requireCalendarDate(line.bookingDate, `${field}.bookingDate`),
    valueDate: requireCalendarDate(line.valueDate, `${field}.valueDate`),
    amount: requireSignedAmount(line.amount, currency, `${field}.amount`).toString(),
    reference: optionalLineText(line.reference, `${field}.reference`),
    counterparty: optionalLineText(line.counterparty, `${field}.counterparty`),
    description: optionalLineText(line.description, `${field}.description`),
    bankTransactionId: optionalLineText(line.bankTransactionId, `${field}.bankTransactionId`),
  };
}

// ---- Matching ----

/** What a match claims while the command is decided, so that one command cannot use a line or payment twice. */
interface Claims {
  lines: Set<string>;
  payments: Set<string>;
  matches: Set<string>;
}

function recordMatches({ data, metadata }: RecordMatches, state: BankReconciliationState): BankReconciliationEvent[] {
  const bankAccountId = accountOf(data, state);
  const currency = accountCurrencyOf(data.accountCurrency, state);
  const proposals = requireList(data.matches, 'matches', bankingLimits.proposalsMax);
  const claims: Claims = { lines: new Set(), payments: new Set(), matches: new Set() };
  return proposals.map((value, index): StatementLinesMatched => {
    const field = `matches[${index}]`;
    const proposal = requireRecord(value, field, 'matchId, lineIds, payments, figures, ruleId and ruleVersion') as Partial<RuleMatchInput>;
    const matchId = requireNewMatchId(proposal.matchId, `${field}.matchId`, state, claims);
    const lines = requireFreeLines(proposal.lineIds, `${field}.lineIds`, state, claims);
    const payments = requireFreePayments(
      requireList(proposal.payments, `${field}.payments`, bankingLimits.matchPartsMax).map((payment, paymentIndex) => {
        const part = requireRecord(payment, `${field}.payments[${paymentIndex}]`, 'paymentId and amount');
        return { paymentId: requireIdentifier(part.paymentId, `${field}.payments[${paymentIndex}].paymentId`), amount: part.amount };
      }),
      `${field}.payments`,
      currency,
      state,
      claims,
    );
    const figures = figuresOf(lines, payments, currency);
    const given = { lineTotal: proposal.lineTotal, paymentTotal: proposal.paymentTotal, difference: proposal.difference };
    for (const name of ['lineTotal', 'paymentTotal', 'difference'] as const) {
      const value = requireSignedAmount(given[name], currency, `${field}.${name}`);
      if (!value.equals(figures[name])) {
        throw validationFailed(`${field}.${name} is ${value.toString()} but the lines and payments give ${figures[name].toString()}`, { field: `${field}.${name}` });
      }
    }
    const differenceAccount =
      proposal.differenceAccount === null || proposal.differenceAccount === undefined ? null : requireOneOf(proposal.differenceAccount, `${field}.differenceAccount`, matchDifferenceAccounts);
    if ((differenceAccount === null) !== figures.difference.isZero()) {
      throw validationFailed(`${field}.differenceAccount must be given exactly when the difference is not zero (difference ${figures.difference.toString()})`, {
        field: `${field}.differenceAccount`,
      });
    }
    const decision: MatchDecision = {
      kind: 'rule',
      ruleId: requireIdentifier(proposal.ruleId, `${field}.ruleId`),
      ruleVersion: requireIntegerInRange(proposal.ruleVersion, `${field}.ruleVersion`, 1, Number.MAX_SAFE_INTEGER),
    };
    const dateGapDays = requireIntegerInRange(proposal.dateGapDays, `${field}.dateGapDays`, 0, dateGapDaysMax);
    return matchedEvent({ matchId, bankAccountId, currency, lines, payments, figures, differenceAccount, dateGapDays, decision, matchedAt: metadata.now });
  });
}

function matchManually({ data, metadata }: MatchManually, state: BankReconciliationState): BankReconciliationEvent[] {
  const bankAccountId = accountOf(data, state);
  const currency = accountCurrencyOf(data.accountCurrency, state);
  const matchId = requireIdentifier(data.matchId, 'matchId');
  const lineIds = requireIdList(data.lineIds, 'lineIds');
  const paymentInputs = requireList(data.payments, 'payments', bankingLimits.matchPartsMax).map((value, index) => {
    const field = `payments[${index}]`;
    const payment = requireRecord(value, field, 'paymentId, amount, currency and date');
    const paymentCurrency = requireCurrency(payment.currency, `${field}.currency`);
    return {
      paymentId: requireIdentifier(payment.paymentId, `${field}.paymentId`),
      amount: payment.amount,
      currency: paymentCurrency,
      date: requireCalendarDate(payment.date, `${field}.date`),
    };
  });
  const requestedAccount = data.differenceAccount === null || data.differenceAccount === undefined ? null : requireOneOf(data.differenceAccount, 'differenceAccount', matchDifferenceAccounts);
  const reason = requireReason(data.reason);
  const actorKeyId = requireIdentifier(data.actorKeyId, 'actorKeyId');
  for (const [index, payment] of paymentInputs.entries()) requireSameCurrency(payment.currency, currency, `payments[${index}].currency`);
  // A retried request (same id, same lines and payments) is acknowledged.
  const existing = matchOf(state, matchId);
  if (existing !== null) {
    const same =
      existing.decision.kind === 'manual' &&
      sameIds(existing.lineIds, lineIds) &&
      sameIds(
        existing.payments.map((payment) => payment.paymentId),
        paymentInputs.map((payment) => payment.paymentId),
      );
    if (same) return [];
    throw new DomainError('ALREADY_EXISTS', `Match ${matchId} already exists`, { field: 'matchId', matchId });
  }
  const claims: Claims = { lines: new Set(), payments: new Set(), matches: new Set() };
  const lines = requireFreeLines(lineIds, 'lineIds', state, claims);
  const payments = requireFreePayments(paymentInputs, 'payments', currency, state, claims);
  const figures = figuresOf(lines, payments, currency);
  const differenceAccount: MatchDifferenceAccount | null = figures.difference.isZero() ? null : (requestedAccount ?? 'reconciliation_suspense');
  let dateGapDays = 0;
  for (const line of lines) for (const payment of paymentInputs) dateGapDays = Math.max(dateGapDays, Math.abs(daysBetween(line.valueDate, payment.date)));
  const decision: MatchDecision = { kind: 'manual', actorKeyId, reason };
  return [matchedEvent({ matchId, bankAccountId, currency, lines, payments, figures, differenceAccount, dateGapDays, decision, matchedAt: metadata.now })];
}

function requireIdList(value: unknown, field: string): string[] {
  const ids = requireList(value, field, bankingLimits.matchPartsMax).map((id, index) => requireIdentifier(id, `${field}[${index}]`));
  if (ids.length === 0) throw validationFailed(`${field} must name at least one`, { field });
  if (new Set(ids).size !== ids.length) throw validationFailed(`${field} names the same id twice`, { field });
  return ids;
}

function requireNewMatchId(value: unknown, field: string, state: BankReconciliationState, claims: Claims): string {
  const matchId = requireIdentifier(value, field);
  if (matchOf(state, matchId) !== null || claims.matches.has(matchId)) throw new DomainError('ALREADY_EXISTS', `Match ${matchId} already exists`, { field, matchId });
  claims.matches.add(matchId);
  return matchId;
}

/** Known lines (NOT_FOUND), still free (INVALID_STATE_TRANSITION), with money in (VALIDATION_FAILED). */
function requireFreeLines(value: unknown, field: string, state: BankReconciliationState, claims: Claims): ReconciliationLine[] {
  return requireIdList(value, field).map((lineId) => {
    const line = statementLineOf(state, lineId);
    if (line === null) throw new DomainError('NOT_FOUND', `Statement line ${lineId} is not a line of this account`, { field, lineId });
    if (line.status !== 'unmatched' || claims.lines.has(lineId)) {
      throw new DomainError('INVALID_STATE_TRANSITION', `Statement line ${lineId} is already ${claims.lines.has(lineId) ? 'matched' : line.status}`, { field, lineId, status: line.status });
    }
    if (!Money.parse(line.amount, state.currency ?? '').isPositive()) {
      throw validationFailed(`Statement line ${lineId} is money out (${line.amount}): only money-in lines are matched to payments; resolve it instead`, { field, lineId });
    }
    claims.lines.add(lineId);
    return line;
  });
}

/** Payments of the account, positive, each once, not matched and not parked in suspense (in transit may match). */
function requireFreePayments(
  payments: { paymentId: string; amount: unknown }[],
  field: string,
  currency: string,
  state: BankReconciliationState,
  claims: Claims,
): { paymentId: string; amount: Money }[] {
  if (payments.length === 0) throw validationFailed(`${field} must name at least one payment`, { field });
  const ids = payments.map((payment) => payment.paymentId);
  if (new Set(ids).size !== ids.length) throw validationFailed(`${field} names the same payment twice`, { field });
  return payments.map(({ paymentId, amount }, index) => {
    const money = requireSignedAmount(amount, currency, `${field}[${index}].amount`);
    if (!money.isPositive()) throw validationFailed(`${field}[${index}].amount must be greater than 0 (got ${money.toString()})`, { field: `${field}[${index}].amount` });
    const status = paymentStatusOf(state, paymentId);
    if (claims.payments.has(paymentId) || status.status === 'matched' || (status.status === 'resolved' && status.resolution !== 'in_transit')) {
      throw new DomainError('INVALID_STATE_TRANSITION', `Payment ${paymentId} is already matched or resolved in this account`, { field, paymentId });
    }
    claims.payments.add(paymentId);
    return { paymentId, amount: money };
  });
}

interface MatchFigures {
  lineTotal: Money;
  paymentTotal: Money;
  difference: Money;
}

function figuresOf(lines: readonly ReconciliationLine[], payments: readonly { amount: Money }[], currency: string): MatchFigures {
  const lineTotal = Money.sum(
    lines.map((line) => Money.parse(line.amount, currency)),
    currency,
  );
  const paymentTotal = Money.sum(
    payments.map((payment) => payment.amount),
    currency,
  );
  return { lineTotal, paymentTotal, difference: paymentTotal.minus(lineTotal) };
}

function matchedEvent(input: {
  matchId: string;
  bankAccountId: string;
  currency: string;
  lines: readonly ReconciliationLine[];
  payments: readonly { paymentId: string; amount: Money }[];
  figures: MatchFigures;
  differenceAccount: MatchDifferenceAccount | null;
  dateGapDays: number;
  decision: MatchDecision;
  matchedAt: string;
}): StatementLinesMatched {
  return {
    type: 'StatementLinesMatched',
    data: {
      matchId: input.matchId,
      bankAccountId: input.bankAccountId,
      currency: input.currency,
      lineIds: input.lines.map((line) => line.lineId),
      payments: input.payments.map((payment) => ({ paymentId: payment.paymentId, amount: payment.amount.toString() })),
      lineTotal: input.figures.lineTotal.toString(),
      paymentTotal: input.figures.paymentTotal.toString(),
      difference: input.figures.difference.toString(),
      differenceAccount: input.differenceAccount,
      dateGapDays: input.dateGapDays,
      decision: input.decision,
      matchedAt: input.matchedAt,
    },
  };
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

// ---- Undo and resolutions ----

function unmatch({ data, metadata }: Unmatch, state: BankReconciliationState): BankReconciliationEvent[] {
  const bankAccountId = accountOf(data, state);
  const matchId = requireIdentifier(data.matchId, 'matchId');
  const reason = requireReason(data.reason);
  const actorKeyId = requireIdentifier(data.actorKeyId, 'actorKeyId');
  const match = matchOf(state, matchId);
  if (match === null) throw new DomainError('NOT_FOUND', `Match ${matchId} is not a match of this account`, { field: 'matchId', matchId });
  if (match.status !== 'active') throw new DomainError('INVALID_STATE_TRANSITION', `Match ${matchId} was already unmatched`, { field: 'matchId', matchId });
  return [
    {
      type: 'StatementLinesUnmatched',
      data: {
        matchId,
        bankAccountId,
        lineIds: [...match.lineIds],
        paymentIds: match.payments.map((payment) => payment.paymentId),
        actorKeyId,
        reason,
        unmatchedAt: metadata.now,
      },
    },
  ];
}

function resolveLine({ data, metadata }: ResolveLine, state: BankReconciliationState): BankReconciliationEvent[] {
  const bankAccountId = accountOf(data, state);
  const lineId = requireIdentifier(data.lineId, 'lineId');
  const account = requireOneOf(data.account, 'account', lineResolutionAccounts);
  const reason = requireReason(data.reason);
  const actorKeyId = requireIdentifier(data.actorKeyId, 'actorKeyId');
  const line = statementLineOf(state, lineId);
  if (line === null || state.currency === null) throw new DomainError('NOT_FOUND', `Statement line ${lineId} is not a line of this account`, { field: 'lineId', lineId });
  if (line.status !== 'unmatched') {
    throw new DomainError('INVALID_STATE_TRANSITION', `Statement line ${lineId} is already ${line.status}`, { field: 'lineId', lineId, status: line.status });
  }
  return [
    {
      type: 'StatementLineResolved',
      data: { lineId, bankAccountId, currency: state.currency, amount: line.amount, account, actorKeyId, reason, resolvedAt: metadata.now },
    },
  ];
}

/**
 * A payment with no statement line. In transit (the line should come later: nothing posted, still matchable) may
 * later be parked in suspense; a payment in suspense is settled for good, and a matched one needs no resolution.
 */
function resolvePaymentDiscrepancy({ data, metadata }: ResolvePaymentDiscrepancy, state: BankReconciliationState): BankReconciliationEvent[] {
  const bankAccountId = accountOf(data, state);
  const accountCurrency = accountCurrencyOf(data.accountCurrency, state);
  const paymentId = requireIdentifier(data.paymentId, 'paymentId');
  const currency = requireCurrency(data.currency, 'currency');
  requireSameCurrency(currency, accountCurrency, 'currency');
  const amount = requireSignedAmount(data.amount, currency, 'amount');
  if (!amount.isPositive()) throw validationFailed(`amount must be greater than 0 (got ${amount.toString()})`, { field: 'amount' });
  const resolution = requireOneOf(data.resolution, 'resolution', paymentDiscrepancyResolutions);
  const reason = requireReason(data.reason);
  const actorKeyId = requireIdentifier(data.actorKeyId, 'actorKeyId');
  const status = paymentStatusOf(state, paymentId);
  if (status.status === 'matched') {
    throw new DomainError('INVALID_STATE_TRANSITION', `Payment ${paymentId} is matched (${status.matchId}): it has a statement line`, { field: 'paymentId', paymentId });
  }
  if (status.status === 'resolved' && (status.resolution === resolution || status.resolution === 'reconciliation_suspense')) {
    throw new DomainError('INVALID_STATE_TRANSITION', `Payment ${paymentId} is already resolved (${status.resolution})`, { field: 'paymentId', paymentId });
  }
  return [
    {
      type: 'PaymentDiscrepancyResolved',
      data: { paymentId, bankAccountId, currency, amount: amount.toString(), resolution, actorKeyId, reason, resolvedAt: metadata.now },
    },
  ];
}

function reclassifyMatchDifference({ data, metadata }: ReclassifyMatchDifference, state: BankReconciliationState): BankReconciliationEvent[] {
  const bankAccountId = accountOf(data, state);
  const matchId = requireIdentifier(data.matchId, 'matchId');
  const reason = requireReason(data.reason);
  const actorKeyId = requireIdentifier(data.actorKeyId, 'actorKeyId');
  const match = matchOf(state, matchId);
  if (match === null || state.currency === null) throw new DomainError('NOT_FOUND', `Match ${matchId} is not a match of this account`, { field: 'matchId', matchId });
  if (match.status !== 'active') throw new DomainError('INVALID_STATE_TRANSITION', `Match ${matchId} was unmatched`, { field: 'matchId', matchId });
  if (match.differenceAccount !== 'reconciliation_suspense') {
    throw new DomainError('INVALID_STATE_TRANSITION', `Match ${matchId} has no difference in reconciliation_suspense (it is ${match.differenceAccount ?? 'exact'})`, {
      field: 'matchId',
      matchId,
    });
  }
  return [
    {
      type: 'MatchDifferenceReclassified',
      data: {
        matchId,
        bankAccountId,
        currency: state.currency,
        amount: match.difference,
        from: 'reconciliation_suspense',
        to: 'bank_fees',
        actorKeyId,
        reason,
        reclassifiedAt: metadata.now,
      },
    },
  ];
}
