import { Inject } from '@nestjs/common';
import { Args, Context, Int, Query, Resolver } from '@nestjs/graphql';
import { isCurrencyCode } from '../../../../libs/money/src/index.js';
import type { ArAgingAmounts } from '../../../../libs/billing/src/index.js';
import { GeneralLedgerQueries, JOURNAL_ENTRY_PAGE_SIZE_MAX } from '../../../../projections/general-ledger/general-ledger.queries.js';
import { ApplicationError } from '../graphql/application-error.js';
import { money } from '../graphql/common.types.js';
import { requireReader, type GraphQLRequestContext } from '../graphql/request-context.js';
import { DateScalar, DateTimeScalar } from '../graphql/scalars.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { requireReporting } from '../../../../libs/ledger-application/src/common/billing-settings.js';
import { ArAgingReportType, JournalEntryConnectionType, JournalEntryFilterInput, TrialBalanceType } from './general-ledger.types.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, KNOWN_AS_OF_DESCRIPTION, KNOWN_AS_OF_NAMES, KNOWN_AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';

const minPositionDescription = 'Wait (bounded) until the read models include this position (a mutation\'s position)';

function requireCurrency(value: string, field: string): string {
  if (!isCurrencyCode(value)) throw new ApplicationError('VALIDATION_FAILED', `${field} must be an ISO 4217 currency code, got ${JSON.stringify(value.slice(0, 10))}`);
  return value;
}

function agingAmounts(amounts: ArAgingAmounts) {
  const { currency, buckets } = amounts;
  return {
    currency,
    current: money(buckets.current, currency),
    days1To30: money(buckets.days_1_30, currency),
    days31To60: money(buckets.days_31_60, currency),
    days61To90: money(buckets.days_61_90, currency),
    daysOver90: money(buckets.days_over_90, currency),
    total: money(amounts.total, currency),
  };
}

/** The general ledger reports: journal entries, trial balance, receivables aging. Readers of any role; the tenant is the key's. */
@Resolver()
export class GeneralLedgerResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Query(() => JournalEntryConnectionType, { description: 'Journal entries in log order (oldest first), keyset-paginated' })
  async journalEntries(
    @Args('filter', { type: () => JournalEntryFilterInput, nullable: true }) filter: JournalEntryFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', { type: () => String, nullable: true, description: minPositionDescription }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, JOURNAL_ENTRY_PAGE_SIZE_MAX);
    if (filter?.currency) requireCurrency(filter.currency, 'filter.currency');
    await awaitReadModels(this.services, minPosition, ['general_ledger']);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new GeneralLedgerQueries(db, schema).journalEntries(principal.tenantId, filter ?? {}, first, after ?? null), ['general_ledger']);
    return {
      edges: page.edges.map(({ cursor, node }) => ({
        cursor,
        node: {
          ...node,
          lines: node.lines.map((line) => ({
            account: line.account,
            debit: money(line.debit, node.currency),
            credit: money(line.credit, node.currency),
            taxRateId: line.tax?.rateId ?? null,
            taxRateName: line.tax?.name ?? null,
            taxRate: line.tax?.rate ?? null,
            bankAccountId: line.bankAccountId ?? null,
          })),
        },
      })),
      pageInfo: page.pageInfo,
    };
  }

  @Query(() => TrialBalanceType, { description: 'Totals per account of the entries in one currency that occurred at or before asOf; it always sums to zero' })
  async trialBalance(
    @Args('asOf', { type: () => DateTimeScalar }) asOf: string,
    @Args('currency', { type: () => String }) currency: string,
    @Args('minPosition', { type: () => String, nullable: true, description: minPositionDescription }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('knownAsOf', { type: () => String, nullable: true, description: KNOWN_AS_OF_DESCRIPTION }) knownAsOf: string | null = null,
    @Args('knownAsOfTime', { type: () => DateTimeScalar, nullable: true, description: KNOWN_AS_OF_TIME_DESCRIPTION }) knownAsOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requireCurrency(currency, 'currency');
    await requireReporting(this.services, principal.tenantId);
    await awaitReadModels(this.services, minPosition, ['general_ledger']);
    const balance = await readModelsAt(this.services, principal.tenantId, { asOf: knownAsOf, asOfTime: knownAsOfTime, names: KNOWN_AS_OF_NAMES }, (db, schema) =>
      new GeneralLedgerQueries(db, schema).trialBalance(principal.tenantId, asOf, currency),
      ['general_ledger'],
    );
    return {
      asOf: balance.asOf,
      currency,
      rows: balance.rows.map((row) => ({ account: row.account, debit: money(row.debit, currency), credit: money(row.credit, currency), balance: money(row.balance, currency) })),
      totalDebit: money(balance.totalDebit, currency),
      totalCredit: money(balance.totalCredit, currency),
    };
  }

  @Query(() => ArAgingReportType, { description: 'Open receivables (open or partly paid invoices with a balance) by days past due at asOf' })
  async arAging(
    @Args('asOf', { type: () => DateScalar }) asOf: string,
    @Args('minPosition', { type: () => String, nullable: true, description: minPositionDescription }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('knownAsOf', { type: () => String, nullable: true, description: KNOWN_AS_OF_DESCRIPTION }) knownAsOf: string | null = null,
    @Args('knownAsOfTime', { type: () => DateTimeScalar, nullable: true, description: KNOWN_AS_OF_TIME_DESCRIPTION }) knownAsOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await requireReporting(this.services, principal.tenantId);
    await awaitReadModels(this.services, minPosition, ['invoices']);
    const report = await readModelsAt(this.services, principal.tenantId, { asOf: knownAsOf, asOfTime: knownAsOfTime, names: KNOWN_AS_OF_NAMES }, (db, schema) => new GeneralLedgerQueries(db, schema).arAging(principal.tenantId, asOf), [
      'invoices',
    ]);
    return {
      asOf: report.asOf,
      totals: report.totals.map(agingAmounts),
      customers: report.customers.map((row) => ({ customerId: row.customerId, ...agingAmounts(row) })),
      items: report.items.map((item) => ({
        invoiceId: item.invoiceId,
        customerId: item.customerId,
        dueDate: item.dueDate,
        daysPastDue: item.daysPastDue,
        bucket: item.bucket,
        balanceDue: money(item.balanceDue, item.currency),
      })),
    };
  }
}
