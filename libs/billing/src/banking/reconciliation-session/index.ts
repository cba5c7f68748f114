export * from './reconciliation-session.commands.js';
export * from './reconciliation-session.events.js';
export {
  decideReconciliationSession,
  evolveReconciliationSession,
  initialReconciliationSessionState,
  reconciliationSessionDecider,
  reconciliationSessionOf,
  type ReconciliationSessionState,
} from './reconciliation-session.decider.js';
