import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../../common/event.js';
import { eventFields } from '../../common/event-fields.js';
import { matchDifferenceAccounts } from '../matching-rules/matching-rules.criteria.js';

const { calendarDate, currencyCode, decimal, identifier, instant } = eventFields;

/**
 * The statement lines of one bank account and every decision about them, in one stream per account
 * (`bank_reconciliation-<bankAccountId>`), so that "a line is matched once" and "a payment is matched once" hold by
 * the stream's own consistency (docs/banking.md). Amounts are signed decimal strings at the account currency's minor
 * unit: positive = money in, negative = money out.
 */

export const statementFormats = ['csv', 'camt053', 'ofx'] as const;
export type StatementFormat = (typeof statementFormats)[number];

/** Where a line with no payment is booked: bank charges, a suspense to clear later, interest or other income. */
export const lineResolutionAccounts = ['bank_fees', 'reconciliation_suspense', 'other_income'] as const;
export type LineResolutionAccount = (typeof lineResolutionAccounts)[number];

/** A payment with no statement line: money on its way (nothing posted), or parked in suspense. */
export const paymentDiscrepancyResolutions = ['in_transit', 'reconciliation_suspense'] as const;
export type PaymentDiscrepancyResolution = (typeof paymentDiscrepancyResolutions)[number];

const optionalText = z.string().min(1).nullable();

export const statementLineSchema = z.object({
  /** `<statementId>-<n>`, n counting the lines this import added, from 1. */
  lineId: identifier,
  /** The dedupe key ('tx:<bank id>' or 'h:<sha256>', libs/bank-statements lineKeys): a line is imported once. */
  lineKey: z.string().min(1),
  bookingDate: calendarDate,
  valueDate: calendarDate,
  amount: decimal,
  reference: optionalText,
  counterparty: optionalText,
  description: optionalText,
  bankTransactionId: optionalText,
});
export type StatementLine = z.infer<typeof statementLineSchema>;

/**
 * A statement file imported: only its lines not seen before (`duplicateLineCount` counts those skipped). The balances
 * and dates are the file's; opening + every line of the file = closing was checked on import.
 */
export const bankStatementImportedSchema = defineEventSchema(
  'BankStatementImported',
  1,
  z.object({
    statementId: identifier,
    bankAccountId: identifier,
    format: z.enum(statementFormats),
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase sha256 hex digest'),
    statementRef: optionalText,
    /** The file's name as the importer gave it (null: not given; absent on statements imported before it was kept). */
    fileName: optionalText.optional(),
    currency: currencyCode,
    openingBalance: decimal,
    closingBalance: decimal,
    fromDate: calendarDate,
    toDate: calendarDate,
    lines: z.array(statementLineSchema),
    duplicateLineCount: z.number().int().min(0),
    importedAt: instant,
  }),
);

export const matchDecisionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rule'), ruleId: identifier, ruleVersion: z.number().int().min(1) }),
  z.object({ kind: z.literal('manual'), actorKeyId: identifier, reason: z.string().min(1) }),
]);
export type MatchDecision = z.infer<typeof matchDecisionSchema>;

export const matchedPaymentSchema = z.object({ paymentId: identifier, amount: decimal });
export type MatchedPayment = z.infer<typeof matchedPaymentSchema>;

/**
 * Money-in lines matched to payments. difference = paymentTotal - lineTotal (a payout less its fees has a positive
 * difference); it is booked to `differenceAccount`, null exactly when the difference is zero. `dateGapDays` is the
 * largest gap between a line's value date and a payment's date (shown, never posted). `decision` names the rule and
 * its version, or the person and their reason.
 */
export const statementLinesMatchedSchema = defineEventSchema(
  'StatementLinesMatched',
  1,
  z.object({
    matchId: identifier,
    bankAccountId: identifier,
    currency: currencyCode,
    lineIds: z.array(identifier).min(1),
    payments: z.array(matchedPaymentSchema).min(1),
    lineTotal: decimal,
    paymentTotal: decimal,
    difference: decimal,
    differenceAccount: z.enum(matchDifferenceAccounts).nullable(),
    dateGapDays: z.number().int().min(0),
    decision: matchDecisionSchema,
    matchedAt: instant,
  }),
);

/** A match undone, with who and why: its lines and payments are free again and the general ledger reverses it. */
export const statementLinesUnmatchedSchema = defineEventSchema(
  'StatementLinesUnmatched',
  1,
  z.object({
    matchId: identifier,
    bankAccountId: identifier,
    lineIds: z.array(identifier).min(1),
    paymentIds: z.array(identifier).min(1),
    actorKeyId: identifier,
    reason: z.string().min(1),
    unmatchedAt: instant,
  }),
);

/** A line with no payment booked straight to an account (bank charges, interest...). */
export const statementLineResolvedSchema = defineEventSchema(
  'StatementLineResolved',
  1,
  z.object({
    lineId: identifier,
    bankAccountId: identifier,
    currency: currencyCode,
    amount: decimal,
    account: z.enum(lineResolutionAccounts),
    actorKeyId: identifier,
    reason: z.string().min(1),
    resolvedAt: instant,
  }),
);

/** A payment with no statement line: in transit (nothing posted) or parked in reconciliation_suspense. */
export const paymentDiscrepancyResolvedSchema = defineEventSchema(
  'PaymentDiscrepancyResolved',
  1,
  z.object({
    paymentId: identifier,
    bankAccountId: identifier,
    currency: currencyCode,
    amount: decimal,
    resolution: z.enum(paymentDiscrepancyResolutions),
    actorKeyId: identifier,
    reason: z.string().min(1),
    resolvedAt: instant,
  }),
);

/** A match's difference parked in suspense, later judged a fee: moved to bank_fees. `amount` is the difference. */
export const matchDifferenceReclassifiedSchema = defineEventSchema(
  'MatchDifferenceReclassified',
  1,
  z.object({
    matchId: identifier,
    bankAccountId: identifier,
    currency: currencyCode,
    amount: decimal,
    from: z.literal('reconciliation_suspense'),
    to: z.literal('bank_fees'),
    actorKeyId: identifier,
    reason: z.string().min(1),
    reclassifiedAt: instant,
  }),
);

export const bankReconciliationEventSchemas = {
  BankStatementImported: bankStatementImportedSchema,
  StatementLinesMatched: statementLinesMatchedSchema,
  StatementLinesUnmatched: statementLinesUnmatchedSchema,
  StatementLineResolved: statementLineResolvedSchema,
  PaymentDiscrepancyResolved: paymentDiscrepancyResolvedSchema,
  MatchDifferenceReclassified: matchDifferenceReclassifiedSchema,
} as const;

export type BankReconciliationEventType = keyof typeof bankReconciliationEventSchemas;
export const bankReconciliationEventTypes = Object.keys(bankReconciliationEventSchemas) as BankReconciliationEventType[];

export type BankStatementImported = DomainEvent<'BankStatementImported', z.infer<typeof bankStatementImportedSchema.data>>;
export type StatementLinesMatched = DomainEvent<'StatementLinesMatched', z.infer<typeof statementLinesMatchedSchema.data>>;
export type StatementLinesUnmatched = DomainEvent<'StatementLinesUnmatched', z.infer<typeof statementLinesUnmatchedSchema.data>>;
export type StatementLineResolved = DomainEvent<'StatementLineResolved', z.infer<typeof statementLineResolvedSchema.data>>;
export type PaymentDiscrepancyResolved = DomainEvent<'PaymentDiscrepancyResolved', z.infer<typeof paymentDiscrepancyResolvedSchema.data>>;
export type MatchDifferenceReclassified = DomainEvent<'MatchDifferenceReclassified', z.infer<typeof matchDifferenceReclassifiedSchema.data>>;

export type BankReconciliationEvent =
  | BankStatementImported
  | StatementLinesMatched
  | StatementLinesUnmatched
  | StatementLineResolved
  | PaymentDiscrepancyResolved
  | MatchDifferenceReclassified;
