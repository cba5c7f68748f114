import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../../testing/src/decider-spec.js';
import { isDomainError } from '../../common/domain-error.js';
import { expectEventsValid, unchecked } from '../banking.test-helper.js';
import type { ApproveReconciliation, CompleteReconciliation, ReopenReconciliation, StartReconciliation } from './reconciliation-session.commands.js';
import { decideReconciliationSession, reconciliationSessionDecider, reconciliationSessionOf } from './reconciliation-session.decider.js';
import {
  reconciliationSessionEventSchemas,
  type ReconciliationApproved,
  type ReconciliationCompleted,
  type ReconciliationReopened,
  type ReconciliationStarted,
} from './reconciliation-session.events.js';

const spec = DeciderSpecification.for(reconciliationSessionDecider);
const now = '2026-04-02T09:00:00.000Z';
const key = { bankAccountId: 'ba_1', period: '2026-02' };
const sessionId = 'ba_1-2026-02';

const start = (startedByKeyId = 'key-alice'): StartReconciliation => ({ type: 'StartReconciliation', data: { ...key, startedByKeyId }, metadata: { now } });
const complete = (completedByKeyId = 'key-alice', figures: Partial<CompleteReconciliation['data']['figures']> = {}): CompleteReconciliation => ({
  type: 'CompleteReconciliation',
  data: { ...key, completedByKeyId, currency: 'USD', figures: { statementClosingBalance: '1382.01', ledgerBalance: '1382.01', unresolvedLineIds: [], ...figures } },
  metadata: { now },
});
const approve = (approvedByKeyId: string): ApproveReconciliation => ({ type: 'ApproveReconciliation', data: { ...key, approvedByKeyId }, metadata: { now } });
const reopen = (reason = 'A late fee line arrived'): ReopenReconciliation => ({ type: 'ReopenReconciliation', data: { ...key, reopenedByKeyId: 'key-bob', reason }, metadata: { now } });

const started: ReconciliationStarted = {
  type: 'ReconciliationStarted',
  data: { sessionId, bankAccountId: 'ba_1', period: '2026-02', fromDate: '2026-02-01', toDate: '2026-02-28', startedByKeyId: 'key-alice', startedAt: now },
};
const completed = (completedByKeyId = 'key-alice'): ReconciliationCompleted => ({
  type: 'ReconciliationCompleted',
  data: { sessionId, completedByKeyId, currency: 'USD', statementClosingBalance: '1382.01', ledgerBalance: '1382.01', difference: '0.00', completedAt: now },
});
const approved: ReconciliationApproved = { type: 'ReconciliationApproved', data: { sessionId, approvedByKeyId: 'key-bob', approvedAt: now } };
const reopened: ReconciliationReopened = { type: 'ReconciliationReopened', data: { sessionId, reopenedByKeyId: 'key-bob', reason: 'A late fee line arrived', reopenedAt: now } };

describe('the session of an account and a month', () => {
  it('is named <bankAccountId>-<period> and covers the whole month (leap years too)', () => {
    expect(reconciliationSessionOf('ba_1', '2026-02')).toEqual({ sessionId, fromDate: '2026-02-01', toDate: '2026-02-28' });
    expect(reconciliationSessionOf('ba_1', '2024-02').toDate).toBe('2024-02-29');
    expect(reconciliationSessionOf('ba_1', '2026-12').toDate).toBe('2026-12-31');
  });

  it('starts in progress; starting again decides nothing', () => {
    spec.given([]).when(start()).then([started]);
    spec.given([started]).when(start('key-bob')).thenNothing();
    expectEventsValid([started, completed(), approved, reopened], reconciliationSessionEventSchemas);
  });

  it.each([['2026-13'], ['2026-2'], ['26-02'], ['']])('refuses period %j: VALIDATION_FAILED', (period) => {
    spec.given([]).when({ ...start(), data: { ...start().data, period } }).thenThrows('VALIDATION_FAILED', /period/);
  });
});

describe('completion', () => {
  it('records the figures and the difference (statement closing - ledger)', () => {
    spec.given([started]).when(complete()).then([completed()]);
    const [short] = decideReconciliationSession(complete('key-alice', { ledgerBalance: '1380.00' }), reconciliationSessionDecider.evolve(reconciliationSessionDecider.initialState, started));
    expect(short?.data).toMatchObject({ statementClosingBalance: '1382.01', ledgerBalance: '1380.00', difference: '2.01' });
  });

  it('without a statement ending in the period, the closing balance and the difference are null', () => {
    const [event] = decideReconciliationSession(complete('key-alice', { statementClosingBalance: null }), reconciliationSessionDecider.evolve(reconciliationSessionDecider.initialState, started));
    expect(event?.data).toMatchObject({ statementClosingBalance: null, difference: null });
  });

  it('is refused with RECONCILIATION_UNRESOLVED while any line of the period is neither matched nor resolved, listing them', () => {
    spec.given([started]).when(complete('key-alice', { unresolvedLineIds: ['st-1-4', 'st-1-7'] })).thenThrows('RECONCILIATION_UNRESOLVED', /2 statement line/);
    let refusal: unknown = null;
    try {
      decideReconciliationSession(complete('key-alice', { unresolvedLineIds: ['st-1-4'] }), reconciliationSessionDecider.evolve(reconciliationSessionDecider.initialState, started));
    } catch (error) {
      refusal = error;
    }
    expect(isDomainError(refusal) && refusal.details).toEqual({ sessionId, unresolvedLineCount: 1, unresolvedLineIds: ['st-1-4'] });
  });

  it('before the start is NOT_FOUND; twice is INVALID_STATE_TRANSITION; after approval too', () => {
    spec.given([]).when(complete()).thenThrows('NOT_FOUND');
    spec.given([started, completed()]).when(complete()).thenThrows('INVALID_STATE_TRANSITION', /is completed/);
    spec.given([started, completed(), approved]).when(complete('key-carol')).thenThrows('INVALID_STATE_TRANSITION', /is approved/);
  });

  it('refuses figures that are not amounts of the currency', () => {
    spec.given([started]).when(complete('key-alice', { ledgerBalance: '1.001' })).thenThrows('VALIDATION_FAILED', /ledgerBalance/);
    spec.given([started]).when(complete('key-alice', { statementClosingBalance: unchecked(12) })).thenThrows('VALIDATION_FAILED', /statementClosingBalance/);
  });
});

describe('approval (four eyes)', () => {
  it('by another key than the completing one approves it', () => {
    spec.given([started, completed()]).when(approve('key-bob')).then([approved]);
  });

  it('by the key that completed it is FOUR_EYES_REQUIRED, with no event', () => {
    spec.given([started, completed('key-alice')]).when(approve('key-alice')).thenThrows('FOUR_EYES_REQUIRED', /another key/);
  });

  it('the key that started it may approve when another completed it', () => {
    spec.given([started, completed('key-bob')]).when(approve('key-alice')).then([{ ...approved, data: { ...approved.data, approvedByKeyId: 'key-alice' } }]);
  });

  it('is refused unless completed: in progress, approved already, or never started', () => {
    spec.given([started]).when(approve('key-bob')).thenThrows('INVALID_STATE_TRANSITION', /in_progress/);
    spec.given([started, completed(), approved]).when(approve('key-carol')).thenThrows('INVALID_STATE_TRANSITION', /approved/);
    spec.given([]).when(approve('key-bob')).thenThrows('NOT_FOUND');
  });

  it('after a reopen, the key that completes it again is the one that may not approve', () => {
    spec.given([started, completed('key-alice'), reopened, completed('key-bob')]).when(approve('key-bob')).thenThrows('FOUR_EYES_REQUIRED');
    spec.given([started, completed('key-alice'), reopened, completed('key-bob')]).when(approve('key-alice')).then([{ ...approved, data: { ...approved.data, approvedByKeyId: 'key-alice' } }]);
  });
});

describe('reopen', () => {
  it('takes a completed session back to in progress, with a reason', () => {
    spec.given([started, completed()]).when(reopen()).then([reopened]);
    spec.given([started, completed(), reopened]).when(complete()).then([completed()]);
  });

  it('is refused after approval, while in progress, and without a reason', () => {
    spec.given([started, completed(), approved]).when(reopen()).thenThrows('INVALID_STATE_TRANSITION', /approved/);
    spec.given([started]).when(reopen()).thenThrows('INVALID_STATE_TRANSITION');
    spec.given([started, completed()]).when(reopen('')).thenThrows('VALIDATION_FAILED', /reason/);
  });
});
