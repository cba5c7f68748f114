import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { arAgingBuckets, ledgerAccounts, type ArAgingBucket, type LedgerAccount } from '../../../../libs/billing/src/index.js';
import { MoneyType } from '../graphql/common.types.js';
import { Connection } from '../graphql/connection.types.js';
import { DateScalar, DateTimeScalar } from '../graphql/scalars.js';

/** GraphQL enums made from the domain's value lists: names in upper case (accounts_receivable -> ACCOUNTS_RECEIVABLE). */
function enumOf<const Value extends string>(values: readonly Value[], name: string, description: string): Record<string, Value> {
  const enumObject = Object.fromEntries(values.map((value) => [value.toUpperCase(), value] as const)) as Record<string, Value>;
  registerEnumType(enumObject, { name, description });
  return enumObject;
}

export const LedgerAccountEnum = enumOf(ledgerAccounts, 'LedgerAccount', 'An account of the general ledger chart of accounts');
export const ArAgingBucketEnum = enumOf(arAgingBuckets, 'ArAgingBucket', 'Days past due: CURRENT (not yet late), DAYS_1_30, DAYS_31_60, DAYS_61_90, DAYS_OVER_90');

@ObjectType('JournalLine')
export class JournalLineType {
  @Field(() => LedgerAccountEnum) account!: LedgerAccount;
  @Field(() => MoneyType) debit!: MoneyType;
  @Field(() => MoneyType) credit!: MoneyType;
  @Field(() => String, { nullable: true, description: 'On a tax_payable line of a document with a tax breakdown: the tenant tax rate id (null for an explicit percentage)' })
  taxRateId!: string | null;
  @Field(() => String, { nullable: true, description: 'On a tax_payable line of a document with a tax breakdown: the tax name' })
  taxRateName!: string | null;
  @Field(() => String, { nullable: true, description: 'On a tax_payable line of a document with a tax breakdown: the rate in percent' })
  taxRate!: string | null;
  @Field(() => ID, { nullable: true, description: "On a BANK line: the company bank account whose cash sub-ledger it is (its ledgerAccount is bank:<id>)" })
  bankAccountId!: string | null;
}

@ObjectType('JournalEntry', { description: 'A balanced double entry in one currency, posted by one event' })
export class JournalEntryType {
  @Field(() => ID) entryId!: string;
  @Field(() => DateTimeScalar, { description: 'When the financial fact happened' }) occurredAt!: string;
  @Field(() => DateTimeScalar, { description: 'When the source event was stored' }) recordedAt!: string;
  @Field(() => String, { description: 'Log position of the source event' }) position!: string;
  @Field(() => String) currency!: string;
  @Field(() => String) description!: string;
  @Field(() => String) sourceEventType!: string;
  @Field(() => String, { description: 'The document: invoice, payment, credit note... id' }) sourceId!: string;
  @Field(() => String) customerId!: string;
  @Field(() => [JournalLineType]) lines!: JournalLineType[];
}

export const JournalEntryConnectionType = Connection(JournalEntryType, 'JournalEntry');

@InputType('JournalEntryFilter')
export class JournalEntryFilterInput {
  @Field(() => LedgerAccountEnum, { nullable: true, description: 'Entries with a line on this account' }) account?: LedgerAccount | null;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => String, { nullable: true }) sourceId?: string | null;
  @Field(() => String, { nullable: true }) customerId?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Occurred at or after' }) from?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Occurred at or before' }) to?: string | null;
}

@ObjectType('TrialBalanceRow')
export class TrialBalanceRowType {
  @Field(() => LedgerAccountEnum) account!: LedgerAccount;
  @Field(() => MoneyType) debit!: MoneyType;
  @Field(() => MoneyType) credit!: MoneyType;
  @Field(() => MoneyType, { description: 'debit - credit: positive for a debit balance, negative for a credit balance' }) balance!: MoneyType;
}

@ObjectType('TrialBalance')
export class TrialBalanceType {
  @Field(() => DateTimeScalar) asOf!: string;
  @Field(() => String) currency!: string;
  @Field(() => [TrialBalanceRowType], { description: 'Every account of the chart, zero when nothing was posted to it' }) rows!: TrialBalanceRowType[];
  @Field(() => MoneyType) totalDebit!: MoneyType;
  @Field(() => MoneyType) totalCredit!: MoneyType;
}

@ObjectType('ArAgingAmounts', { description: 'Open receivables of one currency by days past due' })
export class ArAgingAmountsType {
  @Field(() => String) currency!: string;
  @Field(() => MoneyType) current!: MoneyType;
  @Field(() => MoneyType) days1To30!: MoneyType;
  @Field(() => MoneyType) days31To60!: MoneyType;
  @Field(() => MoneyType) days61To90!: MoneyType;
  @Field(() => MoneyType) daysOver90!: MoneyType;
  @Field(() => MoneyType) total!: MoneyType;
}

@ObjectType('ArAgingCustomerRow')
export class ArAgingCustomerRowType extends ArAgingAmountsType {
  @Field(() => String) customerId!: string;
}

@ObjectType('ArAgingItem')
export class ArAgingItemType {
  @Field(() => ID) invoiceId!: string;
  @Field(() => String) customerId!: string;
  @Field(() => DateScalar) dueDate!: string;
  @Field(() => Int) daysPastDue!: number;
  @Field(() => ArAgingBucketEnum) bucket!: ArAgingBucket;
  @Field(() => MoneyType) balanceDue!: MoneyType;
}

@ObjectType('ArAgingReport')
export class ArAgingReportType {
  @Field(() => DateScalar) asOf!: string;
  @Field(() => [ArAgingAmountsType], { description: 'One row per currency (currencies are never added together)' }) totals!: ArAgingAmountsType[];
  @Field(() => [ArAgingCustomerRowType], { description: 'One row per customer and currency' }) customers!: ArAgingCustomerRowType[];
  @Field(() => [ArAgingItemType], { description: 'Each open invoice with its age' }) items!: ArAgingItemType[];
}
