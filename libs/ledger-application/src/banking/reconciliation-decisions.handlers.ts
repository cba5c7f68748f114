import { DomainError, calendarDateInZone, requireIdentifier, type BankReconciliationCommand, type BankReconciliationState, type ManualMatchPaymentInput } from '../../../billing/src/index.js';
import { validationFailed } from '../../../billing/src/common/validation.js';
import { aggregates, executeCommand, load, uuidV5, type CommandContext, type CommandWithoutMetadata } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import { ReconciliationQueries } from '../../../../projections/reconciliation/reconciliation.queries.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { requireBankAccount } from './bank-accounts.handlers.js';
import type {
  MatchStatementLinesCommandInput,
  ReclassifyMatchDifferenceCommandInput,
  ResolvePaymentDiscrepancyCommandInput,
  ResolveStatementLineCommandInput,
  UnmatchStatementLinesCommandInput,
} from './banking.inputs.js';

/** What a reconciliation decision did: the match it concerns (when one), how many events it appended, and where. */
export interface ReconciliationDecisionOutcome {
  readonly state: BankReconciliationState;
  readonly matchId: string | null;
  readonly eventCount: number;
  readonly position: Position | undefined;
}

/** Manual matches name at most this many lines and payments (the domain's bound is larger; a person picks a few). */
const MANUAL_PARTS_MAX = 100;

/** The key id of the API key a command came from (`api-key:<keyId>`): the person of a manual decision. */
export function actorKeyIdOf(context: CommandContext): string {
  return context.actor.startsWith('api-key:') ? context.actor.slice('api-key:'.length) : context.actor;
}

/**
 * One decision on the account's reconciliation stream: the account must be registered (NOT_FOUND), the command is
 * built on the stream's state (re-built after a conflict) and decided by the aggregate, which refuses a line or payment
 * already decided, another currency, or a missing reason.
 */
async function decide(
  services: ApplicationServices,
  context: CommandContext,
  bankAccountId: string,
  matchId: string | null,
  command: (state: BankReconciliationState, currency: string) => CommandWithoutMetadata<BankReconciliationCommand>,
): Promise<ReconciliationDecisionOutcome> {
  const account = await requireBankAccount(services, context.tenantId, bankAccountId);
  const currency = account.account?.currency as string;
  let eventCount = 0;
  const outcome = await executeCommand(services.store, context, aggregates.bankReconciliation.on(bankAccountId, {
    command: async (state) => {
      const built = command(state, currency);
      eventCount = aggregates.bankReconciliation.decider.decide({ ...built, metadata: { now: context.now } } as BankReconciliationCommand, state).length;
      return built;
    },
  }));
  return { state: outcome.state, matchId, eventCount, position: outcome.position };
}

/**
 * A person matches statement lines to payments, saying why. Each payment is read from its own stream (NOT_FOUND when
 * never recorded; it must have succeeded) for its amount, currency and date (the day it was received, in the tenant's
 * zone); one deposited to another account of the tenant is refused. The match id derives from the command id.
 */
export async function matchStatementLines(services: ApplicationServices, context: CommandContext, input: MatchStatementLinesCommandInput): Promise<ReconciliationDecisionOutcome> {
  const { tenantId } = context;
  const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
  if (input.lineIds.length === 0 || input.paymentIds.length === 0) throw validationFailed('a manual match names at least one line and one payment', { field: 'lineIds' });
  if (input.lineIds.length + input.paymentIds.length > MANUAL_PARTS_MAX) throw validationFailed(`a manual match names at most ${MANUAL_PARTS_MAX} lines and payments`, { field: 'lineIds' });
  const paymentIds = input.paymentIds.map((paymentId, index) => requireIdentifier(paymentId, `paymentIds[${index}]`));
  const [settings, payments, known] = await Promise.all([
    loadBillingSettings(services, tenantId),
    Promise.all(paymentIds.map((paymentId) => load(services.store, aggregates.payment, tenantId, paymentId))),
    new ReconciliationQueries(services.db).payments(tenantId, paymentIds),
  ]);
  const manual: ManualMatchPaymentInput[] = payments.map(({ state }, index) => {
    const paymentId = paymentIds[index] as string;
    if (state.status === 'none') throw new DomainError('NOT_FOUND', `Payment ${paymentId} was never recorded`, { field: `paymentIds[${index}]`, paymentId });
    if (state.status !== 'succeeded' && state.status !== 'partially_refunded' && state.status !== 'refunded') {
      throw new DomainError('PAYMENT_NOT_SUCCEEDED', `Payment ${paymentId} is ${state.status}: only money received is matched to a statement line`, { paymentId, status: state.status });
    }
    const elsewhere = known.find((record) => record.paymentId === paymentId && record.bankAccountId !== null && record.bankAccountId !== bankAccountId);
    if (elsewhere !== undefined) {
      throw validationFailed(`Payment ${paymentId} was deposited to bank account ${elsewhere.bankAccountId}, not ${bankAccountId}`, { field: `paymentIds[${index}]`, paymentId });
    }
    return { paymentId, amount: state.amount, currency: state.currency as string, date: calendarDateInZone(state.succeededAt ?? (state.recordedAt as string), settings.tenant.timeZone) };
  });
  const matchId = `m_${uuidV5(`${context.commandId}:manual-match`)}`;
  return decide(services, context, bankAccountId, matchId, (_state, currency) => ({
    type: 'MatchManually',
    data: {
      bankAccountId,
      accountCurrency: currency,
      matchId,
      lineIds: [...input.lineIds],
      payments: manual,
      differenceAccount: input.differenceAccount ?? null,
      reason: input.reason,
      actorKeyId: actorKeyIdOf(context),
    },
  }));
}

/** Undoes a match (its lines and payments are free again; the ledger reverses it), saying why. */
export function unmatchStatementLines(services: ApplicationServices, context: CommandContext, input: UnmatchStatementLinesCommandInput): Promise<ReconciliationDecisionOutcome> {
  const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
  return decide(services, context, bankAccountId, input.matchId, () => ({
    type: 'Unmatch',
    data: { bankAccountId, matchId: input.matchId, reason: input.reason, actorKeyId: actorKeyIdOf(context) },
  }));
}

/** Books an unmatched line straight to bank fees, suspense or other income (bank charges, interest...). */
export function resolveStatementLine(services: ApplicationServices, context: CommandContext, input: ResolveStatementLineCommandInput): Promise<ReconciliationDecisionOutcome> {
  const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
  return decide(services, context, bankAccountId, null, () => ({
    type: 'ResolveLine',
    data: { bankAccountId, lineId: input.lineId, account: input.account, reason: input.reason, actorKeyId: actorKeyIdOf(context) },
  }));
}

/**
 * A payment with no statement line: in transit (nothing posted), or parked in reconciliation suspense. The payment is
 * read from its stream (NOT_FOUND when never recorded) for its amount and currency.
 */
export async function resolvePaymentDiscrepancy(services: ApplicationServices, context: CommandContext, input: ResolvePaymentDiscrepancyCommandInput): Promise<ReconciliationDecisionOutcome> {
  const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
  const paymentId = requireIdentifier(input.paymentId, 'paymentId');
  const payment = await load(services.store, aggregates.payment, context.tenantId, paymentId);
  if (payment.state.status === 'none') throw new DomainError('NOT_FOUND', `Payment ${paymentId} was never recorded`, { field: 'paymentId', paymentId });
  return decide(services, context, bankAccountId, null, (_state, currency) => ({
    type: 'ResolvePaymentDiscrepancy',
    data: {
      bankAccountId,
      accountCurrency: currency,
      paymentId,
      amount: payment.state.amount,
      currency: payment.state.currency as string,
      resolution: input.resolution,
      reason: input.reason,
      actorKeyId: actorKeyIdOf(context),
    },
  }));
}

/** Moves a match's difference from reconciliation suspense to bank fees (it was a fee after all). */
export function reclassifyMatchDifference(services: ApplicationServices, context: CommandContext, input: ReclassifyMatchDifferenceCommandInput): Promise<ReconciliationDecisionOutcome> {
  const bankAccountId = requireIdentifier(input.bankAccountId, 'bankAccountId');
  return decide(services, context, bankAccountId, input.matchId, () => ({
    type: 'ReclassifyMatchDifference',
    data: { bankAccountId, matchId: input.matchId, reason: input.reason, actorKeyId: actorKeyIdOf(context) },
  }));
}
