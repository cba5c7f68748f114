import {
  activeMatchingRules,
  calendarDateInZone,
  decideBankReconciliation,
  defaultBankAccountOf,
  matchableLinesOf,
  paymentStatusOf,
  proposeMatches,
  type BankReconciliationEvent,
  type BankReconciliationState,
  type MatchableLine,
  type MatchablePayment,
  type RuleVersion,
} from '../../../billing/src/index.js';
import { aggregates, load, uuidV5, type CommandContext, type StreamReads } from '../../../application/src/index.js';
import { ReconciliationQueries, type ReconciliationPaymentRecord } from '../../../../projections/reconciliation/reconciliation.queries.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';

/** What automatic matching reads besides the account's own stream: the rules, the candidate payments, the tenant's zone. */
export interface MatchingContext {
  readonly bankAccountId: string;
  readonly currency: string;
  readonly rules: readonly RuleVersion[];
  readonly payments: readonly ReconciliationPaymentRecord[];
  readonly timeZone: string;
}

/**
 * The tenant's active rules for the account (the matching rules aggregate, tracked so a refusal re-reads), and the
 * account's unmatched received payments (the reconciliation read model: those deposited to it, and those that name
 * no account when it is its currency's default). The aggregate re-checks every payment when the match is decided.
 */
export async function loadMatchingContext(services: ApplicationServices, tenantId: string, bankAccountId: string, currency: string, reads?: StreamReads): Promise<MatchingContext> {
  const rulesStream = aggregates.matchingRules.stream(tenantId, tenantId);
  const [rules, defaults, settings] = await Promise.all([
    load(services.store, aggregates.matchingRules, tenantId, tenantId),
    load(services.store, aggregates.bankAccountDefaults, tenantId, tenantId),
    loadBillingSettings(services, tenantId),
  ]);
  reads?.track(rulesStream, rules);
  const isDefault = defaultBankAccountOf(defaults.state, currency) === bankAccountId;
  const payments = await new ReconciliationQueries(services.db).unmatchedPayments(tenantId, { id: bankAccountId, currency, isDefault }, { includeInTransit: true });
  return {
    bankAccountId,
    currency,
    rules: activeMatchingRules(rules.state, bankAccountId).map((rule) => ({ ruleId: rule.ruleId, version: rule.version, priority: rule.priority, bankAccountId: rule.bankAccountId, criteria: rule.criteria })),
    payments,
    timeZone: settings.tenant.timeZone,
  };
}

/** A payment as the engine compares it: its date is the day it was received, in the tenant's zone. */
export function matchablePayment(payment: ReconciliationPaymentRecord, timeZone: string): MatchablePayment {
  return {
    paymentId: payment.paymentId,
    date: calendarDateInZone(payment.receivedAt, timeZone),
    amount: payment.amount,
    reference: payment.reference,
    customerName: payment.customerName,
    invoiceNumbers: payment.invoiceNumbers,
  };
}

/**
 * Whether the account's books leave a payment open to a match: not matched, and not parked in suspense (a payment
 * resolved as in transit stays matchable: its line may come on a later statement).
 */
export function paymentIsFree(state: BankReconciliationState, paymentId: string): boolean {
  const status = paymentStatusOf(state, paymentId);
  return status.status === 'unmatched' || (status.status === 'resolved' && status.resolution === 'in_transit');
}

/**
 * The engine's proposals for the account as the state stands (its free money-in lines, the payments not yet matched
 * or resolved in it), decided as one RecordMatches: each match gets an id derived from the command id and its lines,
 * so a re-decision after a conflict names the same matches. No rule, or nothing to match: no event.
 */
export function automaticMatches(state: BankReconciliationState, matching: MatchingContext, context: CommandContext, metadata: { now: string }): BankReconciliationEvent[] {
  if (matching.rules.length === 0) return [];
  const lines = matchableLinesOf(state).map(
    (line): MatchableLine => ({ lineId: line.lineId, valueDate: line.valueDate, amount: line.amount, reference: line.reference, counterparty: line.counterparty, description: line.description }),
  );
  const payments = matching.payments.filter((payment) => paymentIsFree(state, payment.paymentId)).map((payment) => matchablePayment(payment, matching.timeZone));
  if (lines.length === 0 || payments.length === 0) return [];
  const proposals = proposeMatches({ bankAccountId: matching.bankAccountId, lines, payments, rules: matching.rules });
  if (proposals.length === 0) return [];
  return decideBankReconciliation(
    {
      type: 'RecordMatches',
      data: {
        bankAccountId: matching.bankAccountId,
        accountCurrency: matching.currency,
        matches: proposals.map((proposal) => ({ ...proposal, matchId: `m_${uuidV5(`${context.commandId}:match:${proposal.lineIds.join(',')}`)}` })),
      },
      metadata,
    },
    state,
  );
}
