import type { DomainCommand } from '../../common/command.js';
import type { MatchDifferenceAccount } from '../matching-rules/matching-rules.criteria.js';
import type { LineResolutionAccount, PaymentDiscrepancyResolution, StatementFormat } from './bank-reconciliation.events.js';

/** One line of the parsed file, with its dedupe key (libs/bank-statements parseStatement + lineKeys). */
export interface ImportedLineInput {
  lineKey: string;
  bookingDate: string;
  valueDate: string;
  /** Signed: positive = money in. */
  amount: string;
  reference: string | null;
  counterparty: string | null;
  description: string | null;
  bankTransactionId: string | null;
}

/**
 * Imports a parsed statement file. The application layer parsed it (every line of the file, known or not), computed
 * the line keys and the file's sha256, chose `statementId`, and read `accountCurrency` from the bank account. Lines
 * already known (by key) are skipped and counted; a file whose every line is known, or a file already imported (same
 * sha256), decides no event.
 */
export type ImportStatement = DomainCommand<
  'ImportStatement',
  {
    bankAccountId: string;
    accountCurrency: string;
    statementId: string;
    format: StatementFormat;
    fileSha256: string;
    statementRef: string | null;
    fileName?: string | null;
    currency: string;
    openingBalance: string;
    closingBalance: string;
    fromDate: string;
    toDate: string;
    lines: ImportedLineInput[];
  }
>;

/** A match proposed by the matching engine (../matching MatchProposal) with the id the handler gave it. */
export interface RuleMatchInput {
  matchId: string;
  lineIds: string[];
  payments: { paymentId: string; amount: string }[];
  lineTotal: string;
  paymentTotal: string;
  difference: string;
  differenceAccount: MatchDifferenceAccount | null;
  dateGapDays: number;
  ruleId: string;
  ruleVersion: number;
}

/**
 * Records the engine's proposals, all or nothing: every line and payment must still be free, every figure must add
 * up. The payments are the account's (the handler read them, in `accountCurrency`).
 */
export type RecordMatches = DomainCommand<'RecordMatches', { bankAccountId: string; accountCurrency: string; matches: RuleMatchInput[] }>;

/** A payment as a person picks it for a manual match: the handler reads its amount, currency and date. */
export interface ManualMatchPaymentInput {
  paymentId: string;
  amount: string;
  currency: string;
  /** The payment's calendar date in the tenant's zone: the date gap is measured from it. */
  date: string;
}

/**
 * A person matches lines to payments, saying why. A difference goes to `differenceAccount`, or to
 * reconciliation_suspense when none is given; no difference, no account.
 */
export type MatchManually = DomainCommand<
  'MatchManually',
  {
    bankAccountId: string;
    accountCurrency: string;
    matchId: string;
    lineIds: string[];
    payments: ManualMatchPaymentInput[];
    differenceAccount?: MatchDifferenceAccount | null;
    reason: string;
    actorKeyId: string;
  }
>;

export type Unmatch = DomainCommand<'Unmatch', { bankAccountId: string; matchId: string; reason: string; actorKeyId: string }>;

/** Books an unmatched line straight to an account (bank charges, interest...). */
export type ResolveLine = DomainCommand<
  'ResolveLine',
  { bankAccountId: string; lineId: string; account: LineResolutionAccount; reason: string; actorKeyId: string }
>;

/** A payment of the account with no statement line: in transit, or parked in suspense. */
export type ResolvePaymentDiscrepancy = DomainCommand<
  'ResolvePaymentDiscrepancy',
  {
    bankAccountId: string;
    accountCurrency: string;
    paymentId: string;
    amount: string;
    currency: string;
    resolution: PaymentDiscrepancyResolution;
    reason: string;
    actorKeyId: string;
  }
>;

/** Moves a match's difference from reconciliation_suspense to bank_fees. */
export type ReclassifyMatchDifference = DomainCommand<'ReclassifyMatchDifference', { bankAccountId: string; matchId: string; reason: string; actorKeyId: string }>;

export type BankReconciliationCommand =
  | ImportStatement
  | RecordMatches
  | MatchManually
  | Unmatch
  | ResolveLine
  | ResolvePaymentDiscrepancy
  | ReclassifyMatchDifference;
