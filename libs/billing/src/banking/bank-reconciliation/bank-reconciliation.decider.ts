import type { Decider } from '../../common/decider.js';
import type { BankReconciliationCommand } from './bank-reconciliation.commands.js';
import { decideBankReconciliation } from './bank-reconciliation.decide.js';
import type { BankReconciliationEvent } from './bank-reconciliation.events.js';
import { evolveBankReconciliation, initialBankReconciliationState, type BankReconciliationState } from './bank-reconciliation.state.js';

export const bankReconciliationDecider: Decider<BankReconciliationCommand, BankReconciliationEvent, BankReconciliationState> = {
  decide: decideBankReconciliation,
  evolve: evolveBankReconciliation,
  initialState: initialBankReconciliationState,
};
