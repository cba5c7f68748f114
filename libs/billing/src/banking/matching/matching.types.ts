import type { MatchDifferenceAccount, MatchingCriteria } from '../matching-rules/index.js';

/** An unmatched, unresolved statement line with money in (amount > 0); the engine ignores any other line. */
export interface MatchableLine {
  readonly lineId: string;
  /** 'YYYY-MM-DD': the date the money is available, compared with the payment's date. */
  readonly valueDate: string;
  /** Decimal string at the account currency's minor unit. */
  readonly amount: string;
  readonly reference: string | null;
  readonly counterparty: string | null;
  readonly description: string | null;
}

/** An unmatched payment recorded for the account (or for the default account when the payment names none). */
export interface MatchablePayment {
  readonly paymentId: string;
  /** 'YYYY-MM-DD': the payment's receivedAt/recordedAt calendar date in the tenant's zone. */
  readonly date: string;
  /** Decimal string at the account currency's minor unit, > 0. */
  readonly amount: string;
  readonly reference: string | null;
  readonly customerName: string | null;
  readonly invoiceNumbers: readonly string[];
}

/** The latest version of a live matching rule (retired rules are not passed). */
export interface RuleVersion {
  readonly ruleId: string;
  readonly version: number;
  /** 1..1000, lower runs first; ties run in ruleId order. */
  readonly priority: number;
  /** null: the rule applies to every bank account. */
  readonly bankAccountId: string | null;
  readonly criteria: MatchingCriteria;
}

export interface ProposeMatchesInput {
  /** The account whose lines and payments these are: rules restricted to another account are skipped. */
  readonly bankAccountId: string;
  readonly lines: readonly MatchableLine[];
  readonly payments: readonly MatchablePayment[];
  readonly rules: readonly RuleVersion[];
}

export interface ProposedPayment {
  paymentId: string;
  amount: string;
}

/**
 * One match the rules agree on, shaped like StatementLinesMatched minus what the handler adds (matchId, currency,
 * decision kind, matchedAt). Figures are decimal strings at the amounts' scale; difference = paymentTotal - lineTotal.
 */
export interface MatchProposal {
  lineIds: string[];
  payments: ProposedPayment[];
  lineTotal: string;
  paymentTotal: string;
  difference: string;
  /** null exactly when difference is zero. */
  differenceAccount: MatchDifferenceAccount | null;
  /** Largest |line value date - payment date| in days over every line/payment pair of the match. */
  dateGapDays: number;
  ruleId: string;
  ruleVersion: number;
}
