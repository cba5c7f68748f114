import type { BankAccountState, CsvMapping } from '../../../../libs/billing/src/index.js';
import type {
  BankAccountRecord,
  BankStatementRecord,
  MatchingRuleRecord,
  MatchRecord,
  ReconciliationPaymentRecord,
  ReconciliationSessionRecord,
  StatementLineRecord,
} from '../../../../projections/reconciliation/reconciliation.queries.js';
import type { MoneyType } from '../graphql/common.types.js';
import type {
  BankAccountObjectType,
  BankStatementType,
  CsvMappingType,
  MatchingCriteriaType,
  MatchingRuleType,
  ReconciliationMatchType,
  ReconciliationPaymentType,
  ReconciliationSessionType,
  StatementLineType,
} from './banking.types.js';

/** How the banking read model and aggregate states become GraphQL objects: only the last 4 of a number, ever. */

const money = (amount: string, currency: string): MoneyType => ({ amount, currency });
const nullableMoney = (amount: string | null, currency: string): MoneyType | null => (amount === null ? null : money(amount, currency));

/** The general-ledger cash account of a bank account, as reports show it. */
export function ledgerAccountOf(bankAccountId: string): string {
  return `bank:${bankAccountId}`;
}

function csvMappingView(mapping: unknown): CsvMappingType | null {
  if (mapping === null || mapping === undefined) return null;
  const { columns, ...rest } = mapping as CsvMapping;
  return { ...rest, columns: { ...columns } };
}

export function bankAccountViewFromRecord(record: BankAccountRecord): BankAccountObjectType {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    currency: record.currency,
    bankName: record.bankName,
    numberLast4: record.numberLast4,
    openingBalance: money(record.openingBalance, record.currency),
    openingBalanceDate: record.openingBalanceDate,
    verificationStatus: record.verificationStatus,
    verificationReason: record.verificationReason,
    csvMapping: csvMappingView(record.csvMapping),
    isDefault: record.isDefault,
    ledgerAccount: ledgerAccountOf(record.id),
    registeredAt: record.registeredAt,
  };
}

/** A mutation's answer, from the aggregate's state (the read model may not have caught up). */
export function bankAccountViewFromState(state: BankAccountState, isDefault: boolean): BankAccountObjectType {
  const account = state.account;
  if (account === null) throw new Error('bankAccountViewFromState: the account is not registered');
  return {
    id: account.bankAccountId,
    name: account.name,
    type: account.type,
    currency: account.currency,
    bankName: account.bankName,
    numberLast4: account.numberLast4,
    openingBalance: money(account.openingBalance, account.currency),
    openingBalanceDate: account.openingBalanceDate,
    verificationStatus: state.verification ?? 'pending',
    verificationReason: null,
    csvMapping: csvMappingView(state.csvMapping),
    isDefault,
    ledgerAccount: ledgerAccountOf(account.bankAccountId),
    registeredAt: state.registeredAt,
  };
}

export function statementView(record: BankStatementRecord): BankStatementType {
  return {
    id: record.id,
    bankAccountId: record.bankAccountId,
    format: record.format,
    fileSha256: record.fileSha256,
    statementRef: record.statementRef,
    fileName: record.fileName,
    openingBalance: money(record.openingBalance, record.currency),
    closingBalance: money(record.closingBalance, record.currency),
    fromDate: record.fromDate,
    toDate: record.toDate,
    lineCount: record.lineCount,
    duplicateLineCount: record.duplicateLineCount,
    importedAt: record.importedAt,
  };
}

export function lineView(record: StatementLineRecord): StatementLineType {
  return {
    id: record.id,
    bankAccountId: record.bankAccountId,
    statementId: record.statementId,
    bookingDate: record.bookingDate,
    valueDate: record.valueDate,
    amount: money(record.amount, record.currency),
    reference: record.reference,
    counterparty: record.counterparty,
    description: record.description,
    bankTransactionId: record.bankTransactionId,
    status: record.status,
    matchId: record.matchId,
    resolutionAccount: record.resolutionAccount,
    resolutionReason: record.resolutionReason,
  };
}

export function matchView(record: MatchRecord): ReconciliationMatchType {
  return {
    id: record.id,
    bankAccountId: record.bankAccountId,
    lineIds: [...record.lineIds],
    payments: record.payments.map((payment) => ({ paymentId: payment.paymentId, amount: money(payment.amount, record.currency) })),
    lineTotal: money(record.lineTotal, record.currency),
    paymentTotal: money(record.paymentTotal, record.currency),
    difference: money(record.difference, record.currency),
    differenceAccount: record.differenceAccount,
    dateGapDays: record.dateGapDays,
    decisionKind: record.decisionKind.toUpperCase(),
    ruleId: record.ruleId,
    ruleVersion: record.ruleVersion,
    actorKeyId: record.actorKeyId,
    reason: record.reason,
    reclassified: record.reclassified,
    matchedAt: record.matchedAt,
  };
}

export function paymentView(record: ReconciliationPaymentRecord): ReconciliationPaymentType {
  return {
    paymentId: record.paymentId,
    customerId: record.customerId,
    customerName: record.customerName,
    amount: money(record.amount, record.currency),
    reference: record.reference,
    invoiceNumbers: [...record.invoiceNumbers],
    receivedAt: record.receivedAt,
  };
}

export function criteriaView(criteria: unknown): MatchingCriteriaType {
  const value = criteria as {
    multiplicity: string;
    amountTolerance: { kind: string; value: string } | null;
    valueDateWindowDays: number;
    reference: { operator: string; pattern?: string } | null;
    counterparty: { operator: string; value?: string } | null;
    differenceAccount: string;
  };
  return {
    multiplicity: value.multiplicity,
    amountTolerance: value.amountTolerance,
    valueDateWindowDays: value.valueDateWindowDays,
    reference: value.reference === null ? null : { operator: value.reference.operator, pattern: value.reference.pattern ?? null },
    counterparty: value.counterparty === null ? null : { operator: value.counterparty.operator, value: value.counterparty.value ?? null },
    differenceAccount: value.differenceAccount,
  };
}

export function ruleView(record: MatchingRuleRecord): MatchingRuleType {
  return {
    id: record.ruleId,
    version: record.version,
    name: record.name,
    priority: record.priority,
    bankAccountId: record.bankAccountId,
    criteria: criteriaView(record.criteria),
    active: record.status === 'active',
    definedAt: record.definedAt,
    retiredAt: record.retiredAt,
  };
}

export function sessionView(record: ReconciliationSessionRecord, currency: string): ReconciliationSessionType {
  return {
    id: record.sessionId,
    bankAccountId: record.bankAccountId,
    period: record.period,
    fromDate: record.fromDate,
    toDate: record.toDate,
    status: record.status,
    startedByKeyId: record.startedByKeyId,
    startedAt: record.startedAt,
    completedByKeyId: record.completedByKeyId,
    completedAt: record.completedAt,
    statementClosingBalance: nullableMoney(record.statementClosingBalance, currency),
    ledgerBalance: nullableMoney(record.ledgerBalance, currency),
    difference: nullableMoney(record.difference, currency),
    approvedByKeyId: record.approvedByKeyId,
    approvedAt: record.approvedAt,
  };
}
