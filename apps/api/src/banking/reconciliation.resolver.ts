import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import {
  approveReconciliation,
  completeReconciliation,
  reconciliationReport,
  reopenReconciliation,
  startReconciliation,
  type ReconciliationSessionOutcome,
  defineMatchingRule,
  importBankStatement,
  matchStatementLines,
  reclassifyMatchDifference,
  reconciliationDiscrepancies,
  resolvePaymentDiscrepancy,
  resolveStatementLine,
  retireMatchingRule,
  unmatchStatementLines,
  runMatchingRules,
  type ImportStatementOutcome,
  type MatchingRuleOutcome,
  type ReconciliationDecisionOutcome,
  type ReconciliationDiscrepancies,
} from '../../../../libs/ledger-application/src/banking/index.js';
import { RECONCILIATION_PAGE_SIZE_MAX } from '../../../../projections/reconciliation/reconciliation.queries.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { AS_OF, AS_OF_TIME, MIN_POSITION, RECONCILIATION_READ_MODELS, readReconciliation } from './bank-accounts.resolver.js';
import {
  BankStatementConnectionType,
  BankStatementType,
  DefineMatchingRuleInput,
  ImportBankStatementInput,
  ImportBankStatementPayloadType,
  MatchingRulePayloadType,
  MatchingRuleType,
  MatchStatementLinesInput,
  ReclassifyMatchDifferenceInput,
  ReconciliationDiscrepanciesType,
  ReconciliationPayloadType,
  ReconciliationReportType,
  ReconciliationSessionInput,
  ReconciliationSessionPayloadType,
  ReconciliationSessionType,
  ReopenReconciliationInput,
  ResolvePaymentDiscrepancyInput,
  ResolveStatementLineInput,
  RetireMatchingRuleInput,
  StatementLineConnectionType,
  StatementLineFilterInput,
  UnmatchStatementLinesInput,
  RunMatchingRulesInput,
  RunMatchingRulesPayloadType,
} from './banking.types.js';
import { criteriaView, lineView, matchView, paymentView, ruleView, sessionView, statementView } from './banking.view.js';

function importPayload(outcome: ImportStatementOutcome): ImportBankStatementPayloadType {
  const { statement } = outcome;
  return {
    statement:
      statement === null
        ? null
        : statementView({
            id: statement.statementId,
            bankAccountId: statement.bankAccountId,
            format: statement.format,
            fileSha256: statement.fileSha256,
            statementRef: statement.statementRef,
            fileName: statement.fileName ?? null,
            currency: statement.currency,
            openingBalance: statement.openingBalance,
            closingBalance: statement.closingBalance,
            fromDate: statement.fromDate,
            toDate: statement.toDate,
            lineCount: statement.lines.length,
            duplicateLineCount: statement.duplicateLineCount,
            importedAt: statement.importedAt,
          }),
    addedLineCount: outcome.addedLineCount,
    duplicateLineCount: outcome.duplicateLineCount,
    autoMatchedLineCount: outcome.autoMatchedLineCount,
    position: encodePosition(outcome.position ?? START_POSITION),
  };
}

function rulePayload({ rule, position }: MatchingRuleOutcome): MatchingRulePayloadType {
  return {
    rule: {
      id: rule.ruleId,
      version: rule.version,
      name: rule.name,
      priority: rule.priority,
      bankAccountId: rule.bankAccountId,
      criteria: criteriaView(rule.criteria),
      active: rule.status === 'active',
      definedAt: rule.definedAt,
      retiredAt: null,
    },
    position: encodePosition(position ?? START_POSITION),
  };
}

function decisionPayload({ matchId, eventCount, position }: ReconciliationDecisionOutcome): ReconciliationPayloadType {
  return { matchId, eventCount, position: encodePosition(position ?? START_POSITION) };
}

/** A session mutation's answer, from the session's state as the command left it (the read model may lag). */
function sessionPayload({ state, currency, position }: ReconciliationSessionOutcome): ReconciliationSessionPayloadType {
  const money = (amount: string | null) => (amount === null ? null : { amount, currency });
  return {
    session: {
      id: state.sessionId as string,
      bankAccountId: state.bankAccountId as string,
      period: state.period as string,
      fromDate: state.fromDate as string,
      toDate: state.toDate as string,
      status: state.status,
      startedByKeyId: null,
      startedAt: null,
      completedByKeyId: state.completedByKeyId,
      completedAt: null,
      statementClosingBalance: money(state.statementClosingBalance),
      ledgerBalance: money(state.ledgerBalance),
      difference: money(state.difference),
      approvedByKeyId: null,
      approvedAt: null,
    },
    position: encodePosition(position ?? START_POSITION),
  };
}

export function discrepanciesView(discrepancies: ReconciliationDiscrepancies): ReconciliationDiscrepanciesType {
  return {
    bankAccountId: discrepancies.bankAccountId,
    period: discrepancies.period,
    unmatchedLines: discrepancies.unmatchedLines.map(lineView),
    unmatchedPayments: discrepancies.unmatchedPayments.map(paymentView),
    amountMismatches: discrepancies.amountMismatches.map(matchView),
    dateMismatches: discrepancies.dateMismatches.map(matchView),
    fees: discrepancies.fees.map(matchView),
    feeLines: discrepancies.feeLines.map(lineView),
  };
}

/**
 * Statements, matching and discrepancies (docs/reconciliation.md). Mutations turn input into commands on the
 * account's reconciliation stream (the handlers parse, match and re-check); queries read the reconciliation read model.
 */
@Resolver()
export class ReconciliationResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => ImportBankStatementPayloadType, { description: 'Imports a statement file (lines already imported are skipped), then runs the matching rules on it' })
  importBankStatement(@Args('input', { type: () => ImportBankStatementInput }) input: ImportBankStatementInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'importBankStatement', input, (context) => importBankStatement(this.services, context, input).then(importPayload));
  }

  @Mutation(() => MatchingRulePayloadType, { description: 'Defines a matching rule, or the next version of one' })
  defineMatchingRule(@Args('input', { type: () => DefineMatchingRuleInput }) input: DefineMatchingRuleInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'defineMatchingRule', input, (context) => defineMatchingRule(this.services, context, input).then(rulePayload));
  }

  @Mutation(() => MatchingRulePayloadType, { description: 'Retires a matching rule: it matches nothing more' })
  retireMatchingRule(@Args('input', { type: () => RetireMatchingRuleInput }) input: RetireMatchingRuleInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'retireMatchingRule', input, (context) => retireMatchingRule(this.services, context, input).then(rulePayload));
  }

  @Mutation(() => ReconciliationPayloadType, { description: 'Matches statement lines to payments by hand, with a reason' })
  matchStatementLines(@Args('input', { type: () => MatchStatementLinesInput }) input: MatchStatementLinesInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'matchStatementLines', input, (context) => matchStatementLines(this.services, context, input).then(decisionPayload));
  }

  @Mutation(() => RunMatchingRulesPayloadType, {
    description: "Runs the active matching rules over the account's unmatched lines and payments now (as an import does), e.g. for payments recorded after the statement",
  })
  runMatchingRules(@Args('input', { type: () => RunMatchingRulesInput }) input: RunMatchingRulesInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'runMatchingRules', input, (context) =>
      runMatchingRules(this.services, context, input).then(({ matchedLineCount, matchCount, position }) => ({ matchedLineCount, matchCount, position: encodePosition(position ?? START_POSITION) })),
    );
  }

  @Mutation(() => ReconciliationPayloadType, { description: 'Undoes a match, with a reason' })
  unmatchStatementLines(@Args('input', { type: () => UnmatchStatementLinesInput }) input: UnmatchStatementLinesInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'unmatchStatementLines', input, (context) => unmatchStatementLines(this.services, context, input).then(decisionPayload));
  }

  @Mutation(() => ReconciliationPayloadType, { description: 'Books an unmatched line to bank fees, suspense or other income' })
  resolveStatementLine(@Args('input', { type: () => ResolveStatementLineInput }) input: ResolveStatementLineInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'resolveStatementLine', input, (context) => resolveStatementLine(this.services, context, input).then(decisionPayload));
  }

  @Mutation(() => ReconciliationPayloadType, { description: 'Resolves a payment with no statement line: in transit, or parked in suspense' })
  resolvePaymentDiscrepancy(@Args('input', { type: () => ResolvePaymentDiscrepancyInput }) input: ResolvePaymentDiscrepancyInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'resolvePaymentDiscrepancy', input, (context) => resolvePaymentDiscrepancy(this.services, context, input).then(decisionPayload));
  }

  @Mutation(() => ReconciliationPayloadType, { description: "Moves a match's difference from suspense to bank fees" })
  reclassifyMatchDifference(@Args('input', { type: () => ReclassifyMatchDifferenceInput }) input: ReclassifyMatchDifferenceInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'reclassifyMatchDifference', input, (context) => reclassifyMatchDifference(this.services, context, input).then(decisionPayload));
  }

  @Query(() => BankStatementConnectionType, { description: "An account's imported statements, in import order" })
  async bankStatements(
    @Args('bankAccountId', { type: () => ID }) bankAccountId: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, RECONCILIATION_PAGE_SIZE_MAX);
    const page = await readReconciliation(this.services, principal.tenantId, minPosition, { asOf, asOfTime }, (queries) => queries.statements(principal.tenantId, bankAccountId, first, after));
    return { edges: page.edges.map((edge): { cursor: string; node: BankStatementType } => ({ cursor: edge.cursor, node: statementView(edge.node) })), pageInfo: page.pageInfo };
  }

  @Query(() => StatementLineConnectionType, { description: "An account's statement lines by booking date, then id; filtered by status, statement and dates" })
  async statementLines(
    @Args('bankAccountId', { type: () => ID }) bankAccountId: string,
    @Args('filter', { type: () => StatementLineFilterInput, nullable: true }) filter: StatementLineFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, RECONCILIATION_PAGE_SIZE_MAX);
    const page = await readReconciliation(this.services, principal.tenantId, minPosition, { asOf, asOfTime }, (queries) => queries.statementLines(principal.tenantId, bankAccountId, filter ?? {}, first, after));
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: lineView(edge.node) })), pageInfo: page.pageInfo };
  }

  @Query(() => [MatchingRuleType], { description: 'The latest version of each matching rule, in the order they run (priority, then id)' })
  async matchingRules(
    @Args('includeRetired', { type: () => Boolean, nullable: true, defaultValue: false }) includeRetired: boolean,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ): Promise<MatchingRuleType[]> {
    const principal = requireReader(request);
    return (await readReconciliation(this.services, principal.tenantId, minPosition, { asOf, asOfTime }, (queries) => queries.matchingRules(principal.tenantId, includeRetired))).map(ruleView);
  }

  @Query(() => ReconciliationDiscrepanciesType, { description: 'Unmatched lines and payments, amount and date mismatches, and fees of an account in a month' })
  async reconciliationDiscrepancies(
    @Args('bankAccountId', { type: () => ID }) bankAccountId: string,
    @Args('period', { type: () => String, description: 'YYYY-MM' }) period: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ): Promise<ReconciliationDiscrepanciesType> {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, RECONCILIATION_READ_MODELS);
    return discrepanciesView(await reconciliationDiscrepancies(this.services, principal.tenantId, bankAccountId, period));
  }

  @Mutation(() => ReconciliationSessionPayloadType, { description: 'Starts the reconciliation of an account for a month' })
  startReconciliation(@Args('input', { type: () => ReconciliationSessionInput }) input: ReconciliationSessionInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'startReconciliation', input, (context) => startReconciliation(this.services, context, input).then(sessionPayload));
  }

  @Mutation(() => ReconciliationSessionPayloadType, { description: "Completes it with the statement's closing balance against the ledger's; refused while a line of the month is open" })
  completeReconciliation(@Args('input', { type: () => ReconciliationSessionInput }) input: ReconciliationSessionInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'completeReconciliation', input, (context) => completeReconciliation(this.services, context, input).then(sessionPayload));
  }

  @Mutation(() => ReconciliationSessionPayloadType, { description: 'Approves a completed reconciliation: by another key than the one that completed it' })
  approveReconciliation(@Args('input', { type: () => ReconciliationSessionInput }) input: ReconciliationSessionInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'approveReconciliation', input, (context) => approveReconciliation(this.services, context, input).then(sessionPayload));
  }

  @Mutation(() => ReconciliationSessionPayloadType, { description: 'Reopens a completed (not yet approved) reconciliation, with a reason' })
  reopenReconciliation(@Args('input', { type: () => ReopenReconciliationInput }) input: ReopenReconciliationInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'reopenReconciliation', input, (context) => reopenReconciliation(this.services, context, input).then(sessionPayload));
  }

  @Query(() => [ReconciliationSessionType], { description: 'Reconciliation sessions, by account then month (latest first)' })
  async reconciliationSessions(
    @Args('bankAccountId', { type: () => ID, nullable: true }) bankAccountId: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ): Promise<ReconciliationSessionType[]> {
    const principal = requireReader(request);
    // One after the other: an as-of read runs in one transaction of its own.
    const [sessions, accounts] = await readReconciliation(this.services, principal.tenantId, minPosition, { asOf, asOfTime }, async (queries) => [
      await queries.sessions(principal.tenantId, bankAccountId ?? null),
      await queries.bankAccounts(principal.tenantId),
    ] as const);
    const currencies = new Map(accounts.map((account) => [account.id, account.currency]));
    return sessions.map((session) => sessionView(session, currencies.get(session.bankAccountId) ?? 'XXX'));
  }

  @Query(() => ReconciliationReportType, { description: "An account's month: the statement's closing balance against the ledger's cash balance, lines by status, discrepancies" })
  async reconciliationReport(
    @Args('bankAccountId', { type: () => ID }) bankAccountId: string,
    @Args('period', { type: () => String, description: 'YYYY-MM' }) period: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
  ): Promise<ReconciliationReportType> {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, RECONCILIATION_READ_MODELS);
    const report = await reconciliationReport(this.services, principal.tenantId, bankAccountId, period);
    const money = (amount: string) => ({ amount, currency: report.currency });
    return {
      bankAccountId,
      period: report.dates.period,
      fromDate: report.dates.fromDate,
      toDate: report.dates.toDate,
      statementClosingBalance: report.statementClosingBalance === null ? null : money(report.statementClosingBalance),
      ledgerBalance: money(report.ledgerBalance),
      difference: report.difference === null ? null : money(report.difference),
      lineCounts: report.lineCounts,
      session: report.session === null ? null : sessionView(report.session, report.currency),
      discrepancies: discrepanciesView(report.discrepancies),
    };
  }
}
