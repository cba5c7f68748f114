export * from './bank-reconciliation.commands.js';
export * from './bank-reconciliation.events.js';
export { decideBankReconciliation } from './bank-reconciliation.decide.js';
export { bankReconciliationDecider } from './bank-reconciliation.decider.js';
export {
  activeMatchesOf,
  evolveBankReconciliation,
  initialBankReconciliationState,
  isKnownLineKey,
  matchableLinesOf,
  matchedOrResolvedPaymentIds,
  matchOf,
  paymentStatusOf,
  reconciliationFigures,
  statementLineOf,
  statementLinesOf,
  statementOf,
  statementOfFile,
  statementsOf,
  type BankReconciliationState,
  type ReconciliationFigures,
  type ReconciliationLine,
  type ReconciliationMatch,
  type ReconciliationPaymentStatus,
  type ReconciliationStatement,
  type StatementLineStatus,
} from './bank-reconciliation.state.js';
