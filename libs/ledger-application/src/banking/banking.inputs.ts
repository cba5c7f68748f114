import type { BankAccountType, CsvMapping, MatchDifferenceAccount, MatchMultiplicity, VerificationStatus } from '../../../billing/src/index.js';

/**
 * What the banking commands take: plain data, structurally what the GraphQL inputs carry (apps/api/src/banking/
 * banking.types.ts), so a resolver passes its input as it is and the handlers know nothing of GraphQL.
 */
export interface RegisterBankAccountCommandInput {
  /** Absent: one is made from the command id (`ba_<uuid>`), so a retried request names the same account. */
  readonly bankAccountId?: string | null;
  readonly name: string;
  readonly type: BankAccountType;
  readonly currency: string;
  readonly bankName: string;
  /** The account number or IBAN: stored in the secret store, never in an event, a read model, a log or an answer. */
  readonly accountNumber: string;
  readonly openingBalance?: string | null;
  /** Absent: the tenant's today. */
  readonly openingBalanceDate?: string | null;
}

export interface ChangeBankAccountVerificationCommandInput {
  readonly bankAccountId: string;
  readonly status: VerificationStatus;
  readonly reason?: string | null;
}

export interface SetDefaultBankAccountCommandInput {
  readonly bankAccountId: string;
}

export interface SaveCsvMappingCommandInput {
  readonly bankAccountId: string;
  readonly mapping: CsvMapping;
}

export type StatementFormat = 'csv' | 'camt053' | 'ofx';

export interface ImportBankStatementCommandInput {
  readonly bankAccountId: string;
  readonly format: StatementFormat;
  /** The file's text (UTF-8). */
  readonly content: string;
  readonly fileName?: string | null;
  /** CSV only: the statement's balances (CSV has no standard place for them); else derived from a balance column. */
  readonly openingBalance?: string | null;
  readonly closingBalance?: string | null;
}

/**
 * Matching criteria as a caller sends them (MatchingCriteria with absent fields as null or left out); the aggregate
 * reads them through the event contract.
 */
export interface MatchingCriteriaCommandInput {
  readonly multiplicity: MatchMultiplicity;
  readonly amountTolerance?: { readonly kind: 'absolute' | 'percent'; readonly value: string } | null;
  readonly valueDateWindowDays: number;
  readonly reference?: { readonly operator: 'equals' | 'contains' | 'pattern'; readonly pattern?: string | null } | null;
  readonly counterparty?: { readonly operator: 'equals' | 'contains' | 'pattern' | 'customer_name'; readonly value?: string | null } | null;
  readonly differenceAccount: MatchDifferenceAccount;
}

export interface DefineMatchingRuleCommandInput {
  /** Absent: a new rule (`rule_<uuid>` from the command id); an existing id: its next version. */
  readonly ruleId?: string | null;
  readonly name: string;
  readonly priority: number;
  readonly bankAccountId?: string | null;
  readonly criteria: MatchingCriteriaCommandInput;
}

export interface RetireMatchingRuleCommandInput {
  readonly ruleId: string;
}

export interface MatchStatementLinesCommandInput {
  readonly bankAccountId: string;
  readonly lineIds: readonly string[];
  readonly paymentIds: readonly string[];
  /** Where a difference goes; absent: reconciliation_suspense. */
  readonly differenceAccount?: 'bank_fees' | 'reconciliation_suspense' | null;
  readonly reason: string;
}

export interface UnmatchStatementLinesCommandInput {
  readonly bankAccountId: string;
  readonly matchId: string;
  readonly reason: string;
}

export interface ResolveStatementLineCommandInput {
  readonly bankAccountId: string;
  readonly lineId: string;
  readonly account: 'bank_fees' | 'reconciliation_suspense' | 'other_income';
  readonly reason: string;
}

export interface ResolvePaymentDiscrepancyCommandInput {
  readonly bankAccountId: string;
  readonly paymentId: string;
  readonly resolution: 'in_transit' | 'reconciliation_suspense';
  readonly reason: string;
}

export interface ReclassifyMatchDifferenceCommandInput {
  readonly bankAccountId: string;
  readonly matchId: string;
  readonly reason: string;
}

export interface ReconciliationSessionCommandInput {
  readonly bankAccountId: string;
  /** 'YYYY-MM'. */
  readonly period: string;
}

export interface ReopenReconciliationCommandInput extends ReconciliationSessionCommandInput {
  readonly reason: string;
}
