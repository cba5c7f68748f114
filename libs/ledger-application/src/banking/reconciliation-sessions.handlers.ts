import { reconciliationFigures, reconciliationSessionOf, type ReconciliationSessionCommand, type ReconciliationSessionState } from '../../../billing/src/index.js';
import { aggregates, executeCommand, load, type CommandContext, type CommandWithoutMetadata } from '../../../application/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { requireBankAccount } from './bank-accounts.handlers.js';
import type { ReconciliationSessionCommandInput, ReopenReconciliationCommandInput } from './banking.inputs.js';
import { periodDates } from './reconciliation-report.js';
import { actorKeyIdOf } from './reconciliation-decisions.handlers.js';

/** A session as a command left it, and the position. */
export interface ReconciliationSessionOutcome {
  readonly state: ReconciliationSessionState;
  readonly currency: string;
  readonly position: Position | undefined;
}

/** A command on the session of an account (NOT_FOUND when not registered) and a month (VALIDATION_FAILED unless YYYY-MM). */
async function onSession(
  services: ApplicationServices,
  context: CommandContext,
  input: ReconciliationSessionCommandInput,
  command: (currency: string, openingBalance: string) => Promise<CommandWithoutMetadata<ReconciliationSessionCommand>> | CommandWithoutMetadata<ReconciliationSessionCommand>,
): Promise<ReconciliationSessionOutcome> {
  const { period } = periodDates(input.period);
  const account = await requireBankAccount(services, context.tenantId, input.bankAccountId);
  const currency = account.account?.currency as string;
  const { sessionId } = reconciliationSessionOf(input.bankAccountId, period);
  const outcome = await executeCommand(services.store, context, aggregates.reconciliationSession.on(sessionId, {
    command: () => command(currency, account.account?.openingBalance as string),
  }));
  return { state: outcome.state, currency, position: outcome.position };
}

/** Starts the reconciliation of an account for a month (one session per account and month). */
export function startReconciliation(services: ApplicationServices, context: CommandContext, input: ReconciliationSessionCommandInput): Promise<ReconciliationSessionOutcome> {
  return onSession(services, context, input, () => ({ type: 'StartReconciliation', data: { bankAccountId: input.bankAccountId, period: input.period, startedByKeyId: actorKeyIdOf(context) } }));
}

/**
 * Completes the session with the figures the domain computes on the account's reconciliation stream as it now is
 * (reconciliationFigures: the period's last statement closing balance, the ledger balance at the period's end, the
 * lines still open); the session refuses (RECONCILIATION_UNRESOLVED) while a line of the period is open. Read on every
 * attempt, so a conflict re-computes them.
 */
export function completeReconciliation(services: ApplicationServices, context: CommandContext, input: ReconciliationSessionCommandInput): Promise<ReconciliationSessionOutcome> {
  const dates = periodDates(input.period);
  return onSession(services, context, input, async (currency, openingBalance) => {
    const reconciliation = await load(services.store, aggregates.bankReconciliation, context.tenantId, input.bankAccountId);
    const figures = reconciliationFigures(reconciliation.state, openingBalance, dates, currency);
    return { type: 'CompleteReconciliation', data: { bankAccountId: input.bankAccountId, period: input.period, completedByKeyId: actorKeyIdOf(context), currency, figures } };
  });
}

/** Approves a completed session: by another key than the one that completed it (FOUR_EYES_REQUIRED). */
export function approveReconciliation(services: ApplicationServices, context: CommandContext, input: ReconciliationSessionCommandInput): Promise<ReconciliationSessionOutcome> {
  return onSession(services, context, input, () => ({ type: 'ApproveReconciliation', data: { bankAccountId: input.bankAccountId, period: input.period, approvedByKeyId: actorKeyIdOf(context) } }));
}

/** Reopens a completed (not approved) session, saying why. */
export function reopenReconciliation(services: ApplicationServices, context: CommandContext, input: ReopenReconciliationCommandInput): Promise<ReconciliationSessionOutcome> {
  return onSession(services, context, input, () => ({
    type: 'ReopenReconciliation',
    data: { bankAccountId: input.bankAccountId, period: input.period, reopenedByKeyId: actorKeyIdOf(context), reason: input.reason },
  }));
}
