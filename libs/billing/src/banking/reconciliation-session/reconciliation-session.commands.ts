import type { DomainCommand } from '../../common/command.js';
import type { ReconciliationFigures } from '../bank-reconciliation/bank-reconciliation.state.js';

/** Every session command names the account and the month ('YYYY-MM'); the session id is derived from them. */
interface SessionKey {
  bankAccountId: string;
  period: string;
}

export type StartReconciliation = DomainCommand<'StartReconciliation', SessionKey & { startedByKeyId: string }>;

/**
 * Completes the session with the figures the application computed from the account's reconciliation state
 * (reconciliationFigures, for the session's dates): refused while any line of the period is unresolved.
 */
export type CompleteReconciliation = DomainCommand<'CompleteReconciliation', SessionKey & { completedByKeyId: string; currency: string; figures: ReconciliationFigures }>;

export type ApproveReconciliation = DomainCommand<'ApproveReconciliation', SessionKey & { approvedByKeyId: string }>;

export type ReopenReconciliation = DomainCommand<'ReopenReconciliation', SessionKey & { reopenedByKeyId: string; reason: string }>;

export type ReconciliationSessionCommand = StartReconciliation | CompleteReconciliation | ApproveReconciliation | ReopenReconciliation;
