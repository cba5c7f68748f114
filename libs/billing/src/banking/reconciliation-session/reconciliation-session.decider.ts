import { daysInMonth } from '../../billing-period/calendar-days.js';
import { assertNever } from '../../common/assert-never.js';
import { requireInstant } from '../../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../../common/domain-error.js';
import { requireCurrency, requireIdentifier, requireList, requireRecord, validationFailed } from '../../common/validation.js';
import { bankingLimits, requireReason, requireSignedAmount } from '../banking.common.js';
import type { ReconciliationSessionCommand } from './reconciliation-session.commands.js';
import { reconciliationPeriodPattern, type ReconciliationSessionEvent, type ReconciliationSessionStatus } from './reconciliation-session.events.js';

export interface ReconciliationSessionState {
  status: 'none' | ReconciliationSessionStatus;
  sessionId: string | null;
  bankAccountId: string | null;
  period: string | null;
  fromDate: string | null;
  toDate: string | null;
  /** The key that completed it last: approval needs another one. Null until completed, and again after a reopen. */
  completedByKeyId: string | null;
  statementClosingBalance: string | null;
  ledgerBalance: string | null;
  difference: string | null;
}

export const initialReconciliationSessionState: ReconciliationSessionState = {
  status: 'none',
  sessionId: null,
  bankAccountId: null,
  period: null,
  fromDate: null,
  toDate: null,
  completedByKeyId: null,
  statementClosingBalance: null,
  ledgerBalance: null,
  difference: null,
};

/** The session of an account and a month: its id and the month's first and last day. */
export function reconciliationSessionOf(bankAccountId: string, period: string): { sessionId: string; fromDate: string; toDate: string } {
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7));
  return { sessionId: `${bankAccountId}-${period}`, fromDate: `${period}-01`, toDate: `${period}-${String(daysInMonth(year, month)).padStart(2, '0')}` };
}

/** Unresolved line ids listed in a refusal: enough to act on, bounded. */
const unresolvedShownMax = 100;

/**
 * Order of checks: metadata, the command's data, then the state: NOT_FOUND before the session is started,
 * INVALID_STATE_TRANSITION out of order, RECONCILIATION_UNRESOLVED while lines of the period are open,
 * FOUR_EYES_REQUIRED when the completing key approves.
 */
export function decideReconciliationSession(command: ReconciliationSessionCommand, state: ReconciliationSessionState): ReconciliationSessionEvent[] {
  const now = requireInstant(command.metadata?.now, 'metadata.now');
  return translatingMoneyErrors(() => {
    const bankAccountId = requireIdentifier(command.data?.bankAccountId, 'bankAccountId');
    const period = command.data.period;
    if (typeof period !== 'string' || !reconciliationPeriodPattern.test(period)) {
      throw validationFailed(`period must be a month YYYY-MM (got ${JSON.stringify(period)})`, { field: 'period' });
    }
    const session = reconciliationSessionOf(bankAccountId, period);
    requireIdentifier(session.sessionId, 'bankAccountId (with the period)');
    assertDecidedOnOwnStream('reconciliation session', session.sessionId, state.sessionId);
    switch (command.type) {
      case 'StartReconciliation': {
        const startedByKeyId = requireIdentifier(command.data.startedByKeyId, 'startedByKeyId');
        // Started already (a retry, or a session further on): nothing to add.
        if (state.status !== 'none') return [];
        return [{ type: 'ReconciliationStarted', data: { ...session, bankAccountId, period, startedByKeyId, startedAt: now } }];
      }
      case 'CompleteReconciliation': {
        const { data } = command;
        const completedByKeyId = requireIdentifier(data.completedByKeyId, 'completedByKeyId');
        const currency = requireCurrency(data.currency, 'currency');
        const figures = requireRecord(data.figures, 'figures', 'statementClosingBalance, ledgerBalance and unresolvedLineIds');
        const closing = figures.statementClosingBalance === null ? null : requireSignedAmount(figures.statementClosingBalance, currency, 'figures.statementClosingBalance');
        const ledger = requireSignedAmount(figures.ledgerBalance, currency, 'figures.ledgerBalance');
        const unresolved = requireList(figures.unresolvedLineIds, 'figures.unresolvedLineIds', bankingLimits.statementLinesMax * 100);
        requireStatus(state, 'in_progress', 'completed');
        if (unresolved.length > 0) {
          throw new DomainError('RECONCILIATION_UNRESOLVED', `${unresolved.length} statement line(s) of ${period} are neither matched nor resolved`, {
            sessionId: session.sessionId,
            unresolvedLineCount: unresolved.length,
            unresolvedLineIds: unresolved.slice(0, unresolvedShownMax),
          });
        }
        return [
          {
            type: 'ReconciliationCompleted',
            data: {
              sessionId: session.sessionId,
              completedByKeyId,
              currency,
              statementClosingBalance: closing?.toString() ?? null,
              ledgerBalance: ledger.toString(),
              difference: closing === null ? null : closing.minus(ledger).toString(),
              completedAt: now,
            },
          },
        ];
      }
      case 'ApproveReconciliation': {
        const approvedByKeyId = requireIdentifier(command.data.approvedByKeyId, 'approvedByKeyId');
        requireStatus(state, 'completed', 'approved');
        if (approvedByKeyId === state.completedByKeyId) {
          throw new DomainError('FOUR_EYES_REQUIRED', `Reconciliation ${session.sessionId} must be approved by another key than the one that completed it`, {
            sessionId: session.sessionId,
            completedByKeyId: state.completedByKeyId,
          });
        }
        return [{ type: 'ReconciliationApproved', data: { sessionId: session.sessionId, approvedByKeyId, approvedAt: now } }];
      }
      case 'ReopenReconciliation': {
        const reopenedByKeyId = requireIdentifier(command.data.reopenedByKeyId, 'reopenedByKeyId');
        const reason = requireReason(command.data.reason);
        requireStatus(state, 'completed', 'reopened');
        return [{ type: 'ReconciliationReopened', data: { sessionId: session.sessionId, reopenedByKeyId, reason, reopenedAt: now } }];
      }
      default:
        return assertNever(command, 'reconciliation session command');
    }
  });
}

function requireStatus(state: ReconciliationSessionState, expected: ReconciliationSessionStatus, action: string): void {
  if (state.status === 'none') throw new DomainError('NOT_FOUND', 'The reconciliation session has not been started', { field: 'period' });
  if (state.status !== expected) {
    throw new DomainError('INVALID_STATE_TRANSITION', `Reconciliation ${state.sessionId} is ${state.status}: it cannot be ${action}`, {
      sessionId: state.sessionId,
      status: state.status,
    });
  }
}

export function evolveReconciliationSession(state: ReconciliationSessionState, event: ReconciliationSessionEvent): ReconciliationSessionState {
  switch (event.type) {
    case 'ReconciliationStarted': {
      const { sessionId, bankAccountId, period, fromDate, toDate } = event.data;
      return { ...initialReconciliationSessionState, status: 'in_progress', sessionId, bankAccountId, period, fromDate, toDate };
    }
    case 'ReconciliationCompleted': {
      const { completedByKeyId, statementClosingBalance, ledgerBalance, difference } = event.data;
      return { ...state, status: 'completed', completedByKeyId, statementClosingBalance, ledgerBalance, difference };
    }
    case 'ReconciliationApproved':
      return { ...state, status: 'approved' };
    case 'ReconciliationReopened':
      return { ...state, status: 'in_progress', completedByKeyId: null };
    default:
      return assertNever(event, 'reconciliation session event');
  }
}

export const reconciliationSessionDecider: Decider<ReconciliationSessionCommand, ReconciliationSessionEvent, ReconciliationSessionState> = {
  decide: decideReconciliationSession,
  evolve: evolveReconciliationSession,
  initialState: initialReconciliationSessionState,
};
