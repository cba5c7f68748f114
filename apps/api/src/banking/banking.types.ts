import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { bankAccountTypes, csvDateFormats, matchDifferenceAccounts, matchMultiplicities, verificationStatuses } from '../../../../libs/billing/src/index.js';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../graphql/scalars.js';

/**
 * GraphQL enums made from the domain's value lists (docs/reconciliation.md): the GraphQL names are the values in
 * upper case, the server keeps the domain's own, so the API can never offer a value the domain does not know.
 */
function enumOf<const Value extends string>(values: readonly Value[], name: string, description: string, key: (value: Value) => string = (value) => value.toUpperCase()): Record<string, Value> {
  const enumObject = Object.fromEntries(values.map((value) => [key(value), value] as const)) as Record<string, Value>;
  registerEnumType(enumObject, { name, description });
  return enumObject;
}

export const BankAccountTypeEnum = enumOf(bankAccountTypes, 'BankAccountType', 'CHECKING, SAVINGS, BUSINESS_CHECKING, BUSINESS_SAVINGS');
export const VerificationStatusEnum = enumOf(verificationStatuses, 'BankAccountVerificationStatus', 'PENDING at registration; VERIFIED, FAILED, EXPIRED as the bank confirms it');
export const StatementFormatEnum = enumOf(['csv', 'camt053', 'ofx'] as const, 'BankStatementFormat', 'CSV (with the account\'s saved column mapping), ISO 20022 CAMT053 XML, or OFX');
export const StatementLineStatusEnum = enumOf(['UNMATCHED', 'MATCHED', 'RESOLVED'] as const, 'StatementLineStatus', 'UNMATCHED; MATCHED to payments; RESOLVED: booked straight to an account');
export const MatchMultiplicityEnum = enumOf(matchMultiplicities, 'MatchMultiplicity', 'ONE_TO_ONE; ONE_TO_MANY: one deposit settles several payments (a payout); MANY_TO_ONE: several lines settle one payment');
export const DifferenceAccountEnum = enumOf(matchDifferenceAccounts, 'MatchDifferenceAccount', 'Where a tolerated amount difference is posted');
export const LineResolutionAccountEnum = enumOf(['bank_fees', 'reconciliation_suspense', 'other_income'] as const, 'StatementLineResolutionAccount', 'The account an unmatched line is booked to');
export const PaymentResolutionEnum = enumOf(['in_transit', 'reconciliation_suspense'] as const, 'PaymentDiscrepancyResolution', 'IN_TRANSIT: expected on a later statement (nothing posted); RECONCILIATION_SUSPENSE: parked in suspense');
export const ToleranceKindEnum = enumOf(['absolute', 'percent'] as const, 'AmountToleranceKind', 'ABSOLUTE: an amount; PERCENT: of the payments\' total (0..100)');
export const ReferenceOperatorEnum = enumOf(['equals', 'contains', 'pattern'] as const, 'ReferenceOperator', 'EQUALS, CONTAINS (the payment reference or an invoice number), PATTERN (wildcards * and ?)');
export const CounterpartyOperatorEnum = enumOf(['equals', 'contains', 'pattern', 'customer_name'] as const, 'CounterpartyOperator', "EQUALS, CONTAINS, PATTERN (a value), or CUSTOMER_NAME (the payment's customer)");
export const CsvDelimiterEnum = enumOf([',', ';', '\t', '|'] as const, 'CsvDelimiter', 'COMMA, SEMICOLON, TAB, PIPE', (value) => ({ ',': 'COMMA', ';': 'SEMICOLON', '\t': 'TAB', '|': 'PIPE' })[value]);
export const CsvDateFormatEnum = enumOf(csvDateFormats, 'CsvDateFormat', 'YYYY_MM_DD, DD_MM_YYYY (DD/MM/YYYY), MM_DD_YYYY (MM/DD/YYYY), DD_DOT_MM_DOT_YYYY (DD.MM.YYYY), YYYYMMDD', (value) =>
  ({ 'YYYY-MM-DD': 'YYYY_MM_DD', 'DD/MM/YYYY': 'DD_MM_YYYY', 'MM/DD/YYYY': 'MM_DD_YYYY', 'DD.MM.YYYY': 'DD_DOT_MM_DOT_YYYY', YYYYMMDD: 'YYYYMMDD' })[value],
);
export const DecimalSeparatorEnum = enumOf(['.', ','] as const, 'CsvDecimalSeparator', 'DOT or COMMA', (value) => (value === '.' ? 'DOT' : 'COMMA'));
export const SessionStatusEnum = enumOf(['in_progress', 'completed', 'approved'] as const, 'ReconciliationSessionStatus', 'IN_PROGRESS -> COMPLETED -> APPROVED (by another key)');

/** The columns as saved (object type CsvColumns) and as given (input type CsvColumnsInput): one class, both names. */
@ObjectType('CsvColumns')
@InputType('CsvColumnsInput', { description: 'Header names when hasHeader, else 1-based column numbers ("1"); an amount column or debit and credit columns' })
export class CsvColumnsType {
  @Field(() => String) bookingDate!: string;
  @Field(() => String, { nullable: true }) valueDate?: string;
  @Field(() => String, { nullable: true }) amount?: string;
  @Field(() => String, { nullable: true }) debit?: string;
  @Field(() => String, { nullable: true }) credit?: string;
  @Field(() => String, { nullable: true }) reference?: string;
  @Field(() => String, { nullable: true }) counterparty?: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => String, { nullable: true }) transactionId?: string;
  @Field(() => String, { nullable: true }) balance?: string;
}

@ObjectType('CsvMapping', { description: "How this account's CSV statements are read" })
export class CsvMappingType {
  @Field(() => CsvDelimiterEnum) delimiter!: string;
  @Field(() => Boolean) hasHeader!: boolean;
  @Field(() => CsvDateFormatEnum) dateFormat!: string;
  @Field(() => DecimalSeparatorEnum) decimalSeparator!: string;
  @Field(() => CsvColumnsType) columns!: CsvColumnsType;
}

@InputType('CsvMappingInput')
export class CsvMappingInput {
  @Field(() => CsvDelimiterEnum) delimiter!: ',' | ';' | '\t' | '|';
  @Field(() => Boolean) hasHeader!: boolean;
  @Field(() => CsvDateFormatEnum) dateFormat!: (typeof csvDateFormats)[number];
  @Field(() => DecimalSeparatorEnum) decimalSeparator!: '.' | ',';
  @Field(() => CsvColumnsType) columns!: CsvColumnsType;
}

@ObjectType('BankAccount', { description: 'A company bank account: only the last 4 characters of its number are ever shown' })
export class BankAccountObjectType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => BankAccountTypeEnum) type!: string;
  @Field(() => String, { description: 'ISO 4217 code' }) currency!: string;
  @Field(() => String) bankName!: string;
  @Field(() => String, { description: 'The last 4 characters of the account number or IBAN' }) numberLast4!: string;
  @Field(() => MoneyType) openingBalance!: MoneyType;
  @Field(() => DateScalar) openingBalanceDate!: string;
  @Field(() => VerificationStatusEnum) verificationStatus!: string;
  @Field(() => String, { nullable: true }) verificationReason!: string | null;
  @Field(() => CsvMappingType, { nullable: true }) csvMapping!: CsvMappingType | null;
  @Field(() => Boolean, { description: "The currency's default: payments that name no account are deposited to it" }) isDefault!: boolean;
  @Field(() => String, { description: 'Its cash account in the general ledger' }) ledgerAccount!: string;
  @Field(() => DateTimeScalar, { nullable: true }) registeredAt!: string | null;
}

@ObjectType('BankAccountPayload')
export class BankAccountPayloadType {
  @Field(() => BankAccountObjectType) bankAccount!: BankAccountObjectType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

@InputType('RegisterBankAccountInput')
export class RegisterBankAccountInput {
  @Field(() => ID, { nullable: true, description: 'Absent: the ledger makes one' }) bankAccountId?: string | null;
  @Field(() => String) name!: string;
  @Field(() => BankAccountTypeEnum) type!: (typeof bankAccountTypes)[number];
  @Field(() => String, { description: 'ISO 4217 code' }) currency!: string;
  @Field(() => String) bankName!: string;
  @Field(() => String, { description: 'The account number or IBAN: kept in the secret store, never shown again (only its last 4 characters)' }) accountNumber!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Signed; absent: zero' }) openingBalance?: string | null;
  @Field(() => DateScalar, { nullable: true, description: "Absent: the tenant's today" }) openingBalanceDate?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ChangeBankAccountVerificationInput')
export class ChangeBankAccountVerificationInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => VerificationStatusEnum) status!: (typeof verificationStatuses)[number];
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('SetDefaultBankAccountInput')
export class SetDefaultBankAccountInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('SaveBankStatementCsvMappingInput')
export class SaveBankStatementCsvMappingInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => CsvMappingInput) mapping!: CsvMappingInput;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@ObjectType('BankStatement')
export class BankStatementType {
  @Field(() => ID) id!: string;
  @Field(() => ID) bankAccountId!: string;
  @Field(() => StatementFormatEnum) format!: string;
  @Field(() => String, { description: 'SHA-256 of the file as imported' }) fileSha256!: string;
  @Field(() => String, { nullable: true, description: "The statement's own id, when the file gives one" }) statementRef!: string | null;
  @Field(() => String, { nullable: true, description: "The file's name as the importer gave it" }) fileName!: string | null;
  @Field(() => MoneyType) openingBalance!: MoneyType;
  @Field(() => MoneyType) closingBalance!: MoneyType;
  @Field(() => DateScalar) fromDate!: string;
  @Field(() => DateScalar) toDate!: string;
  @Field(() => Int, { description: 'Lines added by this import' }) lineCount!: number;
  @Field(() => Int, { description: 'Lines of the file already imported, skipped' }) duplicateLineCount!: number;
  @Field(() => DateTimeScalar) importedAt!: string;
}

export const BankStatementConnectionType = Connection(BankStatementType, 'BankStatement');

@ObjectType('StatementLine')
export class StatementLineType {
  @Field(() => ID) id!: string;
  @Field(() => ID) bankAccountId!: string;
  @Field(() => ID) statementId!: string;
  @Field(() => DateScalar) bookingDate!: string;
  @Field(() => DateScalar) valueDate!: string;
  @Field(() => MoneyType, { description: 'Signed: positive is money in' }) amount!: MoneyType;
  @Field(() => String, { nullable: true }) reference!: string | null;
  @Field(() => String, { nullable: true }) counterparty!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) bankTransactionId!: string | null;
  @Field(() => StatementLineStatusEnum) status!: string;
  @Field(() => ID, { nullable: true }) matchId!: string | null;
  @Field(() => LineResolutionAccountEnum, { nullable: true }) resolutionAccount!: string | null;
  @Field(() => String, { nullable: true }) resolutionReason!: string | null;
}

export const StatementLineConnectionType = Connection(StatementLineType, 'StatementLine');

@InputType('StatementLineFilterInput')
export class StatementLineFilterInput {
  @Field(() => StatementLineStatusEnum, { nullable: true }) status?: 'UNMATCHED' | 'MATCHED' | 'RESOLVED' | null;
  @Field(() => ID, { nullable: true }) statementId?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Booked on or after' }) fromDate?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Booked on or before' }) toDate?: string | null;
}

@InputType('ImportBankStatementInput')
export class ImportBankStatementInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => StatementFormatEnum) format!: 'csv' | 'camt053' | 'ofx';
  @Field(() => String, { description: 'The file as text (at most 5 MB)' }) content!: string;
  @Field(() => String, { nullable: true }) fileName?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'CSV only: the opening balance (else derived from a balance column)' }) openingBalance?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'CSV only: the closing balance (else derived from a balance column)' }) closingBalance?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@ObjectType('ImportBankStatementPayload')
export class ImportBankStatementPayloadType {
  @Field(() => BankStatementType, { nullable: true, description: 'The statement the import added; null when every line was already imported' }) statement!: BankStatementType | null;
  @Field(() => Int) addedLineCount!: number;
  @Field(() => Int) duplicateLineCount!: number;
  @Field(() => Int, { description: 'Lines the matching rules matched right after the import' }) autoMatchedLineCount!: number;
  @Field(() => String) position!: string;
}

@ObjectType('AmountTolerance')
export class AmountToleranceType {
  @Field(() => ToleranceKindEnum) kind!: string;
  @Field(() => DecimalScalar) value!: string;
}

@InputType('AmountToleranceInput')
export class AmountToleranceInput {
  @Field(() => ToleranceKindEnum) kind!: 'absolute' | 'percent';
  @Field(() => DecimalScalar) value!: string;
}

@ObjectType('ReferenceCriterion')
export class ReferenceCriterionType {
  @Field(() => ReferenceOperatorEnum) operator!: string;
  @Field(() => String, { nullable: true }) pattern!: string | null;
}

@InputType('ReferenceCriterionInput')
export class ReferenceCriterionInput {
  @Field(() => ReferenceOperatorEnum) operator!: 'equals' | 'contains' | 'pattern';
  @Field(() => String, { nullable: true, description: 'PATTERN only: * any run, ? one character, case-insensitive' }) pattern?: string | null;
}

@ObjectType('CounterpartyCriterion')
export class CounterpartyCriterionType {
  @Field(() => CounterpartyOperatorEnum) operator!: string;
  @Field(() => String, { nullable: true }) value!: string | null;
}

@InputType('CounterpartyCriterionInput')
export class CounterpartyCriterionInput {
  @Field(() => CounterpartyOperatorEnum) operator!: 'equals' | 'contains' | 'pattern' | 'customer_name';
  @Field(() => String, { nullable: true, description: 'Not for CUSTOMER_NAME' }) value?: string | null;
}

@ObjectType('MatchingCriteria')
export class MatchingCriteriaType {
  @Field(() => MatchMultiplicityEnum) multiplicity!: string;
  @Field(() => AmountToleranceType, { nullable: true, description: 'null: amounts must be equal' }) amountTolerance!: AmountToleranceType | null;
  @Field(() => Int) valueDateWindowDays!: number;
  @Field(() => ReferenceCriterionType, { nullable: true }) reference!: ReferenceCriterionType | null;
  @Field(() => CounterpartyCriterionType, { nullable: true }) counterparty!: CounterpartyCriterionType | null;
  @Field(() => DifferenceAccountEnum) differenceAccount!: string;
}

@InputType('MatchingCriteriaInput')
export class MatchingCriteriaInput {
  @Field(() => MatchMultiplicityEnum) multiplicity!: (typeof matchMultiplicities)[number];
  @Field(() => AmountToleranceInput, { nullable: true }) amountTolerance?: AmountToleranceInput | null;
  @Field(() => Int) valueDateWindowDays!: number;
  @Field(() => ReferenceCriterionInput, { nullable: true }) reference?: ReferenceCriterionInput | null;
  @Field(() => CounterpartyCriterionInput, { nullable: true }) counterparty?: CounterpartyCriterionInput | null;
  @Field(() => DifferenceAccountEnum) differenceAccount!: (typeof matchDifferenceAccounts)[number];
}

@ObjectType('MatchingRule')
export class MatchingRuleType {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: '1..1000, lower runs first' }) priority!: number;
  @Field(() => ID, { nullable: true, description: 'null: every account' }) bankAccountId!: string | null;
  @Field(() => MatchingCriteriaType) criteria!: MatchingCriteriaType;
  @Field(() => Boolean) active!: boolean;
  @Field(() => DateTimeScalar) definedAt!: string;
  @Field(() => DateTimeScalar, { nullable: true }) retiredAt!: string | null;
}

@ObjectType('MatchingRulePayload')
export class MatchingRulePayloadType {
  @Field(() => MatchingRuleType) rule!: MatchingRuleType;
  @Field(() => String) position!: string;
}

@InputType('DefineMatchingRuleInput')
export class DefineMatchingRuleInput {
  @Field(() => ID, { nullable: true, description: "Absent: a new rule; an existing rule's id: its next version" }) ruleId?: string | null;
  @Field(() => String) name!: string;
  @Field(() => Int) priority!: number;
  @Field(() => ID, { nullable: true }) bankAccountId?: string | null;
  @Field(() => MatchingCriteriaInput) criteria!: MatchingCriteriaInput;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('RetireMatchingRuleInput')
export class RetireMatchingRuleInput {
  @Field(() => ID) ruleId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@ObjectType('MatchedPayment')
export class MatchedPaymentType {
  @Field(() => ID) paymentId!: string;
  @Field(() => MoneyType) amount!: MoneyType;
}

@ObjectType('ReconciliationMatch', { description: 'One match decision: lines and payments, the difference, and the rule (and version) or the person' })
export class ReconciliationMatchType {
  @Field(() => ID) id!: string;
  @Field(() => ID) bankAccountId!: string;
  @Field(() => [ID]) lineIds!: string[];
  @Field(() => [MatchedPaymentType]) payments!: MatchedPaymentType[];
  @Field(() => MoneyType) lineTotal!: MoneyType;
  @Field(() => MoneyType) paymentTotal!: MoneyType;
  @Field(() => MoneyType, { description: 'paymentTotal - lineTotal' }) difference!: MoneyType;
  @Field(() => DifferenceAccountEnum, { nullable: true }) differenceAccount!: string | null;
  @Field(() => Int) dateGapDays!: number;
  @Field(() => String, { description: 'RULE or MANUAL' }) decisionKind!: string;
  @Field(() => ID, { nullable: true }) ruleId!: string | null;
  @Field(() => Int, { nullable: true }) ruleVersion!: number | null;
  @Field(() => String, { nullable: true }) actorKeyId!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Boolean, { description: 'The difference was moved from suspense to bank fees' }) reclassified!: boolean;
  @Field(() => DateTimeScalar) matchedAt!: string;
}

@ObjectType('ReconciliationPayload', { description: 'A reconciliation decision: what it appended, and where' })
export class ReconciliationPayloadType {
  @Field(() => ID, { nullable: true, description: 'The match made, undone or reclassified; null for other decisions' }) matchId!: string | null;
  @Field(() => Int, { description: 'Events appended (0: the decision was already recorded)' }) eventCount!: number;
  @Field(() => String) position!: string;
}

@InputType('MatchStatementLinesInput')
export class MatchStatementLinesInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => [ID]) lineIds!: string[];
  @Field(() => [ID]) paymentIds!: string[];
  @Field(() => DifferenceAccountEnum, { nullable: true, description: 'Where a difference goes; absent: RECONCILIATION_SUSPENSE' }) differenceAccount?: (typeof matchDifferenceAccounts)[number] | null;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('UnmatchStatementLinesInput')
export class UnmatchStatementLinesInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => ID) matchId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('RunMatchingRulesInput')
export class RunMatchingRulesInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@ObjectType('RunMatchingRulesPayload')
export class RunMatchingRulesPayloadType {
  @Field(() => Int, { description: 'Statement lines matched by this run (0: nothing new matched)' }) matchedLineCount!: number;
  @Field(() => Int, { description: 'Matches recorded, each naming its rule and version' }) matchCount!: number;
  @Field(() => String) position!: string;
}

@InputType('ResolveStatementLineInput')
export class ResolveStatementLineInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => ID) lineId!: string;
  @Field(() => LineResolutionAccountEnum) account!: 'bank_fees' | 'reconciliation_suspense' | 'other_income';
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ResolvePaymentDiscrepancyInput')
export class ResolvePaymentDiscrepancyInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => ID) paymentId!: string;
  @Field(() => PaymentResolutionEnum) resolution!: 'in_transit' | 'reconciliation_suspense';
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ReclassifyMatchDifferenceInput')
export class ReclassifyMatchDifferenceInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => ID) matchId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@ObjectType('ReconciliationPayment', { description: 'A payment deposited to the account, as reconciliation sees it' })
export class ReconciliationPaymentType {
  @Field(() => ID) paymentId!: string;
  @Field(() => String) customerId!: string;
  @Field(() => String, { nullable: true }) customerName!: string | null;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => String) reference!: string;
  @Field(() => [String]) invoiceNumbers!: string[];
  @Field(() => DateTimeScalar) receivedAt!: string;
}

@ObjectType('ReconciliationDiscrepancies')
export class ReconciliationDiscrepanciesType {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => String) period!: string;
  @Field(() => [StatementLineType], { description: 'Lines booked in the period with no payment and no resolution' }) unmatchedLines!: StatementLineType[];
  @Field(() => [ReconciliationPaymentType], { description: 'Payments received up to the period end with no statement line' }) unmatchedPayments!: ReconciliationPaymentType[];
  @Field(() => [ReconciliationMatchType], { description: 'Matches whose difference waits in suspense' }) amountMismatches!: ReconciliationMatchType[];
  @Field(() => [ReconciliationMatchType], { description: "Matches whose line's value date is days away from the payment's date (shown, not posted)" }) dateMismatches!: ReconciliationMatchType[];
  @Field(() => [ReconciliationMatchType], { description: 'Matches whose difference was posted to bank fees (processor fees)' }) fees!: ReconciliationMatchType[];
  @Field(() => [StatementLineType], { description: 'Lines resolved to bank fees' }) feeLines!: StatementLineType[];
}

@ObjectType('ReconciliationSession')
export class ReconciliationSessionType {
  @Field(() => ID) id!: string;
  @Field(() => ID) bankAccountId!: string;
  @Field(() => String, { description: 'YYYY-MM' }) period!: string;
  @Field(() => DateScalar) fromDate!: string;
  @Field(() => DateScalar) toDate!: string;
  @Field(() => SessionStatusEnum) status!: string;
  @Field(() => String, { nullable: true, description: 'null in a mutation answer (read it from reconciliationSessions)' }) startedByKeyId!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'null in a mutation answer (read it from reconciliationSessions)' }) startedAt!: string | null;
  @Field(() => String, { nullable: true }) completedByKeyId!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) completedAt!: string | null;
  @Field(() => MoneyType, { nullable: true }) statementClosingBalance!: MoneyType | null;
  @Field(() => MoneyType, { nullable: true }) ledgerBalance!: MoneyType | null;
  @Field(() => MoneyType, { nullable: true }) difference!: MoneyType | null;
  @Field(() => String, { nullable: true }) approvedByKeyId!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) approvedAt!: string | null;
}

@ObjectType('ReconciliationSessionPayload')
export class ReconciliationSessionPayloadType {
  @Field(() => ReconciliationSessionType) session!: ReconciliationSessionType;
  @Field(() => String) position!: string;
}

@InputType('ReconciliationSessionInput')
export class ReconciliationSessionInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => String, { description: 'YYYY-MM' }) period!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('ReopenReconciliationInput')
export class ReopenReconciliationInput {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => String, { description: 'YYYY-MM' }) period!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@ObjectType('StatementLineCounts')
export class StatementLineCountsType {
  @Field(() => Int) unmatched!: number;
  @Field(() => Int) matched!: number;
  @Field(() => Int) resolved!: number;
}

@ObjectType('ReconciliationReport', { description: "The statement's closing balance against the ledger's cash balance of the account for a period" })
export class ReconciliationReportType {
  @Field(() => ID) bankAccountId!: string;
  @Field(() => String) period!: string;
  @Field(() => DateScalar) fromDate!: string;
  @Field(() => DateScalar) toDate!: string;
  @Field(() => MoneyType, { nullable: true, description: 'The closing balance of the last statement ending in the period; null: none' }) statementClosingBalance!: MoneyType | null;
  @Field(() => MoneyType, { description: 'The opening balance plus every matched or resolved line booked up to the period end' }) ledgerBalance!: MoneyType;
  @Field(() => MoneyType, { nullable: true, description: 'statementClosingBalance - ledgerBalance' }) difference!: MoneyType | null;
  @Field(() => StatementLineCountsType, { description: 'Lines booked in the period, by status' }) lineCounts!: StatementLineCountsType;
  @Field(() => ReconciliationSessionType, { nullable: true }) session!: ReconciliationSessionType | null;
  @Field(() => ReconciliationDiscrepanciesType) discrepancies!: ReconciliationDiscrepanciesType;
}
